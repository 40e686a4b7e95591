"""Satisfaction ratings, the counter kiosk, feedback and complaints (docs/feedback.md)."""
