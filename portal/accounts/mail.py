"""The accounts area's outgoing mail, in one place: when the messages issue moves every mail
onto the outbox, this function is the one to switch."""

from __future__ import annotations

from portal.config import Config
from portal.notifications.mailer import send_email_in_background


def send_invitation(config: Config, to: str, subject: str, body: str, what: str) -> None:
    """Send an organisation invitation (after the commit that created or renewed it), beside
    the answer, as the password-reset mail is sent; a failure is logged as ``what``."""
    send_email_in_background(config, to, subject, body, what)
