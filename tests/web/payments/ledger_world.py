"""A small ledger on Wed 12/03/2025 with every method, for the reconciliation page and the
online-payment indicator (issue 14): in the Sở Tư pháp, six requests issued that day — paid
through the gateway, by VietQR, at the counter (refunded 8.000 ₫ the next day), at the
bank's counter, one still pending at the gateway, one paid at the counter then again through
the gateway (a second payment to refund) — and one paid through the gateway late on the
11th (Vietnam time); in the Sở Y tế, one paid at the counter. Users: the payments world's,
plus the Sở Y tế's counter officer, the Sở Tư pháp's leader and the supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import factories
import pytest

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments.models import PaymentMethod, PaymentRequest

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
DAY = {"tu": "2025-03-12", "den": "2025-03-12"}


@dataclass
class Ledger:
    agency_id: int
    other_agency_id: int
    amount: int  # one request of the agency's procedure
    other_amount: int


def _paid(version, owner, method, at, issued=NOW):
    dossier = factories.submitted_dossier(version, owner, issued)
    request = ops.request_at_submission(dossier, issued, owner)
    payment = ops.start_payment(request, method, at, None)
    ops.confirm(payment, amount=payment.amount, now=at, source="test")
    return request, payment


@pytest.fixture(name="ledger")
def ledger_fixture(app, world) -> Ledger:
    with app.app_context():
        request = db.session.get(PaymentRequest, world.request_id)
        dossier = request.dossier
        version, owner, agency = dossier.procedure_version, dossier.applicant, dossier.agency
        other = factories.agency("SYT", "Sở Y tế")
        other_version = factories.published_procedure(
            other, name="Cấp chứng chỉ hành nghề", payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Phí thẩm định", 100000)])
        factories.staff(Role.COUNTER_OFFICER, other, "motcua.syt@example.vn")
        factories.staff(Role.LEADER, agency, "lanhdao@example.vn")
        factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn")
        at = NOW + timedelta(minutes=5)
        # The world's dossier, through the gateway.
        gateway = ops.start_payment(request, PaymentMethod.GATEWAY, at, owner)
        ops.confirm(gateway, amount=gateway.amount, now=at, source="ipn")
        _paid(version, owner, PaymentMethod.VIETQR, at)
        _, counter = _paid(version, owner, PaymentMethod.COUNTER, at)
        _paid(version, owner, PaymentMethod.BANK_COUNTER, at)
        # Refunded the next day: counts on the 13th, the payment stays on the 12th.
        ops.refund(counter, 8000, NOW + timedelta(days=1), None, "Nộp thừa")
        # Still pending at the gateway.
        pending_dossier = factories.submitted_dossier(version, owner, NOW)
        pending_request = ops.request_at_submission(pending_dossier, NOW, owner)
        ops.start_payment(pending_request, PaymentMethod.GATEWAY, at, owner)
        # Paid at the counter, then paid again through the gateway: a second payment to refund.
        twice_dossier = factories.submitted_dossier(version, owner, NOW)
        twice_request = ops.request_at_submission(twice_dossier, NOW, owner)
        second = ops.start_payment(twice_request, PaymentMethod.GATEWAY, at, owner)
        first = ops.start_payment(twice_request, PaymentMethod.COUNTER, at, None)
        ops.confirm(first, amount=first.amount, now=at, source="counter")
        ops.confirm(second, amount=second.amount, now=at, source="ipn")
        # Late on the 11th, Vietnam time (16:30 UTC): the 11th's, not the 12th's.
        late = datetime(2025, 3, 11, 23, 30, tzinfo=VN_TZ)
        _paid(version, owner, PaymentMethod.GATEWAY, late, issued=late)
        # Another agency's counter payment.
        _, other_payment = _paid(other_version, owner, PaymentMethod.COUNTER, at)
        db.session.commit()
        return Ledger(agency.id, other.id, request.amount, other_payment.amount)
