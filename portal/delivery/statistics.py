"""The postal channel's figures for a period, per agency (issue 15, "Statistics"): dossiers
received by post (the statistics table's own cell), results handed to the post, delivered,
brought back to the centre, the delivery success rate and the days in transit. Computed from
the shipments' own timestamps; each count has the list of its dossiers (``dossiers``)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from portal.catalog.models import Agency
from portal.core.i18n import N_
from portal.delivery.models import Direction, Shipment
from portal.dossiers.models import Channel, Dossier
from portal.extensions import db
from portal.stats.figures import Period


class Measure(enum.StrEnum):
    RECEIVED = "received"  # dossiers received by post in the period
    POSTED = "posted"  # results handed to the post in the period
    DELIVERED = "delivered"  # shipments delivered in the period
    RETURNED = "returned"  # shipments brought back to the centre in the period


LABELS = {Measure.RECEIVED: N_("Tiếp nhận qua bưu chính"),
          Measure.POSTED: N_("Chuyển trả kết quả qua bưu chính"),
          Measure.DELIVERED: N_("Đã phát thành công"),
          Measure.RETURNED: N_("Chuyển hoàn về Trung tâm")}


@dataclass
class Row:
    agency: Agency | None  # None: the total
    counts: dict[Measure, int] = field(default_factory=lambda: dict.fromkeys(Measure, 0))
    transit_days: list[float] = field(default_factory=list)

    @property
    def success_rate(self) -> float | None:
        ended = self.counts[Measure.DELIVERED] + self.counts[Measure.RETURNED]
        return self.counts[Measure.DELIVERED] / ended if ended else None

    @property
    def mean_transit_days(self) -> float | None:
        return sum(self.transit_days) / len(self.transit_days) if self.transit_days else None


def _within(column, period: Period):
    return (column >= period.start_at) & (column < period.end_at)


def dossiers(period: Period, measure: Measure, agency_ids: Sequence[int]) -> Select:
    """The dossiers behind one count (the drill-down), newest first."""
    ids = list(agency_ids) or [-1]
    if measure is Measure.RECEIVED:
        return select(Dossier).where(Dossier.agency_id.in_(ids), Dossier.channel == Channel.POSTAL,
                                     _within(Dossier.received_at, period)).order_by(
            Dossier.received_at.desc(), Dossier.id.desc())
    column = {Measure.POSTED: Shipment.created_at, Measure.DELIVERED: Shipment.delivered_at,
              Measure.RETURNED: Shipment.returned_at}[measure]
    return (select(Dossier).join(Shipment, Shipment.dossier_id == Dossier.id)
            .where(Dossier.agency_id.in_(ids), Shipment.direction == Direction.OUTBOUND,
                   _within(column, period)).order_by(column.desc(), Dossier.id.desc()))


def postal_table(period: Period, among: Sequence[Agency]) -> tuple[list[Row], Row]:
    rows = {a.id: Row(a) for a in among}
    total = Row(None)
    ids = list(rows) or [-1]

    def add(agency_id: int, measure: Measure, n: int) -> None:
        rows[agency_id].counts[measure] += n
        total.counts[measure] += n

    received = db.session.execute(
        select(Dossier.agency_id, func.count()).where(
            Dossier.agency_id.in_(ids), Dossier.channel == Channel.POSTAL,
            _within(Dossier.received_at, period)).group_by(Dossier.agency_id))
    for agency_id, n in received:
        add(agency_id, Measure.RECEIVED, int(n))
    outbound = (select(Dossier.agency_id, Shipment.created_at, Shipment.dispatched_at,
                       Shipment.delivered_at, Shipment.returned_at)
                .join(Dossier, Dossier.id == Shipment.dossier_id)
                .where(Dossier.agency_id.in_(ids), Shipment.direction == Direction.OUTBOUND))
    for agency_id, created, dispatched, delivered, returned in db.session.execute(outbound):
        if period.start_at <= created < period.end_at:
            add(agency_id, Measure.POSTED, 1)
        if delivered is not None and period.start_at <= delivered < period.end_at:
            add(agency_id, Measure.DELIVERED, 1)
            if dispatched is not None:
                days = (delivered - dispatched).total_seconds() / 86400
                rows[agency_id].transit_days.append(days)
                total.transit_days.append(days)
        if returned is not None and period.start_at <= returned < period.end_at:
            add(agency_id, Measure.RETURNED, 1)
    return list(rows.values()), total
