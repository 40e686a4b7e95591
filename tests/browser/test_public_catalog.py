"""Catalog journeys: htmx active search, filters, the procedure page, back; and without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.catalog import demo
from portal.catalog.models import Agency
from portal.extensions import db

pytestmark = pytest.mark.browser

MORTGAGE = "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất"
LAND_OFFICE = "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi"
# htmx encodes spaces as %20, a plain form GET as +
QUERY_IN_URL = re.compile(r"/thu-tuc\?q=dang(\+|%20)ky(\+|%20)the(\+|%20)chap")


def _seed_catalog(app, total: int = 150) -> None:
    """The demo agencies, the real procedures and generated ones: with 150 the search
    "dang ky the chap" finds 3 procedures in 2 agencies."""
    with app.app_context():
        demo.seed_agencies()
        demo.seed_catalog(total)
        db.session.commit()


def _result_links(page: Page):
    return page.locator("#results .procedure-link")


def test_active_search_filters_and_back_button(app, page: Page):
    _seed_catalog(app)
    page.goto("/thu-tuc")
    expect(page.locator(".result-count")).to_contain_text("Tìm thấy 150 thủ tục")
    page.evaluate("() => { window.__marker = 1; }")  # lost if the page reloads

    search = page.get_by_label("Tìm theo tên hoặc mã thủ tục")
    search.press_sequentially("dang ky the chap", delay=15)
    expect(page.locator(".result-count")).to_have_text("Tìm thấy 3 thủ tục")
    expect(_result_links(page).first).to_have_text(MORTGAGE)
    expect(page).to_have_url(QUERY_IN_URL)  # hx-push-url
    assert page.evaluate("() => window.__marker") == 1, "the search reloaded the whole page"

    page.get_by_label("Cơ quan", exact=True).select_option(label=LAND_OFFICE)
    expect(page.locator(".result-count")).to_have_text("Tìm thấy 2 thủ tục")
    expect(page.locator("#results .procedure-item")).to_have_count(2)
    for item in page.locator("#results .procedure-item").all():
        expect(item).to_contain_text(LAND_OFFICE)
    with app.app_context():
        land_office_id = db.session.scalar(select(Agency.id).where(Agency.code == "VPDKDDTP"))
    # (the field <select> refreshes itself too, but must not push its own URL)
    expect(page).to_have_url(re.compile(rf"/thu-tuc\?q=[^&]+&agency={land_office_id}&"))
    assert page.evaluate("() => window.__marker") == 1

    _result_links(page).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MORTGAGE)
    facts = page.locator(".procedure-facts")
    expect(facts).to_contain_text("Mã thủ tục")
    expect(facts).to_contain_text("1.004583")
    expect(page.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()
    expect(page.get_by_role("table", name="Phí, lệ phí")).to_contain_text("80.000")
    documents = page.get_by_role("table", name="Thành phần hồ sơ")
    expect(documents.locator("tbody tr")).to_have_count(4)
    expect(documents.locator("tbody tr").first).to_contain_text("Phiếu yêu cầu đăng ký")
    steps = page.get_by_role("table", name="Quy trình nội bộ").locator("tbody tr")
    expect(steps).to_have_count(4)
    expect(steps.first).to_contain_text("Tiếp nhận, kiểm tra hồ sơ, thu lệ phí")
    expect(page.get_by_role("heading", name="Căn cứ pháp lý")).to_be_visible()
    expect(page.locator(".legal-basis")).to_contain_text("Nghị định 99/2022/NĐ-CP")

    page.go_back()
    expect(page).to_have_url(QUERY_IN_URL)
    expect(page.get_by_label("Tìm theo tên hoặc mã thủ tục")).to_have_value("dang ky the chap")
    expect(page.locator(".result-count")).to_have_text("Tìm thấy 2 thủ tục")
    expect(_result_links(page).first).to_have_text(MORTGAGE)


def test_search_without_javascript_is_a_plain_get(app, new_context):
    _seed_catalog(app, total=48)
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/thu-tuc")
    page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill("dang ky the chap")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(QUERY_IN_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")
    expect(page.locator(".result-count")).to_have_text("Tìm thấy 1 thủ tục")
    expect(_result_links(page).first).to_have_text(MORTGAGE)
