"""Security at the edge, as the app does its part behind nginx (PROXY_COUNT=1): the session
cookie is Secure and HSTS is sent when the proxy says the request was https; on plain http
(the loopback demo) neither; the body limit is the app's own, in Vietnamese."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.extensions import db


@pytest.fixture
def behind_tls_proxy(app):
    """The production cookie settings (as PORTAL_ENV=production sets them) behind one proxy."""
    config = app.config["PORTAL"]
    proxied = create_app(config.with_(proxy_count=1, extra={
        **config.extra, "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}))
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_tls_the_cookie_is_secure_and_hsts_is_sent(behind_tls_proxy):
    client = behind_tls_proxy.test_client()
    response = client.get("/tai-khoan/dang-nhap", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_gets_no_hsts(behind_tls_proxy):
    client = behind_tls_proxy.test_client()
    response = client.get("/tai-khoan/dang-nhap", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in response.headers


def test_the_scheme_is_believed_only_from_our_proxy(app):
    """Without PROXY_COUNT a client cannot claim https (and with it, only the last entry,
    nginx's, counts): no HSTS from a forged header."""
    config = app.config["PORTAL"]
    direct = create_app(config.with_(extra={**config.extra, "SESSION_COOKIE_SECURE": True}))
    try:
        response = direct.test_client().get("/tai-khoan/dang-nhap",
                                            headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in response.headers
    finally:
        with direct.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_body_over_the_app_limit_is_refused_in_vietnamese(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == app.config["PORTAL"].max_file_bytes + 1024 * 1024  # 21 MB < nginx's 25m
    response = client.post("/tai-khoan/dang-nhap", data=b"x" * (limit + 1),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)
