"""Recording a bank statement (issue 14, docs/payments.md "Bank statement import"): the lines
``statement.match`` finds for a VietQR payment still pending — the dossier code in the note,
the exact amount — confirm it (``operations.confirm``, source "statement", the bank's
reference as receipt number), exactly once whatever is imported twice; every other line
(short, excess, duplicate, unknown) is listed for a person to resolve. Nothing is recorded
for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import User
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments import statement
from portal.payments.models import (
    PAID_STATES,
    Payment,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
)


def _vietqr_payments(agency_ids: set[int] | None):
    query = (select(Payment, Dossier.code).join(
        PaymentRequest, Payment.request_id == PaymentRequest.id).join(Dossier)
        .where(Payment.method == PaymentMethod.VIETQR))
    if agency_ids is not None:
        query = query.where(Dossier.agency_id.in_(agency_ids))
    return db.session.execute(query).all()


def record(lines: list[statement.StatementLine], now: datetime, actor: User | None,
           agency_ids: set[int] | None = None) -> statement.MatchResult:
    rows = _vietqr_payments(agency_ids)
    pending = {code: payment for payment, code in rows if payment.state is PaymentState.PENDING}
    paid = {code for payment, code in rows if payment.state in PAID_STATES}
    seen = {payment.bank_receipt_no for payment, _ in rows if payment.bank_receipt_no}
    result = statement.match(lines, {code: p.amount for code, p in pending.items()},
                             paid, seen)
    for found in result.matched:
        ops.confirm(pending[found.code], amount=found.line.amount_vnd, now=now,
                    source="statement", bank_receipt_no=found.line.reference, actor=actor)
    return result
