"""Month by month within a period (issue #5, the charts): dossiers received per channel, and
dossiers pending and overdue at each month's end. The first and last months are cut to the
period, so the months' intake adds up to the table's online + direct cells, and the last
month's end is the period's end (the table's pending and overdue cells).

Counted from the dossiers' own timestamps with the same definitions as ``figures``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from portal.catalog.models import Agency
from portal.core.models import UTCDateTime, utcnow
from portal.dossiers.models import Channel, Dossier
from portal.extensions import db
from portal.stats.days import StatsDay
from portal.stats.figures import Period, local_date, spans
from portal.workflow.overdue import clock_held

MAX_MONTHS = 36  # a chart of more months than this shows the last ones only


@dataclass
class Month:
    period: Period  # the month, cut to the period asked for
    received: dict[Channel, int] = field(default_factory=lambda: {c: 0 for c in Channel})
    pending: int = 0
    overdue: int = 0

    @property
    def label(self) -> str:
        return f"{self.period.start:%m/%Y}"

    @property
    def cut(self) -> bool:
        """The month is only partly in the period."""
        return self.period != Period.month(self.period.start.year, self.period.start.month)

    @property
    def received_total(self) -> int:
        return sum(self.received.values())


def months_of(period: Period) -> list[Period]:
    """The calendar months that ``period`` touches, each cut to the period."""
    months, start = [], period.start
    while start <= period.end:
        month_end = Period.month(start.year, start.month).end
        months.append(Period(start, min(month_end, period.end)))
        start = month_end + timedelta(days=1)
    return months


def monthly(period: Period, among: Sequence[Agency], limit: int = MAX_MONTHS) -> list[Month]:
    """The months of ``period`` (the last ``limit`` of them) with their intake per channel
    (the daily rollup's days) and their pending and overdue counts at month end (the table's
    two cells, ``_open_at_ends``)."""
    months = [Month(p) for p in months_of(period)][-limit:]
    if not months:
        return []
    ids = [a.id for a in among] or [-1]
    first, last = months[0].period.start, months[-1].period
    index = {(m.period.start.year, m.period.start.month): m for m in months}
    days = _days(ids, Period(first, last.end))
    for received_on, channel, count in _received_per_day(ids, Period(first, last.end), days):
        received_on = _as_date(received_on)
        index[(received_on.year, received_on.month)].received[Channel(channel)] += int(count)
    for month, (pending, overdue) in zip(months, _open_at_ends(ids, months, days=days),
                                         strict=True):
        month.pending, month.overdue = pending, overdue
    return months


def _days(ids: list[int], period: Period) -> list[tuple]:
    """(local date, online, counter, postal, resolved) summed over the agencies, from the
    daily rollup (counter = direct − postal), for the period's days that have any."""
    days = StatsDay.__table__
    return [(_as_date(day), *(int(n or 0) for n in counts)) for day, *counts in
            db.session.execute(
                select(days.c.day, func.sum(days.c.online),
                       func.sum(days.c.direct - days.c.postal), func.sum(days.c.postal),
                       func.sum(days.c.resolved))
                .where(days.c.agency_id.in_(ids), days.c.day >= period.start,
                       days.c.day <= period.end)
                .group_by(days.c.day))]


def _open_at_ends(ids: list[int], months: list[Month], now: datetime | None = None,
                  days: list[tuple] | None = None) -> list[tuple[int, int]]:
    """(pending, overdue) at each month's end: the table's cells (``figures.period_frame``:
    pending = open at the end, ``spanning``; overdue = pending, past the due time at the
    judged instant — the end, or now for a month not over — and no pause holding the clock
    then), for every month at once (issue 19).

    Pending is counted without reading the open dossiers at each end: a month's end and the
    first month's start are local midnights, so the dossiers open at the end are those open
    at the start, plus those received on the days between, minus those finished on them —
    the rollup's receptions and endings (a dossier finished before its reception is open at
    no instant and in the rollup on no day, so it is left out of every term alike). Overdue
    reads the few dossiers past their due time at the judged instant and open at the end
    (``overdue_span``: on PostgreSQL the GiST index ix_dossier_overdue_span of the ranges
    (due_at, finished_at]) and looks up their own pauses."""
    now = now or utcnow()
    first, last = months[0].period, months[-1].period
    if days is None:
        days = _days(ids, Period(first.start, last.end))
    d = Dossier
    pending = db.session.scalar(select(func.count()).select_from(d).where(
        spans(first.start_at), d.agency_id.in_(ids))) or 0
    change: dict[date, int] = {}
    for day, online, counter, postal, resolved in days:
        change[day] = change.get(day, 0) + online + counter + postal - resolved
    at_end = []
    for month in months:
        pending += sum(n for day, n in change.items()
                       if month.period.start <= day <= month.period.end)
        at_end.append(pending)

    ends = union_all(*(
        select(literal(n).label("n"), literal(m.period.end_at, UTCDateTime()).label("end_at"),
               literal(min(m.period.end_at, now), UTCDateTime()).label("judged_at"))
        for n, m in enumerate(months))).subquery("month_end")
    open_at_end = and_(d.received_at < ends.c.end_at,
                       or_(d.finished_at.is_(None), d.finished_at >= ends.c.end_at))
    # Grouped by agency and filtered here, the pauses looked up in the select list: the
    # planner's cost of the agencies' IN list and of a pause lookup per row read (not per
    # row kept) would otherwise pass PostgreSQL's JIT threshold (≈ 0.5 s compiling).
    held = case((clock_held(ends.c.judged_at, per_row=True), 1), else_=0)
    rows = db.session.execute(
        select(ends.c.n, d.agency_id, func.count(), func.sum(held))
        .select_from(ends.join(d, and_(overdue_span(ends.c.judged_at), open_at_end)))
        .group_by(ends.c.n, d.agency_id))
    wanted, overdue = set(ids), {}
    for n, agency_id, candidates, paused in rows:
        if agency_id in wanted:
            overdue[n] = overdue.get(n, 0) + int(candidates) - int(paused or 0)
    return [(at_end[n], int(overdue.get(n, 0))) for n in range(len(months))]


class overdue_span(FunctionElement):
    """The received dossier is past its due time at the instant and was not finished before
    it: the range (due_at, finished_at] contains it. On PostgreSQL written as the range of
    the GiST index ``ix_dossier_overdue_span`` (days.OVERDUE_SPAN_SQL, with its predicate:
    the dossiers finished late or not finished, a few percent) so that the index finds them
    among millions; elsewhere as the plain comparisons."""

    type = Boolean()
    inherit_cache = True
    name = "overdue_span"


@compiles(overdue_span)
def _overdue_span_postgresql(element, compiler, **kw):
    d, instant = Dossier, list(element.clauses)[0]
    span = func.tstzrange(d.due_at, d.finished_at, literal_column("'(]'"))
    return compiler.process(and_(
        d.received_at.is_not(None), d.due_at.is_not(None),
        or_(d.finished_at.is_(None), d.finished_at > d.due_at),
        span.op("@>")(cast(instant, UTCDateTime()))), **kw)


@compiles(overdue_span, "sqlite")
def _overdue_span_sqlite(element, compiler, **kw):
    d, instant = Dossier, list(element.clauses)[0]
    return compiler.process(and_(d.received_at.is_not(None), d.due_at < instant,
                                 or_(d.finished_at.is_(None), d.finished_at >= instant)), **kw)


def _received_per_day(ids: list[int], period: Period,
                      days: list[tuple] | None = None) -> list[tuple]:
    """(local date, channel, dossiers received): from the daily rollup (issue 19: its online,
    direct and postal columns; counter = direct − postal), plus the dossiers it leaves out
    (finished before their reception), counted directly — the same numbers as one GROUP BY
    over the dossiers received in the period."""
    if days is None:
        days = _days(ids, period)
    rows = [(day, channel, count) for day, *counts, _resolved in days
            for channel, count in zip((Channel.ONLINE, Channel.COUNTER, Channel.POSTAL),
                                      counts, strict=True) if count]
    d, day = Dossier, local_date(Dossier.received_at)
    anomaly = and_(d.agency_id.in_(ids), d.finished_at < d.received_at)
    if db.session.scalar(select(literal(1)).where(anomaly).limit(1)):
        rows += db.session.execute(
            select(day.label("day"), d.channel, func.count())
            .where(anomaly, d.received_at >= period.start_at, d.received_at < period.end_at)
            .group_by(day, d.channel)).all()
    return rows


def _as_date(value) -> date:
    # SQLite returns the date() function's text, PostgreSQL a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
