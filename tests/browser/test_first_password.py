"""A new officer's first login (issue 18): the administrator creates the account with a
temporary password and grants a role; the officer enrols the second factor, is then held on the
password change (every other page sends them back) until they choose a password of their own —
the same one is refused — and lands on the desk."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.extensions import db

from .helpers import check_page, log_in, staff_log_in, totp_code
from .test_processing import context_for, enable_totp

pytestmark = pytest.mark.browser

TEMPORARY = "tam-thoi-do-quan-tri-dat"
OWN = "mat-khau-rieng-cua-chuyen-vien"


def test_a_new_officer_replaces_the_temporary_password_then_lands_on_the_desk(
        app, new_context):
    with app.app_context():
        factories.agency("STP", "Sở Tư pháp")
        admin = factories.staff(Role.ADMIN, email="quantri@example.vn")
        secret = enable_totp(admin)
        db.session.commit()
    admin_page = context_for(new_context)
    staff_log_in(admin_page, "quantri@example.vn", secret)
    admin_page.goto("/quan-tri/nguoi-dung/moi")
    admin_page.get_by_label("Họ và tên").fill("Đỗ Thị Mới")
    admin_page.get_by_label("E-mail").fill("moi.chuyenvien@example.vn")
    admin_page.get_by_label("Mật khẩu tạm thời").fill(TEMPORARY)
    admin_page.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin_page.get_by_role("status")).to_contain_text("Đã tạo tài khoản cho Đỗ Thị Mới")
    admin_page.get_by_role("combobox", name="Vai trò").select_option(label="Chuyên viên")
    admin_page.get_by_role("combobox", name="Cơ quan").select_option(label="Sở Tư pháp")
    admin_page.get_by_role("button", name="Gán vai trò").click()
    expect(admin_page.get_by_role("status")).to_contain_text("Đã gán vai trò")
    check_page(admin_page)

    officer = context_for(new_context)
    log_in(officer, "moi.chuyenvien@example.vn", TEMPORARY)
    expect(officer).to_have_url(re.compile(r"/tai-khoan/thiet-lap-xac-thuc"))
    own_secret = officer.locator(".totp-secret").inner_text().strip()
    officer.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(own_secret))
    officer.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(officer).to_have_url(re.compile(r"/tai-khoan/doi-mat-khau$"))
    expect(officer.get_by_role("alert")).to_contain_text(
        "Mật khẩu của bạn do quản trị viên đặt tạm thời")
    officer.goto("/can-bo/")  # anywhere else: back to the password
    expect(officer).to_have_url(re.compile(r"/tai-khoan/doi-mat-khau$"))
    check_page(officer)

    officer.get_by_label("Mật khẩu hiện tại").fill(TEMPORARY)
    officer.get_by_label("Mật khẩu mới", exact=True).fill(TEMPORARY)
    officer.get_by_label("Nhập lại mật khẩu mới").fill(TEMPORARY)
    officer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(officer.locator("#password-error")).to_have_text(
        "Mật khẩu mới phải khác mật khẩu hiện tại.")
    check_page(officer)  # the refusal, with axe
    officer.get_by_label("Mật khẩu hiện tại").fill(TEMPORARY)
    officer.get_by_label("Mật khẩu mới", exact=True).fill(OWN)
    officer.get_by_label("Nhập lại mật khẩu mới").fill(OWN)
    officer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(officer).to_have_url(re.compile(r"/can-bo/$"))  # a specialist's desk
    expect(officer.get_by_role("status")).to_contain_text("Đã đổi mật khẩu")
    with app.app_context():
        user = user_by_email("moi.chuyenvien@example.vn")
        assert not user.password_temporary and user.check_password(OWN)
    officer.goto("/can-bo/")  # free to go anywhere now
    expect(officer).to_have_url(re.compile(r"/can-bo/$"))
