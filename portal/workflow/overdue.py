"""When a dossier is overdue: one rule, read by every place that judges it (issue 12) — the
statistics table at a period's end (``portal.stats.figures``), the monitoring dashboard
(``portal.stats.monitoring``), the officers' overdue queue (``queries``), the overdue flags of
the staff pages and of the applicant's page, and the apology (form 04), through
``Dossier.is_overdue``.

A received dossier is overdue at an instant when it was not finished by then, its statutory
due time (``Dossier.due_at``; an apology's new appointment does not move it) has passed, and
no pause holds its clock. Only a pause that began with working time left holds it
(``Pause.remaining_seconds`` > 0, the time its resume adds back): while the applicant has the
next move the agency is not late. Papers asked for after the due time record no time left,
so that pause holds nothing and the dossier stays overdue while it waits, as it will be once
they come (the resume does not move its due time). A dossier ended during a pause closes the
pause the way a resume does before it is judged (``actions._end``), so on time or late is read
against the due time moved by the wait.

The rule is written here twice, in SQL (``holds_clock``, ``clock_held``, ``overdue_now``) and
in Python (``pause_holds_clock``, ``is_overdue``); tests/unit/stats/test_overdue_rule.py checks
that both give the same answer for the same dossiers. Judged *now*, a dossier whose clock
runs has no open pause (pauses open only in ``PAUSED_STATES``), which lets the queues and the
monitoring read their small indexes for the running dossiers and look at the pauses of the
waiting ones alone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, literal, not_, or_, select
from sqlalchemy.sql.expression import ColumnElement

from portal.dossiers.models import Dossier
from portal.dossiers.states import CLOCK_RUNNING_STATES, PAUSED_STATES
from portal.workflow.models import Pause

if TYPE_CHECKING:
    from sqlalchemy.orm.util import AliasedClass


# --- SQL -------------------------------------------------------------------------------------

def holds_clock(instant: datetime, pause: type[Pause] | AliasedClass = Pause
                ) -> ColumnElement[bool]:
    """The condition on a ``dossier_pause`` row: it holds its dossier's clock at ``instant``
    (begun before it, with working time left, not ended before it)."""
    return and_(pause.started_at < instant, pause.remaining_seconds > 0,
                or_(pause.ended_at.is_(None), pause.ended_at >= instant))


def clock_held(instant: datetime, *, per_row: bool = False) -> ColumnElement[bool]:
    """The dossier's clock is held at ``instant`` by one of its pauses. ``per_row``: looked
    up for each dossier that reaches the test (ix_dossier_pause_dossier_id), never by hashing
    every pause — where the test is not a top-level condition (under OR), PostgreSQL would
    otherwise read the whole pause table on every query (OFFSET 0 keeps it a correlated
    subquery)."""
    held = select(literal(1)).where(Pause.dossier_id == Dossier.id, holds_clock(instant))
    return exists(held.offset(0) if per_row else held)


def paused_overdue_now(now: datetime) -> ColumnElement[bool]:
    """Waiting for the applicant, past the due time, by a pause that holds nothing."""
    return and_(Dossier.state.in_(PAUSED_STATES), Dossier.due_at < now,
                not_(clock_held(now)))


def overdue_now(now: datetime) -> ColumnElement[bool]:
    """Overdue at ``now`` (the present, or a present being simulated): the clock runs and the
    due time has passed, or the dossier waits by a pause that holds nothing. Written as one
    range of (state, due time) and a filter, so that a queue reads it from
    ``ix_dossier_agency_state_due`` alone and looks at the pauses of waiting dossiers only."""
    return and_(Dossier.state.in_([*CLOCK_RUNNING_STATES, *sorted(PAUSED_STATES)]),
                Dossier.due_at < now,
                not_(and_(Dossier.state.in_(PAUSED_STATES), clock_held(now, per_row=True))))


# --- Python ----------------------------------------------------------------------------------

def pause_holds_clock(pause: Pause, instant: datetime) -> bool:
    """``holds_clock`` for one loaded pause."""
    return (pause.started_at < instant and (pause.remaining_seconds or 0) > 0
            and (pause.ended_at is None or pause.ended_at >= instant))


def is_overdue(dossier: Dossier, now: datetime) -> bool:
    """``overdue_now`` for one loaded dossier (its pauses are read only when it waits for
    the applicant past its due time)."""
    if (dossier.received_at is None or dossier.due_at is None or dossier.is_resolved
            or not dossier.due_at < now):
        return False
    if dossier.state in CLOCK_RUNNING_STATES:
        return True
    return dossier.state in PAUSED_STATES and not any(
        pause_holds_clock(p, now) for p in dossier.pauses)


__all__ = ["clock_held", "holds_clock", "is_overdue", "overdue_now", "pause_holds_clock",
           "paused_overdue_now"]
