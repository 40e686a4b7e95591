"""Issue 13: an agency leader turns the morning digest off on their account page, keeps the
reminders, and the next digest run leaves them out (axe and 360 px on the page)."""

from __future__ import annotations

import re
from datetime import datetime

import factories
import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.extensions import db
from portal.notifications import jobs
from portal.notifications.models import OutboxMessage

from .helpers import check_page, open_profile, staff_log_in

pytestmark = pytest.mark.browser


def test_a_leader_turns_the_digest_off(app, page: Page):
    with app.app_context():
        agency = factories.agency()
        leader = factories.staff(Role.LEADER, agency, email="lanhdao@example.vn")
        factories.staff(Role.LEADER, agency, email="phophong@example.vn")
        leader.totp_secret, leader.totp_enabled = pyotp.random_base32(), True
        secret = leader.totp_secret
        db.session.commit()
    staff_log_in(page, "lanhdao@example.vn", secret)
    open_profile(page)
    section = page.get_by_role("region", name="Thư công việc qua e-mail")
    digests = section.get_by_label("Báo cáo giám sát hằng ngày")
    reminders = section.get_by_label("Thư nhắc việc mỗi ngày làm việc")
    expect(digests).to_be_checked()
    expect(reminders).to_be_checked()
    check_page(page)

    digests.uncheck()
    section.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so-ca-nhan#work-mail-title$"))
    expect(page.get_by_role("status")).to_contain_text("Đã lưu lựa chọn nhận thư công việc.")
    expect(section.get_by_label("Báo cáo giám sát hằng ngày")).not_to_be_checked()
    expect(section.get_by_label("Thư nhắc việc mỗi ngày làm việc")).to_be_checked()
    check_page(page)

    with app.app_context():  # Monday 05/05/2025, 07:15: a working morning
        assert jobs.run("digests", datetime(2025, 5, 5, 7, 15, tzinfo=VN_TZ)) == 1
        sent = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert sent == ["phophong@example.vn"]
