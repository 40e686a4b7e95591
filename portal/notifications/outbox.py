"""Writing to the outbox: a message joins the current transaction and leaves only once it
commits (docs/messages.md)."""

from __future__ import annotations

from portal.extensions import db
from portal.notifications.models import OutboxMessage


def queue(channel: str, recipient: str, body: str, *, subject: str = "",
          dossier_id: int | None = None) -> OutboxMessage:
    message = OutboxMessage(channel=channel, recipient=recipient, subject=subject, body=body,
                            dossier_id=dossier_id)
    db.session.add(message)
    return message
