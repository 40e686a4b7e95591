"""The sandbox gateway's bank page in Chromium (portal/payments/sandbox.py), alone: axe (no
serious/critical violation) at the default viewport and at 360 px, no horizontal scroll, no
CSP violation, and "Thanh toán" takes the browser back to the merchant with a signed success.

The portal is not involved (the page is opened in a context of its own, not pytest-playwright's
``page`` whose base URL is the portal's live server), so this module needs no database and
runs once."""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from servers import serving

from portal.payments import vnpay
from portal.payments.sandbox import create_sandbox_app, sandbox_of

from .helpers import check_page

pytestmark = pytest.mark.browser

SECRET = "browser-secret-0123456789"
AXE = Path(__file__).resolve().parents[2] / "portal" / "static" / "vendor" / "axe.min.js"


def _with_axe(app):
    """The sandbox, plus axe at the path helpers.check_page loads it from (same origin: the
    sandbox's CSP allows scripts from itself only, and the page itself has none)."""

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") == "/static/vendor/axe.min.js":
            body = AXE.read_bytes()
            start_response("200 OK", [("Content-Type", "text/javascript"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wsgi


def _merchant(environ, start_response):
    """The merchant's return page and IPN endpoint, answering plainly."""
    body = (b'{"RspCode":"00","Message":"Confirm Success"}'
            if environ["PATH_INFO"].endswith("/ipn")
            else '<!doctype html><html lang="vi"><title>Kết quả</title><main>Đã về</main>'
            .encode())
    kind = "application/json" if environ["PATH_INFO"].endswith("/ipn") else "text/html"
    start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture(scope="module")
def merchant():
    with serving(_merchant, "merchant") as base:
        yield base


@pytest.fixture(scope="module")
def sandbox_app(merchant):
    return create_sandbox_app({"hash_secret": SECRET,
                               "ipn_url": merchant + "/thanh-toan/vnpay/ipn"})


@pytest.fixture(scope="module")
def sandbox_url(sandbox_app):
    with serving(_with_axe(sandbox_app), "sandbox-gateway") as base:
        yield base
    sandbox_of(sandbox_app).stop()


@pytest.fixture
def page(browser: Browser, sandbox_url):
    context = browser.new_context(base_url=sandbox_url)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_bank_page_is_accessible_and_pay_returns_a_signed_success(
        page, sandbox_url, merchant, sandbox_app):
    base_url = sandbox_url
    config = vnpay.GatewayConfig(url=base_url + "/paymentv2/vpcpay.html", tmn_code="HCCDEMO1",
                                 hash_secret=SECRET, api_url=base_url + "/merchant_webapi")
    return_url = merchant + "/thanh-toan/vnpay/ve"
    url = vnpay.payment_url(config, txn_ref="P-BROWSER", amount_vnd=1_500_000,
                            order_info="Le phi ho so 000.00.127.H48-261207-0001",
                            return_url=return_url, ip_addr="127.0.0.1",
                            created_at=datetime.now(UTC))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    check_page(page, url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanh toán trực tuyến")
    expect(page.get_by_role("main")).to_contain_text("1.500.000 ₫")
    expect(page.get_by_label("Ngân hàng")).to_have_value("NCB")
    for name in ("Hủy giao dịch", "Giao dịch thất bại"):
        expect(page.get_by_role("button", name=name)).to_be_visible()

    page.get_by_label("Ngân hàng").select_option("VCB")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(return_url) + r"\?"))
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query,
                                         keep_blank_values=True))
    result = vnpay.parse_result(params, SECRET)
    assert result.success and result.amount_vnd == 1_500_000 and result.bank_code == "VCB"
    assert [d.answer["RspCode"] for d in sandbox_of(sandbox_app).wait_for_ipns()] == ["00"]
    assert violations == []
