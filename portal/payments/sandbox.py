"""The sandbox gateway: a small WSGI app of its own that speaks VNPay 2.1.0 (vnpay.py) so the
demo and the tests pay end to end with no outside service (docs/payments.md "The sandbox
gateway").

- ``GET /paymentv2/vpcpay.html`` checks the request's signature and shows a bank page with
  three buttons: pay (vnp_ResponseCode 00), cancel (24) and fail (51, insufficient funds).
  Pressing one redirects the browser to ``vnp_ReturnUrl`` with the signed result and sends the
  same result to the merchant's IPN URL from a background thread (delayed, duplicated or
  dropped as the settings say).
- ``POST /merchant_webapi/api/transaction`` answers ``querydr`` and ``refund`` with signed JSON.

State lives in memory (one dict under a lock): restarting the sandbox forgets everything, as
a sandbox may. Never deploy it: its secret is public.

Run it: ``python -m portal.payments.sandbox --port 5055`` (``make run`` does, see Procfile).
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime

from flask import Flask, Response, abort, current_app, redirect, render_template_string, request

from portal.config import SANDBOX_HASH_SECRET, SANDBOX_TMN_CODE
from portal.payments import vnpay

DEFAULT_IPN_URL = "http://127.0.0.1:5000/thanh-toan/vnpay/ipn"
# The banks the page offers (NCB is VNPay's own sandbox bank).
BANKS = {"NCB": "Ngân hàng Quốc Dân (NCB)", "VCB": "Vietcombank", "VIETINBANK": "VietinBank",
         "BIDV": "BIDV", "AGRIBANK": "Agribank"}
ACTIONS = {
    # action: (vnp_ResponseCode, vnp_TransactionStatus)
    "pay": (vnpay.RESPONSE_SUCCESS, vnpay.STATUS_SUCCESS),
    "cancel": (vnpay.RESPONSE_CANCELLED, vnpay.STATUS_ERROR),
    "fail": (vnpay.RESPONSE_INSUFFICIENT_FUNDS, vnpay.STATUS_ERROR),
}
API_MESSAGES = {
    vnpay.API_SUCCESS: "Success",
    vnpay.API_INVALID_MERCHANT: "Merchant is not valid",
    vnpay.API_INVALID_FORMAT: "Invalid request data",
    vnpay.API_NOT_FOUND: "Transaction not found",
    vnpay.API_DUPLICATE_REQUEST: "Duplicate request",
    vnpay.API_REFUSED: "Transaction cannot be refunded",
    vnpay.API_INVALID_CHECKSUM: "Invalid checksum",
    vnpay.API_OTHER: "Unknown error",
}


@dataclass(frozen=True)
class SandboxSettings:
    tmn_code: str = SANDBOX_TMN_CODE
    hash_secret: str = field(default=SANDBOX_HASH_SECRET, repr=False)
    ipn_url: str = DEFAULT_IPN_URL
    ipn_delay_seconds: float = 0.0
    ipn_duplicate: bool = False  # send every IPN twice (the merchant must answer 02 once)
    ipn_drop: bool = False  # send no IPN at all (the merchant's querydr job must settle)
    ipn_timeout: float = 10.0

    @classmethod
    def of(cls, settings: SandboxSettings | Mapping | None) -> SandboxSettings:
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        known = {f.name for f in fields(cls)}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown sandbox settings: {', '.join(sorted(unknown))}")
        return cls(**dict(settings))


@dataclass
class Transaction:
    txn_ref: str
    amount_vnd: int
    order_info: str
    return_url: str
    created_at: datetime
    bank_code: str = "NCB"
    response_code: str = ""
    status: str = vnpay.STATUS_PENDING
    transaction_no: str = ""
    pay_date: datetime | None = None
    refunded_vnd: int = 0


@dataclass(frozen=True)
class IpnDelivery:
    """One IPN the sandbox sent and what the merchant answered (None: no JSON answer)."""

    txn_ref: str
    url: str
    http_status: int | None
    answer: dict | None
    error: str = ""


class Sandbox:
    """The sandbox's state: transactions by vnp_TxnRef, pages shown, IPNs sent and answered."""

    def __init__(self, settings: SandboxSettings):
        self.settings = settings
        self.lock = threading.Lock()
        self.transactions: dict[str, Transaction] = {}
        self.pages: dict[str, str] = {}  # page token -> txn_ref
        self.ipn_deliveries: list[IpnDelivery] = []
        self.request_ids: set[str] = set()
        self._numbers = itertools.count(14_000_001)
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def configure(self, **changes) -> None:
        """Change settings on a running sandbox (tests: delay, duplicate or drop the IPN)."""
        self.settings = replace(self.settings, **changes)

    def take_number(self) -> str:
        """The next vnp_TransactionNo (call with the lock held)."""
        return str(next(self._numbers))

    # -- IPN -------------------------------------------------------------------------------

    def send_ipn(self, params: dict[str, str]) -> None:
        settings = self.settings
        if settings.ipn_drop or not settings.ipn_url:
            return
        thread = threading.Thread(target=self._deliver, args=(settings, params),
                                  name=f"sandbox-ipn-{params['vnp_TxnRef']}", daemon=True)
        with self.lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _deliver(self, settings: SandboxSettings, params: dict[str, str]) -> None:
        if settings.ipn_delay_seconds > 0 and self._stop.wait(settings.ipn_delay_seconds):
            return
        separator = "&" if "?" in settings.ipn_url else "?"
        url = settings.ipn_url + separator + urllib.parse.urlencode(params)
        for _ in range(2 if settings.ipn_duplicate else 1):
            self._record(self._get(url, params["vnp_TxnRef"], settings.ipn_timeout))

    @staticmethod
    def _get(url: str, txn_ref: str, timeout: float) -> IpnDelivery:
        base = url.split("?", 1)[0]
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as error:
            return IpnDelivery(txn_ref, base, None, None, type(error).__name__)
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        return IpnDelivery(txn_ref, base, status, answer if isinstance(answer, dict) else None)

    def _record(self, delivery: IpnDelivery) -> None:
        with self.lock:
            self.ipn_deliveries.append(delivery)

    def wait_for_ipns(self, timeout: float = 10.0) -> list[IpnDelivery]:
        """Wait until every IPN started so far has been sent (and answered); all deliveries."""
        with self.lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        with self.lock:
            return list(self.ipn_deliveries)

    def stop(self) -> None:
        """Cancel delayed IPNs not yet sent."""
        self._stop.set()


def sandbox_of(app: Flask) -> Sandbox:
    return app.extensions["vnpay_sandbox"]


def _sandbox() -> Sandbox:
    return sandbox_of(current_app)


def format_vnd(amount: int) -> str:
    """1500000 -> '1.500.000 ₫' (the Vietnamese grouping)."""
    return f"{amount:,}".replace(",", ".") + " ₫"


# -- the bank page -------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} – Cổng thanh toán thử nghiệm</title>
<link rel="stylesheet" href="{{ url_for('sandbox_css') }}">
</head>
<body>
<header class="bar"><p class="brand">Cổng thanh toán thử nghiệm (sandbox)</p></header>
<main id="main">
<h1>{{ title }}</h1>
{% if error %}
<p class="error" role="alert">{{ error }}</p>
{% else %}
<dl class="summary">
  <dt>Đơn vị nhận tiền</dt><dd>{{ txn.tmn_code }}</dd>
  <dt>Mã giao dịch</dt><dd>{{ txn.txn_ref }}</dd>
  <dt>Nội dung</dt><dd>{{ txn.order_info }}</dd>
  <dt>Số tiền</dt><dd class="amount">{{ txn.amount }}</dd>
</dl>
<form method="post" action="{{ url_for('complete') }}">
  <input type="hidden" name="token" value="{{ token }}">
  <p>
    <label for="bank">Ngân hàng</label>
    <select id="bank" name="bank_code">
    {% for code, name in banks.items() %}
      <option value="{{ code }}"{% if code == txn.bank_code %} selected{% endif %}>
        {{- name }}</option>
    {% endfor %}
    </select>
  </p>
  <p class="note">Đây là cổng thử nghiệm: không có tiền thật được chuyển.</p>
  <div class="actions">
    <button type="submit" name="action" value="pay" class="pay">Thanh toán</button>
    <button type="submit" name="action" value="cancel">Hủy giao dịch</button>
    <button type="submit" name="action" value="fail">Giao dịch thất bại</button>
  </div>
</form>
{% endif %}
</main>
</body>
</html>
"""

CSS = """body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f4f6f8}
.bar{background:#005baa;color:#fff;padding:.75rem 1rem}.brand{margin:0;font-weight:600}
main{max-width:36rem;margin:1rem auto;padding:1rem;background:#fff}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}.amount{font-size:1.3rem;color:#a00000}
label{display:block;font-weight:600;margin-bottom:.25rem}select{font-size:1rem;padding:.4rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem}
button{font-size:1rem;padding:.6rem 1rem;border:1px solid #005baa;background:#fff;color:#005baa}
button.pay{background:#005baa;color:#fff}.error{color:#a00000;font-weight:600}
.note{color:#444}
"""


def _csp(return_url: str | None = None) -> str:
    # The form posts here and is then redirected to the merchant's return URL: Chromium
    # applies form-action to that redirect too, so the merchant's origin is allowed.
    targets = "'self'"
    if return_url:
        parts = urllib.parse.urlsplit(return_url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            targets += f" {parts.scheme}://{parts.netloc}"
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; base-uri 'none'; form-action {targets}; "
            "frame-ancestors 'none'")


def _page(title: str, *, error: str = "", status: int = 200, txn: dict | None = None,
          token: str = "", return_url: str | None = None) -> Response:
    body = render_template_string(PAGE, title=title, error=error, txn=txn, token=token,
                                  banks=BANKS)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _csp(return_url)
    return response


def _payment_request_problem(params: Mapping[str, str], settings: SandboxSettings) -> str:
    if not vnpay.verify(params, settings.hash_secret):
        return "Sai chữ ký (vnp_SecureHash): yêu cầu thanh toán không hợp lệ."
    if params.get("vnp_TmnCode") != settings.tmn_code:
        return "Mã website (vnp_TmnCode) không tồn tại."
    if params.get("vnp_Version") != vnpay.VERSION or params.get("vnp_Command") != "pay":
        return "Phiên bản hoặc lệnh không được hỗ trợ."
    if params.get("vnp_CurrCode") != "VND":
        return "Đơn vị tiền tệ không được hỗ trợ."
    amount = params.get("vnp_Amount", "")
    if not amount.isdigit() or int(amount) % 100 or int(amount) == 0:
        return "Số tiền không hợp lệ."
    return_url = urllib.parse.urlsplit(params.get("vnp_ReturnUrl", ""))
    if return_url.scheme not in {"http", "https"} or not return_url.netloc:
        return "Địa chỉ trả về (vnp_ReturnUrl) không hợp lệ."
    if not params.get("vnp_TxnRef") or not params.get("vnp_OrderInfo"):
        return "Thiếu mã giao dịch hoặc nội dung thanh toán."
    try:
        vnpay.parse_date(params.get("vnp_CreateDate", ""))
        expires = vnpay.parse_date(params.get("vnp_ExpireDate", ""))
    except ValueError:
        return "Thời gian tạo hoặc hết hạn không hợp lệ."
    if expires < datetime.now(UTC):
        return "Giao dịch đã quá thời gian chờ thanh toán."
    return ""


def _result_params(settings: SandboxSettings, txn: Transaction) -> dict[str, str]:
    params = {
        "vnp_Amount": str(txn.amount_vnd * 100),
        "vnp_BankCode": txn.bank_code,
        "vnp_BankTranNo": f"VNP{txn.transaction_no}" if txn.transaction_no != "0" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": vnpay.format_date(txn.pay_date) if txn.pay_date else "",
        "vnp_ResponseCode": txn.response_code,
        "vnp_TmnCode": settings.tmn_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.status,
        "vnp_TxnRef": txn.txn_ref,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, settings.hash_secret)
    return params


def _with_query(url: str, params: dict[str, str]) -> str:
    signed = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    query = vnpay.canonical_query(signed) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
    return url + ("&" if "?" in url else "?") + query


# -- the merchant API ----------------------------------------------------------------------

def _api_answer(settings: SandboxSettings, body: Mapping, code: str,
                txn: Transaction | None = None, **fields_) -> dict:
    command = str(body.get("vnp_Command", ""))
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": command,
        "vnp_ResponseCode": code,
        "vnp_Message": API_MESSAGES[code],
        "vnp_TmnCode": settings.tmn_code,
        "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        "vnp_Amount": "",
        "vnp_BankCode": "",
        "vnp_PayDate": "",
        "vnp_TransactionNo": "",
        "vnp_TransactionType": "",
        "vnp_TransactionStatus": "",
        "vnp_OrderInfo": "",
    }
    if command == "querydr":
        answer.update({"vnp_PromotionCode": "", "vnp_PromotionAmount": ""})
    if txn is not None:
        answer.update({
            "vnp_Amount": str(txn.amount_vnd * 100), "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": vnpay.format_date(txn.pay_date) if txn.pay_date else "",
            "vnp_TransactionNo": txn.transaction_no, "vnp_TransactionType": "01",
            "vnp_TransactionStatus": txn.status, "vnp_OrderInfo": txn.order_info,
        })
    answer.update(fields_)
    order = (vnpay.QUERYDR_RESPONSE_FIELDS if command == "querydr"
             else vnpay.REFUND_RESPONSE_FIELDS)
    answer["vnp_SecureHash"] = vnpay.checksum(answer, order, settings.hash_secret)
    return answer


def _api(sandbox: Sandbox, body: Mapping) -> dict:
    settings = sandbox.settings
    command = body.get("vnp_Command")
    if command not in {"querydr", "refund"}:
        return _api_answer(settings, {**body, "vnp_Command": "querydr"}, vnpay.API_INVALID_FORMAT)
    request_fields = (vnpay.QUERYDR_REQUEST_FIELDS if command == "querydr"
                      else vnpay.REFUND_REQUEST_FIELDS)
    if not vnpay.verify_checksum(body, request_fields, settings.hash_secret):
        return _api_answer(settings, body, vnpay.API_INVALID_CHECKSUM)
    if body.get("vnp_TmnCode") != settings.tmn_code:
        return _api_answer(settings, body, vnpay.API_INVALID_MERCHANT)
    request_id = str(body.get("vnp_RequestId") or "")
    if not request_id or not body.get("vnp_TxnRef"):
        return _api_answer(settings, body, vnpay.API_INVALID_FORMAT)
    with sandbox.lock:
        if request_id in sandbox.request_ids:
            return _api_answer(settings, body, vnpay.API_DUPLICATE_REQUEST)
        sandbox.request_ids.add(request_id)
        txn = sandbox.transactions.get(str(body["vnp_TxnRef"]))
        if txn is None:
            return _api_answer(settings, body, vnpay.API_NOT_FOUND)
        if command == "querydr":
            return _api_answer(settings, body, vnpay.API_SUCCESS, txn)
        return _refund(settings, body, txn)


def _refund(settings: SandboxSettings, body: Mapping, txn: Transaction) -> dict:
    """A refund of a paid transaction: the whole remaining amount ("02") or a part ("03")."""
    kind, amount_text = body.get("vnp_TransactionType"), str(body.get("vnp_Amount", ""))
    if kind not in (vnpay.REFUND_FULL, vnpay.REFUND_PARTIAL) or not amount_text.isdigit() \
            or int(amount_text) % 100 or int(amount_text) == 0:
        return _api_answer(settings, body, vnpay.API_INVALID_FORMAT, txn)
    if txn.status != vnpay.STATUS_SUCCESS:
        return _api_answer(settings, body, vnpay.API_REFUSED, txn)
    amount = int(amount_text) // 100
    remaining = txn.amount_vnd - txn.refunded_vnd
    if (kind == vnpay.REFUND_FULL and amount != remaining) or \
            (kind == vnpay.REFUND_PARTIAL and amount >= remaining):
        return _api_answer(settings, body, vnpay.API_INVALID_FORMAT, txn)
    txn.refunded_vnd += amount
    return _api_answer(settings, body, vnpay.API_SUCCESS, txn, vnp_Amount=amount_text,
                       vnp_TransactionType=kind,
                       vnp_TransactionStatus=vnpay.STATUS_REFUND_PROCESSING,
                       vnp_PayDate=vnpay.format_date(datetime.now(UTC)))


# -- the app -------------------------------------------------------------------------------

def create_sandbox_app(settings: SandboxSettings | Mapping | None = None) -> Flask:
    """The sandbox gateway as a Flask app of its own (not the portal's)."""
    app = Flask(__name__)
    sandbox = Sandbox(SandboxSettings.of(settings))
    app.extensions["vnpay_sandbox"] = sandbox

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _csp())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/sandbox.css")
    def sandbox_css():
        return Response(CSS, mimetype="text/css")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status=204)

    @app.get("/")
    def index():
        return _page("Cổng thanh toán thử nghiệm",
                     error="Trang thanh toán mở từ cổng dịch vụ công, không mở trực tiếp.")

    @app.get("/paymentv2/vpcpay.html")
    def pay_page():
        sandbox = _sandbox()
        settings = sandbox.settings
        params = request.args.to_dict()
        problem = _payment_request_problem(params, settings)
        if problem:
            return _page("Giao dịch không hợp lệ", error=problem, status=400)
        txn_ref = params["vnp_TxnRef"]
        with sandbox.lock:
            txn = sandbox.transactions.get(txn_ref)
            if txn is not None and txn.status != vnpay.STATUS_PENDING:
                txn = None
                problem = "Giao dịch đã tồn tại (mã giao dịch đã được dùng)."
            else:
                if txn is None:
                    txn = Transaction(
                        txn_ref=txn_ref, amount_vnd=int(params["vnp_Amount"]) // 100,
                        order_info=params["vnp_OrderInfo"], return_url=params["vnp_ReturnUrl"],
                        created_at=vnpay.parse_date(params["vnp_CreateDate"]),
                        bank_code=params.get("vnp_BankCode") if params.get("vnp_BankCode")
                        in BANKS else "NCB")
                    sandbox.transactions[txn_ref] = txn
                elif (txn.amount_vnd * 100 != int(params["vnp_Amount"])
                      or txn.return_url != params["vnp_ReturnUrl"]):
                    txn = None
                    problem = "Giao dịch đã tồn tại với số tiền khác."
                token = secrets.token_urlsafe(16)
                if txn is not None:
                    sandbox.pages[token] = txn_ref
        if problem:
            return _page("Giao dịch không hợp lệ", error=problem, status=400)
        view = {"tmn_code": settings.tmn_code, "txn_ref": txn.txn_ref,
                "order_info": txn.order_info, "amount": format_vnd(txn.amount_vnd),
                "bank_code": txn.bank_code}
        return _page("Thanh toán trực tuyến", txn=view, token=token, return_url=txn.return_url)

    @app.post("/paymentv2/complete")
    def complete():
        sandbox = _sandbox()
        settings = sandbox.settings
        action = request.form.get("action", "")
        if action not in ACTIONS:
            abort(400)
        with sandbox.lock:
            txn_ref = sandbox.pages.pop(request.form.get("token", ""), None)
            txn = sandbox.transactions.get(txn_ref) if txn_ref else None
            if txn is None or txn.status != vnpay.STATUS_PENDING:
                txn = None
            else:
                txn.response_code, txn.status = ACTIONS[action]
                bank = request.form.get("bank_code", "")
                txn.bank_code = bank if bank in BANKS else txn.bank_code
                txn.transaction_no = "0" if action == "cancel" else sandbox.take_number()
                txn.pay_date = datetime.now(UTC)
                params = _result_params(settings, txn)
        if txn is None:
            return _page("Giao dịch không hợp lệ", status=400,
                         error="Phiên thanh toán đã hết hoặc giao dịch đã được xử lý.")
        sandbox.send_ipn(params)
        return redirect(_with_query(txn.return_url, params), code=303)

    @app.post("/merchant_webapi/api/transaction")
    def merchant_api():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return Response(json.dumps({"vnp_ResponseCode": vnpay.API_INVALID_FORMAT,
                                        "vnp_Message": API_MESSAGES[vnpay.API_INVALID_FORMAT]}),
                            status=400, mimetype="application/json")
        return _api(_sandbox(), body)

    return app


def main(argv: list[str] | None = None, run: Callable | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.payments.sandbox",
                                     description="The VNPay-protocol sandbox gateway (demo only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--ipn-url", default=DEFAULT_IPN_URL)
    parser.add_argument("--tmn-code", default=SANDBOX_TMN_CODE)
    parser.add_argument("--secret", default=SANDBOX_HASH_SECRET,
                        help="the hash secret shared with the portal (PAYMENT_HASH_SECRET)")
    parser.add_argument("--ipn-delay", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--ipn-duplicate", action="store_true", help="send every IPN twice")
    parser.add_argument("--ipn-drop", action="store_true", help="send no IPN")
    args = parser.parse_args(argv)
    app = create_sandbox_app(SandboxSettings(
        tmn_code=args.tmn_code, hash_secret=args.secret, ipn_url=args.ipn_url,
        ipn_delay_seconds=args.ipn_delay, ipn_duplicate=args.ipn_duplicate,
        ipn_drop=args.ipn_drop))
    if run is None:
        from werkzeug.serving import run_simple

        run = run_simple
    print(f"Sandbox gateway on http://{args.host}:{args.port}/paymentv2/vpcpay.html "  # noqa: T201
          f"(terminal {args.tmn_code}, IPN to {args.ipn_url})", flush=True)
    run(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
