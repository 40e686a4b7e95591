"""Loopback HTTP servers that speak the SMS gateway's and Zalo ZNS's request/response shapes
(docs/messages.md "Channels"), including their error answers: stand-ins for third parties,
reached by the real HTTP adapter over a real socket.

``answers`` is a list of replies to give, in order (then success); each request is kept."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Gateway:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(gateway: Gateway, success):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length) or b"{}")
            with gateway.lock:
                gateway.requests.append(payload)
                gateway.headers.append({k.lower(): v for k, v in self.headers.items()})
                status, answer = (gateway.answers.pop(0) if gateway.answers
                                  else (200, success(payload, len(gateway.requests))))
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def _serve(success) -> Iterator[Gateway]:
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway, success))
    thread = threading.Thread(target=server.serve_forever, name="gateway", daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def sms_gateway():
    """eSMS.vn-style: POST JSON {ApiKey, SecretKey, Brandname, SmsType, Phone, Content,
    RequestId} → {"CodeResult": "100", "SMSID": "…"}; errors: another CodeResult with
    ErrorMessage (e.g. "101" wrong key, "99" unknown, "104" brandname not registered)."""
    return _serve(lambda payload, n: {"CodeResult": "100", "CountRegenerate": 0,
                                      "SMSID": f"sms-{n}"})


def zns_gateway():
    """Zalo ZNS template message: POST JSON {phone, template_id, template_data, tracking_id}
    with header access_token → {"error": 0, "message": "Success", "data": {"msg_id", …}};
    errors: non-zero "error" (e.g. -124 access token invalid, -108 phone invalid)."""
    return _serve(lambda payload, n: {"error": 0, "message": "Success", "data": {
        "msg_id": f"zns-{n}", "sent_time": "1733500000000",
        "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})


SMS_ERROR = (200, {"CodeResult": "99", "ErrorMessage": "Lỗi không xác định"})
SMS_BAD_BRANDNAME = (200, {"CodeResult": "104", "ErrorMessage": "Brandname không tồn tại"})
ZNS_TOKEN_EXPIRED = (200, {"error": -124, "message": "Access token is invalid"})
ZNS_BAD_PHONE = (200, {"error": -108, "message": "Phone number is invalid"})
