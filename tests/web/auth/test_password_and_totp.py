"""Password reset by an e-mailed link (through a real SMTP server) and staff TOTP."""

import re

import factories
import pyotp
import pytest
from smtp_server import smtp_server

from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.extensions import db


@pytest.fixture
def inbox(app):
    original = app.config["PORTAL"]
    with smtp_server() as (port, received):
        app.config["PORTAL"] = original.with_(smtp_host="127.0.0.1", smtp_port=port)
        try:
            yield received
        finally:
            app.config["PORTAL"] = original


def _reset_link(message) -> str:
    body = message.get_content()
    return re.search(r"http://\S+/dat-lai-mat-khau/\S+", body).group(0)


def test_forgot_password_emails_a_single_use_link(csrf_client, app, inbox, login):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    response = csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "an@example.vn"})
    assert response.status_code == 303
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "an@example.vn" and "Đặt lại mật khẩu" in message["Subject"]
    path = _reset_link(message).split("127.0.0.1:5000", 1)[1]
    assert csrf_client.get(path).status_code == 200
    short = csrf_client.post(path, data={"password": "ngan", "confirm": "ngan"})
    assert short.status_code == 422 and "từ 10 đến 128 ký tự" in short.get_data(as_text=True)
    done = csrf_client.post(path, data={"password": "mat-khau-moi-123", "confirm":
                                        "mat-khau-moi-123"})
    assert done.status_code == 303
    login(csrf_client, "an@example.vn", password="mat-khau-moi-123")
    again = csrf_client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "không hợp lệ, đã dùng hoặc đã hết hạn" in again


def test_unknown_address_gets_the_same_answer_and_no_mail(csrf_client, app, inbox):
    response = csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "ai@example.vn"},
                                follow_redirects=True)
    assert "Nếu e-mail này đã đăng ký" in response.get_data(as_text=True)
    assert inbox.messages == []


def test_mail_server_down_is_a_clear_message(csrf_client, app):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    original = app.config["PORTAL"]
    app.config["PORTAL"] = original.with_(smtp_host="127.0.0.1", smtp_port=1)
    try:
        response = csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "an@example.vn"})
    finally:
        app.config["PORTAL"] = original
    assert response.status_code == 503
    assert "hệ thống thư đang gián đoạn" in response.get_data(as_text=True)


def test_forged_reset_token_is_refused(csrf_client, app):
    response = csrf_client.get("/tai-khoan/dat-lai-mat-khau/abc.def", follow_redirects=True)
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_staff_must_enrol_totp_before_being_logged_in(csrf_client, app):
    with app.app_context():
        agency = factories.agency()
        factories.staff(Role.SPECIALIST, agency, email="cv@example.vn")
        db.session.commit()
    response = csrf_client.post("/tai-khoan/dang-nhap",
                                data={"email": "cv@example.vn", "password": factories.PASSWORD})
    assert "thiet-lap-xac-thuc" in response.headers["Location"]
    assert csrf_client.get("/tai-khoan/ho-so-ca-nhan").status_code == 302  # not logged in yet
    page = csrf_client.get("/tai-khoan/thiet-lap-xac-thuc").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = csrf_client.post("/tai-khoan/thiet-lap-xac-thuc", data={"code": "000000"})
    assert wrong.status_code == 422 and "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    ok = csrf_client.post("/tai-khoan/thiet-lap-xac-thuc",
                          data={"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 303
    assert csrf_client.get("/tai-khoan/ho-so-ca-nhan").status_code == 200
    with app.app_context():
        assert user_by_email("cv@example.vn").totp_enabled


def test_enrolled_staff_are_asked_for_the_code(csrf_client, app, login):
    with app.app_context():
        factories.staff(Role.ADMIN, email="qt@example.vn")
        db.session.commit()
    login(csrf_client, "qt@example.vn")  # enrols
    csrf_client.post("/tai-khoan/dang-xuat")
    again = factories.CsrfClient(app.test_client())
    response = again.post("/tai-khoan/dang-nhap",
                          data={"email": "qt@example.vn", "password": factories.PASSWORD})
    assert response.headers["Location"].startswith("/tai-khoan/xac-thuc")
    assert again.get("/quan-tri/").status_code == 302
    bad = again.post("/tai-khoan/xac-thuc", data={"code": "123456"})
    assert bad.status_code == 422
    with app.app_context():
        secret = user_by_email("qt@example.vn").totp_secret
    good = again.post("/tai-khoan/xac-thuc", data={"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 303 and good.headers["Location"] == "/quan-tri/"
    assert again.get("/quan-tri/").status_code == 200


def test_totp_pages_without_a_pending_login_go_to_login(client, app):
    for url in ["/tai-khoan/xac-thuc", "/tai-khoan/thiet-lap-xac-thuc"]:
        response = client.get(url)
        assert response.status_code == 303 and "dang-nhap" in response.headers["Location"]


def test_password_change_ends_other_sessions(csrf_client, app, login):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    login(csrf_client, "an@example.vn")
    with app.app_context():
        user = user_by_email("an@example.vn")
        user.set_password("mat-khau-khac-hoan-toan")
        db.session.commit()
    assert csrf_client.get("/tai-khoan/ho-so-ca-nhan").status_code == 302


def test_totp_guessing_is_rate_limited(csrf_client, app, login):
    with app.app_context():
        factories.staff(Role.ADMIN, email="qt@example.vn")
        db.session.commit()
    login(csrf_client, "qt@example.vn")
    csrf_client.post("/tai-khoan/dang-xuat")
    again = factories.CsrfClient(app.test_client())
    again.post("/tai-khoan/dang-nhap",
               data={"email": "qt@example.vn", "password": factories.PASSWORD})
    for _ in range(5):
        again.post("/tai-khoan/xac-thuc", data={"code": "111111"})
    with app.app_context():
        secret = user_by_email("qt@example.vn").totp_secret
    blocked = again.post("/tai-khoan/xac-thuc", data={"code": pyotp.TOTP(secret).now()})
    assert blocked.status_code == 429
