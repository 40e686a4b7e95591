"""The exemption claim (docs/payments.md, "The fee model"): pending with its proof, waived
while pending and once confirmed; rejected, the full amount is due — the open request is
re-issued (never two open requests), or only the waived lines are added when the rest was
already paid — and the applicant is told through the outbox."""

from __future__ import annotations

from datetime import datetime

import factories
import pytest
from sample_files import small_pdf
from sqlalchemy import select

from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.catalog.models import FeeBasis, FeeKind
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import DossierEvent
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.payments import fees, queries
from portal.payments import operations as ops
from portal.payments.models import (
    DossierFeeAnswer,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
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


def _claimed(version=None):
    """A submitted dossier whose applicant claimed the version's exemption (pending)."""
    version = version or _version()
    dossier = factories.submitted_dossier(version)
    db.session.add(DossierFeeAnswer(dossier_id=dossier.id, fee_id=None, quantity=0,
                                    exemption_id=version.exemptions[0].id,
                                    exemption_state=fees.PENDING))
    db.session.flush()
    return dossier, ops.request_at_submission(dossier, NOW, dossier.applicant)


def _open(dossier) -> list[PaymentRequest]:
    return list(db.session.scalars(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id, PaymentRequest.state == RequestState.OPEN)))


def test_a_pending_claim_waives_and_blocks_reception_until_decided(db_session):
    dossier, request = _claimed()
    # Phí and lệ phí waived while pending; the service charge is still due.
    assert [line.amount for line in request.lines] == [0, 0, 20000]
    assert request.amount == 20000
    assert queries.exemption_pending_at_submission(dossier)
    officer = factories.citizen()
    ops.decide_exemption(dossier, True, "", NOW, officer)
    assert not queries.exemption_pending_at_submission(dossier)
    assert fees.due_for(dossier).exemption_state == fees.CONFIRMED
    assert [r.id for r in _open(dossier)] == [request.id] and request.amount == 20000
    with pytest.raises(ops.PaymentError):  # decided once
        ops.decide_exemption(dossier, False, "Giấy tờ hết hạn", NOW, officer)


def test_a_pending_claim_on_a_procedure_paid_later_does_not_block(db_session):
    dossier, request = _claimed(_version(payment_due_at_submission=False))
    assert request is None and not queries.exemption_pending_at_submission(dossier)


def test_a_rejection_reissues_the_full_amount_as_the_one_open_request(db_session):
    dossier, request = _claimed()
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, NOW)
    officer = factories.citizen()
    with pytest.raises(ops.PaymentError) as refused:
        ops.decide_exemption(dossier, False, "  ", NOW, officer)
    assert refused.value.field == "reason"
    again = ops.decide_exemption(dossier, False, "Giấy chứng nhận hộ nghèo đã hết hạn", NOW,
                                 officer)
    db.session.refresh(request)
    assert request.state is RequestState.CANCELLED
    assert payment.state is PaymentState.EXPIRED  # the attempt at the old amount ends
    assert [r.id for r in _open(dossier)] == [again.id]
    assert again.amount == 80000 + 8000 + 20000
    assert [line.amount for line in again.lines] == [80000, 8000, 20000]
    assert "hết hạn" in again.note
    assert queries.awaits_payment_at_submission(dossier.id)
    assert fees.due_for(dossier).total == 108000
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.dossier_id == dossier.id, OutboxMessage.body.contains("108.000")))
    assert list(told)
    kinds = [e.action for e in db.session.scalars(select(DossierEvent).where(
        DossierEvent.dossier_id == dossier.id))]
    assert "exemption_rejected" in kinds


def test_a_rejection_writes_its_own_message_and_not_the_payment_request(db_session):
    dossier, request = _claimed()
    before = max(db.session.scalars(select(OutboxMessage.id)).all(), default=0)
    ops.decide_exemption(dossier, False, "Giấy chứng nhận hộ nghèo đã hết hạn", NOW,
                         factories.citizen())
    rows = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.id > before, OutboxMessage.dossier_id == dossier.id)))
    emails = [r for r in rows if r.channel == "email"]
    assert len(emails) == 1, [r.subject for r in rows]
    told = emails[0]
    assert told.recipient == dossier.applicant.email
    assert told.subject == f"[{dossier.code}] Không được miễn phí, lệ phí"
    assert "Hộ nghèo" in told.body and "không được xác nhận" in told.body
    assert "Lý do: Giấy chứng nhận hộ nghèo đã hết hạn." in told.body
    assert "Số tiền bạn cần nộp bây giờ là 108.000 ₫." in told.body
    assert "Hồ sơ của tôi" in told.body and "tại quầy" in told.body
    assert not any("Đề nghị thanh toán" in r.subject or "cần thanh toán" in r.body
                   for r in rows)


def test_a_rejection_after_the_service_charge_was_paid_adds_only_the_waived_lines(db_session):
    dossier, request = _claimed()
    payment = ops.start_payment(request, PaymentMethod.COUNTER, NOW)
    ops.confirm(payment, amount=20000, now=NOW, source="counter", bank_receipt_no="BL-1")
    assert request.state is RequestState.PAID
    added = ops.decide_exemption(dossier, False, "Không đúng đối tượng", NOW,
                                 factories.citizen())
    assert [(line.name, line.amount) for line in added.lines] == [
        ("Lệ phí đăng ký", 80000), ("Phí cấp bản sao", 8000)]
    assert added.amount == 88000 and [r.id for r in _open(dossier)] == [added.id]
    db.session.refresh(request)
    assert request.state is RequestState.PAID  # what was paid stays paid


def test_the_claim_needs_its_proof_and_a_new_category_asks_again(app, db_session):
    version = _version(exemptions=["Hộ nghèo", "Người có công"])
    user = factories.citizen()
    dossier = dossier_ops.start_dossier(version, user)
    poor, merit = (e.id for e in version.exemptions)
    with pytest.raises(ops.PaymentError):  # no category claimed yet
        ops.attach_exemption_proof(dossier, _stream(), "a.pdf", user,
                                   app.extensions["storage"], _limits(app))
    ops.answer_fees(dossier, {}, poor)
    with pytest.raises(ops.PaymentError) as missing:
        ops.require_exemption_proof(dossier)
    assert missing.value.field == "proof"
    with pytest.raises(ops.PaymentError):  # not an allowed type
        ops.attach_exemption_proof(dossier, _stream(b"MZ\x90\x00"), "giấy.exe", user,
                                   app.extensions["storage"], _limits(app))
    ops.attach_exemption_proof(dossier, _stream(), "Giấy chứng nhận hộ nghèo.pdf", user,
                               app.extensions["storage"], _limits(app))
    claim = fees.claim_of(dossier)
    assert claim.proof_file.original_name == "Giấy chứng nhận hộ nghèo.pdf"
    assert claim.exemption_state == fees.PENDING
    ops.require_exemption_proof(dossier)
    ops.answer_fees(dossier, {}, poor)  # the same category keeps its proof
    assert fees.claim_of(dossier).proof_file_id is not None
    ops.answer_fees(dossier, {}, merit)
    assert fees.claim_of(dossier).proof_file_id is None
    ops.answer_fees(dossier, {}, None)
    assert fees.claim_of(dossier) is None


def _stream(data: bytes | None = None):
    import io

    return io.BytesIO(small_pdf() if data is None else data)


def _limits(app):
    return UploadLimits.from_config(app.config["PORTAL"])
