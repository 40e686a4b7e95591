"""Electronic receipts (*biên lai điện tử*, docs/payments.md "Receipts"). Each confirmed
payment gets one, numbered without gaps per issuing agency and calendar year (Viet Nam's
time): the number is taken with the same atomic upsert as dossier codes
(``dossiers.codes.bump_sequence``), so the sequence row stays locked until the confirming
transaction ends and a rolled-back confirmation gives its number back."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from portal.calendar import VN_TZ
from portal.dossiers.codes import bump_sequence
from portal.extensions import db
from portal.payments.models import Payment, Receipt, ReceiptSequence

# The receipt template's symbol: "BL" (biên lai), the year's two digits, "E" (electronic).
SYMBOL = "BL{yy:02d}E"


def issue(payment: Payment, now: datetime, *, fresh: bool = False) -> Receipt:
    """The payment's receipt, issued now if it has none. ``fresh``: the caller has just
    confirmed the payment, so it has none (the unique ``payment_id`` would refuse a second)."""
    if not fresh:
        existing = db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))
        if existing is not None:
            return existing
    dossier = payment.request.dossier
    year = now.astimezone(VN_TZ).year
    number = bump_sequence(ReceiptSequence.__table__, agency_id=dossier.agency_id, year=year)
    receipt = Receipt(payment_id=payment.id, agency_id=dossier.agency_id, year=year,
                      number=number, symbol=SYMBOL.format(yy=year % 100),
                      token=secrets.token_urlsafe(18), issued_at=now,
                      agency_name=dossier.agency.name[:300],
                      payer_name=(payment.payer_name or dossier.applicant_name)[:300],
                      dossier_code=dossier.code or "",
                      procedure_name=dossier.procedure_version.name[:500],
                      amount=payment.amount, method=payment.method)
    db.session.add(receipt)  # written with the caller's next flush
    return receipt


def by_token(token: str) -> Receipt | None:
    if not token or len(token) > 40:
        return None
    return db.session.scalar(select(Receipt).where(Receipt.token == token))


def of_payment(payment_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.payment_id == payment_id))
