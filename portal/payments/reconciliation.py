"""The reconciliation page's figures (issue 14, docs/payments.md "Reconciliation"): per
agency and period, what was asked (requests issued), what came in by each method (payments
confirmed), what went back (refunds), and what a person still has to settle (gateway
transactions still pending, second payments of a request already paid, bank statement lines
not matched and not yet resolved). Every figure is a count and an amount, and has the list
behind it (``listing``).

The day a payment counts on is its confirmation time (``Payment.paid_at``) in Vietnam's time
zone (``Period.start_at``/``end_at``); a refund counts on its own date (the event's), not the
payment's; a request on the day it was issued. An unmatched statement line counts while it
is unresolved, in every period that ends after it was imported (like a pending gateway
transaction): it is work still to do, not money of a day. A line that names a dossier's code
belongs to that dossier's agency; one that names none (``agency_id`` empty) is counted only
for a reader of every agency looking at all of them (``untied``)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select

from portal.catalog.models import Agency
from portal.core.i18n import N_
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments.models import (
    PAID_STATES,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    RequestState,
    StatementLineRecord,
)
from portal.stats.figures import Period


class Figure(enum.StrEnum):
    EXPECTED = "expected"
    GATEWAY = "gateway"
    VIETQR = "vietqr"
    COUNTER = "counter"
    REFUNDS = "refunds"
    PENDING = "pending"
    PAID_TWICE = "paid_twice"
    UNMATCHED = "unmatched"


LABELS = {Figure.EXPECTED: N_("Phải thu (yêu cầu thanh toán đã phát hành)"),
          Figure.GATEWAY: N_("Đã thu trực tuyến qua cổng thanh toán"),
          Figure.VIETQR: N_("Đã thu qua chuyển khoản VietQR"),
          Figure.COUNTER: N_("Đã thu tại quầy"),
          Figure.REFUNDS: N_("Đã hoàn trả"),
          Figure.PENDING: N_("Giao dịch cổng thanh toán còn chờ xác nhận"),
          Figure.PAID_TWICE: N_("Thanh toán trùng cần hoàn trả"),
          Figure.UNMATCHED: N_("Dòng sao kê chưa khớp cần xử lý")}

# What each list shows: a request, a payment, a ledger event or a statement line.
KIND = {Figure.EXPECTED: "request", Figure.GATEWAY: "payment", Figure.VIETQR: "payment",
        Figure.COUNTER: "payment", Figure.PENDING: "payment", Figure.REFUNDS: "event",
        Figure.PAID_TWICE: "event", Figure.UNMATCHED: "line"}

_METHODS = {Figure.GATEWAY: [PaymentMethod.GATEWAY], Figure.VIETQR: [PaymentMethod.VIETQR],
            Figure.COUNTER: [PaymentMethod.COUNTER, PaymentMethod.BANK_COUNTER]}


def _within(column, period: Period):
    return (column >= period.start_at) & (column < period.end_at)


def _base(figure: Figure, period: Period, agency_ids: Sequence[int], *columns,
          untied: bool = False) -> Select:
    """``columns`` of the rows behind ``figure`` (joined down to the dossier; a statement
    line by its own agency, and those of none when ``untied``)."""
    ids = list(agency_ids) or [-1]
    if figure is Figure.UNMATCHED:
        line = StatementLineRecord
        mine = line.agency_id.in_(ids)
        return (select(*columns).select_from(line)
                .where(or_(mine, line.agency_id.is_(None)) if untied else mine,
                       line.resolved_at.is_(None), line.imported_at < period.end_at))
    if figure is Figure.EXPECTED:
        return (select(*columns).select_from(PaymentRequest)
                .join(Dossier, PaymentRequest.dossier_id == Dossier.id)
                .where(Dossier.agency_id.in_(ids), _within(PaymentRequest.created_at, period),
                       PaymentRequest.state != RequestState.CANCELLED))
    if KIND[figure] == "payment":
        query = (select(*columns).select_from(Payment)
                 .join(PaymentRequest, Payment.request_id == PaymentRequest.id)
                 .join(Dossier, PaymentRequest.dossier_id == Dossier.id)
                 .where(Dossier.agency_id.in_(ids)))
        if figure is Figure.PENDING:  # still pending now, started before the period's end
            return query.where(Payment.method == PaymentMethod.GATEWAY,
                               Payment.state == PaymentState.PENDING,
                               Payment.created_at < period.end_at)
        return query.where(Payment.method.in_([m.value for m in _METHODS[figure]]),
                           Payment.state.in_([s.value for s in PAID_STATES]),
                           _within(Payment.paid_at, period))
    kind = "refunded" if figure is Figure.REFUNDS else "paid_twice"
    return (select(*columns).select_from(PaymentEvent)
            .join(Payment, PaymentEvent.payment_id == Payment.id)
            .join(PaymentRequest, Payment.request_id == PaymentRequest.id)
            .join(Dossier, PaymentRequest.dossier_id == Dossier.id)
            .where(Dossier.agency_id.in_(ids), PaymentEvent.kind == kind,
                   _within(PaymentEvent.at, period)))


_ENTITY = {"request": PaymentRequest, "payment": Payment, "event": PaymentEvent,
           "line": StatementLineRecord}
_ORDER = {"request": PaymentRequest.created_at, "payment": Payment.created_at,
          "event": PaymentEvent.at, "line": StatementLineRecord.imported_at}


def _amount(figure: Figure):
    return _ENTITY[KIND[figure]].amount


def listing(figure: Figure, period: Period, agency_ids: Sequence[int],
            untied: bool = False) -> Select:
    """The rows behind one figure (the drill-down), newest first."""
    kind = KIND[figure]
    entity = _ENTITY[kind]
    return _base(figure, period, agency_ids, entity, untied=untied).order_by(
        _ORDER[kind].desc(), entity.id.desc())


def dossier_codes(items: Sequence) -> dict[int, tuple[str, int]]:
    """Each listed row's dossier code and agency (one query for the page)."""
    if not items:
        return {}
    first = items[0]
    if isinstance(first, StatementLineRecord):
        return {line.id: (line.dossier_code, line.agency_id) for line in items}
    if isinstance(first, PaymentRequest):
        key, ids = PaymentRequest.id, [r.id for r in items]
        query = select(PaymentRequest.id, Dossier.code, Dossier.agency_id).join(
            Dossier, PaymentRequest.dossier_id == Dossier.id)
    elif isinstance(first, Payment):
        key, ids = Payment.id, [p.id for p in items]
        query = select(Payment.id, Dossier.code, Dossier.agency_id).join(
            PaymentRequest, Payment.request_id == PaymentRequest.id).join(
            Dossier, PaymentRequest.dossier_id == Dossier.id)
    else:
        key, ids = PaymentEvent.id, [e.id for e in items]
        query = select(PaymentEvent.id, Dossier.code, Dossier.agency_id).join(
            Payment, PaymentEvent.payment_id == Payment.id).join(
            PaymentRequest, Payment.request_id == PaymentRequest.id).join(
            Dossier, PaymentRequest.dossier_id == Dossier.id)
    return {row_id: (code, agency) for row_id, code, agency
            in db.session.execute(query.where(key.in_(ids)))}


@dataclass
class Row:
    agency: Agency | None  # None: the total
    counts: dict[Figure, int] = field(default_factory=lambda: dict.fromkeys(Figure, 0))
    amounts: dict[Figure, int] = field(default_factory=lambda: dict.fromkeys(Figure, 0))
    untied: int = 0  # statement lines tied to no agency (counted in the total only)

    @property
    def collected(self) -> int:
        """Money in, less money given back."""
        return (self.amounts[Figure.GATEWAY] + self.amounts[Figure.VIETQR]
                + self.amounts[Figure.COUNTER] - self.amounts[Figure.REFUNDS])


def table(period: Period, among: Sequence[Agency], untied: bool = False
          ) -> tuple[list[Row], Row]:
    """One row per agency of ``among`` and the total (which also counts the statement lines
    tied to no agency when ``untied``)."""
    rows = {a.id: Row(a) for a in among}
    total = Row(None)
    for figure in Figure:
        agency = (StatementLineRecord.agency_id if figure is Figure.UNMATCHED
                  else Dossier.agency_id)
        query = _base(figure, period, list(rows), agency, func.count(),
                      func.coalesce(func.sum(_amount(figure)), 0),
                      untied=untied).group_by(agency)
        for agency_id, n, amount in db.session.execute(query):
            if agency_id is None:
                total.untied += int(n)
            for row in ([rows[agency_id]] if agency_id is not None else []) + [total]:
                row.counts[figure] += int(n)
                row.amounts[figure] += int(amount)
    return list(rows.values()), total
