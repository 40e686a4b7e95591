"""The exemption claim's pages (issue 14): the applicant claims a category with its proof on
the fee page (refused without one); the counter officer of the dossier's agency sees the
claim and the proof's link in the workspace, cannot receive the dossier before deciding,
and confirms (htmx) or rejects with a reason (plain form) — then the full amount is due
and the applicant sees why. Every id route: another citizen 404, another agency's counter
officer 404, the agency's specialist and the bank's collection officer 403."""

from __future__ import annotations

import io

import factories
import pytest
from sample_files import small_pdf
from sqlalchemy import select

from portal.accounts.models import Role
from portal.catalog.models import ProcedureVersion
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier, DossierFile
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.payments import fees
from portal.payments import operations as ops
from portal.payments.models import DossierFeeAnswer, PaymentRequest, RequestState

PROOF = "Giấy chứng nhận hộ nghèo – năm 2025.pdf"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def claimed(app, world) -> int:
    """A submitted dossier of the world's procedure whose applicant claimed "Hộ nghèo" with a
    proof (its phí and lệ phí waived: nothing to pay while the claim is pending)."""
    from portal.accounts.queries import user_by_email

    with app.app_context():
        version = db.session.get(ProcedureVersion, world.version_id)
        agency = version.procedure.agency
        factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn")
        owner = user_by_email("dan@example.vn")
        dossier = factories.submitted_dossier(version, owner)
        proof = DossierFile(storage_key=f"dossiers/{dossier.id}/proof", original_name=PROOF,
                            content_type="application/pdf", size=1000, sha256="0" * 64,
                            uploaded_by_id=owner.id)
        dossier.files.append(proof)
        db.session.flush()
        db.session.add(DossierFeeAnswer(
            dossier_id=dossier.id, fee_id=None, quantity=0,
            exemption_id=version.exemptions[0].id, exemption_state=fees.PENDING,
            proof_file_id=proof.id))
        db.session.flush()
        assert ops.request_at_submission(dossier, dossier.submitted_at, owner) is None
        db.session.commit()
        return dossier.id


def _draft(app, world) -> tuple[int, int, dict[str, str]]:
    from portal.accounts.queries import user_by_email

    with app.app_context():
        version = db.session.get(ProcedureVersion, world.version_id)
        draft = dossier_ops.start_dossier(version, user_by_email("dan@example.vn"))
        db.session.commit()
        copy_fee = next(f for f in version.fees if f.basis.value == "per_unit")
        return draft.id, version.exemptions[0].id, {f"quantity_{copy_fee.id}": "1"}


def test_the_claim_is_refused_without_its_proof_and_kept_with_it(app, world, as_):
    draft_id, exemption_id, quantity = _draft(app, world)
    owner = as_("owner")
    page = _text(owner.get(f"/thanh-toan/ho-so/{draft_id}/phi"))
    assert 'enctype="multipart/form-data"' in page and 'name="proof"' in page
    refused = owner.post(f"/thanh-toan/ho-so/{draft_id}/phi",
                         data={"exemption": str(exemption_id), **quantity})
    assert refused.status_code == 422
    assert "giấy tờ chứng minh thuộc đối tượng miễn" in _text(refused)
    with app.app_context():
        assert fees.claim_of(db.session.get(Dossier, draft_id)) is None  # nothing kept
    wrong = owner.post(f"/thanh-toan/ho-so/{draft_id}/phi", data={
        "csrf_token": owner.token(), "exemption": str(exemption_id), **quantity,
        "proof": (io.BytesIO(b"MZ\x90\x00 not a document"), "giay.pdf")},
        content_type="multipart/form-data")
    assert wrong.status_code == 422
    done = owner.post(f"/thanh-toan/ho-so/{draft_id}/phi", data={
        "csrf_token": owner.token(), "exemption": str(exemption_id), **quantity,
        "proof": (io.BytesIO(small_pdf()), PROOF)}, content_type="multipart/form-data")
    assert done.status_code == 303
    with app.app_context():
        claim = fees.claim_of(db.session.get(Dossier, draft_id))
        assert claim.exemption_state == fees.PENDING
        assert claim.proof_file.original_name == PROOF
    again = _text(owner.get(f"/thanh-toan/ho-so/{draft_id}/phi"))
    assert f"Đã đính kèm: {PROOF}" in again
    review = _text(owner.get(f"/ho-so/{draft_id}/kiem-tra"))
    assert "nếu không được xác nhận, bạn phải nộp đủ phí, lệ phí" in review


def test_another_citizen_cannot_claim_or_upload_on_the_draft(app, world, as_):
    draft_id, exemption_id, quantity = _draft(app, world)
    other = as_("other")
    assert other.get(f"/thanh-toan/ho-so/{draft_id}/phi").status_code == 404
    sent = other.post(f"/thanh-toan/ho-so/{draft_id}/phi", data={
        "csrf_token": other.token(), "exemption": str(exemption_id), **quantity,
        "proof": (io.BytesIO(small_pdf()), PROOF)}, content_type="multipart/form-data")
    assert sent.status_code == 404
    with app.app_context():
        assert fees.claim_of(db.session.get(Dossier, draft_id)) is None


def test_the_counter_officer_sees_the_proof_cannot_receive_then_confirms(
        app, world, as_, claimed):
    counter = as_("counter")
    page = _text(counter.get(f"/can-bo/ho-so/{claimed}"))
    assert "Đề nghị miễn phí, lệ phí" in page and "Chờ cán bộ một cửa xác nhận." in page
    with app.app_context():
        proof_id = fees.claim_of(db.session.get(Dossier, claimed)).proof_file_id
        lock = db.session.get(Dossier, claimed).lock_version
    assert f"/can-bo/ho-so/{claimed}/tep/{proof_id}" in page
    assert PROOF in page
    refused = counter.post(f"/can-bo/ho-so/{claimed}/receive",
                           data={"receive-lock_version": lock})
    assert refused.status_code in (409, 422)
    assert "người nộp đề nghị miễn phí, lệ phí" in _text(refused)
    confirmed = counter.post(f"/can-bo/ho-so/{claimed}/mien-phi",
                             data={"decision": "confirm"}, headers={"HX-Request": "true"})
    assert confirmed.status_code == 200
    fragment = _text(confirmed)
    assert 'id="workspace"' in fragment and "Đã xác nhận miễn phí, lệ phí." in fragment
    assert "<html" not in fragment
    again = counter.post(f"/can-bo/ho-so/{claimed}/mien-phi", data={"decision": "reject",
                                                                    "reason": "Nhầm"})
    assert again.status_code == 422  # decided once
    with app.app_context():
        lock = db.session.get(Dossier, claimed).lock_version
    received = counter.post(f"/can-bo/ho-so/{claimed}/receive",
                            data={"receive-lock_version": lock})
    assert received.status_code in (200, 303)
    with app.app_context():
        assert db.session.get(Dossier, claimed).state is DossierState.RECEIVED
    status = _text(as_("owner").get(f"/ho-so/{claimed}"))
    assert "Đã được xác nhận miễn phí, lệ phí (Hộ nghèo)" in status


def test_a_rejection_needs_a_reason_then_the_full_amount_is_due(app, world, as_, claimed):
    counter = as_("counter")
    no_reason = counter.post(f"/can-bo/ho-so/{claimed}/mien-phi", data={"decision": "reject"})
    assert no_reason.status_code == 422
    assert "Vui lòng nêu lý do không xác nhận" in _text(no_reason)
    rejected = counter.post(f"/can-bo/ho-so/{claimed}/mien-phi", data={
        "decision": "reject", "reason": "Giấy chứng nhận đã hết hạn"})
    assert rejected.status_code == 303
    assert rejected.headers["Location"].endswith(f"/can-bo/ho-so/{claimed}")
    with app.app_context():
        open_ = list(db.session.scalars(select(PaymentRequest).where(
            PaymentRequest.dossier_id == claimed, PaymentRequest.state == RequestState.OPEN)))
        assert [r.amount for r in open_] == [208000]
        told = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.dossier_id == claimed, OutboxMessage.body.contains("208.000")))
        assert told.subject.endswith("Không được miễn phí, lệ phí")  # exemption_rejected
    page = _text(as_("owner").get(f"/ho-so/{claimed}"))
    assert "Giấy chứng nhận đã hết hạn" in page and "208.000\xa0₫" in page
    assert "Chờ thanh toán" in page


@pytest.mark.parametrize("who, status", [("foreign", 404), ("owner", 403), ("other", 403),
                                         ("bank", 403), ("specialist", 403)])
def test_only_the_agency_counter_officer_decides(app, world, as_, signed_in, claimed, who,
                                                status):
    client = signed_in("chuyenvien@example.vn") if who == "specialist" else as_(who)
    answer = client.post(f"/can-bo/ho-so/{claimed}/mien-phi", data={"decision": "confirm"})
    assert answer.status_code == status
    with app.app_context():
        claim = fees.claim_of(db.session.get(Dossier, claimed))
        assert claim.exemption_state == fees.PENDING


def test_a_dossier_without_a_claim_has_no_decision(app, world, as_):
    answer = as_("counter").post(f"/can-bo/ho-so/{world.dossier_id}/mien-phi",
                                 data={"decision": "confirm"})
    assert answer.status_code == 404
