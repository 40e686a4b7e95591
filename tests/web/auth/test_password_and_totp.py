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


def test_forgot_password_emails_a_single_use_link(csrf_client, app, inbox, login,
                                                  deliver_outbox):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    with csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "an@example.vn"}) as sent:
        assert sent.status_code == 303
    assert inbox.messages == []  # the request only wrote it to the outbox
    assert len(deliver_outbox().sent) == 1  # the worker sends it
    [message] = inbox.wait_for(1)
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


def test_unknown_address_gets_the_same_answer_and_no_mail(csrf_client, app, inbox,
                                                          deliver_outbox):
    response = csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "ai@example.vn"},
                                follow_redirects=True)
    assert "Nếu e-mail này đã đăng ký" in response.get_data(as_text=True)
    assert deliver_outbox().count == 0
    assert inbox.messages == []


def _ask_for_reset(client, email: str):
    with client.post("/tai-khoan/quen-mat-khau", data={"email": email}) as response:
        return (response.status_code, response.headers.get("Location"),
                client.get("/tai-khoan/dang-nhap").get_data(as_text=True).count(
                    "Nếu e-mail này đã đăng ký"))


@pytest.mark.parametrize("smtp_port", [1, None], ids=["smtp-down", "smtp-up"])
def test_known_and_unknown_addresses_get_the_same_answer(app, smtp_port, monkeypatch, caplog,
                                                         deliver_outbox):
    """With the mail server down, a known address used to get 503 and an unknown one 303:
    an oracle for who has an account. Now both get the same redirect and message (the mail
    leaves from the worker), and the failure is in the log and the delivery log, to be
    tried again."""
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    with smtp_server() as (port, received):
        monkeypatch.setitem(app.config, "PORTAL", app.config["PORTAL"].with_(
            smtp_host="127.0.0.1", smtp_port=smtp_port or port))
        answers = [_ask_for_reset(factories.CsrfClient(app.test_client()), email)
                   for email in ("an@example.vn", "khong-ai@example.vn")]
        report = deliver_outbox()
    assert answers[0] == answers[1] == (303, "/tai-khoan/dang-nhap", 1)
    failures = [r for r in caplog.records if "not sent" in r.getMessage()]
    if smtp_port:
        assert received.messages == [] and len(failures) == 1
        assert len(report.retrying) == 1 and not report.sent
    else:
        assert [m["To"] for m in received.messages] == ["an@example.vn"] and not failures


def test_reset_mails_are_limited_per_address_asked_for(csrf_client, app, inbox,
                                                       deliver_outbox):
    """25 requests in a row used to send 25 mails. Now 3 an hour per e-mail address, and the
    answers are the same for an address without an account."""
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    known = [_ask_for_reset(factories.CsrfClient(app.test_client()), "an@example.vn")[0]
             for _ in range(5)]
    unknown = [_ask_for_reset(factories.CsrfClient(app.test_client()), "ai@example.vn")[0]
               for _ in range(5)]
    assert known == unknown == [303, 303, 303, 429, 429]
    deliver_outbox()
    assert len(inbox.messages) == 3
    refused = csrf_client.post("/tai-khoan/quen-mat-khau", data={"email": "an@example.vn"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "quá nhiều yêu cầu đặt lại mật khẩu" in refused.get_data(as_text=True)


def test_reset_requests_are_limited_per_client_address(app, inbox, deliver_outbox):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    answers = [_ask_for_reset(factories.CsrfClient(app.test_client()), f"ai{n}@example.vn")[0]
               for n in range(10)]
    assert answers == [303] * 10
    assert _ask_for_reset(factories.CsrfClient(app.test_client()), "an@example.vn")[0] == 429
    deliver_outbox()
    assert inbox.messages == []
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert _ask_for_reset(factories.CsrfClient(other), "an@example.vn")[0] == 303
    deliver_outbox()
    inbox.wait_for(1)


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
        code = factories.totp_code(user_by_email("qt@example.vn"))
    good = again.post("/tai-khoan/xac-thuc", data={"code": code})
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


def _password_step(app, address: str) -> factories.CsrfClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client = factories.CsrfClient(client)
    step = client.post("/tai-khoan/dang-nhap",
                       data={"email": "qt@example.vn", "password": factories.PASSWORD})
    assert step.headers["Location"].startswith("/tai-khoan/xac-thuc")
    return client


@pytest.fixture
def enrolled_admin(app):
    """An administrator whose authenticator is set up and has not been used yet."""
    with app.app_context():
        user = factories.staff(Role.ADMIN, email="qt@example.vn")
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()


@pytest.mark.committed_db  # the counter commits on its own connection
def test_totp_guessing_is_rate_limited(app, enrolled_admin):
    again = _password_step(app, "127.0.0.1")
    for _ in range(5):
        assert again.post("/tai-khoan/xac-thuc", data={"code": "111111"}).status_code == 422
    with app.app_context():
        code = factories.totp_code(user_by_email("qt@example.vn"))
    blocked = again.post("/tai-khoan/xac-thuc", data={"code": code})
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "60"
    assert "Mã xác thực đã bị nhập sai quá nhiều lần" in blocked.get_data(as_text=True)


@pytest.mark.committed_db  # the counter commits on its own connection
def test_a_correct_password_does_not_reset_the_code_count(app, enrolled_admin):
    """With a stolen password, logging in again (from another address each time) used to
    clear the count and allow 40 wrong codes a minute; the codes are now counted on their own."""
    answers = []
    for n in range(3):
        thief = _password_step(app, f"10.0.0.{n}")
        answers += [thief.post("/tai-khoan/xac-thuc", data={"code": "111111"}).status_code
                    for _ in range(4)]
    assert answers == [422] * 5 + [429] * 7
    with app.app_context():
        code = factories.totp_code(user_by_email("qt@example.vn"))
    assert _password_step(app, "10.0.0.9").post(
        "/tai-khoan/xac-thuc", data={"code": code}).status_code == 429


def test_a_code_is_accepted_only_once(app, enrolled_admin):
    """RFC 6238 §5.2: a code seen over a shoulder, or replayed, right after its owner used it
    within its 30-second step is refused; the authenticator's next code works."""
    first = _password_step(app, "10.0.1.1")
    with app.app_context():
        code = factories.totp_code(user_by_email("qt@example.vn"))
    assert first.post("/tai-khoan/xac-thuc", data={"code": code}).status_code == 303
    replay = _password_step(app, "10.0.1.2")
    refused = replay.post("/tai-khoan/xac-thuc", data={"code": code})
    assert refused.status_code == 422
    assert "Mã này vừa được dùng" in refused.get_data(as_text=True)
    assert replay.get("/quan-tri/").status_code == 302
    with app.app_context():
        following = factories.totp_code(user_by_email("qt@example.vn"))
    assert following != code
    assert replay.post("/tai-khoan/xac-thuc", data={"code": following}).status_code == 303


def test_the_enrolment_code_cannot_log_in_again(csrf_client, app):
    with app.app_context():
        factories.staff(Role.ADMIN, email="qt@example.vn")
        db.session.commit()
    step = csrf_client.post("/tai-khoan/dang-nhap",
                            data={"email": "qt@example.vn", "password": factories.PASSWORD})
    csrf_client.get(step.headers["Location"])
    with app.app_context():
        code = factories.totp_code(user_by_email("qt@example.vn"))
    assert csrf_client.post(step.headers["Location"], data={"code": code}).status_code == 303
    replay = _password_step(app, "10.0.2.2")
    assert replay.post("/tai-khoan/xac-thuc", data={"code": code}).status_code == 422
