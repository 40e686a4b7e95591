"""Accessibility sweep: axe-core (no serious or critical violation) at the default viewport and
at 360x740, and no horizontal scroll on a 360 px phone, on every public and account page."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.catalog import demo
from portal.extensions import db

from .helpers import check_page, log_in

# The markup does not depend on the database: the sweep runs on SQLite only (the journeys in
# test_public_catalog.py and test_accounts.py run on both backends).
pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

PROCEDURE = "/thu-tuc/1.004583"  # fees, documents with form templates and samples, steps


@pytest.mark.parametrize("url", [
    "/",
    "/thu-tuc",
    "/thu-tuc?q=xyz",  # the empty state
    PROCEDURE,
    "/co-quan",
    "/tai-khoan/dang-ky",
    "/tai-khoan/dang-nhap",
    "/tai-khoan/quen-mat-khau",
    "/khong-co-trang-nay",  # 404
])
def test_public_page(app, page: Page, url):
    if url == "/" or url.startswith(("/thu-tuc", "/co-quan")):
        with app.app_context():  # the demo agencies and the 48 real procedures
            demo.seed_agencies()
            demo.seed_catalog(48, app.extensions["storage"] if url == PROCEDURE else None)
            db.session.commit()
    check_page(page, url)
    if url == "/thu-tuc?q=xyz":
        expect(page.locator(".empty-state")).to_be_visible()
    if url == "/khong-co-trang-nay":
        expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_registration_with_errors(app, page: Page):
    page.goto("/tai-khoan/dang-ky")
    page.get_by_role("radio", name="Tổ chức, doanh nghiệp").check()
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("123")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)


def test_profile_of_a_business_owner(app, page: Page):
    with app.app_context():
        owner = factories.citizen(email="chu@example.vn", organisation_name="Công ty TNHH Trà Bồng",
                                  tax_code="4300999888")
        member = factories.citizen(email="thanhvien@example.vn")
        from portal.accounts import operations as account_ops

        account_ops.add_member(owner.memberships[0].organisation, member.email)
        db.session.commit()
    log_in(page, "chu@example.vn", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))  # a citizen lands on their dossiers
    page.goto("/tai-khoan/ho-so-ca-nhan")
    expect(page.locator(".org-members li")).to_have_count(2)
    check_page(page)


def test_totp_setup_page(app, page: Page):
    with app.app_context():
        factories.staff(Role.COUNTER_OFFICER, factories.agency(), email="motcua@example.vn")
        db.session.commit()
    log_in(page, "motcua@example.vn", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/tai-khoan/thiet-lap-xac-thuc"))
    check_page(page)
