"""The public lookup with its second factor (issue 10, item 11): typed without JavaScript,
opened from the receipt's QR link, and checked with axe and on a 360 px phone."""

from __future__ import annotations

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.dossiers.lookup import lookup_token
from portal.extensions import db

from .helpers import check_page

pytestmark = pytest.mark.browser

PROCEDURE = "Cấp Phiếu lý lịch tư pháp cho công dân"


@pytest.fixture
def code(app) -> str:
    with app.app_context():
        version = factories.published_procedure(factories.agency("STP", "Sở Tư pháp"),
                                                name=PROCEDURE)
        dossier = factories.submitted_dossier(version)
        dossier.applicant_phone, dossier.applicant_name = "0905111222", "Nguyễn Văn Bình"
        db.session.commit()
        return dossier.code


def _ask(page: Page, code: str, digits: str) -> None:
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 chữ số cuối số điện thoại hoặc số CCCD của người nộp").fill(digits)
    with page.expect_navigation():
        page.get_by_role("button", name="Tra cứu").click()


def test_lookup_without_javascript_needs_the_last_digits(app, code, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("link", name="Tra cứu hồ sơ").click()
    _ask(page, code, "1234")
    expect(page.get_by_role("alert")).to_contain_text(f"Không tìm thấy hồ sơ có mã {code}")
    expect(page.locator("main")).not_to_contain_text(PROCEDURE)
    _ask(page, code, "1222")
    result = page.locator(".lookup-result")
    expect(result).to_contain_text(PROCEDURE)
    expect(result.locator(".dossier-state")).to_have_text("Đã nộp, chờ tiếp nhận")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn Bình")


def test_the_qr_link_opens_the_dossier_and_the_page_fits_a_phone(app, backend, code,
                                                                 page: Page):
    page.goto(f"/tra-cuu?ma={code}&t={lookup_token(code, app.config['SECRET_KEY'])}")
    expect(page.locator(".lookup-result .dossier-state")).to_have_text("Đã nộp, chờ tiếp nhận")
    if backend == "sqlite":  # the markup does not depend on the database
        check_page(page)
        _ask(page, code, "12")
        expect(page.locator(".error-summary")).to_contain_text("Vui lòng nhập đúng 4 chữ số.")
        check_page(page)
