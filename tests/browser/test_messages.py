"""Messages in Chromium (issue 13): a citizen chooses the channels of their messages and
proves their phone with the code the outbox holds; the bell's count rises when the counter
officer receives their dossier, and the message reads on its page; an administrator edits a
template (a sandbox escape refused in Vietnamese), previews it with a real dossier. axe and
the 360 px check on every new page."""

from __future__ import annotations

import re
from datetime import datetime

import factories
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.catalog.models import ProcedureVersion
from portal.extensions import db
from portal.notifications.models import OutboxMessage

from . import helpers
from .helpers import check_page, log_in
from .test_processing import act, build_people, context_for, enable_totp, open_queue, staff_log_in

pytestmark = pytest.mark.browser


def _latest_sms_code(app, phone: str) -> str:
    """The code as the SMS gateway would deliver it: read from the outbox row."""
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.channel == "sms", OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def _bell(page: Page):
    return page.locator("header a.notification-bell")


def test_citizen_chooses_channels_and_verifies_the_phone(app, page: Page):
    with app.app_context():
        factories.citizen("hoa@example.vn", full_name="Nguyễn Thị Hoa")
        db.session.commit()
    log_in(page, "hoa@example.vn", factories.PASSWORD)
    helpers.open_profile(page)
    section = page.locator("section", has=page.get_by_role("heading",
                                                           name="Nhận thông báo về hồ sơ"))
    expect(section.locator("#verify-phone .contact-status")).to_have_text("Chưa xác minh")
    # SMS before the phone is proved: refused, next to the choice.
    section.get_by_label("Tin nhắn SMS").check()
    section.get_by_role("button", name="Lưu cách nhận thông báo").click()
    expect(page.locator(".error-summary")).to_contain_text("Vui lòng xác minh số điện thoại")
    check_page(page)

    page.get_by_role("button", name="Gửi mã xác minh qua SMS").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi mã xác minh đến số điện thoại")
    code_field = page.get_by_label("Mã xác minh 6 chữ số")
    code = _latest_sms_code(app, "0912345678")
    code_field.fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Xác minh", exact=True).click()
    expect(page.locator("#phone-code-error")).to_contain_text("còn 4 lần thử")
    page.get_by_label("Mã xác minh 6 chữ số").fill(code)
    page.get_by_role("button", name="Xác minh", exact=True).click()
    expect(page.locator("#verify-phone .contact-status")).to_have_text("Đã xác minh")

    page.get_by_label("Tin nhắn SMS").check()
    page.get_by_label("Zalo", exact=True).check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Lưu cách nhận thông báo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu cách nhận thông báo")
    expect(page.get_by_label("Tin nhắn SMS")).to_be_checked()
    check_page(page)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hoa@example.vn"))
        assert (user.notify_email, user.notify_sms, user.notify_zalo) == (True, True, True)
        assert user.phone_verified == "0912345678" and user.language == "en"


def test_the_bell_counts_what_the_officer_did_and_the_message_reads(app, new_context):
    people = build_people(app)
    with app.app_context():
        dossier = factories.submitted_dossier(
            db.session.get(ProcedureVersion, people.version_id),
            db.session.get(User, people.ids["citizen"]), datetime.now(VN_TZ))
        code, dossier_id = dossier.code, dossier.id
        db.session.commit()
    citizen = context_for(new_context)
    log_in(citizen, people.emails["citizen"], factories.PASSWORD)
    expect(_bell(citizen)).to_contain_text("Thông báo: không có thông báo mới")

    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    open_queue(counter, "Chờ tiếp nhận", code)
    act(counter, "receive", "Tiếp nhận hồ sơ")

    citizen.reload()
    expect(_bell(citizen)).to_contain_text("Thông báo: 1 chưa đọc")
    expect(_bell(citizen).locator(".bell-count")).to_have_text("1")
    _bell(citizen).click()
    expect(citizen).to_have_url(re.compile(r"/tai-khoan/thong-bao$"))
    check_page(citizen)
    citizen.get_by_role("link", name=f"[{code}] Hồ sơ đã được tiếp nhận").click()
    expect(citizen.locator(".notification-body")).to_contain_text("Ngày hẹn trả kết quả")
    expect(_bell(citizen)).to_contain_text("không có thông báo mới")
    check_page(citizen)
    citizen.get_by_role("link", name=f"Xem hồ sơ {code}").click()
    expect(citizen).to_have_url(re.compile(rf"/ho-so/{dossier_id}$"))


def test_an_administrator_edits_and_previews_a_template(app, page: Page):
    with app.app_context():
        admin = factories.staff(Role.ADMIN, email="quantri@example.vn")
        secret = enable_totp(admin)
        dossier = factories.submitted_dossier()
        dossier.applicant_name = "Lê Thị Cúc"
        code = dossier.code
        db.session.commit()
    helpers.staff_log_in(page, "quantri@example.vn", secret)
    page.goto("/quan-tri/")
    page.get_by_role("link", name="Mẫu tin nhắn").click()
    check_page(page)
    page.get_by_role("row", name=re.compile("Hồ sơ đã được tiếp nhận")).get_by_role(
        "link", name=re.compile(r"Sửa.*\(vi\)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ đã được tiếp nhận")

    sms = page.get_by_label("Nội dung SMS")
    sms.fill("{{ code.__class__.__mro__ }}")
    page.get_by_role("button", name="Lưu mẫu").click()
    expect(page.locator("#sms_text-error")).to_contain_text("Mẫu không hiển thị được")
    check_page(page)

    page.get_by_label("Nội dung SMS").fill("Hồ sơ {{ code }} đã được tiếp nhận, hẹn "
                                           "{{ appointment }}.")
    # As it is typed, the length under the field follows (htmx; the preview does it too).
    expect(page.locator("#sms-length-live")).to_contain_text("bảng mã UCS-2, 2 tin nhắn")
    page.get_by_label("Mã hồ sơ để xem trước").fill(code)
    page.get_by_role("button", name="Xem trước", exact=True).click()
    preview = page.locator("section.template-preview")
    expect(preview.locator(".preview-email")).to_contain_text("Lê Thị Cúc")
    expect(preview.locator(".preview-sms")).to_contain_text(f"Hồ sơ {code} đã được tiếp nhận")
    expect(preview.locator(".sms-length")).to_contain_text("bảng mã UCS-2")
    page.get_by_role("button", name="Lưu mẫu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu mẫu tin nhắn")
    expect(page.locator("main")).to_contain_text("Nội dung đã được quản trị viên sửa")
    check_page(page)
