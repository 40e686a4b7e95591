"""Paying in Chromium (issue 14), axe and 360 px on every page of the portal:

- online: the draft's "check your answers" lists every fee line and the total; after the
  submission the dossier shows "Chờ thanh toán"; the citizen pays by card on the sandbox
  gateway (a real HTTP server, its IPN pointed at the live portal), comes back to the result,
  opens the receipt and its public check page;
- at the centre: the bank's collection officer finds the amount by dossier code and records
  the payment with the bank's receipt number."""

from __future__ import annotations

import dataclasses
import re

import factories
import pytest
from playwright.sync_api import Page, expect
from sample_files import small_pdf
from servers import serving

from portal.accounts.models import Role
from portal.core.models import utcnow
from portal.dossiers import operations as dossier_ops
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments.models import Payment, PaymentState, Receipt, StatementLineRecord
from portal.payments.sandbox import create_sandbox_app, sandbox_of

from . import helpers
from .helpers import log_in
from .test_processing import enable_totp

pytestmark = pytest.mark.browser

PROCEDURE = "Cấp Phiếu lý lịch tư pháp cho công dân"


def _world(app) -> dict:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = helpers.fee_bearing_procedure(agency, PROCEDURE)
        owner = factories.citizen("hoa@example.vn", full_name="Trần Thị Hoa")
        bank = factories.staff(Role.BANK_COLLECTOR, None, "nganhang@example.vn")
        secret = enable_totp(bank)
        dossier = factories.submitted_dossier(version, owner)
        request = ops.request_at_submission(dossier, utcnow(), owner)
        draft = dossier_ops.start_dossier(version, owner)
        db.session.commit()
        return {"dossier_id": dossier.id, "code": dossier.code, "request_id": request.id,
                "draft_id": draft.id, "secret": secret}


@pytest.fixture
def gateway(app, live_server, monkeypatch):
    """The sandbox gateway beside the live portal, its IPN pointed at the portal."""
    settings = app.config["PORTAL"]
    sandbox_app = create_sandbox_app({"tmn_code": settings.payment_tmn_code,
                                      "hash_secret": settings.payment_hash_secret,
                                      "ipn_url": live_server + "/thanh-toan/vnpay/ipn"})
    with serving(sandbox_app, "sandbox-gateway") as base:
        monkeypatch.setitem(app.config, "PORTAL", dataclasses.replace(
            settings, payment_gateway_url=base + "/paymentv2/vpcpay.html",
            payment_gateway_api_url=base + "/merchant_webapi/api/transaction"))
        yield sandbox_of(sandbox_app)
        sandbox_of(sandbox_app).stop()


def test_check_your_answers_shows_the_fees(page: Page, app, tmp_path):
    world = _world(app)
    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.check_page(page, f"/ho-so/{world['draft_id']}/kiem-tra")
    fees = page.locator("table.fee-lines")
    expect(fees).to_contain_text("Phí cung cấp thông tin lý lịch tư pháp")
    expect(page.locator(".fee-total")).to_have_text("205.000\xa0₫")
    page.get_by_role("link", name="Thay đổi phí, lệ phí").click()
    helpers.check_page(page)
    page.get_by_label(re.compile("Số phiếu")).fill("3")
    page.get_by_label("Hộ nghèo").check()
    proof = tmp_path / "Sổ hộ nghèo.pdf"
    proof.write_bytes(small_pdf())
    page.get_by_label("Giấy tờ chứng minh thuộc đối tượng được miễn").set_input_files(str(proof))
    page.get_by_role("button", name="Lưu và quay lại trang kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/kiem-tra$"))
    expect(page.locator(".fee-total")).to_have_text("0\xa0₫")
    expect(page.locator("body")).to_contain_text("Đối tượng miễn phí, lệ phí: Hộ nghèo")


def test_pay_online_through_the_sandbox_and_get_the_receipt(page: Page, app, gateway):
    world = _world(app)
    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.check_page(page, f"/ho-so/{world['dossier_id']}")
    expect(page.locator(".dossier-state")).to_have_text("Chờ thanh toán")
    page.get_by_role("link", name="Thanh toán", exact=True).click()
    helpers.check_page(page)
    expect(page.locator(".pay-total")).to_have_text("205.000\xa0₫")
    page.get_by_role("button", name=re.compile("Thanh toán bằng thẻ")).click()
    expect(page.locator("body")).to_contain_text("205.000")  # the gateway's bank page
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page.locator(".payment-result")).to_contain_text("Thanh toán thành công")
    helpers.check_page(page)
    assert [d.answer["RspCode"] for d in gateway.wait_for_ipns()] in (["00"], ["02"])
    page.get_by_role("link", name="Về trang hồ sơ").click()
    expect(page.locator(".dossier-state")).not_to_have_text("Chờ thanh toán")
    page.locator(".receipts a").first.click()
    expect(page.locator(".amount-in-words")).to_have_text("Hai trăm lẻ năm nghìn đồng")
    with app.app_context():
        receipt = db.session.scalar(db.select(Receipt))
        token = receipt.token
        assert db.session.scalar(db.select(Payment)).state is PaymentState.PAID
    helpers.check_page(page, f"/bien-lai/{token}")
    expect(page.locator(".receipt-amount")).to_contain_text("205.000")
    expect(page.locator("body")).to_contain_text(world["code"])


def test_the_bank_collects_at_the_centre(page: Page, app):
    world = _world(app)
    helpers.staff_log_in(page, "nganhang@example.vn", world["secret"])
    expect(page).to_have_url(re.compile(r"/thu-phi$"))
    helpers.check_page(page)
    page.get_by_label("Mã hồ sơ hoặc tên người nộp").fill(world["code"])
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=f"Thu tiền {world['code']}").click()
    helpers.check_page(page)
    page.get_by_label("Số biên lai, chứng từ của ngân hàng").fill("VCB-2026-000123")
    page.get_by_role("button", name=re.compile("Ghi nhận đã thu")).click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first
           ).to_contain_text("Đã ghi nhận thanh toán 205.000")
    helpers.check_page(page)
    with app.app_context():
        payment = db.session.scalar(db.select(Payment))
        assert payment.state is PaymentState.PAID
        assert payment.bank_receipt_no == "VCB-2026-000123"


def test_pay_by_vietqr_and_be_matched_by_the_statement(page: Page, app, tmp_path):
    from portal.payments import vietqr

    world = _world(app)
    log_in(page, "hoa@example.vn", factories.PASSWORD)
    page.goto(f"/thanh-toan/{world['request_id']}")
    page.get_by_role("button", name="Chuyển khoản bằng mã VietQR").click()
    expect(page.locator("img.vietqr")).to_be_visible()
    note = vietqr.transfer_note(world["code"])
    expect(page.locator(".transfer-note")).to_have_text(note)
    helpers.check_page(page)
    helpers.log_out(page)
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(f"Ngày;Số tiền;Nội dung;Mã giao dịch\n"
                         f"07/12/2026;205.000;{note};FT26341000001\n"
                         f"07/12/2026;90.000;Khong ro;FT26341000002\n", encoding="utf-8")
    helpers.staff_log_in(page, "nganhang@example.vn", world["secret"])
    page.get_by_role("link", name="Đối chiếu sao kê ngân hàng").click()
    helpers.check_page(page)
    page.get_by_label("Tệp sao kê (CSV hoặc XLSX)").set_input_files(str(statement))
    page.get_by_role("button", name="Nhập và đối chiếu").click()
    expect(page.locator(".statement-matched")).to_contain_text("205.000")
    expect(page.locator(".statement-to-resolve")).to_contain_text("Không xác định được hồ sơ")
    helpers.check_page(page)
    with app.app_context():
        payment = db.session.scalar(db.select(Payment))
        assert payment.state is PaymentState.PAID and payment.bank_receipt_no == "FT26341000001"
    # The unknown transfer waits on the reconciliation page until a person resolves it.
    page.goto("/thu-phi/doi-soat")
    unmatched = page.locator(".reconciliation-total td[data-figure='unmatched']")
    expect(unmatched).to_contain_text("90.000")
    expect(unmatched).to_contain_text("1 khoản")
    helpers.check_page(page)
    unmatched.get_by_role("link").click()
    expect(page.locator(".statement-lines")).to_contain_text("FT26341000002")
    expect(page.locator(".statement-lines")).to_contain_text("Khong ro")
    helpers.check_page(page)
    page.get_by_role("link", name="Đánh dấu đã xử lý dòng FT26341000002").click()
    helpers.check_page(page)
    page.get_by_role("button", name="Đánh dấu đã xử lý").click()
    expect(page.locator("#note-error, .invalid-feedback").first).to_contain_text(
        "Vui lòng nhập ghi chú cách xử lý")
    helpers.check_page(page)  # the form showing its error
    page.get_by_label("Ghi chú cách xử lý").fill("Đã hoàn trả cho người chuyển khoản")
    page.get_by_role("button", name="Đánh dấu đã xử lý").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã đánh dấu đã xử lý dòng sao kê FT26341000002")
    expect(page.locator(".empty-state")).to_have_text("Không có dòng nào cần xử lý.")
    helpers.check_page(page)
    with app.app_context():
        line = db.session.scalar(db.select(StatementLineRecord))
        assert line.reference == "FT26341000002" and line.resolved_at is not None
        assert line.resolution_note == "Đã hoàn trả cho người chuyển khoản"
