"""What a gateway result means for the ledger (docs/payments.md, "Each method's flow").

The IPN, the browser's return and the periodic status query (``querydr``) all end here with
a verified ``vnpay.GatewayResult``; the answer is the IPN's ``RspCode`` (VNPay 2.1.0): 01 no
such order, 04 the amount differs, 02 the order was settled before (a repeated or replayed
IPN, the IPN after the return), 00 this call settled it. Signature checking happens before
(``vnpay.parse_result`` raises ``InvalidSignature``: 97)."""

from __future__ import annotations

from datetime import datetime

from portal.payments import operations as ops
from portal.payments import vnpay
from portal.payments.models import PaymentMethod
from portal.payments.queries import payment_by_txn_ref


def apply_result(result: vnpay.GatewayResult, now: datetime, source: str) -> str:
    payment = payment_by_txn_ref(result.txn_ref)
    if payment is None or payment.method is not PaymentMethod.GATEWAY:
        return vnpay.IPN_ORDER_NOT_FOUND
    if result.amount_vnd != payment.amount:
        ops.confirm(payment, amount=result.amount_vnd, now=now, source=source)  # logs it
        return vnpay.IPN_INVALID_AMOUNT
    if result.success:
        outcome = ops.confirm(payment, amount=result.amount_vnd, now=now, source=source,
                              gateway_txn_no=result.transaction_no,
                              bank_code=result.bank_code).outcome
        return (vnpay.IPN_CONFIRMED if outcome is ops.Outcome.CONFIRMED
                else vnpay.IPN_ALREADY_CONFIRMED)
    changed = ops.fail(payment, now, source,
                       f"response {result.response_code}, status {result.transaction_status}")
    return vnpay.IPN_CONFIRMED if changed else vnpay.IPN_ALREADY_CONFIRMED
