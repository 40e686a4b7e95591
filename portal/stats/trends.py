"""Month by month within a period (issue #5, the charts): dossiers received per channel, and
dossiers pending and overdue at each month's end. The first and last months are cut to the
period, so the months' intake adds up to the table's online + direct cells, and the last
month's end is the period's end (the table's pending and overdue cells).

Counted from the dossiers' own timestamps with the same definitions as ``figures``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, not_, select, union_all

from portal.catalog.models import Agency
from portal.core.models import UTCDateTime, utcnow
from portal.dossiers.models import Channel, Dossier
from portal.extensions import db
from portal.stats.days import StatsDay
from portal.stats.figures import Period, local_date, spanning
from portal.workflow.models import Pause
from portal.workflow.overdue import holds_clock

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
    (the daily rollup's days) and their pending and overdue counts at month end (the
    dossiers open at each month's end: ``table``, two cells only)."""
    months = [Month(p) for p in months_of(period)][-limit:]
    if not months:
        return []
    ids = [a.id for a in among] or [-1]
    first, last = months[0].period.start, months[-1].period
    index = {(m.period.start.year, m.period.start.month): m for m in months}
    for received_on, channel, count in _received_per_day(ids, Period(first, last.end)):
        received_on = _as_date(received_on)
        index[(received_on.year, received_on.month)].received[Channel(channel)] += int(count)
    for month, (pending, overdue) in zip(months, _open_at_ends(ids, months), strict=True):
        month.pending, month.overdue = pending, overdue
    return months


def _open_at_ends(ids: list[int], months: list[Month],
                  now: datetime | None = None) -> list[tuple[int, int]]:
    """(pending, overdue) at each month's end, in one statement: the table's cells
    (``figures.period_frame``: pending = open at the end, ``spanning``; overdue = pending,
    past the due time at the judged instant — the end, or now for a month not over — and no
    pause holding the clock then), for every month at once. The month ends are a little
    table joined to the dossiers open at each (on PostgreSQL one index-only scan of
    ix_dossier_open_span per month) and each dossier past its due time looks up its own
    pauses (issue 19: thirteen ``table`` calls each hashed every pause)."""
    now = now or utcnow()
    ends = union_all(*(
        select(literal(n).label("n"), literal(m.period.end_at, UTCDateTime()).label("end_at"),
               literal(min(m.period.end_at, now), UTCDateTime()).label("judged_at"))
        for n, m in enumerate(months))).subquery("month_end")
    d = Dossier
    held = exists(select(literal(1)).where(Pause.dossier_id == d.id,
                                           holds_clock(ends.c.judged_at)))
    overdue = and_(d.due_at < ends.c.judged_at, not_(held))
    rows = db.session.execute(
        select(ends.c.n, func.count(d.id), func.sum(case((overdue, 1), else_=0)))
        .select_from(ends.join(d, and_(spanning(ends.c.end_at), d.agency_id.in_(ids))))
        .group_by(ends.c.n))
    found = {n: (int(pending), int(late or 0)) for n, pending, late in rows}
    return [found.get(n, (0, 0)) for n in range(len(months))]


def _received_per_day(ids: list[int], period: Period) -> list[tuple]:
    """(local date, channel, dossiers received): from the daily rollup (issue 19: its online,
    direct and postal columns; counter = direct − postal), plus the dossiers it leaves out
    (finished before their reception), counted directly — the same numbers as one GROUP BY
    over the dossiers received in the period."""
    days = StatsDay.__table__
    per_day = db.session.execute(
        select(days.c.day, func.sum(days.c.online), func.sum(days.c.direct - days.c.postal),
               func.sum(days.c.postal))
        .where(days.c.agency_id.in_(ids), days.c.day >= period.start, days.c.day <= period.end)
        .group_by(days.c.day))
    rows = [(day, channel, count) for day, *counts in per_day
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
