"""VNPay 2.1.0 (portal/payments/vnpay.py): the signature as VNPay's sample code computes it,
the payment URL's fields (amount × 100, GMT+7 dates), parsing of the signed return/IPN, the
IPN answers and the merchant API's pipe-joined checksums — no database, no network."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.payments import vnpay

SECRET = "sandbox-secret-not-for-production"
CONFIG = vnpay.GatewayConfig(url="https://gw.example/paymentv2/vpcpay.html", tmn_code="HCCDEMO1",
                             hash_secret=SECRET, api_url="https://gw.example/merchant_webapi/api/transaction")
# 01:02:03 UTC is 08:02:03 in Vietnam.
CREATED = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)


def _hmac(data: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def _result_params(**changes) -> dict[str, str]:
    params = {
        "vnp_Amount": "150000000", "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP1",
        "vnp_CardType": "ATM", "vnp_OrderInfo": "Thanh toan ho so 000.00.127.H48-261207-0001",
        "vnp_PayDate": "20261207080500", "vnp_ResponseCode": "00", "vnp_TmnCode": "HCCDEMO1",
        "vnp_TransactionNo": "14123456", "vnp_TransactionStatus": "00", "vnp_TxnRef": "P-42",
    }
    params.update(changes)
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    return params


def test_sign_is_hmac_sha512_of_sorted_quote_plus_encoded_parameters():
    params = {"vnp_TxnRef": "A 1", "vnp_Amount": "1000", "vnp_OrderInfo": "Lệ phí/hồ sơ&x=1",
              "vnp_SecureHash": "ignored", "vnp_SecureHashType": "HmacSHA512"}
    # Written out by hand the way VNPay's Python sample builds it.
    expected = ("vnp_Amount=1000"
                "&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD%2Fh%E1%BB%93+s%C6%A1%26x%3D1"
                "&vnp_TxnRef=A+1")
    assert vnpay.canonical_query(params) == expected
    assert vnpay.sign(params, SECRET) == _hmac(expected)
    assert len(vnpay.sign(params, SECRET)) == 128


def test_sign_ignores_parameters_that_are_not_vnpays():
    params = _result_params()
    assert vnpay.verify({**params, "utm_source": "mail"}, SECRET)


def test_verify_refuses_tampering_a_missing_hash_and_another_secret():
    params = _result_params()
    assert vnpay.verify(params, SECRET)
    assert vnpay.verify({**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()}, SECRET)
    assert not vnpay.verify({**params, "vnp_Amount": "150000100"}, SECRET)
    assert not vnpay.verify({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)
    assert not vnpay.verify({**params, "vnp_SecureHash": ""}, SECRET)
    assert not vnpay.verify(params, "another-secret")


@given(st.dictionaries(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
                       st.text(max_size=30), max_size=8),
       st.text(min_size=1, max_size=8))
def test_any_signed_parameters_verify_and_any_change_breaks_them(fields, extra):
    params = {f"vnp_{k}": v for k, v in fields.items()}
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    assert vnpay.verify(params, SECRET)
    assert not vnpay.verify({**params, "vnp_Injected": extra}, SECRET)


def test_payment_url_carries_the_documented_fields_signed():
    url = vnpay.payment_url(CONFIG, txn_ref="P-42", amount_vnd=1_500_000,
                            order_info="Thanh toan ho so 000.00.127.H48-261207-0001",
                            return_url="http://127.0.0.1:5000/thanh-toan/vnpay/ve",
                            ip_addr="203.0.113.9", created_at=CREATED)
    base, _, query = url.partition("?")
    assert base == CONFIG.url
    params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    assert params["vnp_Amount"] == "150000000"
    assert params["vnp_CreateDate"] == "20261207080203"
    assert params["vnp_ExpireDate"] == "20261207081703"
    assert (params["vnp_Version"], params["vnp_Command"], params["vnp_CurrCode"],
            params["vnp_OrderType"], params["vnp_Locale"], params["vnp_TmnCode"]) == (
        "2.1.0", "pay", "VND", "other", "vn", "HCCDEMO1")
    assert "vnp_BankCode" not in params
    assert vnpay.verify(params, SECRET)
    # The URL's query is exactly the signed string plus the hash.
    assert query == vnpay.canonical_query(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]


def test_payment_url_dates_are_gmt7_whatever_the_input_zone():
    naive_utc = datetime(2026, 12, 31, 20, 0, 0)
    params = vnpay.payment_params(CONFIG, txn_ref="P", amount_vnd=1, order_info="x",
                                  return_url="r", ip_addr="::1", created_at=naive_utc,
                                  expire_minutes=30, bank_code="VNBANK", locale="en")
    assert params["vnp_CreateDate"] == "20270101030000"
    assert params["vnp_ExpireDate"] == "20270101033000"
    assert params["vnp_BankCode"] == "VNBANK" and params["vnp_Locale"] == "en"


@pytest.mark.parametrize("amount", [0, -1, 1.5, True])
def test_payment_url_refuses_amounts_that_are_not_positive_whole_dong(amount):
    with pytest.raises(ValueError):
        vnpay.payment_url(CONFIG, txn_ref="P", amount_vnd=amount, order_info="x",
                          return_url="r", ip_addr="::1", created_at=CREATED)


def test_parse_result_of_a_success():
    result = vnpay.parse_result(_result_params(), SECRET)
    assert result == vnpay.GatewayResult(
        txn_ref="P-42", amount_vnd=1_500_000, response_code="00", transaction_status="00",
        transaction_no="14123456", bank_code="NCB",
        pay_date=datetime(2026, 12, 7, 1, 5, 0, tzinfo=UTC), success=True)


@pytest.mark.parametrize(("response", "status"), [("24", "02"), ("51", "02"), ("00", "01")])
def test_parse_result_success_needs_both_codes_00(response, status):
    result = vnpay.parse_result(
        _result_params(vnp_ResponseCode=response, vnp_TransactionStatus=status), SECRET)
    assert not result.success and result.response_code == response


def test_parse_result_refuses_a_bad_or_missing_signature_before_reading_anything():
    params = _result_params()
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.parse_result({**params, "vnp_Amount": "1"}, SECRET)
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.parse_result({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)
    with pytest.raises(vnpay.InvalidSignature):
        vnpay.parse_result(params, "wrong")


@pytest.mark.parametrize("changes", [
    {"vnp_Amount": "150000050"}, {"vnp_Amount": "-100"}, {"vnp_Amount": "1e5"},
    {"vnp_PayDate": "2026-12-07"}, {"vnp_PayDate": "20261399080500"},
    {"vnp_ResponseCode": "0"}, {"vnp_TxnRef": ""},
])
def test_parse_result_refuses_malformed_fields_even_when_signed(changes):
    with pytest.raises(ValueError):
        vnpay.parse_result(_result_params(**changes), SECRET)


def test_parse_result_refuses_a_missing_field_even_when_signed():
    params = _result_params()
    del params["vnp_ResponseCode"]
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    with pytest.raises(ValueError):
        vnpay.parse_result(params, SECRET)


def test_ipn_answers_are_vnpays_documented_codes():
    assert vnpay.ipn_answer(vnpay.IPN_CONFIRMED) == {"RspCode": "00", "Message": "Confirm Success"}
    assert vnpay.ipn_answer("01") == {"RspCode": "01", "Message": "Order not found"}
    assert vnpay.ipn_answer("02") == {"RspCode": "02", "Message": "Order already confirmed"}
    assert vnpay.ipn_answer("04") == {"RspCode": "04", "Message": "Invalid amount"}
    assert vnpay.ipn_answer("97") == {"RspCode": "97", "Message": "Invalid Checksum"}
    assert vnpay.ipn_answer("99") == {"RspCode": "99", "Message": "Unknown error"}
    with pytest.raises(ValueError):
        vnpay.ipn_answer("03")


def test_the_hash_secret_never_shows_in_a_repr():
    assert SECRET not in repr(CONFIG) and "hash_secret" not in repr(CONFIG)


class FakeGateway:
    """The merchant API as a callable(url, body, timeout): records the request, answers
    what the test chose, signed with the pipe-joined fields of the answer."""

    def __init__(self, answer: dict | None = None, fields=vnpay.QUERYDR_RESPONSE_FIELDS,
                 secret: str = SECRET, error: Exception | None = None):
        self.answer, self.fields, self.secret, self.error = answer, fields, secret, error
        self.calls: list[tuple[str, dict, float]] = []

    def __call__(self, url, body, timeout):
        self.calls.append((url, body, timeout))
        if self.error:
            raise self.error
        answer = dict(self.answer or {})
        answer["vnp_SecureHash"] = _hmac("|".join(str(answer.get(f, "")) for f in self.fields),
                                         self.secret)
        return answer


def _querydr_answer(**changes) -> dict:
    answer = {"vnp_ResponseId": "r1", "vnp_Command": "querydr", "vnp_ResponseCode": "00",
              "vnp_Message": "QueryDR Success", "vnp_TmnCode": "HCCDEMO1", "vnp_TxnRef": "P-42",
              "vnp_Amount": "150000000", "vnp_BankCode": "NCB",
              "vnp_PayDate": "20261207080500", "vnp_TransactionNo": "14123456",
              "vnp_TransactionType": "01", "vnp_TransactionStatus": "00",
              "vnp_OrderInfo": "x", "vnp_PromotionCode": "", "vnp_PromotionAmount": ""}
    answer.update(changes)
    return answer


def _querydr(http):
    return vnpay.querydr(CONFIG, txn_ref="P-42", transaction_date=CREATED,
                         ip_addr="127.0.0.1", request_id="req-1",
                         now=datetime(2026, 12, 7, 1, 30, tzinfo=UTC), http=http)


def test_querydr_sends_the_documented_checksum_and_reads_the_state():
    http = FakeGateway(_querydr_answer())
    result = _querydr(http)
    url, body, timeout = http.calls[0]
    assert url == CONFIG.api_url and timeout == 10
    assert body["vnp_Command"] == "querydr" and body["vnp_TransactionDate"] == "20261207080203"
    assert body["vnp_CreateDate"] == "20261207083000"
    assert body["vnp_SecureHash"] == _hmac("|".join([
        "req-1", "2.1.0", "querydr", "HCCDEMO1", "P-42", "20261207080203", "20261207083000",
        "127.0.0.1", body["vnp_OrderInfo"]]))
    assert result.success and result.amount_vnd == 1_500_000
    assert result.transaction_no == "14123456"


def test_querydr_of_a_pending_transaction_is_not_a_success():
    result = _querydr(FakeGateway(_querydr_answer(vnp_TransactionStatus="01", vnp_PayDate="")))
    assert not result.success and result.transaction_status == "01" and result.pay_date is None


def test_querydr_of_an_unknown_transaction_is_none():
    assert _querydr(FakeGateway(_querydr_answer(vnp_ResponseCode="91"))) is None


def test_querydr_refuses_an_unsigned_or_forged_answer():
    with pytest.raises(vnpay.InvalidSignature):
        _querydr(FakeGateway(_querydr_answer(), secret="forger"))
    with pytest.raises(vnpay.InvalidSignature):
        _querydr(lambda url, body, timeout: _querydr_answer(vnp_ResponseCode="91"))


def test_querydr_other_refusals_are_gateway_errors():
    with pytest.raises(vnpay.GatewayError):
        _querydr(FakeGateway(_querydr_answer(vnp_ResponseCode="97")))


@pytest.mark.parametrize("error", [TimeoutError(), ConnectionRefusedError(), OSError()])
def test_network_errors_are_gateway_unavailable(error):
    with pytest.raises(vnpay.GatewayUnavailable):
        _querydr(FakeGateway(error=error))


def test_the_default_transport_reports_an_unreachable_gateway():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = vnpay.GatewayConfig(url="x", tmn_code="T", hash_secret=SECRET,
                                 api_url=f"http://127.0.0.1:{port}/merchant_webapi/api/transaction")
    with pytest.raises(vnpay.GatewayUnavailable):
        vnpay.querydr(config, txn_ref="P", transaction_date=CREATED, ip_addr="::1",
                      request_id="r", now=CREATED)


def test_refund_sends_the_documented_checksum_and_reads_the_answer():
    answer = {"vnp_ResponseId": "r2", "vnp_Command": "refund", "vnp_ResponseCode": "00",
              "vnp_Message": "Refund success", "vnp_TmnCode": "HCCDEMO1", "vnp_TxnRef": "P-42",
              "vnp_Amount": "50000000", "vnp_BankCode": "NCB", "vnp_PayDate": "20261207090000",
              "vnp_TransactionNo": "14123999", "vnp_TransactionType": "03",
              "vnp_TransactionStatus": "05", "vnp_OrderInfo": "x"}
    http = FakeGateway(answer, fields=vnpay.REFUND_RESPONSE_FIELDS)
    result = vnpay.refund(CONFIG, txn_ref="P-42", amount_vnd=500_000, transaction_type="03",
                          transaction_date=CREATED, created_by="ketoan@hcc", ip_addr="::1",
                          request_id="req-2", now=CREATED, http=http)
    body = http.calls[0][1]
    assert body["vnp_Amount"] == "50000000" and body["vnp_TransactionType"] == "03"
    assert body["vnp_SecureHash"] == _hmac("|".join([
        "req-2", "2.1.0", "refund", "HCCDEMO1", "03", "P-42", "50000000", "",
        "20261207080203", "ketoan@hcc", "20261207080203", "::1", body["vnp_OrderInfo"]]))
    assert result.success and result.amount_vnd == 500_000 and result.transaction_type == "03"
    refused = vnpay.refund(CONFIG, txn_ref="P-42", amount_vnd=500_000, transaction_type="02",
                           transaction_date=CREATED, created_by="k", ip_addr="::1",
                           request_id="req-3", now=CREATED,
                           http=FakeGateway({**answer, "vnp_ResponseCode": "95"},
                                            fields=vnpay.REFUND_RESPONSE_FIELDS))
    assert not refused.success and refused.response_code == "95"
    with pytest.raises(ValueError):
        vnpay.refund(CONFIG, txn_ref="P-42", amount_vnd=1, transaction_type="01",
                     transaction_date=CREATED, created_by="k", ip_addr="::1",
                     request_id="r", now=CREATED, http=http)
