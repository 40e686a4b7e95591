"""Login throttling (issue 10, item 2): a back-off per account that a password reset clears,
a limit per client address that never refuses a correct password.

The clock of the throttle (``portal.core.throttle.utcnow``) is moved by the ``clock`` fixture
instead of waiting. The concurrent count is tested through a real server in
tests/integration/test_login_concurrency.py, X-Forwarded-For in test_proxy_addresses.py."""

from datetime import timedelta

import factories
import pytest

from portal.accounts import operations as account_ops
from portal.accounts.queries import user_by_email
from portal.core import throttle
from portal.core.models import utcnow

LOGIN = "/tai-khoan/dang-nhap"


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(throttle, "utcnow", moved)
    return moved


@pytest.fixture
def owner(citizen):
    return citizen  # the account's owner, whom a stranger tries to lock out


def client_from(app, address: str) -> factories.CsrfClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return factories.CsrfClient(client)


def log_in(client, email: str, password: str = factories.PASSWORD):
    return client.post(LOGIN, data={"email": email, "password": password})


def test_five_wrong_passwords_start_a_back_off_even_for_the_right_one(csrf_client, owner):
    for _ in range(5):
        assert log_in(csrf_client, owner, "sai-mat-khau").status_code == 422
    blocked = log_in(csrf_client, owner)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "60"  # the first back-off: one minute
    page = blocked.get_data(as_text=True)
    assert "tạm thời không đăng nhập được" in page and "sau 1 phút" in page
    assert "đặt lại mật khẩu để mở khóa ngay" in page


def test_the_back_off_doubles_and_the_right_password_works_once_it_has_passed(
        csrf_client, owner, clock, app):
    for _ in range(5):
        log_in(csrf_client, owner, "sai-mat-khau")
    clock.advance(seconds=61)
    assert log_in(csrf_client, owner, "sai-mat-khau").status_code == 422  # evaluated again
    again = log_in(csrf_client, owner)
    assert again.status_code == 429 and again.headers["Retry-After"] == "120"
    clock.advance(seconds=121)
    assert log_in(csrf_client, owner).status_code == 303
    # The success forgot the failures: five more are free again.
    later = factories.CsrfClient(app.test_client())
    for _ in range(4):
        assert log_in(later, owner, "sai-mat-khau").status_code == 422
    assert log_in(later, owner).status_code == 303


def test_the_back_off_is_capped_at_the_window(csrf_client, owner, clock, app):
    for _ in range(5):
        log_in(csrf_client, owner, "sai-mat-khau")
    waits = []
    for _ in range(6):
        response = log_in(csrf_client, owner)
        waits.append(int(response.headers["Retry-After"]))
        clock.advance(seconds=waits[-1] + 1)
        log_in(csrf_client, owner, "sai-mat-khau")
    assert waits == [60, 120, 240, 480, 900, 900]


def test_an_unknown_address_backs_off_exactly_like_a_known_one(csrf_client, owner):
    answers = {}
    for email in (owner, "khong-co@example.vn"):
        answers[email] = [log_in(csrf_client, email, "sai-mat-khau").status_code
                          for _ in range(6)]
    assert answers[owner] == answers["khong-co@example.vn"] == [422] * 5 + [429]


def test_a_password_reset_ends_the_back_off(csrf_client, owner, app):
    for _ in range(5):
        log_in(csrf_client, owner, "sai-mat-khau")
    assert log_in(csrf_client, owner).status_code == 429
    with app.app_context():
        token = account_ops.make_reset_token(user_by_email(owner), app.config["SECRET_KEY"])
    done = csrf_client.post(f"/tai-khoan/dat-lai-mat-khau/{token}",
                            data={"password": "mat-khau-moi-123", "confirm": "mat-khau-moi-123"})
    assert done.status_code == 303
    assert log_in(csrf_client, owner, "mat-khau-moi-123").status_code == 303


def test_strangers_failures_from_the_same_address_do_not_block_the_right_password(
        app, owner, monkeypatch):
    """Behind the TLS proxy (or one office's NAT) everybody shares an address: a stranger
    failing there, against many accounts, slows the address down for wrong passwords only."""
    monkeypatch.setitem(app.config, "PORTAL",
                        app.config["PORTAL"].with_(login_address_max_failures=8))
    stranger, colleague = client_from(app, "10.1.1.1"), client_from(app, "10.1.1.1")
    answers = [log_in(stranger, f"ai{n}@example.vn", "doan-bua").status_code for n in range(10)]
    assert answers == [422] * 8 + [429] * 2
    wrong = log_in(colleague, owner, "go-nham")
    assert wrong.status_code == 429 and "E-mail hoặc mật khẩu không đúng" in wrong.get_data(
        as_text=True)
    assert "quá nhiều lần đăng nhập sai từ địa chỉ mạng" in wrong.get_data(as_text=True)
    assert int(wrong.headers["Retry-After"]) > 0
    assert log_in(colleague, owner).status_code == 303
    # Another address is not slowed at all.
    assert log_in(client_from(app, "10.2.2.2"), "ai@example.vn", "x").status_code == 422


def test_a_success_gives_back_its_place_in_the_address_count(app, owner, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL",
                        app.config["PORTAL"].with_(login_address_max_failures=2))
    for _ in range(3):  # three good logins from one address use none of its two failures
        assert log_in(client_from(app, "10.3.3.3"), owner).status_code == 303
    client = client_from(app, "10.3.3.3")
    assert [log_in(client, owner, "sai").status_code for _ in range(3)] == [422, 422, 429]


def test_overlong_e_mail_is_counted_without_error(csrf_client, app):
    email = "a" * 300 + "@example.vn"
    for _ in range(6):
        response = log_in(csrf_client, email, "sai")
    assert response.status_code in (422, 429)
