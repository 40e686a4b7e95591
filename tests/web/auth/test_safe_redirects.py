"""After login (citizen, and staff through the second-factor step) and after the language
switch, the browser lands on a page of this site whatever `next` says (issue 10, item 3).

The assertions judge the Location header the way a browser resolves it (tab/CR/LF removed,
backslash read as slash), because werkzeug itself rewrites the header: `/\\t/evil` leaves as
`//evil`, which a browser opens on evil.example."""

from __future__ import annotations

import re
import time
from urllib.parse import quote, urljoin, urlsplit

import factories
import pyotp
import pytest

from portal.accounts.models import Role
from portal.extensions import db

HOST = "localhost"  # the Flask test client's host
CITIZEN_HOME = "/ho-so"  # where a citizen's login lands (accounts.policy.landing_endpoint)
SUPERVISOR_HOME = "/thong-ke/giam-sat"  # the supervisor's

# What `next` holds once the query string is decoded, and how an attacker writes it.
HOSTILE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",  # ?next=/%09/evil.example, the case of the report
    "\t//evil.example",
    "/\r\n/evil.example",
    "/\x0b/evil.example",
    "/\x00/evil.example",
    "/\u200b/evil.example",
    " //evil.example",
    "/ /evil.example",
    "https://evil.example/",
    "http:evil.example",
    "HTTPS:\\\\evil.example",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "\uff0f\uff0fevil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",  # a path of this site (a 404 here): kept, never decoded into "//"
]


def expected(target: str, default: str) -> str:
    return target if target == "/%2F%2Fevil.example" else default


def resolve_like_a_browser(base: str, location: str) -> str:
    """The URL a browser opens for `Location: location` (WHATWG URL parsing, special scheme)."""
    location = location.strip("".join(map(chr, range(0x21))))  # C0 controls and space
    location = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urljoin(base, location)


def lands_here(response, base: str = f"http://{HOST}/tai-khoan/dang-nhap") -> str:
    """The path the browser ends on; fails if it would leave this site."""
    assert response.status_code in (302, 303), response.status_code
    final = urlsplit(resolve_like_a_browser(base, response.headers["Location"]))
    assert (final.scheme, final.hostname) == ("http", HOST), response.headers["Location"]
    return final.path + (f"?{final.query}" if final.query else "")


def _login_url(target: str) -> str:
    return "/tai-khoan/dang-nhap?next=" + quote(target, safe="")


@pytest.mark.parametrize("target", HOSTILE)
def test_citizen_login_never_leaves_the_site(csrf_client, citizen, target):
    response = csrf_client.post(_login_url(target),
                                data={"email": citizen, "password": factories.PASSWORD})
    assert lands_here(response) == expected(target, CITIZEN_HOME)


def test_encoded_forms_of_the_report_never_leave_the_site(csrf_client, citizen):
    for raw in ["/%09/evil.example", "%2F%09%2Fevil.example", "/%5Cevil.example",
                "%5C%5Cevil.example", "/%0D%0A/evil.example", "%09//evil.example",
                "/%E2%80%8B/evil.example", "%252F%252Fevil.example"]:
        response = csrf_client.post(f"/tai-khoan/dang-nhap?next={raw}",
                                    data={"email": citizen, "password": factories.PASSWORD})
        assert lands_here(response) == CITIZEN_HOME, raw


def test_next_in_the_form_body_is_judged_the_same(csrf_client, citizen):
    response = csrf_client.post("/tai-khoan/dang-nhap", data={
        "email": citizen, "password": factories.PASSWORD, "next": "/\t/evil.example"})
    assert lands_here(response) == CITIZEN_HOME


def test_a_path_of_the_site_is_kept(csrf_client, citizen):
    response = csrf_client.post(_login_url("/ho-so/12?tab=x"),
                                data={"email": citizen, "password": factories.PASSWORD})
    assert lands_here(response) == "/ho-so/12?tab=x"


def _staff_with_totp(app, n: int) -> tuple[str, str]:
    """One officer per login: a TOTP code counts once per account (item 5 of the issue)."""
    with app.app_context():
        user = factories.staff(Role.SUPERVISOR, email=f"giamsat{n}@example.vn")
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
        return user.email, user.totp_secret


def _staff_login(app, target: str, n: int):
    email, secret = _staff_with_totp(app, n)
    client = factories.CsrfClient(app.test_client())
    first = client.post(_login_url(target), data={"email": email,
                                                  "password": factories.PASSWORD})
    step = lands_here(first)
    assert step.startswith("/tai-khoan/xac-thuc"), step
    second = client.post(step, data={"code": pyotp.TOTP(secret).at(time.time())})
    return lands_here(second, base=f"http://{HOST}{step}")


def test_staff_login_never_leaves_the_site_through_the_totp_step(app):
    for n, target in enumerate(HOSTILE):
        assert _staff_login(app, target, n) == expected(target, SUPERVISOR_HOME), target


def test_staff_login_keeps_a_path_of_the_site(app):
    assert _staff_login(app, "/thong-ke/?nam=2025", 99) == "/thong-ke/?nam=2025"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_leaves_the_site(csrf_client, app, target):
    response = csrf_client.post("/ngon-ngu", data={"locale": "en", "next": target})
    assert lands_here(response, base=f"http://{HOST}/co-quan") == expected(target, "/")


def test_language_switch_returns_to_the_page(csrf_client, app):
    response = csrf_client.post("/ngon-ngu", data={"locale": "en", "next": "/thu-tuc?q=ho"})
    assert lands_here(response) == "/thu-tuc?q=ho"
