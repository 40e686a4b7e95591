"""The gateway status job (issue 14): every 5 minutes, ask the gateway (``querydr``) about
each card payment still pending more than 15 minutes after it started, so an IPN that never
arrived cannot leave a paid citizen unpaid — and settle it the way the IPN would have
(``payments.gateway.apply_result``: confirmed once, whatever came first). A payment the
gateway does not know, or that failed, is closed; one the gateway itself still calls
pending is asked again next time, until a day has passed (then it expires)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.payments import gateway, vnpay
from portal.payments import operations as ops
from portal.payments.models import Payment, PaymentMethod, PaymentState

log = logging.getLogger(__name__)

ASK_AFTER = timedelta(minutes=15)  # the payment URL's own expiry (vnp_ExpireDate)
GIVE_UP_AFTER = timedelta(days=1)
BATCH = 50


def _stale(now: datetime) -> list[Payment]:
    return list(db.session.scalars(
        select(Payment).where(Payment.method == PaymentMethod.GATEWAY,
                              Payment.state == PaymentState.PENDING,
                              Payment.created_at <= now - ASK_AFTER)
        .order_by(Payment.created_at).limit(BATCH)))


def settle_pending_gateway_payments(now: datetime, config: vnpay.GatewayConfig | None = None,
                                    http: vnpay.Http | None = None) -> int:
    """How many pending payments this run settled (confirmed, failed or expired)."""
    if config is None:
        from portal.config import gateway_config

        config = gateway_config(current_app)
    settled = 0
    for payment in _stale(now):
        try:
            result = vnpay.querydr(config, txn_ref=payment.txn_ref,
                                   transaction_date=payment.created_at, ip_addr="127.0.0.1",
                                   request_id=secrets.token_hex(8), now=now, http=http)
        except vnpay.GatewayError as error:  # unavailable, unsigned, refused: ask next time
            log.warning("querydr for %s failed: %s", payment.txn_ref, error)
            continue
        old = now - payment.created_at >= GIVE_UP_AFTER
        if result is None or (not result.success and result.transaction_status
                              != vnpay.STATUS_PENDING):
            settled += ops.fail(payment, now, "querydr",
                                "unknown to the gateway" if result is None
                                else f"status {result.transaction_status}",
                                expired=result is None)
        elif result.success:
            settled += gateway.apply_result(result, now, "querydr") == vnpay.IPN_CONFIRMED
        elif old:
            settled += ops.fail(payment, now, "querydr", "still pending after a day",
                                expired=True)
    return settled
