"""The sandbox gateway (portal/payments/sandbox.py) as a real HTTP server, with a real HTTP
IPN receiver: the bank page, the signed return, the IPN sent once / twice / never / late, the
merchant API's querydr and refunds through vnpay.py's own client, tampered requests refused.
No database: the sandbox keeps its state in memory, so this module runs once."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime

import pytest
from http_client import Browser
from servers import serving

from portal.payments import sandbox as sandbox_module
from portal.payments import vnpay
from portal.payments.sandbox import SandboxSettings, create_sandbox_app, sandbox_of

SECRET = "integration-secret-0123456789"
RETURN_URL = "http://127.0.0.1:5000/thanh-toan/vnpay/ve"


class IpnReceiver:
    """The merchant's IPN endpoint: records each call, verifies it, answers like the portal
    (00 once, 02 for a repeat, 97 for a bad signature). ``gate`` holds every answer until
    set, to prove the sandbox does not wait for the IPN before redirecting the browser."""

    def __init__(self):
        self.calls: list[tuple[float, dict[str, str]]] = []
        self.confirmed: set[str] = set()
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""),
                                             keep_blank_values=True))
        self.gate.wait(10)
        with self.lock:
            self.calls.append((time.monotonic(), params))
            if not vnpay.verify(params, SECRET):
                code = vnpay.IPN_INVALID_SIGNATURE
            elif params["vnp_TxnRef"] in self.confirmed:
                code = vnpay.IPN_ALREADY_CONFIRMED
            else:
                self.confirmed.add(params["vnp_TxnRef"])
                code = vnpay.IPN_CONFIRMED
        body = json.dumps(vnpay.ipn_answer(code)).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]


@pytest.fixture(scope="module")
def _servers():
    """The receiver and the sandbox, served once for the module (each test uses its own
    transaction references; ``gateway`` resets the settings and the logs)."""
    ipn = IpnReceiver()
    with serving(ipn, "ipn-receiver") as receiver_base:
        ipn.url = receiver_base + "/thanh-toan/vnpay/ipn"
        app = create_sandbox_app({"tmn_code": "HCCTEST1", "hash_secret": SECRET,
                                  "ipn_url": ipn.url})
        with serving(app, "sandbox-gateway") as base:
            config = vnpay.GatewayConfig(
                url=base + "/paymentv2/vpcpay.html", tmn_code="HCCTEST1", hash_secret=SECRET,
                api_url=base + "/merchant_webapi/api/transaction")
            yield ipn, config, sandbox_of(app)
            sandbox_of(app).stop()
            ipn.gate.set()


@pytest.fixture
def receiver(_servers):
    return _servers[0]


@pytest.fixture
def gateway(_servers):
    """(config for vnpay.py, the Sandbox state) of the sandbox served on a free port."""
    receiver, config, sandbox = _servers
    sandbox.wait_for_ipns()
    sandbox.configure(ipn_delay_seconds=0.0, ipn_duplicate=False, ipn_drop=False)
    with sandbox.lock, receiver.lock:
        sandbox.ipn_deliveries.clear()
        receiver.calls.clear()
    receiver.gate.set()
    return config, sandbox


def _open_page(config, txn_ref: str, amount_vnd: int = 1_500_000, **changes):
    url = vnpay.payment_url(config, txn_ref=txn_ref, amount_vnd=amount_vnd,
                            order_info="Le phi ho so 000.00.127.H48-261207-0001",
                            return_url=RETURN_URL, ip_addr="127.0.0.1",
                            created_at=datetime.now(UTC))
    for name, value in changes.items():
        url = re.sub(rf"{name}=[^&]*", f"{name}={value}", url)
    base, path_query = re.match(r"(http://[^/]+)(/.*)", url).groups()
    browser = Browser(base)
    return browser, browser.get(path_query)


def _press(config, txn_ref: str, action: str, amount_vnd: int = 1_500_000):
    """Open the bank page, press a button; the result params from the return redirect."""
    browser, page = _open_page(config, txn_ref, amount_vnd)
    assert page.status == 200, page.body
    token = re.search(r'name="token" value="([^"]+)"', page.body).group(1)
    answer = browser.post("/paymentv2/complete", {"token": token, "action": action,
                                                  "bank_code": "VCB"})
    assert answer.status == 303
    location = answer.headers["Location"]
    assert location.startswith(RETURN_URL + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query,
                                       keep_blank_values=True))


def _querydr(config, txn_ref: str):
    now = datetime.now(UTC)
    return vnpay.querydr(config, txn_ref=txn_ref, transaction_date=now, ip_addr="127.0.0.1",
                         request_id=f"q-{txn_ref}-{time.monotonic_ns()}", now=now)


def _refund(config, txn_ref: str, amount_vnd: int, kind: str):
    now = datetime.now(UTC)
    return vnpay.refund(config, txn_ref=txn_ref, amount_vnd=amount_vnd, transaction_type=kind,
                        transaction_date=now, created_by="ketoan@hcc.example",
                        ip_addr="127.0.0.1", request_id=f"r-{time.monotonic_ns()}", now=now)


def test_the_bank_page_shows_the_amount_the_vietnamese_way_and_three_buttons(gateway):
    config, _ = gateway
    _, page = _open_page(config, "P-PAGE")
    assert page.status == 200
    assert '<html lang="vi">' in page.body and "<main" in page.body
    assert "1.500.000 ₫" in page.body and "000.00.127.H48-261207-0001" in page.body
    for label in ("Thanh toán", "Hủy giao dịch", "Giao dịch thất bại"):
        assert f">{label}</button>" in page.body
    assert "<script" not in page.body and "style=" not in page.body
    csp = page.headers["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:5000" in csp and "default-src 'none'" in csp


def test_pay_redirects_with_a_signed_success_and_sends_the_ipn_once(gateway, receiver):
    config, sandbox = gateway
    receiver.gate.clear()  # the IPN cannot be answered until the browser is back
    params = _press(config, "P-PAY", "pay")
    receiver.gate.set()
    result = vnpay.parse_result(params, SECRET)
    assert result.success and result.amount_vnd == 1_500_000 and result.bank_code == "VCB"
    assert result.transaction_no and result.pay_date is not None
    deliveries = sandbox.wait_for_ipns()
    assert [d.answer for d in deliveries] == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert [p for _, p in receiver.calls] == [params]


@pytest.mark.parametrize(("action", "code"), [("cancel", "24"), ("fail", "51")])
def test_cancel_and_fail_return_their_codes(gateway, receiver, action, code):
    config, sandbox = gateway
    result = vnpay.parse_result(_press(config, f"P-{action}", action), SECRET)
    assert not result.success
    assert (result.response_code, result.transaction_status) == (code, "02")
    sandbox.wait_for_ipns()
    assert vnpay.parse_result(receiver.calls[0][1], SECRET) == result


def test_duplicate_setting_sends_the_ipn_twice(gateway, receiver):
    config, sandbox = gateway
    sandbox.configure(ipn_duplicate=True)
    _press(config, "P-DUP", "pay")
    deliveries = sandbox.wait_for_ipns()
    assert [d.answer["RspCode"] for d in deliveries] == ["00", "02"]
    assert receiver.calls[0][1] == receiver.calls[1][1]


def test_drop_setting_sends_no_ipn_and_querydr_settles_it(gateway, receiver):
    config, sandbox = gateway
    sandbox.configure(ipn_drop=True)
    pending = None
    browser, page = _open_page(config, "P-DROP")
    pending = _querydr(config, "P-DROP")
    assert pending is not None and not pending.success
    assert pending.transaction_status == vnpay.STATUS_PENDING
    token = re.search(r'name="token" value="([^"]+)"', page.body).group(1)
    assert browser.post("/paymentv2/complete", {"token": token, "action": "pay"}).status == 303
    assert sandbox.wait_for_ipns() == [] and receiver.calls == []
    paid = _querydr(config, "P-DROP")
    assert paid.success and paid.amount_vnd == 1_500_000 and paid.transaction_no


def test_delay_setting_sends_the_ipn_later(gateway, receiver):
    config, sandbox = gateway
    sandbox.configure(ipn_delay_seconds=0.3)
    _press(config, "P-LATE", "pay")
    back = time.monotonic()
    assert len(sandbox.wait_for_ipns()) == 1
    assert receiver.calls[0][0] - back >= 0.25


def test_querydr_of_an_unknown_transaction_is_none(gateway):
    config, _ = gateway
    assert _querydr(config, "NEVER-SEEN") is None


def test_refunds_partial_then_the_rest_and_never_more(gateway):
    config, _ = gateway
    _press(config, "P-REFUND", "pay", amount_vnd=300_000)
    partial = _refund(config, "P-REFUND", 100_000, vnpay.REFUND_PARTIAL)
    assert partial.success and partial.amount_vnd == 100_000 and partial.transaction_type == "03"
    too_much = _refund(config, "P-REFUND", 300_000, vnpay.REFUND_FULL)
    assert not too_much.success and too_much.response_code == vnpay.API_INVALID_FORMAT
    rest = _refund(config, "P-REFUND", 200_000, vnpay.REFUND_FULL)
    assert rest.success and rest.amount_vnd == 200_000
    assert not _refund(config, "P-REFUND", 1_000, vnpay.REFUND_PARTIAL).success


def test_refund_of_an_unpaid_or_unknown_transaction_is_refused(gateway):
    config, _ = gateway
    _press(config, "P-CANCELLED", "cancel")
    assert _refund(config, "P-CANCELLED", 1_500_000, "02").response_code == vnpay.API_REFUSED
    assert _refund(config, "P-NONE", 1_000, "02").response_code == vnpay.API_NOT_FOUND


def test_tampered_payment_requests_are_refused(gateway):
    config, sandbox = gateway
    _, page = _open_page(config, "P-TAMPER", vnp_Amount="100")
    assert page.status == 400 and "Sai chữ ký" in page.body
    wrong_secret = vnpay.GatewayConfig(url=config.url, tmn_code=config.tmn_code,
                                       hash_secret="forger", api_url=config.api_url)
    _, page = _open_page(wrong_secret, "P-TAMPER")
    assert page.status == 400 and "P-TAMPER" not in sandbox.transactions


def test_a_used_transaction_reference_cannot_be_paid_again(gateway):
    config, _ = gateway
    _press(config, "P-ONCE", "pay")
    _, page = _open_page(config, "P-ONCE")
    assert page.status == 400 and "đã tồn tại" in page.body


def test_the_merchant_api_refuses_a_bad_checksum_with_a_signed_97(gateway):
    config, _ = gateway
    body = vnpay.querydr_body(config, txn_ref="P-X", transaction_date=datetime.now(UTC),
                              ip_addr="127.0.0.1", request_id="tampered",
                              now=datetime.now(UTC))
    body["vnp_TxnRef"] = "P-Y"
    request = urllib.request.Request(config.api_url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    assert answer["vnp_ResponseCode"] == vnpay.API_INVALID_CHECKSUM
    assert vnpay.verify_checksum(answer, vnpay.QUERYDR_RESPONSE_FIELDS, SECRET)
    # And the client refuses an answer signed with another secret.
    wrong = vnpay.GatewayConfig(url=config.url, tmn_code=config.tmn_code,
                                hash_secret="forger", api_url=config.api_url)
    with pytest.raises(vnpay.InvalidSignature):
        _querydr(wrong, "P-X")


def test_the_command_line_starts_the_server_with_the_demo_defaults():
    started = {}

    def run(host, port, app, threaded):
        started.update(host=host, port=port, settings=sandbox_of(app).settings)

    sandbox_module.main(["--port", "5099", "--ipn-drop"], run=run)
    settings = started["settings"]
    assert (started["host"], started["port"]) == ("127.0.0.1", 5099)
    assert settings == SandboxSettings(ipn_drop=True)
    assert settings.tmn_code == "HCCDEMO1"
    assert settings.hash_secret == "sandbox-secret-not-for-production"
    assert settings.ipn_url == "http://127.0.0.1:5000/thanh-toan/vnpay/ipn"
    assert "sandbox-secret" not in repr(settings)
