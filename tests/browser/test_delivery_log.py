"""An administrator sees a failed e-mail in the delivery log and sends it again (it reaches a
real SMTP server), and cancels a message still waiting for its next attempt."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxState

from .helpers import check_page, log_in, totp_code

pytestmark = pytest.mark.browser


def test_admin_retries_a_failed_delivery(app, backend, page: Page, mail_inbox):
    check = check_page if backend == "sqlite" else (lambda page: None)
    with app.app_context():
        factories.staff(Role.ADMIN, email="quantri@example.vn")
        failed = OutboxMessage(channel="email", recipient="an@example.vn",
                               subject="Hồ sơ đã được tiếp nhận", body="Kính gửi ông An …",
                               state=OutboxState.FAILED, attempts=8,
                               last_error="SMTP: [Errno 111] Connection refused")
        waiting = OutboxMessage(channel="sms", recipient="0905123456", body="Hồ sơ trễ hạn",
                                attempts=1, next_attempt_at=utcnow() + timedelta(hours=1),
                                last_error="SMS gateway code 99: Lỗi không xác định")
        db.session.add_all([failed, waiting])
        db.session.commit()
        failed_id, waiting_id = failed.id, waiting.id

    log_in(page, "quantri@example.vn", factories.PASSWORD)
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))
    page.get_by_role("link", name="Nhật ký gửi tin nhắn").click()

    page.get_by_label("Trạng thái").select_option(label="Gửi lỗi")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"state=failed"))
    row = page.locator(f"#tin-nhan-{failed_id}")
    expect(row).to_contain_text("Connection refused")
    expect(row).to_contain_text("Gửi lỗi")
    expect(page.locator(f"#tin-nhan-{waiting_id}")).to_have_count(0)
    check(page)

    row.get_by_role("button", name="Gửi lại").click()
    expect(page.locator("main")).to_contain_text(
        f"Đã đưa tin nhắn số {failed_id} vào hàng đợi để gửi lại.")
    [mail] = mail_inbox.wait_for(1)  # the worker sent it
    assert mail["Subject"] == "Hồ sơ đã được tiếp nhận" and mail["To"] == "an@example.vn"

    page.get_by_label("Trạng thái").select_option(label="Tất cả")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(f"#tin-nhan-{failed_id}")).to_contain_text("Đã gửi")
    waiting_row = page.locator(f"#tin-nhan-{waiting_id}")
    expect(waiting_row).to_contain_text("Đang chờ gửi")
    check(page)
    waiting_row.locator("summary", has_text="Hủy").click()
    waiting_row.get_by_role("button", name="Hủy tin nhắn").click()
    expect(page.locator("main")).to_contain_text(f"Đã hủy tin nhắn số {waiting_id}.")
    expect(page.locator(f"#tin-nhan-{waiting_id}")).to_contain_text("Đã hủy")
    check(page)
