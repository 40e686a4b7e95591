"""Decision 766's online-payment indicator (issue 14, docs/payments.md "Online-payment
indicator"): per agency and period, among the fee-bearing dossiers paid in the period (a
payment of one of its requests confirmed then, Vietnam time), the share paid online — every
such payment made through the gateway or by VietQR transfer; a dossier with a payment at
the counter (the centre's or the bank's) in the period counts as paid at the counter. Each
count has the list of its dossiers (``dossiers``)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, select

from portal.catalog.models import Agency
from portal.core.i18n import N_
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments.models import PAID_STATES, Payment, PaymentMethod, PaymentRequest
from portal.stats.figures import Period

ONLINE = (PaymentMethod.GATEWAY, PaymentMethod.VIETQR)


class Measure(enum.StrEnum):
    PAID = "paid"  # fee-bearing dossiers paid in the period
    ONLINE = "online"  # of which paid online only
    COUNTER = "counter"  # of which with a payment at a counter


LABELS = {Measure.PAID: N_("Hồ sơ có phí, lệ phí đã thanh toán"),
          Measure.ONLINE: N_("Thanh toán trực tuyến"),
          Measure.COUNTER: N_("Thanh toán tại quầy")}


def _paid_in(period: Period, agency_ids: Sequence[int], *methods: PaymentMethod):
    """The ids of the dossiers of ``agency_ids`` with a payment confirmed in ``period``
    (by one of ``methods``, if given)."""
    query = (select(PaymentRequest.dossier_id)
             .join(Payment, Payment.request_id == PaymentRequest.id)
             .join(Dossier, PaymentRequest.dossier_id == Dossier.id)
             .where(Dossier.agency_id.in_(list(agency_ids) or [-1]),
                    Payment.state.in_([s.value for s in PAID_STATES]),
                    Payment.paid_at >= period.start_at, Payment.paid_at < period.end_at))
    if methods:
        query = query.where(Payment.method.in_([m.value for m in methods]))
    return query


def _ids(measure: Measure, period: Period, agency_ids: Sequence[int]):
    paid = _paid_in(period, agency_ids)
    counter = _paid_in(period, agency_ids, PaymentMethod.COUNTER, PaymentMethod.BANK_COUNTER)
    if measure is Measure.PAID:
        return paid
    if measure is Measure.COUNTER:
        return counter
    return paid.where(PaymentRequest.dossier_id.not_in(counter))


def dossiers(period: Period, measure: Measure, agency_ids: Sequence[int]) -> Select:
    """The dossiers behind one count (the drill-down), newest first."""
    return (select(Dossier).where(Dossier.id.in_(_ids(measure, period, agency_ids)))
            .order_by(Dossier.id.desc()))


@dataclass
class Row:
    agency: Agency | None  # None: the total
    counts: dict[Measure, int] = field(default_factory=lambda: dict.fromkeys(Measure, 0))

    @property
    def share(self) -> tuple[int, int]:
        """Paid online, of paid (for the ``vn_share`` filter)."""
        return self.counts[Measure.ONLINE], self.counts[Measure.PAID]


def table(period: Period, among: Sequence[Agency]) -> tuple[list[Row], Row]:
    rows = {a.id: Row(a) for a in among}
    total = Row(None)
    for measure in Measure:
        found = db.session.execute(select(Dossier.agency_id, Dossier.id).where(
            Dossier.id.in_(_ids(measure, period, list(rows)))))
        for agency_id, _ in found:
            rows[agency_id].counts[measure] += 1
            total.counts[measure] += 1
    return list(rows.values()), total
