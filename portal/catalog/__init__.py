"""Agencies, fields, counters and the versioned procedure catalog."""
