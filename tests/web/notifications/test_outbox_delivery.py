"""The outbox's delivery (portal/notifications/delivery.py), run in the test's process
against a real SMTP server (aiosmtpd) and loopback HTTP servers speaking the SMS gateway's
and Zalo ZNS's shapes. The worker process itself: tests/integration/test_outbox_worker.py."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import gateways
import pytest
from smtp_server import smtp_server

from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import OutboxMessage, OutboxState


@pytest.fixture
def configure(app, monkeypatch):
    def apply(**changes):
        monkeypatch.setitem(app.config, "PORTAL", app.config["PORTAL"].with_(**changes))
    return apply


@pytest.fixture
def wakes(app, monkeypatch):
    """Each time a commit woke the worker (instead of queueing a task)."""
    calls = []
    monkeypatch.setitem(app.extensions, "outbox_wake", lambda: calls.append(1))
    return calls


def _queue(app, *messages) -> list[int]:
    with app.app_context(), unit_of_work():
        rows = [outbox.queue(*m[:3], subject=m[3] if len(m) > 3 else "") for m in messages]
        db.session.flush()
        ids = [row.id for row in rows]
    return ids


def _row(app, message_id) -> OutboxMessage:
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        db.session.expunge(row)
        return row


def test_an_email_is_sent_once_and_recorded_with_its_message_id(app, configure,
                                                                 deliver_outbox, wakes):
    with smtp_server() as (port, inbox):
        configure(smtp_host="127.0.0.1", smtp_port=port)
        [message_id] = _queue(app, ("email", "an@example.vn", "Nội dung thư", "Hồ sơ đã nhận"))
        assert wakes == [1] and inbox.messages == []  # the commit woke the worker; no more
        assert deliver_outbox().sent == [message_id]
        assert deliver_outbox().count == 0  # recorded: a second pass sends nothing
        [mail] = inbox.messages
    assert mail["To"] == "an@example.vn" and mail["Subject"] == "Hồ sơ đã nhận"
    assert mail.get_content().strip() == "Nội dung thư"
    row = _row(app, message_id)
    assert (row.state, row.attempts, row.last_error) == (OutboxState.SENT, 1, "")
    assert row.sent_at is not None and mail["Message-ID"] == f"<{row.provider_message_id}>"
    assert row.provider_message_id.startswith(f"outbox-{message_id}@")


def test_a_rolled_back_transaction_sends_nothing(app, deliver_outbox, wakes):
    with app.app_context():
        with pytest.raises(RuntimeError), unit_of_work():
            outbox.queue("email", "an@example.vn", "không bao giờ gửi", subject="x")
            db.session.flush()
            raise RuntimeError("the change failed")
        assert db.session.query(OutboxMessage).count() == 0
    assert wakes == [] and deliver_outbox().count == 0


def test_smtp_down_messages_wait_and_go_out_in_order_per_recipient(app, configure,
                                                                   deliver_outbox):
    with smtp_server() as (port, inbox):
        configure(smtp_host="127.0.0.1", smtp_port=1)  # nothing listens there
        ids = _queue(app, *[("email", who, f"thư {n}", f"{who} {n}")
                            for n in range(3) for who in ("an@example.vn", "binh@example.vn")])
        down = deliver_outbox()
        # The first of each recipient failed; the later ones wait behind it.
        assert down.retrying == ids[:2] and not down.sent and inbox.messages == []
        first = _row(app, ids[0])
        assert first.state == OutboxState.PENDING and first.attempts == 1
        assert "SMTP" in first.last_error
        assert deliver_outbox().count == 0  # not due again before its back-off
        configure(smtp_host="127.0.0.1", smtp_port=port)  # the server is back
        later = utcnow() + timedelta(seconds=61)
        assert sorted(deliver_outbox(now=later).sent) == ids
        subjects = [m["Subject"] for m in inbox.messages]
    for who in ("an@example.vn", "binh@example.vn"):
        assert [s for s in subjects if s.startswith(who)] == [f"{who} {n}" for n in range(3)]


def test_back_off_doubles_and_the_message_fails_after_the_last_attempt(app, configure,
                                                                      deliver_outbox):
    configure(smtp_host="127.0.0.1", smtp_port=1, outbox_max_attempts=3,
              outbox_retry_seconds=10)
    [message_id] = _queue(app, ("email", "an@example.vn", "thư", "tiêu đề"))
    now = utcnow()
    waits = []
    for attempt in range(3):
        report = deliver_outbox(now=now)
        row = _row(app, message_id)
        assert row.attempts == attempt + 1
        waits.append(round((row.next_attempt_at - now).total_seconds()))
        now = row.next_attempt_at
    assert report.failed == [message_id] and row.state == OutboxState.FAILED
    assert waits[:2] == [10, 20]
    assert deliver_outbox(now=now + timedelta(days=1)).count == 0  # failed: left alone


def test_sms_through_the_gateway_with_its_error_answers(app, configure, deliver_outbox):
    with gateways.sms_gateway() as gateway:
        configure(sms_gateway_url=gateway.url + "/send", sms_api_key="khoa",
                  sms_secret_key="bimat", sms_brandname="HCC-QNGAI")
        gateway.answers += [gateways.SMS_ERROR]
        sent, wrong = _queue(app, ("sms", "0905 123 456", "Hồ sơ 000.00.00.H48 đã nhận"),
                             ("sms", "0912000111", "Tin thứ hai"))
        first = deliver_outbox()
        assert first.retrying == [sent]  # the gateway's "99": try again later
        assert first.sent == [wrong]  # another recipient does not wait
        assert "99" in _row(app, sent).last_error
        assert deliver_outbox(now=utcnow() + timedelta(hours=1)).sent == [sent]
        gateway.answers += [gateways.SMS_BAD_BRANDNAME]
        [bad] = _queue(app, ("sms", "0905123456", "Thương hiệu sai"))
        assert deliver_outbox().failed == [bad]  # "104": no retry can help
    request = gateway.requests[2]
    assert request == {"ApiKey": "khoa", "SecretKey": "bimat", "Brandname": "HCC-QNGAI",
                       "SmsType": "2", "IsUnicode": "1", "Phone": "84905123456",
                       "Content": "Hồ sơ 000.00.00.H48 đã nhận",
                       "RequestId": f"outbox-{sent}"}
    assert _row(app, sent).provider_message_id == "sms-3"
    assert _row(app, bad).state == OutboxState.FAILED


def test_zalo_zns_template_message_with_its_error_answers(app, configure, deliver_outbox):
    body = json.dumps({"template_id": "231456", "template_data": {
        "ma_ho_so": "000.00.00.H48-261206-0001", "ngay_hen": "10/12/2026"}})
    with gateways.zns_gateway() as gateway:
        configure(zalo_zns_url=gateway.url + "/message/template", zalo_access_token="tok-1")
        gateway.answers += [gateways.ZNS_TOKEN_EXPIRED, gateways.ZNS_BAD_PHONE]
        good, bad_phone, not_json = _queue(app, ("zalo", "0905123456", body),
                                           ("zalo", "0912000111", body),
                                           ("zalo", "0913000222", "không phải JSON"))
        first = deliver_outbox()
        assert first.retrying == [good]  # -124: the token may be renewed
        assert first.failed == [bad_phone, not_json]  # -108 and a broken body: never
        assert deliver_outbox(now=utcnow() + timedelta(hours=1)).sent == [good]
    assert gateway.headers[2]["access_token"] == "tok-1"
    assert gateway.requests[2] == {"phone": "84905123456", "template_id": "231456",
                                   "template_data": json.loads(body)["template_data"],
                                   "tracking_id": f"outbox-{good}"}
    assert _row(app, good).provider_message_id == "zns-3"
    assert "-108" in _row(app, bad_phone).last_error
    assert len(gateway.requests) == 3  # the message that is not JSON never reached Zalo


def test_console_channels_without_configuration(app, deliver_outbox, caplog):
    caplog.set_level("INFO", logger="portal.notifications.channels")
    ids = _queue(app, ("email", "an@example.vn", "thư", "tiêu đề"),
                 ("sms", "0905123456", "tin nhắn"),
                 ("zalo", "0905123456", json.dumps({"template_id": "1", "template_data": {}})))
    assert deliver_outbox().sent == ids
    assert [_row(app, i).provider_message_id for i in ids] == ["console"] * 3
    assert "console channel" in caplog.text


def test_the_periodic_jobs_deliver_and_sweep(app, configure):
    """What the worker runs every minute and every night, run here (the schedule is Huey's)."""
    from portal.notifications.tasks import PERIODIC_JOBS

    jobs = {job.name: job for job in PERIODIC_JOBS}
    with smtp_server() as (port, inbox):
        configure(smtp_host="127.0.0.1", smtp_port=port)
        [message_id] = _queue(app, ("email", "an@example.vn", "thư", "tiêu đề"))
        with app.app_context():
            report = jobs["outbox_every_minute"].run(app)
        assert report.sent == [message_id] and len(inbox.messages) == 1
    storage = app.extensions["storage"]
    key = f"dossiers/999999/{uuid.uuid4().hex}"
    storage.put(key, io.BytesIO(b"x"))  # an orphan (no row), younger than a day
    try:
        with app.app_context():
            deleted = jobs["storage-sweep"].run(app)
        assert deleted == 0 and storage.exists(key)  # kept: still within the grace
    finally:
        storage.delete(key)
