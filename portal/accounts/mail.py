"""The accounts area's outgoing mail, in one place: written to the outbox (docs/messages.md)
in the caller's transaction, sent by the worker with retries."""

from __future__ import annotations

from portal.notifications import outbox


def send_invitation(to: str, subject: str, body: str) -> None:
    """An organisation invitation, in the transaction that created or renewed it: a
    rolled-back invitation sends nothing, a mail server that is down delays it."""
    outbox.queue("email", to, body, subject=subject)
