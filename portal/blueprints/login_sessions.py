"""Flask-Login on top of the server-side sessions of `accounts.user_sessions` (issue 10,
item 6), for every blueprint: logging in, out and "out everywhere", the user loader, and
the before-request hook that keeps `last_seen_at`.

Flask-Login keeps an id in Flask's signed session and, for "remember me", the same id in its
remember cookie (`_load_user_from_remember_cookie` hands it to the same user loader). That id
is the session's random token, so ending the row ends both cookies, wherever they were
copied."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_url, login_user, logout_user

from portal.accounts import user_sessions
from portal.accounts.models import User
from portal.core.frame import unit_of_work
from portal.core.htmx import is_partial_request
from portal.core.models import utcnow
from portal.extensions import login_manager

FLASK_LOGIN_ID = "_user_id"  # where Flask-Login keeps the id in Flask's session


def _lifetimes() -> user_sessions.Lifetimes:
    cfg = current_app.config["PORTAL"]
    return user_sessions.Lifetimes(idle=timedelta(minutes=cfg.session_idle_minutes),
                                   remembered=timedelta(days=cfg.remember_days))


def load_user(token: str) -> User | None:
    found = user_sessions.find(token, _lifetimes())
    if found is None:
        return None
    user, g.user_session = found
    return user


def log_in(user: User, *, remember: bool) -> None:
    """Starts a server-side session for `user` in this browser. Flushes; the route commits.

    Staff are never remembered: a remembered login would skip the second factor on the next
    visit (the login page says so). Staff reach this only through the TOTP step, which is
    what `second_factor` records."""
    previous = session.get(FLASK_LOGIN_ID)
    if previous:  # a new login in this browser replaces the old one
        user_sessions.end(previous)
    remember = remember and not user.is_staff
    token = user_sessions.start(user, remember=remember, second_factor=user.is_staff,
                                lifetimes=_lifetimes())
    login_user(user, remember=remember)
    # Flask-Login stored user.get_id(); the session token is what names this login (and what
    # its remember cookie, written after the request from this key, will carry).
    session[FLASK_LOGIN_ID] = token


def log_out(*, everywhere: bool = False) -> None:
    """Ends this browser's session (or all of the user's) and forgets the user here, remember
    cookie included. Flushes; the route commits."""
    if everywhere and current_user.is_authenticated:
        user_sessions.end_all(current_user)
    elif session.get(FLASK_LOGIN_ID):
        user_sessions.end(session[FLASK_LOGIN_ID])
    logout_user()
    # logout_user() marked the remember cookie for deletion in the session ("_remember");
    # clearing the session (pending TOTP login, CSRF secret) must keep that mark.
    forget_cookie = session.get("_remember") == "clear"
    session.clear()
    if forget_cookie:
        session["_remember"] = "clear"


def _keep_last_seen() -> None:
    """Writes last_seen_at every few minutes, before the view runs: the transaction holds
    nothing else yet, so this small commit cannot carry the view's work with it."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    record = g.get("user_session")
    now = utcnow()
    if record is not None and record.touch_due(now):
        with unit_of_work():
            user_sessions.touch(record, now)


def _sign_in_first():
    """Flask-Login's answer to a visitor who is not (or no longer) signed in. A whole page is
    redirected to the login as Flask-Login does; an htmx fragment (the session ended while the
    page was open) gets 401 with HX-Redirect, so the browser goes to the login instead of
    swapping the login page into a corner of the old one, and comes back to that page."""
    flash(gettext(login_manager.login_message), login_manager.login_message_category)
    if is_partial_request():
        page = request.headers.get("HX-Current-URL") or request.url
        return "", 401, {"HX-Redirect": login_url(login_manager.login_view, next_url=page)}
    return redirect(login_url(login_manager.login_view, next_url=request.url))


# What a person with a temporary password may still open: the page that replaces it, the
# way out, the second factor's pages and the language switch.
_BEFORE_A_NEW_PASSWORD = frozenset({"static", "auth.change_password", "auth.logout", "auth.totp",
                                    "auth.totp_setup", "public.set_language", "public.favicon"})


def _temporary_password_first():
    """A password an administrator chose (a new staff account) is replaced before anything
    else: every other page sends the person to the password change (issue 18)."""
    if (request.endpoint in _BEFORE_A_NEW_PASSWORD or not current_user.is_authenticated
            or not current_user.password_temporary):
        return None
    flash(gettext("Mật khẩu của bạn do quản trị viên đặt tạm thời. Vui lòng đổi sang mật khẩu "
                  "của riêng bạn trước khi tiếp tục."), "warning")
    target = url_for("auth.change_password")
    if is_partial_request():
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


def install(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_sign_in_first)
    app.before_request(_temporary_password_first)
    app.before_request(_keep_last_seen)
