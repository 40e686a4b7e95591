"""The gateway's two callbacks (VNPay 2.1.0). Both are GET requests the gateway signs: the
browser's return and the server-to-server IPN. They carry no CSRF token and need none — no
session decides anything here: each verifies the HMAC-SHA512 signature
(``vnpay.parse_result``, constant-time) before it reads any other field, and answers a bad
signature with nothing but a refusal (IPN RspCode 97, a 400 page on the return).

The ledger settles the result the same way whichever comes first (``payments.gateway``):
the return confirms a payment the IPN has not confirmed yet, and the IPN then answers 02."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_login import current_user

from portal.blueprints.payments import bp
from portal.config import gateway_config
from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.payments import gateway, queries, vnpay

log = logging.getLogger(__name__)


def _verified():
    """The signed result, or the IPN code refusing it."""
    try:
        return vnpay.parse_result(request.args.to_dict(),
                                  gateway_config(current_app).hash_secret), None
    except vnpay.InvalidSignature:
        return None, vnpay.IPN_INVALID_SIGNATURE
    except ValueError:
        return None, vnpay.IPN_UNKNOWN_ERROR


def _apply(result: vnpay.GatewayResult, source: str) -> str:
    try:
        with unit_of_work():
            return gateway.apply_result(result, utcnow(), source)
    except Exception:  # the gateway retries on 99; the ledger is unchanged (rolled back)
        log.exception("gateway %s for %s failed", source, result.txn_ref)
        return vnpay.IPN_UNKNOWN_ERROR


@bp.get("/thanh-toan/vnpay/ipn")
def gateway_ipn():
    result, refusal = _verified()
    code = refusal or _apply(result, "ipn")
    return jsonify(vnpay.ipn_answer(code))


@bp.get("/thanh-toan/vnpay/tra-ve")
def gateway_return():
    """The citizen's browser back from the gateway: the verified result, settled if the IPN
    has not done it yet. The page names the dossier only to its applicant."""
    result, refusal = _verified()
    if refusal:
        return render_template("payments/result.html", valid=False), 400
    _apply(result, "return")
    own = None
    if current_user.is_authenticated:  # a browser without the session is shown no dossier
        own = queries.payment_for_applicant_by_txn_ref(current_user, result.txn_ref)
    return render_template("payments/result.html", valid=True, result=result, payment=own)
