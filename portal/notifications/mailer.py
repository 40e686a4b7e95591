"""Plain SMTP e-mail; without SMTP_HOST the message is written to the log (development).

The outbox's e-mail channel (``channels.EmailChannel``) keeps one connection open for a batch;
``send_email`` opens one per message, for the rare caller outside the outbox."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from portal.config import Config

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    pass


def build_message(config: Config, to: str, subject: str, body: str,
                  message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    return message


def connect(config: Config) -> smtplib.SMTP:
    """An open, logged-in SMTP connection; raises MailError."""
    try:
        smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10)
        try:
            if config.smtp_starttls:
                smtp.starttls()
            if config.smtp_user:
                smtp.login(config.smtp_user, config.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error


def send_email(config: Config, to: str, subject: str, body: str) -> None:
    message = build_message(config, to, subject, body)
    if not config.smtp_host:
        log.info("e-mail (console channel) to %s: %s\n%s", to, subject, body)
        return
    smtp = connect(config)
    try:
        smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error
    finally:
        smtp.close()
