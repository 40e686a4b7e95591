"""The payment pages (issue 14): a dossier whose fees are due at submission shows "Chờ thanh
toán" and cannot be received; the citizen pays through the gateway (signed IPN and return:
00, then 02; 97 for a tampered signature, 01 for an unknown order, 04 for a wrong amount)
and gets a receipt with a public check page; another citizen gets 404 on every id route;
the bank's collection officer sees amounts by code and records a payment, and sees no
dossier; a citizen is refused the collection counter."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sample_files import small_pdf
from sqlalchemy import select

from portal.dossiers.models import Dossier
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.payments import vnpay
from portal.payments.models import Payment, PaymentState, Receipt, RequestState


def _text(response) -> str:
    return response.get_data(as_text=True)


def _secret(app) -> str:
    return app.config["PORTAL"].payment_hash_secret


def _signed(app, payment: Payment, **changes) -> dict[str, str]:
    params = {"vnp_Amount": str(payment.amount * 100), "vnp_BankCode": "NCB",
              "vnp_OrderInfo": "Thanh toan", "vnp_PayDate": "20250312091500",
              "vnp_ResponseCode": "00", "vnp_TmnCode": app.config["PORTAL"].payment_tmn_code,
              "vnp_TransactionNo": "14000001", "vnp_TransactionStatus": "00",
              "vnp_TxnRef": payment.txn_ref}
    params.update(changes)
    params["vnp_SecureHash"] = vnpay.sign(params, _secret(app))
    return params


def _gateway_payment(app, client, world) -> Payment:
    response = client.post(f"/thanh-toan/{world.request_id}/cong-thanh-toan")
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert target.path == "/paymentv2/vpcpay.html"
    assert vnpay.verify(query, _secret(app))
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(
            Payment.txn_ref == query["vnp_TxnRef"]))
        assert payment.state is PaymentState.PENDING
        assert query["vnp_Amount"] == str(payment.amount * 100)
        db.session.expunge(payment)
        return payment


def test_the_dossier_waits_for_payment_and_the_counter_cannot_receive_it(app, world, as_):
    page = _text(as_("owner").get(f"/ho-so/{world.dossier_id}"))
    assert '<dd class="dossier-state">Chờ thanh toán' in page
    assert f"/thanh-toan/{world.request_id}" in page
    answer = as_("owner").get(f"/thanh-toan/{world.request_id}")
    # The card form redirects to the gateway: only this page's form-action allows its origin.
    assert "form-action 'self' http://127.0.0.1:5055;" in answer.headers["Content-Security-Policy"]
    pay = _text(answer)
    assert "208.000\xa0₫" in pay and "Hai trăm lẻ tám nghìn đồng" in pay
    counter = as_("counter")
    workspace = _text(counter.get(f"/can-bo/ho-so/{world.dossier_id}"))
    assert "Chờ thanh toán:" in workspace and f"/thu-phi?q={world.code}" in workspace
    with app.app_context():
        lock = db.session.get(Dossier, world.dossier_id).lock_version
    refused = counter.post(f"/can-bo/ho-so/{world.dossier_id}/receive",
                           data={"receive-lock_version": lock})
    assert refused.status_code in (409, 422)
    assert "hồ sơ đang chờ thanh toán" in _text(refused)
    with app.app_context():
        assert db.session.get(Dossier, world.dossier_id).state is DossierState.SUBMITTED


def test_pay_through_the_gateway_then_the_receipt(app, world, as_, client):
    owner = as_("owner")
    payment = _gateway_payment(app, owner, world)
    assert client.get("/thanh-toan/vnpay/ipn", query_string=_signed(app, payment, vnp_TxnRef="X1")
                      ).get_json()["RspCode"] == "01"
    assert client.get("/thanh-toan/vnpay/ipn", query_string=_signed(app, payment, vnp_Amount="100")
                      ).get_json()["RspCode"] == "04"
    tampered = dict(_signed(app, payment), vnp_Amount=str(payment.amount * 10))
    assert client.get("/thanh-toan/vnpay/ipn", query_string=tampered).get_json()["RspCode"] == "97"
    ipn = client.get("/thanh-toan/vnpay/ipn", query_string=_signed(app, payment))
    assert ipn.get_json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert client.get("/thanh-toan/vnpay/ipn", query_string=_signed(app, payment)
                      ).get_json()["RspCode"] == "02"
    back = owner.get("/thanh-toan/vnpay/tra-ve", query_string=_signed(app, payment))
    assert back.status_code == 200 and "Thanh toán thành công" in _text(back)
    assert f"/ho-so/{world.dossier_id}" in _text(back)  # the applicant's way back
    stranger = client.get("/thanh-toan/vnpay/tra-ve", query_string=_signed(app, payment))
    assert "Thanh toán thành công" in _text(stranger)
    assert f"/ho-so/{world.dossier_id}" not in _text(stranger)
    assert client.get("/thanh-toan/vnpay/tra-ve", query_string=tampered).status_code == 400
    with app.app_context():
        receipt = db.session.scalar(select(Receipt))
        assert receipt.number == 1 and receipt.amount == 208000
        receipt_id, token = receipt.id, receipt.token
    page = _text(owner.get(f"/ho-so/{world.dossier_id}"))
    assert '<dd class="dossier-state">Chờ thanh toán' not in page
    assert f"/thanh-toan/bien-lai/{receipt_id}" in page
    html = _text(owner.get(f"/thanh-toan/bien-lai/{receipt_id}"))
    assert "Hai trăm lẻ tám nghìn đồng" in html and world.code in html and token in html
    pdf = owner.get(f"/thanh-toan/bien-lai/{receipt_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    public = _text(client.get(f"/bien-lai/{token}"))
    assert world.code in public and "208.000" in public and "Nguyễn Thị Hồng" in public
    assert "0912345678" not in public  # only what the paper shows
    assert client.get("/bien-lai/khong-co").status_code == 404


def test_another_citizen_gets_404_on_every_id_route(app, world, as_):
    owner = as_("owner")
    transfer = owner.post(f"/thanh-toan/{world.request_id}/chuyen-khoan")
    payment_id = int(re.search(r"/giao-dich/(\d+)/", transfer.headers["Location"]).group(1))
    page = owner.get(transfer.headers["Location"])
    assert page.status_code == 200
    _check_vietqr(app, _text(page), world)
    with app.app_context():
        payment = db.session.get(Payment, payment_id)
        from portal.core.models import utcnow
        from portal.payments import operations as ops

        ops.confirm(payment, amount=payment.amount, now=utcnow(), source="test")
        receipt_id = db.session.scalar(select(Receipt.id))
        db.session.commit()
    other = as_("other")
    for method, url in [("GET", f"/thanh-toan/{world.request_id}"),
                        ("POST", f"/thanh-toan/{world.request_id}/cong-thanh-toan"),
                        ("POST", f"/thanh-toan/{world.request_id}/chuyen-khoan"),
                        ("GET", f"/thanh-toan/giao-dich/{payment_id}/chuyen-khoan"),
                        ("GET", f"/thanh-toan/bien-lai/{receipt_id}"),
                        ("GET", f"/thanh-toan/bien-lai/{receipt_id}.pdf"),
                        ("GET", f"/thanh-toan/ho-so/{world.dossier_id}/phi"),
                        ("GET", f"/thu-phi/{world.request_id}")]:
        response = other.get(url) if method == "GET" else other.post(url)
        expected = 403 if url.startswith("/thu-phi") else 404
        assert response.status_code == expected, url
    assert owner.get(f"/thanh-toan/bien-lai/{receipt_id}").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for url in (f"/thanh-toan/{world.request_id}", "/thu-phi",
                f"/thu-phi/{world.request_id}"):
        response = client.get(url)
        assert response.status_code in (302, 303) and "dang-nhap" in response.headers["Location"]


def test_the_bank_collects_by_code_and_sees_no_dossier(app, world, as_):
    bank = as_("bank")
    listing = _text(bank.get("/thu-phi", query_string={"q": world.code}))
    assert world.code in listing and "208.000" in listing and "Nguyễn Thị Hồng" in listing
    assert bank.get(f"/can-bo/ho-so/{world.dossier_id}").status_code == 403
    assert bank.get(f"/ho-so/{world.dossier_id}").status_code == 404
    refused = bank.post(f"/thu-phi/{world.request_id}",
                        data={"method": "bank_counter", "payer_name": "Nguyễn Thị Hồng",
                              "bank_receipt_no": ""})
    assert refused.status_code == 422
    done = bank.post(f"/thu-phi/{world.request_id}",
                     data={"method": "bank_counter", "payer_name": "Nguyễn Thị Hồng",
                           "bank_receipt_no": "VCB-000123"})
    assert done.status_code == 303
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        assert payment.state is PaymentState.PAID and payment.bank_receipt_no == "VCB-000123"
        assert payment.request.state is RequestState.PAID
    assert bank.get(f"/thu-phi/{world.request_id}").status_code == 404  # paid: no longer due


@pytest.mark.parametrize("who", ["owner", "foreign"])
def test_who_may_not_collect(world, as_, who):
    """A citizen is refused the counter; another agency's officer does not see this one."""
    client = as_(who)
    if who == "owner":
        assert client.get("/thu-phi").status_code == 403
    else:
        assert world.code not in _text(client.get("/thu-phi"))
        assert client.get(f"/thu-phi/{world.request_id}").status_code == 404


def test_the_counter_officer_records_cash_then_receives(app, world, as_):
    counter = as_("counter")
    assert counter.post(f"/thu-phi/{world.request_id}",
                        data={"method": "counter", "payer_name": "Nguyễn Thị Hồng",
                              "bank_receipt_no": "BL-77"}).status_code == 303
    with app.app_context():
        lock = db.session.get(Dossier, world.dossier_id).lock_version
    received = counter.post(f"/can-bo/ho-so/{world.dossier_id}/receive",
                            data={"receive-lock_version": lock})
    assert received.status_code in (200, 303)
    with app.app_context():
        assert db.session.get(Dossier, world.dossier_id).state is DossierState.RECEIVED


def test_fee_answers_change_the_amount_on_the_review_page(app, as_, world):
    from portal.dossiers import operations as dossier_ops

    with app.app_context():
        from portal.accounts.queries import user_by_email
        from portal.catalog.models import ProcedureVersion

        version = db.session.get(ProcedureVersion, world.version_id)
        draft = dossier_ops.start_dossier(version, user_by_email("dan@example.vn"))
        copy_fee = next(f for f in version.fees if f.basis.value == "per_unit")
        db.session.commit()
        draft_id, fee_id, exemption_id = draft.id, copy_fee.id, version.exemptions[0].id
    owner = as_("owner")
    review = _text(owner.get(f"/ho-so/{draft_id}/kiem-tra"))
    assert "208.000\xa0₫" in review and "ngay khi nộp hồ sơ" in review
    assert owner.post(f"/thanh-toan/ho-so/{draft_id}/phi",
                      data={f"quantity_{fee_id}": "0"}).status_code == 422
    assert owner.post(f"/thanh-toan/ho-so/{draft_id}/phi",
                      data={f"quantity_{fee_id}": "3", "exemption": ""}).status_code == 303
    assert "224.000\xa0₫" in _text(owner.get(f"/ho-so/{draft_id}/kiem-tra"))
    # An exemption is claimed with its proof (issue 14).
    assert owner.post(f"/thanh-toan/ho-so/{draft_id}/phi",
                      data={"csrf_token": owner.token(), f"quantity_{fee_id}": "3",
                            "exemption": str(exemption_id),
                            "proof": (io.BytesIO(small_pdf()), "Sổ hộ nghèo.pdf")},
                      content_type="multipart/form-data").status_code == 303
    review = _text(owner.get(f"/ho-so/{draft_id}/kiem-tra"))
    assert "Hộ nghèo" in review and '<strong>0\xa0₫</strong>' in review


def _check_vietqr(app, page: str, world) -> None:
    """The transfer page's QR is the VietQR payload of the amount and the code as note."""
    from portal.payments import vietqr

    settings = app.config["PORTAL"]
    note = vietqr.transfer_note(world.code)
    assert f'transfer-note">{note}<' in page
    expected = vietqr.payload(bin=settings.vietqr_bank_bin, account=settings.vietqr_account,
                              amount_vnd=208000, note=world.code,
                              merchant_name=settings.vietqr_account_name)
    uri = re.search(r'<img class="vietqr" src="([^"]+)"', page).group(1)
    assert uri == vietqr.qr_data_uri(expected)
    fields = vietqr.decode(expected)
    assert fields["54"] == "208000" and fields["62"]["08"] == note


def test_the_counter_officer_refunds_and_the_receipt_is_marked(app, world, as_, client):
    counter = as_("counter")
    counter.post(f"/thu-phi/{world.request_id}", data={
        "method": "counter", "payer_name": "Nguyễn Thị Hồng", "bank_receipt_no": "BL-1"})
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id))
        token = db.session.scalar(select(Receipt.token))
    listing = _text(counter.get("/thu-phi", query_string={"q": world.code}))
    assert f"/thu-phi/giao-dich/{payment_id}/hoan-tien" in listing
    url = f"/thu-phi/giao-dich/{payment_id}/hoan-tien"
    for who, status in (("bank", 404), ("foreign", 404), ("owner", 403)):
        assert as_(who).get(url).status_code == status, who
        assert as_(who).post(url, data={"amount": "1", "reason": "x"}).status_code == status
    assert counter.post(url, data={"amount": "999999", "reason": "Thu thừa"}).status_code == 422
    assert counter.post(url, data={"amount": "8000", "reason": "Thu thừa"}).status_code == 303
    assert counter.post(url, data={"amount": "200000",
                                   "reason": "Hồ sơ bị từ chối"}).status_code == 303
    with app.app_context():
        payment = db.session.get(Payment, payment_id)
        assert payment.state is PaymentState.REFUNDED and payment.refunded_amount == 208000
        assert [e.kind for e in payment.events][-2:] == ["refunded", "refunded"]
    assert counter.get(url).status_code == 200  # still there: nothing is deleted
    assert "Đã hoàn trả" in _text(client.get(f"/bien-lai/{token}"))


def test_a_statement_import_matches_the_transfer_once(app, world, as_):
    import io

    from portal.payments import vietqr

    as_("owner").post(f"/thanh-toan/{world.request_id}/chuyen-khoan")
    note = vietqr.transfer_note(world.code)
    csv = (f"Ngày;Số tiền;Nội dung;Mã giao dịch\n"
           f"07/12/2026;208.000;MBVCB.1 {note} chuyen tien;FT001\n"
           f"07/12/2026;100.000;{note};FT002\n"
           f"07/12/2026;50.000;Ung ho;FT003\n").encode()
    bank = as_("bank")
    first = bank.post("/thu-phi/sao-ke", data={"file": (io.BytesIO(csv), "saoke.csv")},
                      content_type="multipart/form-data")
    page = _text(first)
    assert first.status_code == 200 and "Đã ghi nhận 1 khoản" in page
    assert "Trùng: đã ghi nhận trước đó" in page and "Không xác định được hồ sơ" in page
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        assert payment.state is PaymentState.PAID and payment.bank_receipt_no == "FT001"
        assert db.session.scalar(select(Receipt.amount)) == 208000
    again = _text(bank.post("/thu-phi/sao-ke", data={"file": (io.BytesIO(csv), "saoke.csv")},
                            content_type="multipart/form-data"))
    assert "Đã ghi nhận 0 khoản" in again
    bad = bank.post("/thu-phi/sao-ke", data={"file": (io.BytesIO(b"x;y\n"), "saoke.csv")},
                    content_type="multipart/form-data")
    assert bad.status_code == 422 and "Tệp không được nhận" in _text(bad)
    assert as_("owner").get("/thu-phi/sao-ke").status_code == 403
