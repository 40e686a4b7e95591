"""The notification centre and the profile's channels (issue 13): the bell counts unread
messages on every page, without JavaScript; the list pages, reading marks read, all read;
another person's notification is a 404; channels and codes from the profile."""

from __future__ import annotations

import re

import factories
import pytest
from sqlalchemy import select

from portal.accounts.queries import user_by_email
from portal.extensions import db
from portal.notifications import inbox
from portal.notifications.models import OutboxMessage

LIST = "/tai-khoan/thong-bao"
PROFILE = "/tai-khoan/ho-so-ca-nhan"


def _log_in(app, email: str) -> factories.CsrfClient:
    client = factories.CsrfClient(app.test_client())
    response = client.post("/tai-khoan/dang-nhap",
                           data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 303
    return client


def _notify(app, email: str, n: int = 1) -> list[int]:
    with app.app_context():
        user = user_by_email(email)
        ids = [inbox.add(user.id, None, f"Thông báo số {i}", f"Nội dung {i}\nDòng hai").id
               for i in range(n)]
        db.session.flush()
        ids = [item.id for item in db.session.scalars(select(inbox.Notification).where(
            inbox.Notification.user_id == user.id))]
        db.session.commit()
    return ids


def _bell(html: str) -> str:
    return re.search(r'class="notification-bell.*?</a>', html, re.S).group(0)


def test_the_bell_counts_unread_messages_in_words(app, citizen):
    client = _log_in(app, citizen)
    assert "không có thông báo mới" in _bell(client.get(PROFILE).get_data(as_text=True))
    _notify(app, citizen, 3)
    bell = _bell(client.get(PROFILE).get_data(as_text=True))
    assert "Thông báo: 3 chưa đọc" in bell and 'href="/tai-khoan/thong-bao"' in bell


def test_reading_marks_read_and_all_read_clears_the_count(app, citizen):
    client = _log_in(app, citizen)
    first, *_ = _notify(app, citizen, 3)
    page = client.get(LIST).get_data(as_text=True)
    assert page.count("notification-unread") == 3
    one = client.get(f"{LIST}/{first}")
    assert one.status_code == 200 and "Dòng hai" in one.get_data(as_text=True)
    assert "2 chưa đọc" in _bell(one.get_data(as_text=True))
    response = client.post(f"{LIST}/da-doc-tat-ca")
    assert response.status_code == 303
    assert "không có thông báo mới" in _bell(client.get(LIST).get_data(as_text=True))


def test_mark_one_read_needs_csrf(app, citizen):
    client = _log_in(app, citizen)
    first, *_ = _notify(app, citizen, 1)
    assert client.client.post(f"{LIST}/{first}/da-doc").status_code == 400
    assert client.post(f"{LIST}/{first}/da-doc").status_code == 303
    with app.app_context():
        assert inbox.unread_count(user_by_email(citizen).id) == 0


def test_another_persons_notification_is_a_404(app, citizen):
    with app.app_context():
        factories.citizen(email="binh@example.vn")
        db.session.commit()
    theirs, *_ = _notify(app, "binh@example.vn", 1)
    client = _log_in(app, citizen)
    assert client.get(f"{LIST}/{theirs}").status_code == 404
    assert client.post(f"{LIST}/{theirs}/da-doc").status_code == 404
    assert "Thông báo số 0" not in client.get(LIST).get_data(as_text=True)
    with app.app_context():
        assert inbox.unread_count(user_by_email("binh@example.vn").id) == 1


def test_the_list_is_paginated(app, citizen):
    client = _log_in(app, citizen)
    _notify(app, citizen, 25)
    first = client.get(LIST).get_data(as_text=True)
    assert first.count("notification-item") == 20 and "Trang 1 / 2" in first
    assert client.get(f"{LIST}?page=2").get_data(as_text=True).count("notification-item") == 5


@pytest.mark.parametrize("url", [LIST, f"{LIST}/1"])
def test_signed_out_people_are_sent_to_the_login(client, url):
    assert client.get(url).status_code in (302, 303)


def _latest_code(app) -> str:
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body)
                                  .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_verify_the_phone_then_choose_sms_and_english(app, citizen):
    client = _log_in(app, citizen)
    refused = client.post(f"{PROFILE}/thong-bao", data={"notify_sms": "y", "language": "en"})
    assert refused.status_code == 422
    assert "xác minh số điện thoại" in refused.get_data(as_text=True)
    assert client.post(f"{PROFILE}/xac-minh/dien-thoai/gui-ma").status_code == 303
    page = client.get(PROFILE).get_data(as_text=True)
    assert 'name="phone-code"' in page and "Đã gửi mã xác minh" in page
    wrong = client.post(f"{PROFILE}/xac-minh/dien-thoai", data={"phone-code": "000000"
                        if _latest_code(app) != "000000" else "111111"})
    assert wrong.status_code == 422 and "còn 4 lần thử" in wrong.get_data(as_text=True)
    right = client.post(f"{PROFILE}/xac-minh/dien-thoai", data={"phone-code": _latest_code(app)})
    assert right.status_code == 303
    assert client.post(f"{PROFILE}/thong-bao",
                       data={"notify_sms": "y", "language": "en"}).status_code == 303
    with app.app_context():
        user = user_by_email(citizen)
        assert user.phone_is_verified and (user.notify_email, user.notify_sms) == (False, True)
        assert user.language == "en"


def test_the_verification_pages_refuse_an_unknown_kind_and_no_csrf(app, citizen):
    client = _log_in(app, citizen)
    assert client.post(f"{PROFILE}/xac-minh/fax/gui-ma").status_code == 404
    assert client.client.post(f"{PROFILE}/xac-minh/dien-thoai/gui-ma").status_code == 400
    with app.app_context():  # without the token nothing was sent
        assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_pages_speak_english_when_asked(app, citizen):
    client = _log_in(app, citizen)
    client.post("/ngon-ngu", data={"locale": "en", "next": LIST})
    _notify(app, citizen, 1)
    page = client.get(LIST).get_data(as_text=True)
    assert "Notifications: 1 unread" in page and "Mark all as read" in page
    profile = client.get(PROFILE).get_data(as_text=True)
    assert "Notifications about your dossiers" in profile
    assert "Send a verification code by SMS" in profile
