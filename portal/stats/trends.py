"""Month by month within a period (issue #5, the charts): dossiers received per channel, and
dossiers pending and overdue at each month's end. The first and last months are cut to the
period, so the months' intake adds up to the table's online + direct cells, and the last
month's end is the period's end (the table's pending and overdue cells).

Counted from the dossiers' own timestamps with the same definitions as ``figures``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, literal, select

from portal.catalog.models import Agency
from portal.dossiers.models import Channel, Dossier
from portal.extensions import db
from portal.stats.days import StatsDay
from portal.stats.figures import Cell, Period, local_date, table

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
    for month in months:
        at_end = table(month.period, among, (Cell.PENDING, Cell.OVERDUE)).total
        month.pending, month.overdue = at_end[Cell.PENDING], at_end[Cell.OVERDUE]
    return months


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
