"""Plain SMTP e-mail; without SMTP_HOST the message is written to the log (development)."""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from portal.config import Config

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    pass


def send_email(config: Config, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.smtp_host:
        log.info("e-mail (console channel) to %s: %s\n%s", to, subject, body)
        return
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
            if config.smtp_starttls:
                smtp.starttls()
            if config.smtp_user:
                smtp.login(config.smtp_user, config.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error


def send_email_in_background(config: Config, to: str, subject: str, body: str,
                             what: str) -> threading.Thread:
    """Send on a thread of its own, so the answer the caller gives next cannot show how long
    the mail server took (or whether a mail went at all); a failure is logged as ``what``.

    Not a response-close callback: a server may hold the finished response open (werkzeug's
    drains the client's socket first), which delayed the mail by the client's whim. The
    outbox and its worker (the messages issue) will replace this with retries."""
    def send() -> None:
        try:
            send_email(config, to, subject, body)
        except MailError:
            log.exception("%s not sent", what)

    thread = threading.Thread(target=send, name="mail", daemon=True)
    thread.start()
    return thread
