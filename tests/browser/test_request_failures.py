"""An htmx request that fails shows a visible, announced message (issue 18): htmx swaps nothing
for a 4xx/5xx answer or a network failure, so before base.html's message and portal.js's one
handler the click did nothing at all. A session that ended while the page was open sends the
page to the login, which comes back to it."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, Route, expect

from portal.accounts import user_sessions
from portal.accounts.models import Role, User
from portal.extensions import db

from .helpers import check_page, staff_log_in
from .test_processing import enable_totp
from .test_public_catalog import _seed_catalog

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

SEARCH = re.compile(r"/thu-tuc\?")  # the catalog's active search (an htmx GET)


def _answer(status: int):
    def handle(route: Route) -> None:
        if route.request.headers.get("hx-request") == "true":
            route.fulfill(status=status, body="<p>refused</p>", content_type="text/html")
        else:
            route.continue_()
    return handle


def _search(page: Page, text: str) -> None:
    page.locator("#q").fill(text)


def test_a_failed_htmx_request_says_so(app, page: Page):
    _seed_catalog(app, total=5)
    page.goto("/thu-tuc")
    message = page.locator("#request-failed")
    expect(message).to_be_hidden()

    page.route(SEARCH, _answer(500))
    _search(page, "dat dai")
    expect(message).to_be_visible()
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_contain_text("Máy chủ gặp lỗi khi xử lý yêu cầu.")
    check_page(page)  # axe and 360 px with the message showing
    page.get_by_role("button", name="Đóng").click()
    expect(message).to_be_hidden()

    page.unroute(SEARCH)
    page.route(SEARCH, _answer(403))
    _search(page, "ho tich")
    expect(message).to_contain_text("Bạn không có quyền thực hiện thao tác này")

    page.unroute(SEARCH)
    page.route(SEARCH, lambda route: route.abort("internetdisconnected"))
    _search(page, "xay dung")
    expect(message).to_contain_text("Không kết nối được tới máy chủ.")

    page.unroute(SEARCH)  # the network is back: the next search hides the message
    _search(page, "dang ky")
    expect(message).to_be_hidden()
    expect(page.locator(".result-count")).to_be_visible()


def test_the_message_is_in_the_page_language(app, page: Page):
    _seed_catalog(app, total=5)
    page.goto("/thu-tuc")
    page.get_by_role("button", name="English").click()
    page.route(SEARCH, _answer(409))
    page.locator("#q").fill("dat")
    expect(page.locator("#request-failed")).to_contain_text(
        "Someone else has just changed this dossier.")


def test_a_session_that_ended_sends_the_page_to_the_login(app, page: Page):
    with app.app_context():
        officer = factories.staff(Role.COUNTER_OFFICER, factories.agency(), "quay@example.vn")
        secret = enable_totp(officer)
        db.session.commit()
        officer_id = officer.id
    staff_log_in(page, "quay@example.vn", secret)
    page.goto("/can-bo/hang-doi?loai=moi")
    with app.app_context():  # e.g. "log out everywhere" on another device
        user_sessions.end_all(db.session.get(User, officer_id))
        db.session.commit()
    page.locator("#queue-q").press_sequentially("Nguyen")
    expect(page).to_have_url(re.compile(
        r"/tai-khoan/dang-nhap\?next=%2Fcan-bo%2Fhang-doi%3Floai%3Dmoi"))
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng đăng nhập để tiếp tục.")
    expect(page.locator("#request-failed")).to_be_hidden()
