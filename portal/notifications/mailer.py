"""Plain SMTP e-mail; without SMTP_HOST the message is written to the log (development)."""

from __future__ import annotations

import logging
import smtplib
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
