"""Plain SMTP e-mail; without SMTP_HOST the message is written to the log (development).

The outbox's e-mail channel (``channels.EmailChannel``) keeps one connection open for a batch;
``send_email`` opens one per message, for the rare caller outside the outbox."""

from __future__ import annotations

import functools
import logging
import smtplib
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from portal.config import Config

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    pass


def build_message(config: Config, to: str, subject: str, body: str,
                  message_id: str | None = None) -> Message:
    """A UTF-8 text message. Built with the legacy (compat32) classes, headers encoded once
    here: the modern policy re-folds each non-ASCII header while sending, which cost a
    worker more time than the SMTP exchange itself (bench/outbox.py)."""
    message = MIMEText(body, "plain", "utf-8")
    message["From"] = _address(config.mail_from)
    message["To"] = to
    message["Subject"] = Header(subject, "utf-8").encode() if not subject.isascii() else subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid()
    return message


@functools.lru_cache(maxsize=8)
def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), "utf-8") if name else address


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
