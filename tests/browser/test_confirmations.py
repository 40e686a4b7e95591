"""Destructive actions ask first (issue 18): the administrator's delete and revoke buttons open
a question with the real button (macros/forms.html confirm_post, a <details>), with and
without JavaScript."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.catalog.models import Counter
from portal.extensions import db

from .helpers import check_page, log_in, totp_code
from .test_processing import enable_totp

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def _admin_with_two_counters(app) -> str:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        db.session.add_all([Counter(agency=agency, number=7, name="Hộ tịch"),
                            Counter(agency=agency, number=8, name="Lý lịch tư pháp")])
        admin = factories.staff(Role.ADMIN, email="quantri@example.vn")
        secret = enable_totp(admin)
        db.session.commit()
    return secret


def _admin_logs_in(page: Page, secret: str) -> None:
    log_in(page, "quantri@example.vn", factories.PASSWORD)
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))


def _numbers(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Counter.number).order_by(Counter.number)))


def _delete_counter_seven(page: Page, app, *, axe: bool = True) -> None:
    page.goto("/quan-tri/quay")
    row = page.locator("tr", has_text="Hộ tịch")
    confirm = row.get_by_role("button", name="Xác nhận xóa quầy số 7")
    expect(confirm).to_be_hidden()
    row.locator("summary", has_text="Xóa").click()  # one click only asks
    expect(row).to_contain_text("Xóa quầy số 7 (Hộ tịch)? Không hoàn tác được.")
    expect(confirm).to_be_visible()
    assert _numbers(app) == [7, 8]
    if axe:  # axe is a script: it cannot run where JavaScript is off
        check_page(page)  # the question open: axe and 360 px
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("Đã xóa quầy số 7.")
    assert _numbers(app) == [8]


def test_deleting_a_counter_asks_first(app, page: Page):
    secret = _admin_with_two_counters(app)
    _admin_logs_in(page, secret)
    _delete_counter_seven(page, app)


def test_deleting_a_counter_asks_first_without_javascript(app, new_context):
    secret = _admin_with_two_counters(app)
    page = new_context(java_script_enabled=False).new_page()
    _admin_logs_in(page, secret)
    _delete_counter_seven(page, app, axe=False)
