"""Shared mechanisms used by every area: database helpers, text, time, security."""
