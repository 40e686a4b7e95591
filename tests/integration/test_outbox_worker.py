"""The worker process (``huey_consumer portal.notifications.worker.huey``) against SqliteHuey
and RedisHuey, on SQLite and PostgreSQL, sending to a real SMTP server (aiosmtpd).

Killed (SIGKILL) in the middle of a batch — while the SMTP server holds one message's DATA
unanswered — and started again, it delivers every message and records each once. The
messages of the batch in flight when it was killed (sent, their outcome not yet committed)
may reach the server twice: at-least-once delivery allows that duplicate *delivery*; what
must never happen is a message lost, or one row recorded twice (two rows, two attempts
counted, two "sent" records). Both copies carry the row's Message-ID,
so a receiver can tell them apart."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from smtp_server import smtp_server

from portal.core.frame import unit_of_work
from portal.extensions import db
from portal.notifications import delivery, outbox, tasks
from portal.notifications.models import OutboxMessage, OutboxState

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = Path(sys.executable).parent / "huey_consumer"
REDIS = "redis://127.0.0.1:6379/11"  # a database number of its own; a queue name per test


class GatedInbox:
    """An SMTP handler that keeps every message and holds the DATA of message ``hold_at``
    (1-based) unanswered until ``release`` is set: the worker is then mid-send."""

    def __init__(self, hold_at: int):
        self.messages = []
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        from email import message_from_bytes
        from email.policy import default

        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            count = len(self.messages)
        if count == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return "250 Message accepted for delivery"


def _poll(predicate, timeout: float, what: str):
    """Bounded polling for a subprocess's work (the only waiting these tests do)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture(params=["sqlite-huey", "redis-huey"])
def queue_env(request, tmp_path):
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite-huey":
        yield {"HUEY_FILE": str(tmp_path / "huey.db"), "HUEY_NAME": name}
        return
    env = {"REDIS_URL": REDIS, "HUEY_NAME": name}
    yield env
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = client.keys(f"huey.*{name}*")
    if keys:
        client.delete(*keys)
    client.close()


@contextlib.contextmanager
def _worker(app, queue_env: dict, smtp_port: int):
    config = app.config["PORTAL"]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "HUEY"))},
           **queue_env, "PORTAL_ENV": "testing", "SECRET_KEY": config.secret_key,
           "DATABASE_URL": config.database_url, "STORAGE_URL": config.storage_url,
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(CONSUMER), "portal.notifications.worker.huey", "-w", "1", "-k", "thread",
         "-d", "0.05", "-m", "0.5", "-n"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stderr.close()


def _queue_mails(app, count: int, start: int = 0) -> None:
    with app.app_context(), unit_of_work():
        for n in range(start, start + count):
            outbox.queue("email", f"nguoi{n % 7}@example.vn", f"thư số {n}",
                         subject=f"Thư {n}")


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        db.session.rollback()
        return rows


def test_a_killed_worker_restarted_delivers_everything_and_records_it_once(app, queue_env,
                                                                           monkeypatch):
    total = 120
    inbox = GatedInbox(hold_at=40)
    _queue_mails(app, total)  # waiting before any worker runs: picked up at its start
    with smtp_server(handler=inbox) as (port, _):
        with _worker(app, queue_env, port) as first:
            assert inbox.holding.wait(60), "the worker did not start sending"
            first.send_signal(signal.SIGKILL)  # in the middle of message 40's DATA
            first.wait(10)
        inbox.release.set()
        sent_before_restart = sum(row.state == OutboxState.SENT for row in _rows(app))
        assert sent_before_restart < total
        with _worker(app, queue_env, port) as second:
            _poll(lambda: all(row.state == OutboxState.SENT for row in _rows(app)), 60,
                  "every message was not sent after the restart")
            # A commit that writes messages wakes the running worker through the queue.
            woken = tasks.install(tasks.make_huey(app.config["PORTAL"].with_(
                redis_url=queue_env.get("REDIS_URL", ""), huey_file=queue_env.get(
                    "HUEY_FILE", ""), huey_name=queue_env["HUEY_NAME"])), lambda: app)
            monkeypatch.setitem(app.extensions, "outbox_wake", woken.deliver_outbox)
            _queue_mails(app, 10, start=total)
            _poll(lambda: len(_rows(app)) == total + 10 and all(
                row.state == OutboxState.SENT for row in _rows(app)), 60,
                "the woken worker did not send the new messages")
            assert second.poll() is None
    rows = _rows(app)
    ids = Counter(m["Message-ID"] for m in inbox.messages)
    assert len(ids) == total + 10  # every message delivered …
    # … those of the batch in flight at the kill perhaps twice (sent, not yet recorded) …
    assert sum(ids.values()) - len(ids) <= delivery.BATCH
    assert all(row.attempts == 1 and row.sent_at for row in rows)  # … each recorded once
    assert {f"<{row.provider_message_id}>" for row in rows} == set(ids)
    for n in range(7):  # in order per recipient, the duplicate aside
        subjects = [m["Subject"] for m in inbox.messages if m["To"] == f"nguoi{n}@example.vn"]
        numbers = list(dict.fromkeys(int(s.split()[1]) for s in subjects))
        assert numbers == sorted(numbers)


def _free_port() -> int:
    import socket

    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_smtp_down_for_a_while_messages_wait_and_go_out_in_order(app, queue_env):
    """The mail server is down when the worker first tries: the messages wait (pending, an
    attempt counted, the error kept), the worker retries after the back-off, and once the
    server is back every message goes out, each recipient's in the order written."""
    port = _free_port()  # nothing listens there yet
    env = {**queue_env, "OUTBOX_RETRY_SECONDS": "0.3"}
    _queue_mails(app, 21)
    with _worker(app, env, port):
        _poll(lambda: all(row.attempts >= 1 for row in _rows(app)[:7]), 60,
              "the first messages were not tried")
        rows = _rows(app)
        assert all(row.state == OutboxState.PENDING for row in rows)
        assert "SMTP" in rows[0].last_error and not any(row.attempts for row in rows[7:])
        with smtp_server(port=port) as (_, inbox):
            _poll(lambda: all(row.state == OutboxState.SENT for row in _rows(app)), 60,
                  "the messages did not go out once the server was back")
    assert len(inbox.messages) == 21
    for n in range(7):
        subjects = [m["Subject"] for m in inbox.messages if m["To"] == f"nguoi{n}@example.vn"]
        assert subjects == [f"Thư {k}" for k in range(n, 21, 7)]
