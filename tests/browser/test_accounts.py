"""Account journeys: register (citizen, business), log in/out, forgot password over real SMTP,
staff two-factor setup and prompt; logging out ends the session in every browser holding its
cookies, and `next` never leads off the site (issue 10, items 6 and 3)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import factories
import pyotp
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.extensions import db

from .helpers import (
    check_page,
    log_in,
    log_out,
    open_profile,
    staff_log_in,
    totp_code,
    wrong_totp_code,
)

pytestmark = pytest.mark.browser

PASSWORD = "mot-mat-khau-rat-dai"


def _fill_citizen(page: Page, **values) -> None:
    fields = {"Họ và tên": "Nguyễn Thị Hoa", "Số định danh cá nhân (CCCD)": "051195001111",
              "Số điện thoại": "0905123456", "E-mail": "hoa@example.vn",
              "Mật khẩu": PASSWORD, "Nhập lại mật khẩu": PASSWORD}
    fields.update(values)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Tôi cam đoan thông tin trên là đúng sự thật").check()


def _submit_registration(page: Page) -> None:
    page.get_by_role("button", name="Đăng ký", exact=True).click()


def test_citizen_registers_logs_out_and_in(app, page: Page):
    page.goto("/tai-khoan/dang-ky")
    _fill_citizen(page, **{"Số định danh cá nhân (CCCD)": "12345",
                           "Nhập lại mật khẩu": "mot-mat-khau-khac"})
    _submit_registration(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # portal.js moves focus there for screen readers
    expect(summary.get_by_role("heading")).to_have_text("Vui lòng sửa các lỗi sau")
    id_link = summary.get_by_role("link", name="Số định danh cá nhân gồm đúng 12 chữ số.")
    expect(id_link).to_have_attribute("href", "#id_number")
    expect(summary.get_by_role("link", name="Hai mật khẩu không khớp.")).to_have_attribute(
        "href", "#confirm")
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Hoa")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("hoa@example.vn")
    id_field = page.get_by_label("Số định danh cá nhân (CCCD)")
    expect(id_field).to_have_value("12345")
    expect(id_field).to_have_attribute("aria-invalid", "true")
    id_link.click()
    expect(id_field).to_be_focused()

    _fill_citizen(page)  # passwords are never sent back: type them again
    _submit_registration(page)
    expect(page).to_have_url(re.compile(r"/ho-so$"))  # where a citizen works (issue 12)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.locator("main")).to_contain_text("Đăng ký tài khoản thành công")
    open_profile(page)
    expect(page.locator("main dl")).to_contain_text("051195001111")

    log_out(page)
    log_in(page, "hoa@example.vn", "mat-khau-sai-roi")
    expect(page.locator("#password-error")).to_have_text("E-mail hoặc mật khẩu không đúng.")
    expect(page.locator(".error-summary")).to_contain_text("E-mail hoặc mật khẩu không đúng.")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("hoa@example.vn")

    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    expect(page.locator("main")).to_contain_text("Xin chào Nguyễn Thị Hoa.")


def test_business_registers_and_invites_a_member(app, page: Page, mail_inbox):
    with app.app_context():
        factories.citizen(email="nhanvien@example.vn", full_name="Lê Văn Nhân")
        db.session.commit()
    page.goto("/tai-khoan/dang-ky")
    business_fields = page.locator(".business-fields")
    expect(business_fields).to_be_hidden()
    page.get_by_role("radio", name="Tổ chức, doanh nghiệp").check()
    expect(business_fields).to_be_visible()
    _fill_citizen(page, **{"E-mail": "giamdoc@songtra.vn", "Họ và tên": "Trần Thị Bình"})
    page.get_by_label("Tên tổ chức, doanh nghiệp").fill("Công ty TNHH Sông Trà")
    page.get_by_label("Mã số thuế").fill("4300123456")
    page.get_by_label("Địa chỉ trụ sở").fill("15 Quang Trung, thành phố Quảng Ngãi")
    _submit_registration(page)

    expect(page).to_have_url(re.compile(r"/ho-so$"))
    page.goto("/tai-khoan/ho-so-ca-nhan")
    organisation = page.locator("section.card", has_text="Công ty TNHH Sông Trà")
    expect(organisation.get_by_role("heading", level=2)).to_have_text("Công ty TNHH Sông Trà")
    expect(organisation).to_contain_text("Mã số thuế: 4300123456")
    expect(organisation.locator(".org-members li")).to_have_count(1)

    # Members join by invitation (issue 18; the whole journey: test_business_members.py).
    organisation.get_by_label("E-mail người được mời").fill("nhanvien@example.vn")
    organisation.get_by_role("button", name="Gửi lời mời").click()
    expect(page.get_by_role("status").filter(
        has_text="Đã gửi lời mời tới nhanvien@example.vn")).to_be_visible()
    expect(page.locator("section.card .org-invitations li")).to_contain_text(
        "nhanvien@example.vn")
    [mail] = mail_inbox.wait_for(1)
    assert mail["To"] == "nhanvien@example.vn"


def _reset_link(message) -> str:
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    match = re.search(r"https?://\S+/tai-khoan/dat-lai-mat-khau/\S+", body)
    assert match, body
    return match.group(0)


def test_forgot_password_by_email_link_used_once(app, page: Page, mail_inbox):
    with app.app_context():
        factories.citizen(email="quen@example.vn", full_name="Phạm Văn Quên")
        db.session.commit()
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("E-mail đã đăng ký").fill("quen@example.vn")
    page.get_by_role("button", name="Gửi đường dẫn").click()
    expect(page.get_by_role("status")).to_contain_text("chúng tôi đã gửi đường dẫn")

    [message] = mail_inbox.wait_for(1)  # sent once the answer has gone out
    assert message["To"] == "quen@example.vn"
    link = _reset_link(message)
    assert link.startswith(page.url.split("/tai-khoan")[0])  # BASE_URL is the live server

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặt lại mật khẩu")
    page.get_by_label("Mật khẩu mới", exact=True).fill("mat-khau-moi-2026")
    page.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-moi-2026")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đặt lại mật khẩu")

    log_in(page, "quen@example.vn", "mat-khau-moi-2026")
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    log_out(page)

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/tai-khoan/quen-mat-khau$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Đường dẫn đặt lại mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn.")


def test_staff_sets_up_totp_then_is_prompted(app, page: Page):
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        factories.staff(Role.SPECIALIST, agency, email="chuyenvien@example.vn")
        db.session.commit()
    log_in(page, "chuyenvien@example.vn", factories.PASSWORD)

    expect(page).to_have_url(re.compile(r"/tai-khoan/thiet-lap-xac-thuc"))
    qr = page.get_by_role("img", name="Mã QR thiết lập xác thực hai lớp")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
    secret = page.locator(".totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))  # a specialist lands on the desk
    expect(page.locator("main")).to_contain_text("Đã bật xác thực hai lớp")

    log_out(page)
    log_in(page, "chuyenvien@example.vn", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai lớp")
    expect(page.locator(".totp-secret")).to_have_count(0)  # the secret is shown only once
    code_field = page.get_by_label("Mã xác thực 6 chữ số")
    code_field.fill(wrong_totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("#code-error")).to_have_text("Mã xác thực không đúng hoặc đã hết hạn.")

    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
    page.goto("/tai-khoan/ho-so-ca-nhan")
    expect(page.locator("main dl")).to_contain_text("Sở Tư pháp")


def test_logging_out_ends_the_session_for_a_copied_cookie(app, page: Page, new_context):
    """Real cookies through a real server: a second browser given the officer's cookies is
    signed in, and is signed out when the officer logs out in the first."""
    with app.app_context():
        officer = factories.staff(Role.COUNTER_OFFICER, factories.agency(),
                                  email="motcua@example.vn")
        officer.totp_secret, officer.totp_enabled = pyotp.random_base32(), True
        secret = officer.totp_secret
        db.session.commit()
    staff_log_in(page, "motcua@example.vn", secret)
    copy = new_context().new_page()
    copy.context.add_cookies(page.context.cookies())
    copy.goto("/can-bo/")
    expect(copy).to_have_url(re.compile(r"/can-bo/$"))

    page.goto("/can-bo/")
    log_out(page)
    copy.goto("/can-bo/")
    expect(copy).to_have_url(re.compile(r"/tai-khoan/dang-nhap\?next="))
    expect(copy.get_by_role("button", name="Đăng xuất", exact=True)).to_have_count(0)


def test_login_with_a_hostile_next_stays_on_the_site(app, page: Page, live_server):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    page.goto("/tai-khoan/dang-nhap?next=/%09/evil.example")
    page.get_by_label("E-mail", exact=True).fill("an@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    assert urlsplit(page.url).netloc == urlsplit(live_server).netloc, page.url


# --- issue 12: where a login lands, the profile, the password ---------------------------

def citizen_with_work(app) -> tuple[str, str]:
    """A citizen with one dossier whose papers are requested and one with a result ready."""
    from datetime import timedelta

    from portal.calendar.overrides import current_calendar
    from portal.core.models import utcnow
    from portal.workflow import actions as wf

    with app.app_context():
        owner = factories.citizen(email="an@example.vn", full_name="Nguyễn Văn An")
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(agency)
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        specialist = factories.staff(Role.SPECIALIST, agency)
        leader = factories.staff(Role.LEADER, agency)
        now = utcnow() - timedelta(hours=1)

        def ctx(user, minutes: int) -> wf.Context:
            return wf.Context(user, now + timedelta(minutes=minutes), current_calendar())

        waiting = factories.submitted_dossier(version, owner, now)
        wf.receive(waiting, ctx(counter, 1))
        wf.request_supplement(waiting, ctx(specialist, 2), "Bản sao CCCD có chứng thực",
                              "Bản chụp CCCD bị mờ")
        done = factories.submitted_dossier(version, owner, now)
        wf.receive(done, ctx(counter, 3))
        wf.take(done, ctx(specialist, 4))
        factories.result_file(done, specialist)
        wf.approve(done, ctx(leader, 5), "Phiếu lý lịch tư pháp số 123/LLTP")
        db.session.commit()
        return waiting.code, done.code


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # markup only
def test_each_person_lands_where_they_work(app, page: Page, new_context):
    code, done = citizen_with_work(app)
    with app.app_context():
        counter = factories.staff(Role.COUNTER_OFFICER, factories.agency(),
                                  email="motcua@example.vn")
        supervisor = factories.staff(Role.SUPERVISOR, email="giamsat@example.vn")
        secrets = {}
        for user in (counter, supervisor):
            user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
            secrets[user.email] = user.totp_secret
        db.session.commit()

    log_in(page, "an@example.vn", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    main = page.locator("main")
    submit_new = main.get_by_role("link", name="Nộp hồ sơ", exact=True)
    action = page.locator("section.needs-action")
    expect(action.get_by_role("heading", level=2)).to_have_text("Cần bạn xử lý")
    # "Nộp hồ sơ" and what needs the citizen come before their lists.
    assert submit_new.bounding_box()["y"] < action.bounding_box()["y"] < main.get_by_role(
        "heading", name="Bản nháp").bounding_box()["y"]
    expect(action.get_by_role("link", name=code)).to_have_attribute(
        "href", re.compile(r"#supplement$"))
    expect(action.locator("li", has_text=done)).to_contain_text("Có kết quả, mời nhận")
    expect(page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Hồ sơ của tôi")).to_be_visible()
    check_page(page)
    action.get_by_role("link", name=code).click()
    expect(page.locator("#supplement")).to_be_in_viewport()

    for email, landing in (("motcua@example.vn", r"/can-bo/$"),
                           ("giamsat@example.vn", r"/thong-ke/giam-sat$")):
        staff_page = new_context().new_page()
        staff_log_in(staff_page, email, secrets[email])
        expect(staff_page).to_have_url(re.compile(landing))
        expect(staff_page.get_by_role("link", name="Hồ sơ của tôi")).to_have_count(0)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # markup only
def test_profile_is_edited_with_errors_that_jump_to_the_field(app, page: Page):
    with app.app_context():
        factories.citizen(email="an@example.vn", full_name="Nguyễn Văn An",
                          id_number="051195001111")
        db.session.commit()
    log_in(page, "an@example.vn", factories.PASSWORD)
    open_profile(page)
    check_page(page)
    expect(page.locator("main dl")).to_contain_text("051195001111")  # shown, not editable
    expect(page.get_by_label("Số định danh", exact=False)).to_have_count(0)

    page.get_by_label("Họ và tên").fill("")
    page.get_by_label("Số điện thoại").fill("12345")
    page.get_by_role("button", name="Lưu thông tin").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    phone = page.get_by_label("Số điện thoại")
    expect(phone).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name=re.compile("Số điện thoại không hợp lệ")).click()
    expect(phone).to_be_focused()
    check_page(page)  # the form showing its errors

    page.get_by_label("Họ và tên").fill("Nguyễn Văn Bình")
    phone.fill("+84 905 111 222")
    # The address from the official list (issue 15): the centre's province is preselected,
    # the ward found by typing without accents.
    page.get_by_label("Tìm phường, xã (gõ có dấu hoặc không dấu)").press_sequentially(
        "cam thanh", delay=20)
    wards = page.get_by_label("Phường, xã, đặc khu", exact=True)
    expect(wards.locator("option")).to_have_count(2)
    wards.select_option(label="Phường Cẩm Thành")
    page.get_by_label("Số nhà, đường, thôn, xóm").fill("12 Lê Lợi")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin tài khoản.")
    expect(page.get_by_label("Số điện thoại")).to_have_value("0905111222")
    expect(wards.locator("option:checked")).to_have_text("Phường Cẩm Thành")
    expect(page.locator("header .account-menu summary")).to_have_text("Nguyễn Văn Bình")


def test_changing_the_password_signs_out_the_other_browser(app, page: Page, new_context):
    with app.app_context():
        factories.citizen(email="an@example.vn", full_name="Nguyễn Văn An")
        db.session.commit()
    log_in(page, "an@example.vn", factories.PASSWORD)
    other = new_context().new_page()
    log_in(other, "an@example.vn", factories.PASSWORD)
    expect(other).to_have_url(re.compile(r"/ho-so$"))

    page.goto("/tai-khoan/ho-so-ca-nhan")
    page.get_by_role("link", name="Đổi mật khẩu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    page.get_by_label("Mật khẩu hiện tại").fill("khong-dung-dau")
    page.get_by_label("Mật khẩu mới", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#current_password-error")).to_have_text("Mật khẩu hiện tại không đúng.")
    expect(page.locator(".error-summary")).to_be_focused()
    if app.config["PORTAL"].database_url.startswith("sqlite"):
        check_page(page)  # markup only: once

    page.get_by_label("Mật khẩu hiện tại").fill(factories.PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so-ca-nhan$"))
    expect(page.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")

    page.goto("/ho-so")  # this browser stays signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    other.goto("/ho-so")  # the other one is signed out
    expect(other).to_have_url(re.compile(r"/tai-khoan/dang-nhap\?next="))
    log_in(other, "an@example.vn", PASSWORD)
    expect(other).to_have_url(re.compile(r"/ho-so$"))
