"""Issue 12, items 1 and 2: a login (or a registration) lands where the person works
(``accounts.policy.landing_endpoint``), the menu shows "Hồ sơ của tôi" only to those who
submit dossiers, the profile is editable and the password can be changed while signed in —
which ends every other session and keeps this one.

The same journeys in a browser: tests/browser/test_accounts.py."""

from __future__ import annotations

import re
import time

import factories
import pyotp
import pytest

from portal.accounts import operations as account_ops
from portal.accounts import policy
from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.accounts.user_sessions import UserSession
from portal.extensions import db

PROFILE = "/tai-khoan/ho-so-ca-nhan"
PASSWORD_PAGE = "/tai-khoan/doi-mat-khau"
MY_DOSSIERS_LINK = 'href="/ho-so">Hồ sơ của tôi</a>'
NEW_PASSWORD = "mot-mat-khau-moi-rat-dai"


def _staff(app, role: Role, email: str, *, agency: bool = True) -> str:
    with app.app_context():
        user = factories.staff(role, factories.agency() if agency else None, email=email)
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
    return email


_logins: dict[str, int] = {}  # by TOTP secret: a new one per test


def _log_in(app, email: str, next_: str = "", password: str = factories.PASSWORD):
    """A new browser through the login form (and the TOTP step for staff); the client and
    where it landed. A code counts once per account: the logins of one account use the
    steps before, at and after now (at most three logins per account and test)."""
    client = factories.CsrfClient(app.test_client())
    url = "/tai-khoan/dang-nhap" + (f"?next={next_}" if next_ else "")
    response = client.post(url, data={"email": email, "password": password})
    if "/tai-khoan/xac-thuc" in response.headers.get("Location", ""):
        with app.app_context():
            secret = user_by_email(email).totp_secret
        n = _logins[secret] = _logins.get(secret, -1) + 1
        response = client.post(response.headers["Location"],
                               data={"code": pyotp.TOTP(secret).at(time.time() + 30 * (n - 1))})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client, response.headers["Location"]


# --- where a login lands ----------------------------------------------------------------

def test_each_role_lands_where_they_work(app, citizen):
    officers = {role: _staff(app, role, f"{role.value}@example.vn")
                for role in (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER)}
    supervisor = _staff(app, Role.SUPERVISOR, "giamsat@example.vn", agency=False)
    admin = _staff(app, Role.ADMIN, "quantri@example.vn", agency=False)
    assert _log_in(app, citizen)[1] == "/ho-so"
    for email in officers.values():
        assert _log_in(app, email)[1] == "/can-bo/"
    assert _log_in(app, supervisor)[1] == "/thong-ke/giam-sat"
    assert _log_in(app, admin)[1] == "/quan-tri/"
    # Each landing page opens for its person (no 403 after the login).
    for email in (citizen, officers[Role.COUNTER_OFFICER], supervisor, admin):
        client, landed = _log_in(app, email)
        assert client.get(landed).status_code == 200, (email, landed)


def test_a_safe_next_still_wins(app, citizen):
    officer = _staff(app, Role.COUNTER_OFFICER, "cb@example.vn")
    assert _log_in(app, citizen, "/tai-khoan/ho-so-ca-nhan")[1] == PROFILE
    assert _log_in(app, officer, "/can-bo/hang-doi")[1] == "/can-bo/hang-doi"


def test_registration_lands_on_my_dossiers(csrf_client):
    response = csrf_client.post("/tai-khoan/dang-ky", data={
        "account_type": "citizen", "full_name": "Nguyễn Thị Hoa", "id_number": "051195001111",
        "phone": "0905123456", "email": "hoa@example.vn", "password": "mot-mat-khau-dai",
        "confirm": "mot-mat-khau-dai", "accept": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/ho-so"
    html = csrf_client.get("/ho-so").get_data(as_text=True)
    assert "Đăng ký tài khoản thành công" in html and "Nộp hồ sơ" in html


def test_only_those_who_submit_see_my_dossiers_in_the_menu(app, citizen):
    officer = _staff(app, Role.SPECIALIST, "cv@example.vn")
    supervisor = _staff(app, Role.SUPERVISOR, "giamsat@example.vn", agency=False)
    client, _ = _log_in(app, citizen)
    assert MY_DOSSIERS_LINK in client.get(PROFILE).get_data(as_text=True)
    for email in (officer, supervisor):
        client, landed = _log_in(app, email)
        assert MY_DOSSIERS_LINK not in client.get(PROFILE).get_data(as_text=True), email
    assert MY_DOSSIERS_LINK not in app.test_client().get("/").get_data(as_text=True)


def test_landing_endpoint_asks_nothing_of_http(app):
    with app.app_context():
        bare = factories.staff(Role.POSTAL_OFFICER)
        assert policy.landing_endpoint(bare) == "auth.profile"
        assert not policy.submits_dossiers(bare) and not policy.submits_dossiers(None)
        db.session.rollback()


# --- the profile --------------------------------------------------------------------------

def _profile_form(client) -> str:
    return client.get(PROFILE).get_data(as_text=True)


def test_the_profile_is_edited_and_confirmed(app, citizen):
    client, _ = _log_in(app, citizen)
    with app.app_context():
        id_number = user_by_email(citizen).id_number
    response = client.post(PROFILE, data={
        "full_name": "  Trần Văn An ", "phone": "+84 905 111 222",
        "province_code": "51", "ward_code": "21025", "street": " 12 Lê Lợi ",
        "id_number": "999999999999", "email": "khac@example.vn"})
    assert response.status_code == 303 and response.headers["Location"] == PROFILE
    html = _profile_form(client)
    assert "Đã lưu thông tin tài khoản." in html
    assert 'value="Trần Văn An"' in html and 'value="0905111222"' in html
    with app.app_context():
        user = user_by_email(citizen)
        assert (user.full_name, user.phone, user.address) == (
            "Trần Văn An", "0905111222", "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi")
        assert (user.address_province_code, user.address_ward_code, user.address_street) == (
            "51", "21025", "12 Lê Lợi")
        # The identity and the login are not changed from here.
        assert user.id_number == id_number and user.email == citizen
    assert id_number in html and 'name="id_number"' not in html


def test_profile_errors_are_vietnamese_and_nothing_is_saved(app, citizen):
    client, _ = _log_in(app, citizen)
    with app.app_context():
        before = user_by_email(citizen).full_name
    response = client.post(PROFILE, data={"full_name": " ", "phone": "12345",
                                          "province_code": "51", "ward_code": "21025",
                                          "street": "x" * 301})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("Vui lòng sửa các lỗi sau", "Vui lòng nhập họ và tên.",
                    "Số điện thoại không hợp lệ", "tối đa 300 ký tự"):
        assert message in html, message
    assert '<a href="#phone">' in html and 'aria-invalid="true"' in html
    no_phone = client.post(PROFILE, data={"full_name": "An", "phone": ""})
    assert "Vui lòng nhập số điện thoại." in no_phone.get_data(as_text=True)
    with app.app_context():
        assert user_by_email(citizen).full_name == before


def test_a_new_dossier_takes_the_address_of_the_profile(app, citizen):
    from portal.dossiers import operations as dossier_ops

    with app.app_context():
        version = factories.published_procedure(factories.agency())
        user = user_by_email(citizen)
        user.address = "12 Lê Lợi, Quảng Ngãi"
        draft = dossier_ops.start_dossier(version, user)
        assert draft.applicant_address == "12 Lê Lợi, Quảng Ngãi"
        db.session.rollback()


# --- changing the password ---------------------------------------------------------------

def _change(client, current: str = factories.PASSWORD, new: str = NEW_PASSWORD,
            confirm: str | None = None):
    return client.post(PASSWORD_PAGE, data={"current_password": current, "password": new,
                                            "confirm": new if confirm is None else confirm})


def _signed_in(client) -> bool:
    return client.get(PROFILE).status_code == 200


@pytest.mark.parametrize("role", [None, Role.COUNTER_OFFICER])
def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, citizen, role):
    email = citizen if role is None else _staff(app, role, "cb@example.vn")
    here, _ = _log_in(app, email)
    elsewhere, _ = _log_in(app, email)
    old_cookie = here.client.get_cookie("session").value
    response = _change(here)
    assert response.status_code == 303 and response.headers["Location"] == PROFILE
    assert "Đã đổi mật khẩu" in here.client.get(PROFILE).get_data(as_text=True)
    assert _signed_in(here)
    assert not _signed_in(elsewhere)  # the other browser is signed out
    # This browser's login was rotated: a copy of its old cookie is worth nothing.
    thief = app.test_client()
    thief.set_cookie("session", old_cookie)
    assert thief.get(PROFILE).status_code == 302
    with app.app_context():
        user = user_by_email(email)
        assert user.check_password(NEW_PASSWORD) and not user.check_password(factories.PASSWORD)
        live = db.session.scalars(db.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None))).all()
        assert len(live) == 1 and live[0].security_stamp == user.security_stamp
        assert live[0].second_factor is (role is not None)
    _log_in(app, email, password=NEW_PASSWORD)


@pytest.mark.committed_db  # the counter commits on its own connection
def test_a_wrong_current_password_is_refused_and_counted(app, citizen):
    client, _ = _log_in(app, citizen)
    other, _ = _log_in(app, citizen)
    response = _change(client, current="khong-phai-mat-khau")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in html
    assert '<a href="#current_password">' in html
    assert _signed_in(client) and _signed_in(other)  # nothing ended
    with app.app_context():
        assert user_by_email(citizen).check_password(factories.PASSWORD)
    # The wrong guesses count with the logins' back-off of this account.
    limit = app.config["PORTAL"].login_max_failures
    statuses = [_change(client, current="sai").status_code for _ in range(limit)]
    assert statuses[-1] == 429 and 422 in statuses
    blocked = _change(client)  # even the right password waits now
    assert blocked.status_code == 429 and blocked.headers["Retry-After"]
    assert "nhập sai nhiều lần" in blocked.get_data(as_text=True)
    with app.app_context():
        assert user_by_email(citizen).check_password(factories.PASSWORD)


def test_the_new_password_follows_the_registration_rule(app, citizen):
    client, _ = _log_in(app, citizen)
    short = _change(client, new="ngan")
    assert short.status_code == 422
    assert "Mật khẩu phải có từ 10 đến 128 ký tự." in short.get_data(as_text=True)
    mismatch = _change(client, confirm="mot-mat-khau-khac-han")
    assert "Hai mật khẩu không khớp." in mismatch.get_data(as_text=True)
    missing = _change(client, current="")
    assert "Vui lòng nhập mật khẩu hiện tại." in missing.get_data(as_text=True)
    with app.app_context():
        assert user_by_email(citizen).check_password(factories.PASSWORD)


def test_the_password_page_needs_a_login(client):
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]
    assert re.search(r"next=%2Ftai-khoan%2Fdoi-mat-khau|next=/tai-khoan/doi-mat-khau",
                     response.headers["Location"])



# --- a temporary password (issue 18) --------------------------------------------------------

def test_a_new_staff_account_replaces_its_temporary_password_first(app, signed_in):
    """The administrator chooses the first password; its owner must replace it before any
    other page opens (whole pages 303 there, htmx gets HX-Redirect), then lands on the desk."""
    with app.app_context():
        factories.staff(Role.ADMIN, email="quantri@example.vn")
        db.session.commit()
        agency_id = factories.agency().id
        db.session.commit()
    admin = signed_in("quantri@example.vn")
    made = admin.post("/quan-tri/nguoi-dung/moi", data={
        "full_name": "Lê Văn Mới", "email": "moi@example.vn", "phone": "",
        "password": "tam-thoi-123456"})
    assert made.status_code == 303, made.text[:500]
    assert "/quan-tri/nguoi-dung/" in made.headers["Location"], made.headers["Location"]
    with app.app_context():
        user = user_by_email("moi@example.vn")
        assert user.password_temporary
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        account_ops.grant_role(user, Role.COUNTER_OFFICER, agency_id)
        db.session.commit()
    client, landed = _log_in(app, "moi@example.vn", password="tam-thoi-123456")
    desk = client.get("/can-bo/")
    assert desk.status_code == 303 and desk.headers["Location"] == PASSWORD_PAGE
    assert "Mật khẩu của bạn do quản trị viên đặt tạm thời" in client.get(PASSWORD_PAGE).text
    partial = client.get("/can-bo/hang-doi", headers={"HX-Request": "true"})
    assert partial.headers["HX-Redirect"] == PASSWORD_PAGE
    same = client.post(PASSWORD_PAGE, data={"current_password": "tam-thoi-123456",
                                            "password": "tam-thoi-123456",
                                            "confirm": "tam-thoi-123456"})
    assert same.status_code == 422 and "Mật khẩu mới phải khác mật khẩu hiện tại." in same.text
    changed = client.post(PASSWORD_PAGE, data={"current_password": "tam-thoi-123456",
                                               "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert changed.status_code == 303 and changed.headers["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200
    with app.app_context():
        assert not user_by_email("moi@example.vn").password_temporary


def test_the_demo_accounts_and_registered_citizens_have_no_temporary_password(app, citizen):
    from portal.catalog import demo

    with app.app_context():
        demo.seed_agencies()
        users = demo.seed_accounts()
        db.session.commit()
        assert users and not any(u.password_temporary for u in users.values())
        assert not user_by_email(citizen).password_temporary
