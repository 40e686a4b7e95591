"""Waking the worker after a commit that wrote outbox rows (docs/messages.md).

A request that adds ``OutboxMessage`` rows through the session is noticed at its flush; once
its transaction commits, one delivery task is put on the queue (``app.extensions
["outbox_wake"]``). A rolled-back transaction wakes nobody — and has no rows to send. If the
queue cannot be reached the rows wait for the worker's minute-by-minute pass."""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

KEY = "outbox_written"
_installed = False


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
