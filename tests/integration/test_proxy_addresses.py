"""X-Forwarded-For is believed only from the configured number of proxies (PROXY_COUNT),
through a real server: the throttles count per client address (issue 10, item 2)."""

from __future__ import annotations

import pytest
from http_client import Browser
from servers import serving

from portal import create_app
from portal.accounts.throttling import login_address_key
from portal.core import throttle
from portal.extensions import db

FORWARDED = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}  # client-written, then our proxy's


def _fail_a_login(app) -> set[str]:
    """One wrong password through ``app`` with the header; the addresses it was counted on."""
    with serving(app) as base:
        browser = Browser(base, headers=FORWARDED)
        browser.get("/tai-khoan/dang-nhap")
        answer = browser.post("/tai-khoan/dang-nhap", {"email": "ai@example.vn",
                                                       "password": "sai"})
        assert answer.status == 422
    with app.app_context():
        return {address for address in ("127.0.0.1", "6.6.6.6", "203.0.113.7")
                if throttle.peek(login_address_key(address)).count}


def test_without_the_setting_the_header_is_ignored(app):
    assert app.config["PORTAL"].proxy_count == 0
    assert _fail_a_login(app) == {"127.0.0.1"}


@pytest.fixture
def behind_one_proxy(app):
    proxied = create_app(app.config["PORTAL"].with_(proxy_count=1))
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_one_proxy_the_address_it_appended_counts(behind_one_proxy):
    # Only the last entry: the one our proxy added. The first was written by the client.
    assert _fail_a_login(behind_one_proxy) == {"203.0.113.7"}
