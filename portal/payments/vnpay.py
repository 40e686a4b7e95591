"""VNPay's payment protocol, version 2.1.0 (docs/payments.md "The gateway protocol").

Pure functions: build the signed payment URL, verify and parse what comes back (the
browser's return and the server-to-server IPN carry the same signed parameters), answer the
IPN, and ask the gateway's merchant API about a transaction (``querydr``) or for a refund.
Nothing here touches the database; the payment domain decides what a result means for the
ledger.

The signature (VNPay's sample code, 2.1.0): the ``vnp_*`` parameters except the hash itself,
sorted by name, each value URL-encoded with ``quote_plus`` (a space is ``+``), joined
``k=v&k=v``, HMAC-SHA512 with the terminal's hash secret, hex. The merchant API (querydr,
refund) signs differently: the documented fields in a fixed order joined with ``|``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
# VNPay's dates are local time in Vietnam (GMT+7), written yyyyMMddHHmmss.
GATEWAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
DEFAULT_TIMEOUT = 10.0

# vnp_ResponseCode of a payment (the return URL and the IPN).
RESPONSE_SUCCESS = "00"
RESPONSE_SUSPECTED_FRAUD = "07"
RESPONSE_TIMEOUT = "11"
RESPONSE_CANCELLED = "24"
RESPONSE_INSUFFICIENT_FUNDS = "51"
RESPONSE_OTHER = "99"
# vnp_TransactionStatus.
STATUS_SUCCESS = "00"
STATUS_PENDING = "01"
STATUS_ERROR = "02"
STATUS_REVERSED = "04"
STATUS_REFUND_PROCESSING = "05"
STATUS_REFUND_SENT = "06"
STATUS_REFUND_DECLINED = "09"
# vnp_ResponseCode of the merchant API (querydr, refund).
API_SUCCESS = "00"
API_INVALID_MERCHANT = "02"
API_INVALID_FORMAT = "03"
API_NOT_FOUND = "91"
API_DUPLICATE_REQUEST = "94"
API_REFUSED = "95"
API_INVALID_CHECKSUM = "97"
API_OTHER = "99"
# vnp_TransactionType of a refund: the whole amount or a part of it.
REFUND_FULL = "02"
REFUND_PARTIAL = "03"

# The merchant's answers to the IPN, as VNPay documents them.
IPN_CONFIRMED = "00"
IPN_ORDER_NOT_FOUND = "01"
IPN_ALREADY_CONFIRMED = "02"
IPN_INVALID_AMOUNT = "04"
IPN_INVALID_SIGNATURE = "97"
IPN_UNKNOWN_ERROR = "99"
IPN_MESSAGES = {
    IPN_CONFIRMED: "Confirm Success",
    IPN_ORDER_NOT_FOUND: "Order not found",
    IPN_ALREADY_CONFIRMED: "Order already confirmed",
    IPN_INVALID_AMOUNT: "Invalid amount",
    IPN_INVALID_SIGNATURE: "Invalid Checksum",
    IPN_UNKNOWN_ERROR: "Unknown error",
}

# The merchant API's checksum fields, in the documented order.
QUERYDR_REQUEST_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
                          "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr",
                          "vnp_OrderInfo")
QUERYDR_RESPONSE_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
                           "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode",
                           "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
                           "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
                           "vnp_PromotionAmount")
REFUND_REQUEST_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode",
                         "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount",
                         "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
                         "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
REFUND_RESPONSE_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
                          "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode",
                          "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
                          "vnp_TransactionStatus", "vnp_OrderInfo")

Http = Callable[[str, dict, float], dict]


class GatewayError(Exception):
    """The gateway could not be used or answered something unusable."""


class InvalidSignature(GatewayError):
    """A message's vnp_SecureHash is missing or does not match: nothing in it can be trusted."""


class GatewayUnavailable(GatewayError):
    """The merchant API did not answer (network error, timeout, not JSON)."""


@dataclass(frozen=True)
class GatewayConfig:
    """One terminal at the gateway. The hash secret never shows in a repr or a log."""

    url: str
    tmn_code: str
    hash_secret: str = field(repr=False)
    api_url: str


@dataclass(frozen=True)
class GatewayResult:
    """A transaction as the gateway reports it (return URL, IPN or querydr).

    ``pay_date`` is timezone-aware UTC (VNPay writes GMT+7 local time)."""

    txn_ref: str
    amount_vnd: int
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: datetime | None
    success: bool


@dataclass(frozen=True)
class RefundResult:
    """The merchant API's answer to a refund request; ``success`` when it was accepted."""

    txn_ref: str
    amount_vnd: int
    response_code: str
    message: str
    transaction_no: str
    transaction_status: str
    transaction_type: str
    success: bool


# --- signatures -----------------------------------------------------------------------------

def _hmac512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def canonical_query(params: Mapping[str, str]) -> str:
    """The signed string: vnp_* parameters but the hash, sorted, values quote_plus-encoded."""
    items = sorted((k, str(v)) for k, v in params.items()
                   if k.startswith("vnp_") and k not in HASH_FIELDS)
    return "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash for ``params`` (vnp_SecureHash/vnp_SecureHashType are ignored)."""
    return _hmac512(secret, canonical_query(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    """True when ``params`` carry a vnp_SecureHash matching their content (constant time)."""
    given = params.get("vnp_SecureHash")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower().encode(), sign(params, secret).encode())


def checksum(values: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """The merchant API's checksum: ``fields`` of ``values`` in order, joined with ``|``
    (a missing field is empty), HMAC-SHA512 hex."""
    return _hmac512(secret, "|".join("" if values.get(f) is None else str(values.get(f))
                                     for f in fields))


def verify_checksum(values: Mapping[str, object], fields: tuple[str, ...], secret: str) -> bool:
    """True when values["vnp_SecureHash"] is the checksum of ``fields`` (constant time)."""
    given = values.get("vnp_SecureHash")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower().encode(), checksum(values, fields, secret).encode())


# --- dates ----------------------------------------------------------------------------------

def format_date(moment: datetime) -> str:
    """``moment`` as yyyyMMddHHmmss in GMT+7; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(GATEWAY_TZ).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    """yyyyMMddHHmmss (GMT+7) -> an aware UTC datetime; ValueError when malformed."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"not a VNPay date: {text!r}")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GATEWAY_TZ).astimezone(UTC)


def _amount(text: object) -> int:
    """vnp_Amount (VND × 100) -> whole VND; ValueError when it is not a whole number of dong."""
    value = str(text)
    if not value.isdigit():
        raise ValueError(f"not a VNPay amount: {value!r}")
    hundredths = int(value)
    if hundredths % 100:
        raise ValueError(f"VNPay amount is not whole dong: {value!r}")
    return hundredths // 100


# --- the payment URL ------------------------------------------------------------------------

def payment_params(config: GatewayConfig, *, txn_ref: str, amount_vnd: int, order_info: str,
                   return_url: str, ip_addr: str, created_at: datetime,
                   expire_minutes: int = 15, locale: str = "vn",
                   bank_code: str | None = None) -> dict[str, str]:
    """The signed parameters of a payment request (payment_url puts them in the URL)."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise ValueError("amount_vnd must be a positive whole number of dong")
    if not txn_ref or not order_info:
        raise ValueError("txn_ref and order_info must not be empty")
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": config.tmn_code,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info,
        "vnp_OrderType": "other",
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_addr,
        "vnp_CreateDate": format_date(created_at),
        "vnp_ExpireDate": format_date(created_at + timedelta(minutes=expire_minutes)),
    }
    if bank_code:
        params["vnp_BankCode"] = bank_code
    params["vnp_SecureHash"] = sign(params, config.hash_secret)
    return params


def payment_url(config: GatewayConfig, *, txn_ref: str, amount_vnd: int, order_info: str,
                return_url: str, ip_addr: str, created_at: datetime, expire_minutes: int = 15,
                locale: str = "vn", bank_code: str | None = None) -> str:
    """The gateway's page for this payment, to redirect the citizen's browser to."""
    params = payment_params(config, txn_ref=txn_ref, amount_vnd=amount_vnd,
                            order_info=order_info, return_url=return_url, ip_addr=ip_addr,
                            created_at=created_at, expire_minutes=expire_minutes,
                            locale=locale, bank_code=bank_code)
    secure_hash = params.pop("vnp_SecureHash")
    return f"{config.url}?{canonical_query(params)}&vnp_SecureHash={secure_hash}"


# --- the return URL and the IPN -------------------------------------------------------------

def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or not isinstance(value, str):
        raise ValueError(f"{name} is missing")
    return value


def parse_result(params: Mapping[str, str], secret: str) -> GatewayResult:
    """The signed result of a payment (return URL or IPN query parameters).

    Raises InvalidSignature when the hash is missing or wrong (check it before anything
    else: the other fields are the sender's word), ValueError on a malformed field."""
    if not verify(params, secret):
        raise InvalidSignature("vnp_SecureHash missing or invalid")
    txn_ref = _required(params, "vnp_TxnRef")
    if not txn_ref:
        raise ValueError("vnp_TxnRef is empty")
    amount_vnd = _amount(_required(params, "vnp_Amount"))
    response_code = _required(params, "vnp_ResponseCode")
    status = params.get("vnp_TransactionStatus") or ""
    for name, code in (("vnp_ResponseCode", response_code), ("vnp_TransactionStatus", status)):
        if code and not (len(code) == 2 and code.isdigit()):
            raise ValueError(f"{name} is not a two-digit code: {code!r}")
    pay_date_text = params.get("vnp_PayDate") or ""
    pay_date = parse_date(pay_date_text) if pay_date_text else None
    return GatewayResult(
        txn_ref=txn_ref, amount_vnd=amount_vnd, response_code=response_code,
        transaction_status=status, transaction_no=params.get("vnp_TransactionNo") or "",
        bank_code=params.get("vnp_BankCode") or "", pay_date=pay_date,
        success=response_code == RESPONSE_SUCCESS and status == STATUS_SUCCESS)


def ipn_answer(code: str) -> dict:
    """The JSON body answering an IPN: {"RspCode": code, "Message": VNPay's message}."""
    if code not in IPN_MESSAGES:
        raise ValueError(f"not an IPN answer code: {code!r}")
    return {"RspCode": code, "Message": IPN_MESSAGES[code]}


# --- the merchant API: querydr and refund ---------------------------------------------------

def _urllib_post(url: str, body: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise GatewayUnavailable(f"gateway answered HTTP {error.code}") from None
    except OSError as error:  # URLError, timeouts, refused or reset connections
        raise GatewayUnavailable(f"gateway unreachable: {type(error).__name__}") from None
    try:
        answer = json.loads(payload)
    except ValueError:
        raise GatewayUnavailable("gateway answer is not JSON") from None
    if not isinstance(answer, dict):
        raise GatewayUnavailable("gateway answer is not a JSON object")
    return answer


def _post(config: GatewayConfig, body: dict, http: Http | None) -> dict:
    post = http or _urllib_post
    try:
        answer = post(config.api_url, body, DEFAULT_TIMEOUT)
    except GatewayError:
        raise
    except (OSError, TimeoutError) as error:
        raise GatewayUnavailable(f"gateway unreachable: {type(error).__name__}") from None
    if not isinstance(answer, dict):
        raise GatewayUnavailable("gateway answer is not a JSON object")
    return answer


def _verified_answer(answer: dict, fields: tuple[str, ...], secret: str) -> dict:
    if not verify_checksum(answer, fields, secret):
        raise InvalidSignature("the gateway's answer has no valid vnp_SecureHash")
    return answer


def querydr_body(config: GatewayConfig, *, txn_ref: str, transaction_date: datetime,
                 ip_addr: str, request_id: str, now: datetime) -> dict:
    """The signed JSON body of a querydr request."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": config.tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": f"Truy van giao dich {txn_ref}",
        "vnp_TransactionDate": format_date(transaction_date),
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip_addr,
    }
    body["vnp_SecureHash"] = checksum(body, QUERYDR_REQUEST_FIELDS, config.hash_secret)
    return body


def querydr(config: GatewayConfig, *, txn_ref: str, transaction_date: datetime, ip_addr: str,
            request_id: str, now: datetime, http: Http | None = None) -> GatewayResult | None:
    """What the gateway knows of ``txn_ref``; None when it knows no such transaction.

    Raises GatewayUnavailable (no answer), InvalidSignature (answer not signed by the
    gateway), GatewayError (any other refusal: bad request, bad checksum, ...)."""
    answer = _post(config, querydr_body(config, txn_ref=txn_ref,
                                        transaction_date=transaction_date, ip_addr=ip_addr,
                                        request_id=request_id, now=now), http)
    code = str(answer.get("vnp_ResponseCode", ""))
    # Even "not found" must be signed: a forged one would let a paid order expire.
    _verified_answer(answer, QUERYDR_RESPONSE_FIELDS, config.hash_secret)
    if code == API_NOT_FOUND:
        return None
    if code != API_SUCCESS:
        raise GatewayError(f"querydr refused: {code} {answer.get('vnp_Message', '')}")
    if str(answer.get("vnp_TxnRef", "")) != txn_ref:
        raise ValueError("querydr answered about another transaction")
    status = str(answer.get("vnp_TransactionStatus", ""))
    pay_date_text = str(answer.get("vnp_PayDate") or "")
    return GatewayResult(
        txn_ref=txn_ref, amount_vnd=_amount(answer.get("vnp_Amount", "")),
        response_code=code, transaction_status=status,
        transaction_no=str(answer.get("vnp_TransactionNo") or ""),
        bank_code=str(answer.get("vnp_BankCode") or ""),
        pay_date=parse_date(pay_date_text) if pay_date_text else None,
        success=status == STATUS_SUCCESS)


def refund_body(config: GatewayConfig, *, txn_ref: str, amount_vnd: int,
                transaction_type: str, transaction_date: datetime, created_by: str,
                ip_addr: str, request_id: str, now: datetime,
                transaction_no: str = "") -> dict:
    """The signed JSON body of a refund request."""
    if transaction_type not in (REFUND_FULL, REFUND_PARTIAL):
        raise ValueError("transaction_type must be '02' (full) or '03' (partial)")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise ValueError("amount_vnd must be a positive whole number of dong")
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": config.tmn_code,
        "vnp_TransactionType": transaction_type,
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_OrderInfo": f"Hoan tien giao dich {txn_ref}",
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionDate": format_date(transaction_date),
        "vnp_CreateBy": created_by,
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip_addr,
    }
    body["vnp_SecureHash"] = checksum(body, REFUND_REQUEST_FIELDS, config.hash_secret)
    return body


def refund(config: GatewayConfig, *, txn_ref: str, amount_vnd: int, transaction_type: str,
           transaction_date: datetime, created_by: str, ip_addr: str, request_id: str,
           now: datetime, http: Http | None = None, transaction_no: str = "") -> RefundResult:
    """Ask the gateway to refund ``amount_vnd`` of ``txn_ref`` (whole: "02", part: "03").

    A refusal is a RefundResult with success False and the gateway's code (91 unknown
    transaction, 95 refused, ...). Raises GatewayUnavailable or InvalidSignature."""
    answer = _post(config, refund_body(
        config, txn_ref=txn_ref, amount_vnd=amount_vnd, transaction_type=transaction_type,
        transaction_date=transaction_date, created_by=created_by, ip_addr=ip_addr,
        request_id=request_id, now=now, transaction_no=transaction_no), http)
    _verified_answer(answer, REFUND_RESPONSE_FIELDS, config.hash_secret)
    code = str(answer.get("vnp_ResponseCode", ""))
    amount_text = str(answer.get("vnp_Amount") or "")
    return RefundResult(
        txn_ref=str(answer.get("vnp_TxnRef") or txn_ref),
        amount_vnd=_amount(amount_text) if amount_text else 0,
        response_code=code, message=str(answer.get("vnp_Message") or ""),
        transaction_no=str(answer.get("vnp_TransactionNo") or ""),
        transaction_status=str(answer.get("vnp_TransactionStatus") or ""),
        transaction_type=str(answer.get("vnp_TransactionType") or transaction_type),
        success=code == API_SUCCESS)
