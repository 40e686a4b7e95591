"""Paying online end to end over real HTTP (issue 14): the portal served live, the sandbox
gateway served beside it with its IPN pointed at the portal. A citizen starts a card payment,
presses "pay" on the bank page, the IPN and the browser's return both reach the portal: one
confirmation, one receipt. With the IPN dropped, the status job's ``querydr`` settles the
payment; with the IPN sent twice, the portal answers 00 then 02."""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from datetime import timedelta

import factories
import pyotp
import pytest
from http_client import Browser
from servers import serving
from sqlalchemy import func, select

from portal.catalog import operations as catalog_ops
from portal.core.models import utcnow
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments.jobs import settle_pending_gateway_payments
from portal.payments.models import Payment, PaymentState, Receipt, RequestState
from portal.payments.sandbox import create_sandbox_app, sandbox_of


@pytest.fixture
def live(app, monkeypatch):
    """(portal base URL, sandbox state): the portal's gateway settings point at the sandbox."""
    settings = app.config["PORTAL"]
    with serving(app, "portal") as portal_base:
        gateway = create_sandbox_app({"tmn_code": settings.payment_tmn_code,
                                      "hash_secret": settings.payment_hash_secret,
                                      "ipn_url": portal_base + "/thanh-toan/vnpay/ipn"})
        with serving(gateway, "sandbox-gateway") as gateway_base:
            monkeypatch.setitem(app.config, "PORTAL", dataclasses.replace(
                settings, payment_gateway_url=gateway_base + "/paymentv2/vpcpay.html",
                payment_gateway_api_url=gateway_base + "/merchant_webapi/api/transaction"))
            yield portal_base, sandbox_of(gateway)
            sandbox_of(gateway).stop()


@pytest.fixture
def request_id(app) -> int:
    with app.app_context():
        version = factories.published_procedure(
            factories.agency(), payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Lệ phí cấp giấy", 150000)])
        owner = factories.citizen("dan@example.vn")
        dossier = factories.submitted_dossier(version, owner)
        request = ops.request_at_submission(dossier, utcnow(), owner)
        db.session.commit()
        return request.id


def _pay(portal_base: str, request_id: int, action: str = "pay") -> tuple[Browser, str]:
    """Sign in, start a card payment, press ``action`` on the bank page; (the citizen's
    browser, the return URL's path and query the gateway redirected to)."""
    citizen = Browser(portal_base)
    citizen.get("/tai-khoan/dang-nhap")
    assert citizen.post("/tai-khoan/dang-nhap", {"email": "dan@example.vn",
                                                 "password": factories.PASSWORD}).status == 303
    citizen.get(f"/thanh-toan/{request_id}")
    start = citizen.post(f"/thanh-toan/{request_id}/cong-thanh-toan", {})
    assert start.status == 303
    gateway_url = urllib.parse.urlsplit(start.headers["Location"])
    bank = Browser(f"{gateway_url.scheme}://{gateway_url.netloc}")
    page = bank.get(f"{gateway_url.path}?{gateway_url.query}")
    assert page.status == 200 and "150.000" in page.body
    token = re.search(r'name="token" value="([^"]+)"', page.body).group(1)
    done = bank.post("/paymentv2/complete", {"token": token, "action": action,
                                             "bank_code": "NCB"})
    assert done.status == 303
    back = urllib.parse.urlsplit(done.headers["Location"])
    assert back.path == "/thanh-toan/vnpay/tra-ve"
    return citizen, f"{back.path}?{back.query}"


def _ledger(app):
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        receipts = db.session.scalar(select(func.count(Receipt.id)))
        return payment.state, payment.request.state, receipts, [e.kind for e in payment.events]


def test_pay_through_the_sandbox_ipn_then_return(app, live, request_id):
    portal_base, sandbox = live
    citizen, back = _pay(portal_base, request_id)
    deliveries = sandbox.wait_for_ipns()
    assert [d.answer["RspCode"] for d in deliveries] == ["00"]
    page = citizen.get(back)
    assert page.status == 200 and "Thanh toán thành công" in page.body
    assert _ledger(app) == (PaymentState.PAID, RequestState.PAID, 1,
                            ["created", "paid", "repeated"])


def test_a_repeated_ipn_is_answered_02(app, live, request_id):
    portal_base, sandbox = live
    sandbox.configure(ipn_duplicate=True)
    _pay(portal_base, request_id)
    answers = sorted(d.answer["RspCode"] for d in sandbox.wait_for_ipns())
    assert answers == ["00", "02"]
    assert _ledger(app)[:3] == (PaymentState.PAID, RequestState.PAID, 1)


def test_an_ipn_that_never_comes_is_settled_by_querydr(app, live, request_id):
    portal_base, sandbox = live
    sandbox.configure(ipn_drop=True)
    _pay(portal_base, request_id)  # the citizen closes the tab: no return either
    assert sandbox.wait_for_ipns() == []
    with app.app_context():
        assert settle_pending_gateway_payments(utcnow()) == 0  # too early to ask
        assert settle_pending_gateway_payments(utcnow() + timedelta(minutes=16)) == 1
        db.session.commit()
    assert _ledger(app) == (PaymentState.PAID, RequestState.PAID, 1, ["created", "paid"])


def test_a_failed_payment_leaves_the_request_open(app, live, request_id):
    portal_base, sandbox = live
    citizen, back = _pay(portal_base, request_id, action="fail")
    assert [d.answer["RspCode"] for d in sandbox.wait_for_ipns()] == ["00"]
    assert "chưa thành công" in citizen.get(back).body
    assert _ledger(app)[:3] == (PaymentState.FAILED, RequestState.OPEN, 0)


def test_a_card_payment_is_refunded_through_the_gateway(app, live, request_id):
    from portal.accounts.models import Role

    portal_base, sandbox = live
    _pay(portal_base, request_id)
    sandbox.wait_for_ipns()
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        officer = factories.staff(Role.COUNTER_OFFICER, payment.request.dossier.agency,
                                  "motcua@example.vn")
        officer.totp_secret, officer.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
        code = factories.totp_code(officer)
        payment_id = payment.id
    staff = Browser(portal_base)
    staff.get("/tai-khoan/dang-nhap")
    second = staff.post("/tai-khoan/dang-nhap", {"email": "motcua@example.vn",
                                                 "password": factories.PASSWORD})
    staff.get(urllib.parse.urlsplit(second.headers["Location"]).path)
    assert staff.post(urllib.parse.urlsplit(second.headers["Location"]).path,
                      {"code": code}).status == 303
    url = f"/thu-phi/giao-dich/{payment_id}/hoan-tien"
    staff.get(url)
    assert staff.post(url, {"amount": "50000", "reason": "Thu thừa"}).status == 303
    with app.app_context():
        payment = db.session.get(Payment, payment_id)
        assert payment.state is PaymentState.PARTLY_REFUNDED and payment.refunded_amount == 50000
        assert payment.events[-1].kind == "refunded"
