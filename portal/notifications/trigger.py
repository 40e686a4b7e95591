"""Waking the worker after a commit that wrote outbox rows (docs/messages.md).

A request that adds ``OutboxMessage`` rows through the session is noticed at its flush; once
its transaction commits, ``app.extensions["outbox_wake"]`` is called: a ``Waker``, whose
thread puts one delivery task on the queue — the committing request does not wait for the
queue (a Redis round trip). A rolled-back transaction wakes nobody — and has no rows to send.
If the queue cannot be reached the rows wait for the worker's minute-by-minute pass."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

KEY = "outbox_written"
_installed = False
# Commits within this many seconds of a wake share the next one.
WAKE_INTERVAL = 0.05


class Waker:
    """Calls ``wake`` (queueing the delivery task) from a thread of its own. A call only
    marks a wake as due and returns; the thread sends it at once, then waits ``interval``:
    calls meanwhile (or while it was sending) make one more wake after that pause. So no
    commit is left without a wake that follows it, and a burst of commits queues one task per
    interval, not one each. A failing ``wake`` is logged (the minute-by-minute pass sends the
    messages). A forked process starts its own thread on its first call; a wake still due
    when the process exits is sent before it ends."""

    def __init__(self, wake: Callable[[], object], interval: float = WAKE_INTERVAL):
        self.wake, self.interval = wake, interval
        self._fresh()
        _wakers.add(self)

    def _fresh(self) -> None:
        self._state = threading.Condition()
        self._due = self._busy = False
        self._thread: threading.Thread | None = None

    def __call__(self) -> None:
        with self._state:
            self._due = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="outbox-wake",
                                                daemon=True)
                self._thread.start()
            self._state.notify()

    def _run(self) -> None:
        while True:
            with self._state:
                self._state.wait_for(lambda: self._due)
                self._due, self._busy = False, True
            self._send()
            with self._state:
                self._busy = False
                self._state.notify_all()
            time.sleep(self.interval)

    def _send(self) -> None:
        try:
            self.wake()
        except Exception:  # the queue is down: the periodic pass will deliver them
            log.exception("could not wake the outbox worker")

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no wake is due or being sent (tests; a clean shutdown)."""
        with self._state:
            return self._state.wait_for(lambda: not (self._due or self._busy), timeout)

    def _at_exit(self) -> None:
        with self._state:
            due, self._due = self._due, False
        if due:
            self._send()


_wakers: weakref.WeakSet[Waker] = weakref.WeakSet()


def _after_fork_in_child() -> None:  # the parent's thread is not in the child
    for waker in list(_wakers):
        waker._fresh()


def _at_exit() -> None:
    for waker in list(_wakers):
        waker._at_exit()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)


def wake_after_commit() -> None:
    """For a writer that makes a message due without adding a row through the session (a
    bulk insert, a retry): wake the worker when the current transaction commits."""
    db.session.info[KEY] = True


def _before_flush(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, OutboxMessage) for obj in session.new):
        session.info[KEY] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(KEY, False) and has_app_context():
        wake = current_app.extensions.get("outbox_wake")
        if wake is not None:
            try:
                wake()
            except Exception:  # the queue is down: the periodic pass will deliver them
                log.exception("could not wake the outbox worker")


def _after_rollback(session: Session) -> None:
    session.info.pop(KEY, None)


def install() -> None:
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed = True
