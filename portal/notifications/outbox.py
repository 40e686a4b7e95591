"""Writing to the outbox: a message joins the current transaction and leaves only once it
commits (docs/messages.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.inbox import Notification
from portal.notifications.models import OutboxMessage, OutboxState
from portal.notifications.trigger import wake_after_commit


def queue(channel: str, recipient: str, body: str, *, subject: str = "",
          dossier_id: int | None = None) -> OutboxMessage:
    message = OutboxMessage(channel=channel, recipient=recipient, subject=subject, body=body,
                            dossier_id=dossier_id)
    db.session.add(message)
    return message


def row(channel: str, recipient: str, body: str, *, subject: str = "",
        dossier_id: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """``queue``'s message as the values of its row (the model's defaults written out), for
    ``write``."""
    now = now or utcnow()
    return {"dossier_id": dossier_id, "channel": channel, "recipient": recipient,
            "subject": subject, "body": body, "created_at": now, "state": OutboxState.PENDING,
            "next_attempt_at": now, "attempts": 0, "last_error": "", "provider_message_id": ""}


def write(messages: list[dict[str, Any]], notifications: list[dict[str, Any]]) -> None:
    """Insert outbox rows (``row``) and notification-centre rows (``inbox.row``) now, in the
    current transaction, and wake the worker once it commits. On PostgreSQL both go in one
    statement (the outbox rows in a data-modifying ``WITH``): one round trip for an officer's
    message instead of two (docs/benchmarks.md, "The outbox"); elsewhere an INSERT each.
    Plain INSERTs, not objects of the session: they are not in the next flush (a writer that
    wants the rows reads them back)."""
    if messages:
        wake_after_commit()
    outbox_table, inbox_table = OutboxMessage.__table__, Notification.__table__
    if messages and notifications and db.session.get_bind().dialect.name == "postgresql":
        queued = insert(outbox_table).values(messages).cte("queued")
        db.session.execute(insert(inbox_table).values(notifications).add_cte(queued))
        return
    if messages:
        db.session.execute(insert(outbox_table), messages)
    if notifications:
        db.session.execute(insert(inbox_table), notifications)
