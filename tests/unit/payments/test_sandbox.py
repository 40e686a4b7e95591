"""The sandbox gateway's refusals through Flask's test client (the journeys over real sockets
are in tests/integration/test_payment_sandbox.py): the merchant API's error codes, expired or
replayed pages, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.payments import vnpay
from portal.payments.sandbox import SandboxSettings, create_sandbox_app, format_vnd, sandbox_of

SECRET = "unit-secret-0123456789"
CONFIG = vnpay.GatewayConfig(url="http://sandbox/paymentv2/vpcpay.html", tmn_code="HCCDEMO1",
                             hash_secret=SECRET, api_url="http://sandbox/merchant_webapi")
NOW = datetime.now(UTC)


@pytest.fixture
def client():
    app = create_sandbox_app({"hash_secret": SECRET, "ipn_drop": True})
    yield app.test_client()
    sandbox_of(app).stop()


def _page(client, txn_ref="T1", created_at=None, **kwargs):
    # Now, when the page is asked for: the module's NOW is its import time, and a run of the
    # whole suite imports it long before (the page expires after 15 minutes).
    url = vnpay.payment_url(CONFIG, txn_ref=txn_ref, amount_vnd=50_000, order_info="Le phi",
                            return_url="http://portal/ve", ip_addr="::1",
                            created_at=created_at or datetime.now(UTC), **kwargs)
    return client.get(url.removeprefix("http://sandbox"))


def _api(client, body):
    return client.post("/merchant_webapi/api/transaction", json=body).get_json()


def test_format_vnd_groups_with_dots():
    assert format_vnd(1_500_000) == "1.500.000 ₫" and format_vnd(500) == "500 ₫"


def test_an_expired_payment_request_is_refused(client):
    page = _page(client, created_at=datetime.now(UTC) - timedelta(minutes=20))
    assert page.status_code == 400 and "quá thời gian" in page.get_data(as_text=True)


def test_another_terminal_is_refused(client):
    other = vnpay.GatewayConfig(url=CONFIG.url, tmn_code="OTHER", hash_secret=SECRET,
                                api_url=CONFIG.api_url)
    url = vnpay.payment_url(other, txn_ref="T", amount_vnd=1, order_info="x",
                            return_url="http://portal/ve", ip_addr="::1",
                            created_at=datetime.now(UTC))
    page = client.get(url.removeprefix("http://sandbox"))
    assert page.status_code == 400 and "vnp_TmnCode" in page.get_data(as_text=True)


def test_a_page_token_works_once(client):
    page = _page(client).get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    first = client.post("/paymentv2/complete", data={"token": token, "action": "cancel"})
    assert first.status_code == 303
    again = client.post("/paymentv2/complete", data={"token": token, "action": "pay"})
    assert again.status_code == 400
    assert client.post("/paymentv2/complete", data={"token": "x", "action": "steal"}
                       ).status_code == 400


def test_a_bank_code_in_the_request_is_preselected(client):
    page = _page(client, txn_ref="T-VCB", bank_code="VCB").get_data(as_text=True)
    assert '<option value="VCB" selected>' in page


def test_merchant_api_error_codes(client):
    body = vnpay.querydr_body(CONFIG, txn_ref="T1", transaction_date=NOW, ip_addr="::1",
                              request_id="r-1", now=NOW)
    assert _api(client, body)["vnp_ResponseCode"] == vnpay.API_NOT_FOUND
    assert _api(client, body)["vnp_ResponseCode"] == vnpay.API_DUPLICATE_REQUEST
    other = vnpay.GatewayConfig(url=CONFIG.url, tmn_code="OTHER", hash_secret=SECRET,
                                api_url=CONFIG.api_url)
    foreign = vnpay.querydr_body(other, txn_ref="T1", transaction_date=NOW, ip_addr="::1",
                                 request_id="r-2", now=NOW)
    assert _api(client, foreign)["vnp_ResponseCode"] == vnpay.API_INVALID_MERCHANT
    assert _api(client, {**body, "vnp_Command": "pay"})["vnp_ResponseCode"] == (
        vnpay.API_INVALID_FORMAT)
    answer = client.post("/merchant_webapi/api/transaction", data="not json",
                         content_type="application/json")
    assert answer.status_code == 400


def test_every_answer_is_signed(client):
    body = vnpay.refund_body(CONFIG, txn_ref="NONE", amount_vnd=1, transaction_type="02",
                             transaction_date=NOW, created_by="k", ip_addr="::1",
                             request_id="r-3", now=NOW)
    answer = _api(client, body)
    assert answer["vnp_ResponseCode"] == vnpay.API_NOT_FOUND
    assert vnpay.verify_checksum(answer, vnpay.REFUND_RESPONSE_FIELDS, SECRET)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="ipn_retries"):
        SandboxSettings.of({"ipn_retries": 3})
    assert SandboxSettings.of(None) == SandboxSettings()
    assert "hash_secret" not in repr(SandboxSettings())


def test_the_sandbox_pages_carry_a_strict_csp(client):
    answer = client.get("/")
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "form-action 'self';" in csp
    assert client.get("/sandbox.css").mimetype == "text/css"
