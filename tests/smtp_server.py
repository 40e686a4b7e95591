"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

from __future__ import annotations

import contextlib
import email
import socket
import threading
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        with self._arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[Message]:
        """The messages once ``count`` have arrived: the worker sends after the app has
        answered (``worker_thread``), so a test can see the page before the mail exists."""
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.messages) >= count, timeout), (
                f"{len(self.messages)} of {count} messages arrived within {timeout} s")
            return list(self.messages)


def worker_thread(app):
    """For a live server: instead of queueing a task for a worker process, each commit that
    wrote outbox rows starts a thread that delivers them as the worker would (the same
    ``deliver_pending``). Install with ``app.extensions["outbox_wake"] = worker_thread(app)``."""
    from portal.notifications.delivery import deliver_pending

    def deliver() -> None:
        with app.app_context():
            deliver_pending(app.config["PORTAL"])

    def wake() -> None:
        threading.Thread(target=deliver, name="mail", daemon=True).start()

    return wake


def mails_settled(timeout: float = 10) -> None:
    """Wait for the deliveries started by ``worker_thread`` to finish, so a test can count
    what arrived and what was logged."""
    for thread in threading.enumerate():
        if thread.name == "mail":
            thread.join(timeout)
            assert not thread.is_alive(), f"a mail was still being sent after {timeout} s"


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server(handler=None, port: int | None = None):
    """A server on a free port (or ``port``); yields (port, the handler keeping the
    messages)."""
    inbox = handler or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()
