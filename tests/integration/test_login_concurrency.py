"""Thirty wrong passwords for one account at the same moment, through a real server: only the
first five are checked (issue 10, item 2; once 18 of 30 were, against a limit of 5).

Each request reserves its attempt in the throttle row before the password is checked
(portal/core/throttle.py); on PostgreSQL the row lock orders them, on SQLite the database
lock does. Every contender has its own cookies and CSRF token, loaded before the barrier."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import factories
from http_client import Browser
from servers import serving

from portal.accounts.throttling import login_account_key
from portal.core import throttle
from portal.extensions import db

CONTENDERS = 30


def test_simultaneous_wrong_passwords_are_checked_no_more_than_the_limit(app):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    limit = app.config["PORTAL"].login_max_failures
    with serving(app) as base:
        browsers = [Browser(base) for _ in range(CONTENDERS)]
        for browser in browsers:
            assert browser.get("/tai-khoan/dang-nhap").status == 200 and browser.csrf
        barrier = threading.Barrier(CONTENDERS, timeout=60)

        def guess(browser: Browser) -> int:
            barrier.wait()
            return browser.post("/tai-khoan/dang-nhap", {"email": "an@example.vn",
                                                         "password": "doan-mo"}).status

        with ThreadPoolExecutor(max_workers=CONTENDERS) as pool:
            statuses = list(pool.map(guess, browsers))
        # Checked and wrong: 422. Refused before the check: 429.
        assert sorted(statuses) == [422] * limit + [429] * (CONTENDERS - limit)
        right = browsers[0].post("/tai-khoan/dang-nhap", {"email": "an@example.vn",
                                                          "password": factories.PASSWORD})
        assert right.status == 429  # backing off
    with app.app_context():
        assert throttle.peek(login_account_key("an@example.vn")).count == limit
