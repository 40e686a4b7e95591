"""Logging out ends the login on the server (issue 10, item 6): a copied session cookie or a
remember-me cookie stops working, staff are never remembered (nor let past the second
factor), a password change ends every session, "log out everywhere" ends the others.

The same journey through a real server and two browsers is in tests/browser/test_accounts.py."""

from __future__ import annotations

import time
from datetime import timedelta

import factories
import pyotp
import pytest
from sqlalchemy import event, select

from portal.accounts import operations as ops
from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.accounts.user_sessions import TOUCH_EVERY, UserSession
from portal.core.models import utcnow
from portal.extensions import db

PROFILE = "/tai-khoan/ho-so-ca-nhan"
REMEMBER = "remember_token"  # Flask-Login's cookie


def _copy(source: factories.CsrfClient, app, names=("session", REMEMBER)):
    """A second browser holding the same cookies (what a thief copies)."""
    thief = app.test_client()
    for name in names:
        cookie = source.client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _goes_to_login(response) -> bool:
    return response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]


def _log_in(app, email: str, *, remember: bool = False, code_at: float | None = None):
    """A new browser through the real login form (and the second factor for staff)."""
    client = factories.CsrfClient(app.test_client())
    data = {"email": email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/tai-khoan/dang-nhap", data=data)
    if "/tai-khoan/xac-thuc" in response.headers.get("Location", ""):
        with app.app_context():
            secret = user_by_email(email).totp_secret
        # A code counts once per account: a second login uses the next 30-second step.
        code = pyotp.TOTP(secret).at(code_at or time.time())
        response = client.post(response.headers["Location"], data={"code": code})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client


def _log_out(client) -> None:
    assert client.post("/tai-khoan/dang-xuat").status_code == 303


@pytest.fixture
def officer(app):
    with app.app_context():
        user = factories.staff(Role.COUNTER_OFFICER, factories.agency(), email="cb@example.vn")
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
    return "cb@example.vn"


def test_copied_session_cookie_is_refused_after_logout(app, citizen):
    browser = _log_in(app, citizen)
    thief = _copy(browser, app, names=("session",))
    assert thief.get(PROFILE).status_code == 200
    _log_out(browser)
    assert _goes_to_login(thief.get(PROFILE))
    assert _goes_to_login(browser.get(PROFILE))


def test_copied_staff_cookie_no_longer_opens_the_staff_area(app, officer):
    browser = _log_in(app, officer)
    thief = _copy(browser, app)
    assert thief.get("/can-bo/").status_code == 200
    _log_out(browser)
    assert _goes_to_login(thief.get("/can-bo/"))


def test_citizen_remember_cookie_dies_at_logout(app, citizen):
    browser = _log_in(app, citizen, remember=True)
    assert browser.client.get_cookie(REMEMBER) is not None
    next_week = _copy(browser, app, names=(REMEMBER,))  # the browser closed, the cookie stayed
    assert next_week.get(PROFILE).status_code == 200
    thief = _copy(browser, app, names=(REMEMBER,))
    _log_out(browser)
    assert browser.client.get_cookie(REMEMBER) is None  # deleted from the browser
    assert _goes_to_login(thief.get(PROFILE))  # and useless wherever it was copied


def test_staff_are_never_remembered_and_never_skip_the_second_factor(app, officer):
    page = app.test_client().get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert "Không áp dụng cho tài khoản cán bộ" in page
    browser = _log_in(app, officer, remember=True)
    assert browser.client.get_cookie(REMEMBER) is None
    leftover = _copy(browser, app)
    _log_out(browser)
    assert _goes_to_login(leftover.get("/can-bo/"))
    again = factories.CsrfClient(app.test_client())
    for name in ("session", REMEMBER):
        cookie = leftover.get_cookie(name)
        if cookie is not None:
            again.client.set_cookie(name, cookie.value)
    response = again.post("/tai-khoan/dang-nhap",
                          data={"email": officer, "password": factories.PASSWORD,
                                "remember": "y"})
    assert response.headers["Location"].startswith("/tai-khoan/xac-thuc")
    assert _goes_to_login(again.get("/can-bo/"))


def test_cookies_made_before_server_side_sessions_are_refused(app, citizen):
    """Flask-Login ids of the form "<user id>:<stamp>" (before this change) name no session."""
    with app.app_context():
        user = user_by_email(citizen)
        old_id = f"{user.id}:{user.security_stamp}"
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = old_id
    assert _goes_to_login(client.get(PROFILE))


def test_password_change_ends_every_session_and_remember_cookie(app, citizen):
    browser = _log_in(app, citizen, remember=True)
    phone = _log_in(app, citizen, remember=True)
    remembered = _copy(phone, app, names=(REMEMBER,))
    with app.app_context():
        ops.reset_password(user_by_email(citizen), "mat-khau-moi-hoan-toan")
        db.session.commit()
    for client in (browser, phone, remembered):
        assert _goes_to_login(client.get(PROFILE))


def test_deactivation_ends_every_session(app, citizen):
    browser = _log_in(app, citizen, remember=True)
    with app.app_context():
        ops.set_active(user_by_email(citizen), False)
        db.session.commit()
    assert _goes_to_login(browser.get(PROFILE))


def test_log_out_everywhere_ends_the_other_devices(app, officer):
    desk = _log_in(app, officer)
    home = _log_in(app, officer, code_at=time.time() + 30)
    page = desk.get(PROFILE).get_data(as_text=True)
    assert "Đăng xuất khỏi mọi thiết bị" in page
    response = desk.post("/tai-khoan/dang-xuat-moi-thiet-bi")
    assert response.status_code == 303
    assert _goes_to_login(home.get("/can-bo/"))
    assert _goes_to_login(desk.get("/can-bo/"))
    with app.app_context():
        assert all(s.ended_at for s in db.session.scalars(select(UserSession)))


def test_a_session_without_the_second_factor_never_opens_the_staff_area(app, citizen):
    """A citizen made an officer keeps no password-only way into /can-bo."""
    browser = _log_in(app, citizen, remember=True)
    with app.app_context():
        user = user_by_email(citizen)
        ops.grant_role(user, Role.COUNTER_OFFICER, factories.agency().id)
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
    assert _goes_to_login(browser.get("/can-bo/"))
    assert _goes_to_login(browser.get(PROFILE))


def _only_session(app) -> UserSession:
    with app.app_context():
        record = db.session.scalars(select(UserSession)).one()
        db.session.expunge(record)
        return record


def _age(app, **columns) -> None:
    with app.app_context():
        db.session.execute(db.update(UserSession).values(**columns))
        db.session.commit()


def test_an_idle_session_ends(app, citizen):
    browser = _log_in(app, citizen)
    idle = timedelta(minutes=app.config["PORTAL"].session_idle_minutes)
    _age(app, last_seen_at=utcnow() - idle + timedelta(minutes=1))
    assert browser.get(PROFILE).status_code == 200
    _age(app, last_seen_at=utcnow() - idle - timedelta(minutes=1))
    assert _goes_to_login(browser.get(PROFILE))


def test_a_remembered_session_ends_with_its_cookie(app, citizen):
    browser = _log_in(app, citizen, remember=True)
    remembered = _copy(browser, app, names=(REMEMBER,))
    days = timedelta(days=app.config["PORTAL"].remember_days)
    assert app.config["REMEMBER_COOKIE_DURATION"] == days
    _age(app, last_seen_at=utcnow() - timedelta(days=2))  # remembered: not idle-limited
    assert remembered.get(PROFILE).status_code == 200
    _age(app, created_at=utcnow() - days - timedelta(minutes=1))
    assert _goes_to_login(remembered.get(PROFILE))


def test_last_seen_is_written_at_most_every_few_minutes(app, citizen):
    browser = _log_in(app, citizen)
    seen = _only_session(app).last_seen_at
    browser.get(PROFILE)
    assert _only_session(app).last_seen_at == seen
    _age(app, last_seen_at=seen - TOUCH_EVERY - timedelta(seconds=1))
    browser.get(PROFILE)
    assert _only_session(app).last_seen_at >= seen


@pytest.mark.committed_db  # counts the engine's statements: no connection opened before
def test_a_signed_in_page_costs_one_query_for_the_user(app, officer):
    """The session check replaces the user lookup (user, session and roles in one query)."""
    browser = _log_in(app, officer)
    statements = []

    def _count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        assert browser.get(PROFILE).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", _count)
    about_the_user = [s for s in statements if "user_session" in s or "role_assignment" in s]
    assert len(about_the_user) == 1, statements


def test_an_htmx_request_after_the_session_ended_sends_the_page_to_the_login(app, officer):
    """A fragment request (an action's form on the open workspace) from a session that has
    ended: not the login page swapped into a corner of the old one (what following a 302
    did), but 401 with HX-Redirect to the login, which comes back to the page."""
    other_tab = _log_in(app, officer)
    browser = _copy(other_tab, app)
    _log_out(other_tab)
    page = "http://localhost/can-bo/?q=abc"
    answer = browser.get("/can-bo/hang-doi", headers={"HX-Request": "true",
                                                          "HX-Current-URL": page})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"] == "/tai-khoan/dang-nhap?next=%2Fcan-bo%2F%3Fq%3Dabc"
    assert answer.data == b""
    login = browser.get(answer.headers["HX-Redirect"])
    assert "Vui lòng đăng nhập để tiếp tục." in login.text
    # A whole page is still redirected as before.
    assert _goes_to_login(browser.get("/can-bo/"))
