"""The ledger (portal/payments/operations.py): a request frozen from the version's typed fee
lines, payments confirmed exactly once whatever arrives (a repeated IPN, the return after
the IPN, a wrong amount, a failure then a late success, a second payment of a paid request),
events appended and never changed, a gapless receipt per agency and year, refunds recorded."""

from __future__ import annotations

from datetime import datetime

import factories
import pytest
from sqlalchemy import select

from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.catalog.models import FeeBasis, FeeKind
from portal.dossiers.models import DossierEvent, ReturnMethod
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.payments import fees, gateway, queries, vnpay
from portal.payments import operations as ops
from portal.payments.models import (
    LedgerChanged,
    PaymentEvent,
    PaymentMethod,
    PaymentState,
    PostageRate,
    Receipt,
    RequestState,
)

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=VN_TZ)


def _version(**changes):
    changes.setdefault("fees", [
        catalog_ops.FeeData("Lệ phí đăng ký", 80000, kind=FeeKind.CHARGE),
        catalog_ops.FeeData("Phí cấp bản sao", 8000, basis=FeeBasis.PER_UNIT,
                            unit_label="bản"),
        catalog_ops.FeeData("Phí dịch vụ", 20000, kind=FeeKind.SERVICE),
    ])
    changes.setdefault("exemptions", ["Hộ nghèo"])
    changes.setdefault("payment_due_at_submission", True)
    return factories.published_procedure(factories.agency(), **changes)


def _requested(version=None, **kwargs):
    dossier = factories.submitted_dossier(version or _version(), **kwargs)
    request = ops.request_at_submission(dossier, NOW, dossier.applicant)
    return dossier, request


def test_the_request_freezes_every_line_and_the_total(db_session):
    dossier, request = _requested()
    assert [(line.name, line.quantity, line.amount) for line in request.lines] == [
        ("Lệ phí đăng ký", 1, 80000), ("Phí cấp bản sao", 1, 8000), ("Phí dịch vụ", 1, 20000)]
    assert request.amount == 108000 and request.state is RequestState.OPEN
    assert queries.awaits_payment_at_submission(dossier.id)
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.dossier_id == dossier.id, OutboxMessage.subject.contains("108.000")))


def test_quantities_exemption_and_postage_shape_the_amount(db_session):
    version = _version()
    user = factories.citizen()
    from portal.dossiers import operations as dossier_ops

    dossier = dossier_ops.start_dossier(version, user)
    copy_line = version.fees[1]
    ops.answer_fees(dossier, {copy_line.id: 3}, version.exemptions[0].id)
    dossier.return_method = ReturnMethod.POSTAL
    dossier.postal_province = "Quảng Ngãi"
    db.session.add_all([PostageRate(zone="Nội tỉnh", province="Quảng Ngãi", amount=25000),
                        PostageRate(zone="Ngoại tỉnh", province="", amount=40000)])
    db.session.flush()
    due = fees.due_for(dossier)
    # Exempt: phí and lệ phí waived, the service charge and postage are still paid.
    assert [(x.quantity, x.amount, x.waived) for x in due.lines] == [
        (1, 0, True), (3, 0, True), (1, 20000, False), (1, 25000, False)]
    assert due.total == 45000
    ops.answer_fees(dossier, {copy_line.id: 3}, None)
    dossier.postal_province = "Hà Nội"
    assert fees.due_for(dossier).total == 80000 + 24000 + 20000 + 40000
    with pytest.raises(ops.PaymentError):
        ops.answer_fees(dossier, {copy_line.id: 0}, None)


def test_a_free_or_not_due_procedure_opens_no_request(db_session):
    dossier, request = _requested(_version(payment_due_at_submission=False))
    assert request is None and not queries.awaits_payment_at_submission(dossier.id)


def test_confirmation_happens_once_whatever_repeats(db_session):
    dossier, request = _requested()
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    first = ops.confirm(payment, amount=request.amount, now=NOW, source="ipn")
    again = ops.confirm(payment, amount=request.amount, now=NOW, source="return")
    assert (first.outcome, again.outcome) == (ops.Outcome.CONFIRMED, ops.Outcome.ALREADY)
    assert payment.state is PaymentState.PAID and request.state is RequestState.PAID
    assert not queries.awaits_payment_at_submission(dossier.id)
    kinds = [e.kind for e in payment.events]
    assert kinds == ["created", "paid", "repeated"]
    receipts = db.session.scalars(select(Receipt)).all()
    assert len(receipts) == 1 and receipts[0].number == 1 and receipts[0].amount == 108000
    events = [e.action for e in dossier.events]
    assert events.count("payment_confirmed") == 1


def test_a_second_payment_of_a_paid_request_is_never_confirmed(db_session):
    _, request = _requested()
    online = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    transfer = ops.start_payment(request, PaymentMethod.VIETQR, NOW)
    assert ops.confirm(online, amount=request.amount, now=NOW, source="ipn").outcome \
        is ops.Outcome.CONFIRMED
    late = ops.confirm(transfer, amount=request.amount, now=NOW, source="statement")
    assert late.outcome is ops.Outcome.OTHER_PAID
    assert transfer.state is PaymentState.PENDING and transfer.confirmed_request_id is None
    assert transfer.events[-1].kind == "paid_twice"
    with pytest.raises(ops.PaymentError):
        ops.start_payment(request, PaymentMethod.COUNTER, NOW)


def test_wrong_amount_and_failure_do_not_pay(db_session):
    _, request = _requested()
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    assert ops.confirm(payment, amount=1, now=NOW, source="ipn").outcome \
        is ops.Outcome.WRONG_AMOUNT
    assert ops.fail(payment, NOW, "ipn", "24")
    late = ops.confirm(payment, amount=request.amount, now=NOW, source="querydr")
    assert late.outcome is ops.Outcome.NOT_OPEN and request.state is RequestState.OPEN


def _result(payment, **changes) -> vnpay.GatewayResult:
    values = dict(txn_ref=payment.txn_ref, amount_vnd=payment.amount, response_code="00",
                  transaction_status="00", transaction_no="14000001", bank_code="NCB",
                  pay_date=NOW, success=True)
    values.update(changes)
    return vnpay.GatewayResult(**values)


def test_gateway_results_answer_the_ipn_codes(db_session):
    _, request = _requested()
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    assert gateway.apply_result(_result(payment, txn_ref="NOPE"), NOW, "ipn") == "01"
    assert gateway.apply_result(_result(payment, amount_vnd=5), NOW, "ipn") == "04"
    assert gateway.apply_result(_result(payment), NOW, "ipn") == "00"
    assert gateway.apply_result(_result(payment), NOW, "ipn") == "02"  # repeated
    assert gateway.apply_result(_result(payment, success=False, response_code="24"),
                                NOW, "ipn") == "02"  # a replayed old failure changes nothing
    assert payment.state is PaymentState.PAID and payment.gateway_txn_no == "14000001"


def test_receipts_are_numbered_per_agency_and_year(db_session):
    version = _version()
    numbers = []
    for _ in range(3):
        _, request = _requested(version)
        payment = ops.start_payment(request, PaymentMethod.COUNTER, NOW)
        ops.confirm(payment, amount=payment.amount, now=NOW, source="counter",
                    bank_receipt_no="VCB-1")
        numbers.append(db.session.scalar(select(Receipt.number).where(
            Receipt.payment_id == payment.id)))
    assert numbers == [1, 2, 3]
    _, other = _requested()  # another agency starts at 1
    payment = ops.start_payment(other, PaymentMethod.COUNTER, NOW)
    ops.confirm(payment, amount=payment.amount, now=NOW, source="counter")
    receipt = db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))
    assert receipt.number == 1 and receipt.symbol == "BL25E"


def test_refunds_mark_the_payment_and_receipt_and_delete_nothing(db_session):
    dossier, request = _requested()
    payment = ops.start_payment(request, PaymentMethod.COUNTER, NOW)
    ops.confirm(payment, amount=payment.amount, now=NOW, source="counter")
    with pytest.raises(ops.PaymentError):
        ops.refund(payment, payment.amount + 1, NOW, None, "Thu thừa")
    ops.refund(payment, 8000, NOW, None, "Thu thừa")
    assert payment.state is PaymentState.PARTLY_REFUNDED
    ops.refund(payment, payment.amount - 8000, NOW, None, "Hồ sơ bị từ chối")
    receipt = db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))
    assert payment.state is PaymentState.REFUNDED and receipt.refunded_amount == payment.amount
    assert [e.kind for e in payment.events][-2:] == ["refunded", "refunded"]
    assert db.session.scalar(select(DossierEvent).where(
        DossierEvent.dossier_id == dossier.id, DossierEvent.action == "payment_refunded"))


def test_events_are_append_only(db_session):
    _, request = _requested()
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    event = db.session.scalar(select(PaymentEvent).where(PaymentEvent.payment_id == payment.id))
    event.detail = "rewritten"
    with pytest.raises(LedgerChanged):
        db.session.flush()
    db.session.rollback()
