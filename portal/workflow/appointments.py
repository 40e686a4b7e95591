"""A late dossier's new appointment (form 04, the apology): a working instant of the calendar
engine, proposed from the work the procedure still plans and explained like every other
deadline; and when an apology is owed (issue 18).

Every page reads one current appointment, ``Dossier.appointment_at`` (the apology's new date
if there is one, else the due time); the statutory due time never changes (the statistics
judge against it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from portal.calendar.engine import Deadline, Duration, DurationUnit, WorkCalendar
from portal.dossiers.models import Dossier

_TICK = timedelta(microseconds=1)


def apology_owed(dossier: Dossier, now: datetime) -> bool:
    """Overdue, and either never apologised for or past the apology's own new date."""
    if not dossier.is_overdue(now):
        return False
    return dossier.new_appointment_at is None or now > dossier.new_appointment_at


def remaining_work(dossier: Dossier, calendar: WorkCalendar) -> Duration:
    """The working time the procedure's internal steps still plan: every step from the one
    in hand to the last (a step begun counts whole), at least one working day."""
    finished = [s.position for s in dossier.steps if s.finished_at is not None]
    done = max(finished, default=-1)
    hours = sum(step.hours for step in dossier.procedure_version.steps if step.position > done)
    day = int(calendar.day_length / timedelta(hours=1))
    if hours <= day:
        return Duration(1, DurationUnit.DAYS)
    if hours % day == 0:
        return Duration(hours // day, DurationUnit.DAYS)
    return Duration(hours, DurationUnit.HOURS)


def proposed_appointment(dossier: Dossier, calendar: WorkCalendar, now: datetime) -> Deadline:
    """What the apology form proposes: now plus the work still planned, on a whole minute
    (the form's time has no seconds; rounding up to it never leaves the session, whose end
    is itself allowed)."""
    deadline = calendar.add(now, remaining_work(dossier, calendar))
    due = deadline.due
    if due.second or due.microsecond:
        due = due.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return replace(deadline, due=due)


def is_appointment_instant(calendar: WorkCalendar, at: datetime) -> bool:
    """A moment the centre is open: inside a working session, or the very end of one (a
    deadline the engine computes can end exactly at 17:00)."""
    return calendar.is_working_instant(at) or calendar.is_working_instant(at - _TICK)
