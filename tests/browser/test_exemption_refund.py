"""Two payment journeys in Chromium (issue 14), axe and 360 px on every page:

- an exemption claimed with its proof and confirmed: the applicant ticks "Hộ nghèo" and
  attaches the certificate (a Vietnamese file name) on the fee page; once the dossier is
  submitted, the counter officer of the agency sees the claim and the proof's link in the
  workspace, confirms it (htmx), and receives the dossier; the applicant sees it confirmed;
- a refund after a refusal: a paid dossier is refused at reception; the counter officer
  finds the payment at the collection counter and records the refund; the applicant sees the
  payment refunded and the receipt marked."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect
from sample_files import small_pdf

from portal.accounts.models import Role, User
from portal.calendar.overrides import current_calendar
from portal.core.models import utcnow
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier, DossierFile, ReturnMethod
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.payments import fees
from portal.payments import operations as ops
from portal.payments.models import Payment, PaymentMethod, PaymentState, Receipt
from portal.workflow import actions as wf

from . import helpers
from .helpers import log_in
from .test_processing import enable_totp

pytestmark = pytest.mark.browser

PROCEDURE = "Cấp Phiếu lý lịch tư pháp cho công dân"
PROOF = "Giấy chứng nhận hộ nghèo năm 2025.pdf"


def _world(app) -> dict:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = helpers.fee_bearing_procedure(agency, PROCEDURE)
        owner = factories.citizen("hoa@example.vn", full_name="Trần Thị Hoa")
        counter = factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn")
        secret = enable_totp(counter)
        draft = dossier_ops.start_dossier(version, owner)
        db.session.commit()
        return {"version_id": version.id, "draft_id": draft.id, "secret": secret,
                "owner_id": owner.id, "counter_id": counter.id}


def _submit(app, dossier_id: int) -> str:
    """The applicant's submission of the draft, its papers as rows (the journey is about the
    fees, not the upload of the papers)."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        user = dossier.applicant
        for n, document in enumerate(dossier.procedure_version.documents):
            dossier.files.append(DossierFile(
                requirement_id=document.id, storage_key=f"dossiers/{dossier.id}/giay-{n}",
                original_name=f"giay-to-{n}.pdf", content_type="application/pdf", size=1000,
                sha256="0" * 64, uploaded_by_id=user.id))
        dossier_ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
        now = utcnow()
        ops.require_exemption_proof(dossier)
        dossier_ops.submit(dossier, user, current_calendar(), now)
        ops.request_at_submission(dossier, now, user)
        db.session.commit()
        return dossier.code


def test_an_exemption_claimed_with_proof_and_confirmed_by_the_counter(page: Page, app,
                                                                       tmp_path):
    world = _world(app)
    proof = tmp_path / PROOF
    proof.write_bytes(small_pdf())
    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.check_page(page, f"/thanh-toan/ho-so/{world['draft_id']}/phi")
    page.get_by_label("Hộ nghèo").check()
    # Saved without the proof: refused next to the file field.
    page.get_by_role("button", name="Lưu và quay lại trang kiểm tra").click()
    expect(page.locator("#proof-error")).to_contain_text("đính kèm giấy tờ chứng minh")
    helpers.check_page(page)
    page.get_by_label("Hộ nghèo").check()
    page.get_by_label("Giấy tờ chứng minh thuộc đối tượng được miễn").set_input_files(str(proof))
    page.get_by_role("button", name="Lưu và quay lại trang kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/kiem-tra$"))
    expect(page.locator(".fee-total")).to_have_text("0\xa0₫")
    expect(page.locator(".exemption-note")).to_contain_text("Cán bộ một cửa xem giấy tờ")
    helpers.check_page(page)
    code = _submit(app, world["draft_id"])
    helpers.log_out(page)

    helpers.staff_log_in(page, "motcua@example.vn", world["secret"])
    helpers.check_page(page, f"/can-bo/ho-so/{world['draft_id']}")
    claim = page.locator(".exemption-claim")
    expect(claim).to_contain_text("Hộ nghèo")
    expect(claim.get_by_role("link", name=PROOF)).to_be_visible()
    expect(claim).to_contain_text("Chờ cán bộ một cửa xác nhận.")
    claim.get_by_role("button", name="Xác nhận miễn phí, lệ phí").click()
    expect(page.locator(".workspace-message")).to_contain_text("Đã xác nhận miễn phí, lệ phí.")
    expect(page.locator(".exemption-claim")).not_to_contain_text("Chờ cán bộ")
    helpers.check_page(page)
    page.locator("form.action-receive button").click()
    expect(page.locator(".workspace-message")).to_contain_text("Đã thực hiện")
    with app.app_context():
        dossier = db.session.get(Dossier, world["draft_id"])
        assert dossier.state is DossierState.RECEIVED and dossier.code == code
        assert fees.claim_of(dossier).exemption_state == fees.CONFIRMED
        assert fees.claim_of(dossier).proof_file.original_name == PROOF
    helpers.log_out(page)

    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.check_page(page, f"/ho-so/{world['draft_id']}")
    expect(page.locator(".exemption-status")).to_contain_text(
        "Đã được xác nhận miễn phí, lệ phí (Hộ nghèo)")


def _paid_and_refused(app, world) -> tuple[int, str, int]:
    """Submitted, paid at the counter (receipt issued), then refused at reception."""
    code = _submit(app, world["draft_id"])
    with app.app_context():
        dossier = db.session.get(Dossier, world["draft_id"])
        counter = db.session.get(User, world["counter_id"])
        request = ops.open_request_of(dossier)
        payment = ops.start_payment(request, PaymentMethod.COUNTER, utcnow(), counter)
        ops.confirm(payment, amount=payment.amount, now=utcnow(), source="counter",
                    bank_receipt_no="BL-0001", actor=counter)
        wf.refuse_reception(dossier, wf.Context(counter, utcnow(), current_calendar()),
                            "Hồ sơ không thuộc thẩm quyền giải quyết của Sở Tư pháp.")
        db.session.commit()
        return dossier.id, code, payment.id


def test_a_refund_after_a_refusal(page: Page, app):
    world = _world(app)
    dossier_id, code, payment_id = _paid_and_refused(app, world)
    helpers.staff_log_in(page, "motcua@example.vn", world["secret"])
    helpers.check_page(page, f"/thu-phi?q={code}")
    page.get_by_role("link", name=re.compile("Hoàn tiền")).first.click()
    expect(page).to_have_url(re.compile(rf"/thu-phi/giao-dich/{payment_id}/hoan-tien$"))
    helpers.check_page(page)
    expect(page.get_by_label("Số tiền hoàn (đồng)")).to_have_value("205000")
    page.get_by_label("Lý do hoàn tiền").fill("Hồ sơ bị từ chối tiếp nhận")
    page.get_by_role("button", name="Ghi nhận hoàn tiền").click()
    expect(page.locator(".alert-success").first).to_contain_text("Đã ghi nhận hoàn trả")
    helpers.check_page(page)
    with app.app_context():
        payment = db.session.get(Payment, payment_id)
        assert payment.state is PaymentState.REFUNDED and payment.refunded_amount == 205000
        receipt = db.session.scalar(db.select(Receipt).where(Receipt.payment_id == payment_id))
        assert receipt.refunded_amount == 205000
        receipt_id, token = receipt.id, receipt.token
    helpers.log_out(page)

    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.check_page(page, f"/ho-so/{dossier_id}")
    expect(page.locator(".payment-refunded")).to_contain_text(
        "Đã hoàn trả 205.000\xa0₫ (Đã hoàn toàn bộ)")
    expect(page.locator(".receipts")).to_contain_text("đã hoàn 205.000")
    page.locator(".receipts a").first.click()
    expect(page).to_have_url(re.compile(rf"/{receipt_id}"))
    expect(page.locator(".receipt-refunded")).to_contain_text("Đã hoàn trả 205.000")
    helpers.check_page(page)
    helpers.check_page(page, f"/bien-lai/{token}")
    expect(page.locator("body")).to_contain_text("Đã hoàn trả")

