"""The delivery log (/quan-tri/nhat-ky-gui-tin): administrators see every message with its
state, attempts and last error, filter them, send a failed one again, cancel a pending one."""

from __future__ import annotations

from datetime import timedelta

from org_helpers import assert_csrf_required, assert_only_admins, logged_in_admin

from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxState

LOG = "/quan-tri/nhat-ky-gui-tin"


def _messages(app) -> dict[str, int]:
    with app.app_context():
        rows = {
            "failed": OutboxMessage(channel="sms", recipient="0905123456", body="Hồ sơ trễ hạn",
                                    state=OutboxState.FAILED, attempts=8,
                                    last_error="SMS gateway code 99: Lỗi không xác định"),
            "pending": OutboxMessage(channel="email", recipient="an@example.vn",
                                     subject="Hồ sơ đã tiếp nhận", body="…"),
            "sent": OutboxMessage(channel="zalo", recipient="0912000111", body="{}",
                                  state=OutboxState.SENT, attempts=1, sent_at=utcnow(),
                                  provider_message_id="zns-1"),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        return {name: row.id for name, row in rows.items()}


def _state(app, message_id) -> tuple[str, int]:
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        return row.state, row.attempts


def test_the_log_lists_and_filters_messages(csrf_client, app, login):
    ids = _messages(app)
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get(LOG).get_data(as_text=True)
    assert "Tìm thấy 3 tin nhắn" in page
    assert "SMS gateway code 99: Lỗi không xác định" in page and "Gửi lỗi" in page
    failed = csrf_client.get(LOG + "?state=failed").get_data(as_text=True)
    assert f'id="tin-nhan-{ids["failed"]}"' in failed
    assert f'id="tin-nhan-{ids["pending"]}"' not in failed
    email = csrf_client.get(LOG + "?channel=email&state=bogus").get_data(as_text=True)
    assert "Tìm thấy 1 tin nhắn" in email and "an@example.vn" in email
    assert csrf_client.get(LOG + "?page=999999999999").status_code == 200


def test_the_log_pages(csrf_client, app, login):
    with app.app_context():
        db.session.add_all(OutboxMessage(channel="email", recipient=f"n{n}@example.vn",
                                         body="x") for n in range(51))
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    first = csrf_client.get(LOG).get_data(as_text=True)
    assert "Trang 1 / 2" in first and "n50@example.vn" in first and "n0@example.vn" not in first
    assert "n0@example.vn" in csrf_client.get(LOG + "?page=2").get_data(as_text=True)


def test_retry_a_failed_message_and_cancel_a_pending_one(csrf_client, app, login,
                                                         deliver_outbox):
    ids = _messages(app)
    logged_in_admin(app, login, csrf_client)
    retried = csrf_client.post(f"{LOG}/{ids['failed']}/gui-lai?state=failed")
    assert retried.status_code == 303 and retried.headers["Location"].endswith(
        LOG + "?state=failed")
    assert _state(app, ids["failed"]) == (OutboxState.PENDING, 0)
    cancelled = csrf_client.post(f"{LOG}/{ids['pending']}/huy", follow_redirects=True)
    assert "Đã hủy tin nhắn số" in cancelled.get_data(as_text=True)
    assert _state(app, ids["pending"])[0] == OutboxState.CANCELLED
    report = deliver_outbox(now=utcnow() + timedelta(seconds=1))
    assert report.sent == [ids["failed"]]  # the console SMS channel; the cancelled one stays
    # Neither applies to a message already sent.
    again = csrf_client.post(f"{LOG}/{ids['sent']}/gui-lai", follow_redirects=True)
    assert "chỉ gửi lại tin nhắn gửi lỗi" in again.get_data(as_text=True)
    late = csrf_client.post(f"{LOG}/{ids['sent']}/huy", follow_redirects=True)
    assert "không còn chờ gửi" in late.get_data(as_text=True)
    assert _state(app, ids["sent"]) == (OutboxState.SENT, 1)
    assert csrf_client.post(f"{LOG}/987654/gui-lai").status_code == 404


def test_only_administrators_see_the_log_and_act_on_it(csrf_client, app, login):
    ids = _messages(app)

    def snapshot():
        return sorted((m.id, m.state, m.attempts) for m in db.session.query(OutboxMessage))

    assert_only_admins(app, login, [
        ("get", LOG, None),
        ("post", f"{LOG}/{ids['failed']}/gui-lai", None),
        ("post", f"{LOG}/{ids['pending']}/huy", None),
    ], snapshot)
    logged_in_admin(app, login, csrf_client)
    assert_csrf_required(csrf_client, [(f"{LOG}/{ids['failed']}/gui-lai", {}),
                                       (f"{LOG}/{ids['pending']}/huy", {})])
    assert _state(app, ids["failed"]) == (OutboxState.FAILED, 8)
