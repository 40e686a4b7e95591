"""The statistics pages in Chromium: the centre's supervisor signs in (password + TOTP), opens
the table, changes the period and the layout (the results refresh in place and the address
follows), clicks a number and finds a list of that many dossiers; then the annual figures,
the charts and the printable report. Each page: axe (no serious or critical violation) at
the default width and at 360 px, and no sideways scroll of the page at 360 px — the table
scrolls inside its own box.

Markup and one journey over a handful of dossiers: SQLite only, like test_staff_pages.py."""

from __future__ import annotations

import re
from datetime import datetime

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.catalog.models import AgencyKind
from portal.dossiers.models import Channel, DossierState
from portal.extensions import db

from .helpers import check_page, open_nav_menu, staff_log_in
from .test_processing import enable_totp

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

S = DossierState
EMAIL = "giamsat@example.vn"


def at(day: int, month: int = 1, hour: int = 9) -> datetime:
    return datetime(2019, month, day, hour, 0, tzinfo=VN_TZ)


def _dossier(version, received, due, finished=None, state=None, channel=Channel.COUNTER):
    item = factories.submitted_dossier(version)
    item.channel = channel
    item.received_at, item.due_at, item.finished_at = received, due, finished
    item.state = state or (S.RETURNED if finished else S.IN_PROGRESS)


@pytest.fixture
def supervisor_secret(app) -> str:
    """Three agencies with January 2019 dossiers, and the supervisor (TOTP enrolled)."""
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        land = factories.agency("VPDKDD", "Văn phòng Đăng ký đất đai – Chi nhánh thành phố "
                                "Quảng Ngãi")
        land.kind = AgencyKind.LAND
        labour = factories.agency("SLDTBXH", "Sở Lao động – Thương binh và Xã hội")
        j = factories.published_procedure(justice, name="Cấp Phiếu lý lịch tư pháp")
        lab = factories.published_procedure(labour, name="Cấp giấy phép lao động")
        lnd = factories.published_procedure(land, name="Đăng ký thế chấp quyền sử dụng đất")
        for day in range(2, 9):  # seven resolved at Sở Tư pháp, two of them late
            _dossier(j, at(day), at(day + 5), at(day + 3 if day > 3 else day + 7),
                     channel=Channel.ONLINE if day % 2 else Channel.COUNTER)
        _dossier(j, at(20), at(25))  # pending, overdue at the end of January
        _dossier(j, at(28), at(5, month=2))  # pending, within
        _dossier(lab, at(10), at(15), at(14), channel=Channel.POSTAL)
        _dossier(lab, at(11), at(11), at(11))  # resolved on the spot
        _dossier(lnd, at(12), at(19), at(22))
        user = factories.staff(Role.SUPERVISOR, None, EMAIL)
        secret = enable_totp(user)
        db.session.commit()
        return secret


def _sign_in(page: Page, secret: str) -> None:
    staff_log_in(page, EMAIL, secret)


def test_the_supervisors_statistics(app, page: Page, supervisor_secret):
    _sign_in(page, supervisor_secret)
    open_nav_menu(page, "work-menu")  # the supervisor's work pages: Cán bộ, Thống kê
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Thống kê", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thống kê tiếp nhận và giải quyết hồ sơ")
    expect(page.locator(".stats-notes")).to_contain_text("Mặc định")
    check_page(page)

    # A chosen period and layout B: the results change in place, the address follows.
    page.get_by_label("Từ ngày … đến ngày …").check()
    page.get_by_label("Từ ngày", exact=True).fill("2019-01-01")
    page.get_by_label("Đến ngày", exact=True).fill("2019-01-31")
    page.get_by_label(re.compile("^B: Mẫu II.06a")).check()
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.locator("#stats-heading")).to_contain_text("Mẫu II.06a")
    expect(page.locator("#stats-heading")).to_contain_text("từ 01/01/2019 đến 31/01/2019")
    expect(page).to_have_url(re.compile(r"tu=2019-01-01.*mau=B"))
    expect(page.get_by_role("link", name="Biểu đồ", exact=True)).to_have_attribute(
        "href", re.compile(r"tu=2019-01-01"))  # the tabs follow the new choice
    check_page(page)

    # Sở Tư pháp resolved seven dossiers: the number is a link to those seven.
    row = page.locator(".stats-table tbody tr", has=page.get_by_role(
        "rowheader", name="Sở Tư pháp", exact=True))
    resolved = row.locator("td.n").nth(5)  # no., received, carried, online, direct, resolved
    expect(resolved).to_have_text("7")
    resolved.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sở Tư pháp — Đã giải quyết — 01/01/2019–31/01/2019: 7 hồ sơ")
    expect(page.locator(".stats-list tbody tr")).to_have_count(7)
    check_page(page)
    page.get_by_role("link", name="Thống kê hồ sơ").click()
    expect(page.locator("#stats-heading")).to_contain_text("từ 01/01/2019 đến 31/01/2019")

    # The annual figures and the charts keep the period.
    page.get_by_role("link", name="Số liệu năm").click()
    expect(page.locator("#annual-heading")).to_contain_text("từ 01/01/2019 đến 31/01/2019")
    expect(page.locator(".annual-rate")).to_have_text("70,0 %")  # 7 of 10 on time
    check_page(page)
    page.get_by_role("link", name="Biểu đồ", exact=True).click()
    for name in ("Tỷ lệ giải quyết đúng hạn theo cơ quan",
                 "Hồ sơ tiếp nhận theo tháng và hình thức nộp",
                 "Hồ sơ đang giải quyết và quá hạn vào cuối mỗi tháng"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    page.locator("main details summary").first.click()
    expect(page.locator("main details").first.get_by_role("table")).to_be_visible()
    check_page(page)


def test_the_printable_report_and_the_2019_comparison(app, page: Page, supervisor_secret):
    _sign_in(page, supervisor_secret)
    check_page(page, "/thong-ke/?ky=nam&nam=2019")
    # This database holds no replayed 2019: the note says so and how to replay it (issue 12).
    expect(page.locator(".stats-published")).to_contain_text("flask demo replay-2019")
    check_page(page, "/thong-ke/ban-in?tu=2019-01-01&den=2019-01-31&mau=A")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Tình hình tiếp nhận và giải quyết hồ sơ")
