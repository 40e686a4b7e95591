"""An administrator publishes a new version of a procedure; citizens then see version 2."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.catalog import demo
from portal.extensions import db

from .helpers import check_page, log_in, totp_code

pytestmark = pytest.mark.browser

CODE = "1.004583"
OLD_NAME = "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất"
NEW_NAME = "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất (cập nhật 2026)"


def test_admin_publishes_a_new_version(app, backend, page: Page):
    # The markup does not depend on the database: axe and 360 px checks on SQLite only.
    check = check_page if backend == "sqlite" else (lambda page: None)
    with app.app_context():
        demo.seed_agencies()
        demo.seed_catalog(48)
        factories.staff(Role.ADMIN, email="quantri@example.vn")
        db.session.commit()

    log_in(page, "quantri@example.vn", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/tai-khoan/thiet-lap-xac-thuc"))
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))
    check(page)

    page.get_by_role("link", name="Thủ tục hành chính").last.click()
    expect(page).to_have_url(re.compile(r"/quan-tri/thu-tuc$"))
    page.get_by_label("Tìm theo mã hoặc tên").fill("the chap quyen su dung")
    rows = page.locator("#procedure-rows tbody tr")
    expect(rows.first).to_contain_text(CODE)
    check(page)
    rows.first.get_by_role("link", name=OLD_NAME).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(OLD_NAME)
    page.get_by_role("button", name="Tạo bản nháp mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa bản nháp phiên bản 2")
    check(page)
    page.get_by_label("Tên thủ tục", exact=True).fill(NEW_NAME)
    first_fee = page.get_by_role("group", name="Khoản thu 1")
    expect(first_fee.get_by_label("Mức thu (đồng)")).to_have_value(re.compile(r"^80\.?000$"))
    first_fee.get_by_label("Mức thu (đồng)").fill("120.000")
    page.get_by_label("Ghi chú thay đổi của phiên bản").fill("Tăng lệ phí theo nghị quyết mới")
    page.get_by_role("button", name="Lưu bản nháp").click()

    expect(page.locator("main")).to_contain_text("Đã lưu bản nháp phiên bản 2.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_NAME)
    check(page)
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Công bố phiên bản 2").click()
    expect(page.locator("main")).to_contain_text("Đã công bố phiên bản 2")
    assert dialogs and "Công bố phiên bản 2?" in dialogs[0]

    page.get_by_role("link", name="Xem trang công khai").click()
    expect(page).to_have_url(re.compile(rf"/thu-tuc/{re.escape(CODE)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_NAME)
    expect(page.locator(".procedure-facts")).to_contain_text(re.compile(r"Phiên bản\s*2 \("))
    expect(page.get_by_role("table", name="Phí, lệ phí")).to_contain_text("120.000")
    expect(page.get_by_role("table", name="Phí, lệ phí")).not_to_contain_text("80.000")
