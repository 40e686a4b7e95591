"""The messages' configuration (README's table): gateways, retries, the queue."""

from __future__ import annotations

import threading

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey

from portal.config import Config, ConfigError
from portal.notifications.delivery import backoff
from portal.notifications.tasks import PERIODIC_JOBS, make_huey


def test_gateways_and_retries_come_from_the_environment():
    config = Config.from_env({
        "SMS_GATEWAY_URL": "https://sms.example.vn/send", "SMS_API_KEY": "khoa",
        "SMS_SECRET_KEY": "bimat", "SMS_BRANDNAME": "HCC-QNGAI",
        "ZALO_ACCESS_TOKEN": "tok", "OUTBOX_MAX_ATTEMPTS": "5", "OUTBOX_RETRY_SECONDS": "30",
        "GATEWAY_TIMEOUT": "4", "HUEY_NAME": "hcc"})
    assert (config.sms_gateway_url, config.sms_brandname) == ("https://sms.example.vn/send",
                                                               "HCC-QNGAI")
    assert config.zalo_zns_url == "https://business.openapi.zalo.me/message/template"
    assert (config.outbox_max_attempts, config.outbox_retry_seconds) == (5, 30.0)
    assert (config.gateway_timeout, config.huey_name) == (4.0, "hcc")
    shown = config.public_dict()
    assert shown["sms_api_key"] == shown["sms_secret_key"] == shown["zalo_access_token"] == "***"


@pytest.mark.parametrize("name, value", [("OUTBOX_MAX_ATTEMPTS", "0"),
                                         ("OUTBOX_RETRY_SECONDS", "-1"),
                                         ("GATEWAY_TIMEOUT", "abc")])
def test_impossible_values_are_refused_at_start(name, value):
    with pytest.raises(ConfigError):
        Config.from_env({name: value})


def test_the_back_off_doubles_up_to_six_hours():
    config = Config(outbox_retry_seconds=60)
    assert [backoff(config, n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(config, 30).total_seconds() == 6 * 3600


def test_the_queue_is_redis_when_configured_else_sqlite(tmp_path):
    assert isinstance(make_huey(Config(redis_url="redis://127.0.0.1:6379/11")), RedisHuey)
    assert isinstance(make_huey(Config(huey_file=str(tmp_path / "q.db"))), SqliteHuey)
    assert isinstance(make_huey(Config(env="testing")), MemoryHuey)
    names = {job.name for job in PERIODIC_JOBS}
    assert {"outbox_every_minute", "storage-sweep", "overdue-scan"} <= names


def test_an_unreachable_queue_does_not_hold_the_commit(app, monkeypatch, caplog):
    """Redis down: the change commits, the failure is logged (by the wake's thread), the
    message waits for the worker's periodic pass."""
    from portal.core.frame import unit_of_work
    from portal.extensions import db
    from portal.notifications import outbox, tasks, trigger
    from portal.notifications.models import OutboxMessage

    queue = tasks.install(make_huey(Config(redis_url="redis://127.0.0.1:1/0")), lambda: app)
    waker = trigger.Waker(queue.deliver_outbox)
    monkeypatch.setitem(app.extensions, "outbox_wake", waker)
    with app.app_context():
        with unit_of_work():
            outbox.queue("sms", "0905123456", "Hồ sơ đã tiếp nhận")
        assert db.session.query(OutboxMessage).count() == 1
    assert waker.settle(10)
    assert "could not wake the outbox worker" in caplog.text


class _Queue:
    """Stands for Huey's enqueue: counts the wakes; ``gate`` holds one while it is sent."""

    def __init__(self):
        self.count, self.gate, self.sending = 0, threading.Event(), threading.Event()
        self.gate.set()
        self.woken = threading.Semaphore(0)

    def __call__(self):
        self.sending.set()
        assert self.gate.wait(10)
        self.count += 1
        self.woken.release()


def _commit_a_message(app, number="0905123456"):
    from portal.core.frame import unit_of_work
    from portal.notifications import outbox

    with app.app_context(), unit_of_work():
        outbox.queue("sms", number, "Hồ sơ đã tiếp nhận")


def test_a_committed_message_wakes_the_worker_promptly_without_waiting_for_the_queue(
        app, monkeypatch):
    from portal.notifications import trigger

    queue = _Queue()
    queue.gate.clear()  # the queue answers slowly
    waker = trigger.Waker(queue, interval=0.01)
    monkeypatch.setitem(app.extensions, "outbox_wake", waker)
    _commit_a_message(app)
    assert queue.sending.wait(10)  # the wake is on its way …
    assert queue.count == 0  # … and the commit returned before the queue answered
    queue.gate.set()
    assert queue.woken.acquire(timeout=10) and waker.settle(10)
    assert queue.count == 1


def test_commits_while_a_wake_is_sent_share_the_next_one_and_none_is_left_without(
        app, monkeypatch):
    from portal.notifications import trigger

    queue = _Queue()
    queue.gate.clear()
    waker = trigger.Waker(queue, interval=0.01)
    monkeypatch.setitem(app.extensions, "outbox_wake", waker)
    _commit_a_message(app)
    assert queue.sending.wait(10)
    for _ in range(3):  # committed after the first wake was taken: they need one more
        _commit_a_message(app)
    queue.gate.set()
    assert waker.settle(10)
    assert queue.count == 2  # the first commit's, and one for the three that followed


def test_a_rolled_back_change_wakes_nobody(app, monkeypatch):
    from portal.core.frame import unit_of_work
    from portal.extensions import db
    from portal.notifications import outbox, trigger

    queue = _Queue()
    waker = trigger.Waker(queue, interval=0.01)
    monkeypatch.setitem(app.extensions, "outbox_wake", waker)
    with app.app_context():
        with pytest.raises(RuntimeError), unit_of_work():
            outbox.queue("sms", "0905123456", "không gửi")
            db.session.flush()
            raise RuntimeError("the change failed")
    assert waker.settle(10) and queue.count == 0


def test_the_application_wakes_through_a_waker_of_the_queues_task(app):
    from portal.notifications import trigger

    waker = app.extensions["outbox_wake"]
    assert isinstance(waker, trigger.Waker)
    assert waker.wake is app.extensions["tasks"].deliver_outbox
