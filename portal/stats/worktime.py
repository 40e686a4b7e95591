"""Working time inside SQL: how much working time lies between two timestamp columns, for
thousands of rows in one statement, with the calendar engine's own answer.

The calendar engine (``portal.calendar``) is Python; calling it once per row would make the
monitoring dashboard's lists cost milliseconds per thousand rows. Instead the engine is asked
once per *day* of a short range: ``working_clock`` turns the range into a small table (one row
per local date: the working seconds counted from the range's start to that date's midnight,
and whether it is a working day), and ``WorkingClock.reading`` gives, for a timestamp column,
the working seconds from the range's start to that instant — the day's count plus the part of
that day's sessions already past. The difference of two readings is the working time between
them, exactly ``WorkCalendar.elapsed`` (tests/unit/stats/test_monitoring.py compares both).

Local time is UTC+7 all year (Viet Nam keeps no daylight saving time), so a local date is a
whole number of days since 1970-01-01 of the shifted epoch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import BigInteger, case, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from portal.calendar import WorkCalendar

_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh, no DST
_DAY = 86400
_EPOCH = date(1970, 1, 1)


class local_epoch(FunctionElement):
    """Whole seconds since 1970-01-01 00:00 *local* time of a UTC timestamp column."""

    type = BigInteger()
    inherit_cache = True


@compiles(local_epoch, "sqlite")
def _local_epoch_sqlite(element, compiler, **kw):
    # SQLite stores UTCDateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' text in UTC.
    column = compiler.process(element.clauses, **kw)
    return f"CAST(strftime('%s', {column}, '+7 hours') AS INTEGER)"


@compiles(local_epoch)
def _local_epoch_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"(CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT) + {_OFFSET})"


def local_day_number(column) -> ColumnElement[int]:
    """The local date of ``column`` as days since 1970-01-01 (integer division: the epoch
    values of the portal's era are positive, so truncation is the floor)."""
    return local_epoch(column) // _DAY


def _day_number(day: date) -> int:
    return (day - _EPOCH).days


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class WorkingClock:
    """A table of local dates [first, last] and the sessions of the calendar that built it."""

    first: date
    last: date
    table: object  # a CTE: day (days since 1970-01-01), start (working seconds), working
    sessions: tuple[tuple[int, int], ...]  # (start, end) in seconds since local midnight
    day_seconds: int

    def alias(self, name: str):
        return self.table.alias(name)

    def join_on(self, days, column) -> ColumnElement[bool]:
        """The join condition of an alias of the table to a timestamp column's date."""
        return days.c.day == local_day_number(column)

    def reading(self, days, column) -> ColumnElement[int]:
        """Working seconds from the table's first midnight to the instant in ``column``
        (``days`` is the alias joined on that column's date)."""
        second = local_epoch(column) % _DAY
        past = sum((case((second <= start, 0), (second >= end, end - start),
                         else_=second - start) for start, end in self.sessions), literal(0))
        return days.c.start + case((days.c.working == 1, past), else_=0)


def working_clock(calendar: WorkCalendar, first: date, last: date) -> WorkingClock:
    """The table for local dates ``first`` … ``last`` (a few weeks: one row per day)."""
    sessions = tuple((_seconds(s.start), _seconds(s.end)) for s in calendar.rules.sessions)
    day_seconds = int(calendar.day_length.total_seconds())
    rows, counted, day = [], 0, first
    while day <= last:
        working = calendar.is_working_day(day)
        rows.append(select(literal(_day_number(day)).label("day"),
                           literal(counted).label("start"),
                           literal(1 if working else 0).label("working")))
        counted += day_seconds if working else 0
        day += timedelta(days=1)
    return WorkingClock(first, last, union_all(*rows).cte("work_days"), sessions, day_seconds)


__all__ = ["WorkingClock", "local_day_number", "local_epoch", "working_clock"]
