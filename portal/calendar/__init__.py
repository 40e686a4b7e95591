"""Working-time calendar engine (pure: no Flask, no database). See ``engine`` for semantics."""

from .engine import (
    VN_TZ,
    CalendarRules,
    Deadline,
    Duration,
    DurationUnit,
    Session,
    WorkCalendar,
)

__all__ = [
    "VN_TZ",
    "CalendarRules",
    "Deadline",
    "Duration",
    "DurationUnit",
    "Session",
    "WorkCalendar",
]
