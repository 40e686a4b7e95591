"""Feedback and complaints in Chromium (issue 16): a visitor who is not signed in sends a
complaint from the footer's link, the supervisor routes it to the agency, the agency's
leader answers it, the supervisor publishes it anonymised, and a visitor finds it on the
public page by typing without accents. axe (no serious or critical violation) and no
sideways scroll at 360 px on each page (SQLite: the markup does not depend on the database)."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.extensions import db

from .helpers import check_page, staff_log_in
from .test_processing import enable_totp

pytestmark = pytest.mark.browser

COMPLAINT = ("Hồ sơ đăng ký đất đai của tôi đã trễ hẹn hai tuần. Liên hệ tôi qua số "
             "0905 777 888 hoặc lan.pham@example.vn.")


@pytest.fixture
def people(app) -> dict[str, str]:
    """The supervisor and a leader of the land department (second factor on): TOTP secrets."""
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        factories.agency("SXD", "Sở Xây dựng")
        supervisor = factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn")
        leader = factories.staff(Role.LEADER, agency, "lanhdao@example.vn")
        secrets = {"giamsat@example.vn": enable_totp(supervisor),
                   "lanhdao@example.vn": enable_totp(leader)}
        db.session.commit()
    return secrets


def _send(page: Page, check: bool) -> str:
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Phản ánh, kiến nghị", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi phản ánh, kiến nghị")
    if check:
        check_page(page)
    page.get_by_label("Chậm trễ giải quyết hồ sơ").check()
    page.get_by_label("Nội dung phản ánh, kiến nghị", exact=True).fill(COMPLAINT)
    page.get_by_label("Họ và tên").fill("Phạm Thị Lan")
    page.get_by_label("Số điện thoại").fill("0905 777 888")
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhận phản ánh, kiến nghị của bạn")
    if check:
        check_page(page)
    return page.locator(".feedback-reference").inner_text()


def test_feedback_sent_routed_answered_published_and_found(backend, people, new_context):
    check = backend == "sqlite"
    visitor = new_context().new_page()
    reference = _send(visitor, check)

    supervisor = new_context().new_page()
    staff_log_in(supervisor, "giamsat@example.vn", people["giamsat@example.vn"])
    supervisor.goto("/thong-ke/giam-sat")
    expect(supervisor.locator(".feedback-overdue")).to_contain_text(
        "Không có phản ánh nào quá hạn trả lời.")
    supervisor.locator(".monitoring-feedback").get_by_role(
        "link", name="Danh sách phản ánh, kiến nghị").click()
    supervisor.get_by_role("link", name=reference).click()
    expect(supervisor.locator(".feedback-state")).to_have_text("Mới tiếp nhận")
    if check:
        check_page(supervisor)
    supervisor.get_by_label("Cơ quan chịu trách nhiệm xử lý").select_option(
        label="Sở Tài nguyên và Môi trường")
    supervisor.get_by_role("button", name="Chuyển", exact=True).click()
    expect(supervisor.locator(".feedback-state")).to_have_text("Đã chuyển cơ quan xử lý")

    leader = new_context().new_page()
    staff_log_in(leader, "lanhdao@example.vn", people["lanhdao@example.vn"])
    leader.goto("/can-bo/")
    leader.get_by_role("link", name="Phản ánh, kiến nghị", exact=True).first.click()
    leader.get_by_role("link", name=reference).click()
    leader.get_by_label("Nội dung trả lời").fill(
        "Sở đã trả kết quả ngày 20/3 và gửi lời xin lỗi vì đã trễ hẹn.")
    leader.get_by_role("button", name="Gửi trả lời").click()
    expect(leader.locator(".feedback-state")).to_have_text("Đã trả lời")
    if check:
        check_page(leader)

    supervisor.reload()
    public_text = supervisor.get_by_label("Nội dung công khai")
    expect(public_text).not_to_have_value(re.compile("0905|lan.pham"))
    supervisor.get_by_role("button", name="Công khai", exact=True).click()
    expect(supervisor.locator(".published-note")).to_contain_text("Đã công khai")

    visitor.goto("/phan-anh/cong-khai")
    search = visitor.get_by_label("Tìm trong nội dung và trả lời (không cần gõ dấu)")
    search.fill("tre hen hai tuan")
    results = visitor.locator(".published-item")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Sở đã trả kết quả ngày 20/3")
    expect(visitor.locator("main")).not_to_contain_text("0905")
    expect(visitor.locator("main")).not_to_contain_text("lan.pham@example.vn")
    expect(visitor.locator("main")).not_to_contain_text("Phạm Thị Lan")
    if check:
        check_page(visitor)
