"""An administrator sets a procedure's inter-agency chain (liên thông) in a new version —
a second agency added with "Thêm dòng", each with its share of the time — publishes it, and
the public page names the agencies the dossier passes through, in order."""

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

CODE, NAME = "1.001756", "Thành lập Văn phòng công chứng"


def test_admin_sets_the_inter_agency_chain_and_publishes(app, backend, page: Page):
    check = check_page if backend == "sqlite" else (lambda page: None)
    with app.app_context():
        demo.seed_agencies()
        demo.seed_catalog(48)
        factories.staff(Role.ADMIN, email="quantri@example.vn")
        db.session.commit()

    log_in(page, "quantri@example.vn", factories.PASSWORD)
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))

    page.goto(page.url + "thu-tuc")
    page.get_by_label("Tìm theo mã hoặc tên").fill(CODE)
    page.locator("#procedure-rows tbody tr").first.get_by_role("link", name=NAME).click()
    page.get_by_role("button", name="Tạo bản nháp mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa bản nháp phiên bản 2")

    chain = page.locator("#rows-chain")
    first = chain.get_by_role("group", name="Cơ quan 1")
    expect(first.get_by_label("Cơ quan liên thông")).to_have_value("VPUBND")
    first.get_by_label("Thời gian của cơ quan").fill("3")
    chain.get_by_role("button", name=re.compile("Thêm dòng")).click()
    second = chain.get_by_role("group", name="Cơ quan 2")
    second.get_by_label("Cơ quan liên thông").select_option("STC")
    second.get_by_label("Thời gian của cơ quan").fill("20")
    second.get_by_label("Tính theo").select_option(index=1)  # a share of the legal time (%)
    check(page)
    page.get_by_label("Ghi chú thay đổi của phiên bản").fill("Thêm Sở Tài chính vào liên thông")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("main")).to_contain_text("Đã lưu bản nháp phiên bản 2.")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Công bố phiên bản 2").click()
    expect(page.locator("main")).to_contain_text("Đã công bố phiên bản 2")
    page.get_by_role("link", name="Xem trang công khai").click()
    expect(page.locator(".procedure-facts")).to_contain_text(
        "Có – hồ sơ được chuyển qua: Văn phòng UBND tỉnh → Sở Tài chính")
    check(page)
