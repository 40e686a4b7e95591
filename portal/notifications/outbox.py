"""Writing to the outbox: a message joins the current transaction and leaves only once it
commits (docs/messages.md)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, insert

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
    dialect = db.session.get_bind().dialect
    if messages and notifications and dialect.name == "postgresql":
        sql, processors = _combined(dialect, tuple(messages[0]), len(messages),
                                    tuple(notifications[0]), len(notifications))
        values = {**{f"m{n}_{key}": value for n, row in enumerate(messages)
                     for key, value in row.items()},
                  **{f"n{n}_{key}": value for n, row in enumerate(notifications)
                     for key, value in row.items()}}
        db.session.connection().exec_driver_sql(sql, {
            name: processors[name](value) if processors.get(name) else value
            for name, value in values.items()})
        return
    if messages:
        db.session.execute(insert(outbox_table), messages)
    if notifications:
        db.session.execute(insert(inbox_table), notifications)


@lru_cache(maxsize=64)
def _combined(dialect, message_keys: tuple[str, ...], messages: int,
              note_keys: tuple[str, ...], notes: int) -> tuple[str, dict[str, Any]]:
    """The one-statement INSERT of ``messages`` outbox rows and ``notes`` notifications,
    compiled once per shape: SQLAlchemy does not cache a multi-row INSERT's compiled form, and
    compiling it on every message cost more than its round trip. Returns the SQL (the
    driver's parameter style) and each parameter's bind processor (the columns' types)."""
    processors: dict[str, Any] = {}

    def rows(table, keys, count, prefix):
        found = []
        for n in range(count):
            row = {}
            for key in keys:
                name, column_type = f"{prefix}{n}_{key}", table.c[key].type
                processors[name] = column_type.bind_processor(dialect)
                row[key] = bindparam(name, type_=column_type)
            found.append(row)
        return found

    queued = insert(OutboxMessage.__table__).values(
        rows(OutboxMessage.__table__, message_keys, messages, "m")).cte("queued")
    statement = insert(Notification.__table__).values(
        rows(Notification.__table__, note_keys, notes, "n")).add_cte(queued)
    return str(statement.compile(dialect=dialect)), processors
