"""How a message leaves: e-mail over SMTP, SMS through a brand-name gateway's HTTP API, Zalo
through the Zalo Notification Service (ZNS) template-message API — each with a console
stand-in for development (docs/messages.md "Channels").

A channel's ``send(message)`` returns the provider's message id, or raises ``ChannelError``
(``permanent``: trying again cannot help, e.g. a phone the gateway refuses)."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from typing import Protocol

from portal.config import Config
from portal.notifications import mailer

log = logging.getLogger(__name__)


class ChannelError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Outgoing(Protocol):
    id: int
    channel: str
    recipient: str
    subject: str
    body: str


def international_phone(phone: str) -> str:
    """'0905 123 456' / '+84905123456' -> '84905123456' (the gateways' form)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not (digits.startswith("84") and 10 <= len(digits) <= 12):
        raise ChannelError(f"not a Vietnamese phone number: {phone!r}", permanent=True)
    return digits


def _post_json(url: str, payload: dict, headers: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code} from the gateway",
                           permanent=400 <= error.code < 500 and error.code != 429) from error
    except (OSError, ValueError) as error:
        raise ChannelError(f"gateway unreachable or unreadable: {error}") from error
    if not isinstance(answer, dict):
        raise ChannelError("the gateway's answer is not a JSON object")
    return answer


class EmailChannel:
    """One SMTP connection for a whole batch, opened at the first message."""

    def __init__(self, config: Config):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: Outgoing) -> str:
        domain = self.config.mail_from.rsplit("@", 1)[-1].rstrip(">") or "portal"
        message_id = f"<outbox-{message.id}@{domain}>"  # the same on every attempt
        if not self.config.smtp_host:
            log.info("e-mail (console channel) to %s: %s\n%s", message.recipient,
                     message.subject, message.body)
            return "console"
        email = mailer.build_message(self.config, message.recipient, message.subject,
                                     message.body, message_id)
        try:
            if self._smtp is None:
                self._smtp = mailer.connect(self.config)
            self._smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            raise ChannelError(f"recipient refused: {error}", permanent=True) from error
        except (OSError, smtplib.SMTPException, mailer.MailError) as error:
            self.close()
            raise ChannelError(f"SMTP: {error}") from error
        return message_id.strip("<>")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


# eSMS.vn-style brand-name SMS API (docs/messages.md): "100" is success; a few codes say
# the request itself is wrong, which retrying cannot fix.
SMS_OK = "100"
SMS_PERMANENT = {"104": "brandname not registered", "118": "SMS type invalid",
                 "119": "brandname not allowed to send to this network"}


class SmsChannel:
    def __init__(self, config: Config):
        self.config = config

    def send(self, message: Outgoing) -> str:
        phone = international_phone(message.recipient)
        if not self.config.sms_gateway_url:
            log.info("SMS (console channel) to %s: %s", phone, message.body)
            return "console"
        answer = _post_json(self.config.sms_gateway_url, {
            "ApiKey": self.config.sms_api_key, "SecretKey": self.config.sms_secret_key,
            "Brandname": self.config.sms_brandname, "SmsType": "2", "IsUnicode": "1",
            "Phone": phone, "Content": message.body, "RequestId": f"outbox-{message.id}",
        }, {}, self.config.gateway_timeout)
        code = str(answer.get("CodeResult", ""))
        if code != SMS_OK:
            text = answer.get("ErrorMessage") or SMS_PERMANENT.get(code, "")
            raise ChannelError(f"SMS gateway code {code}: {text}"[:400],
                               permanent=code in SMS_PERMANENT)
        return str(answer.get("SMSID", ""))


# ZNS error codes that mean this message can never go (docs/messages.md): an invalid
# phone, a template that is not approved, template data that does not match it, a user
# who has not enabled ZNS.
ZNS_PERMANENT = {-108, -109, -112, -117, -118, -133}


class ZaloChannel:
    def __init__(self, config: Config):
        self.config = config

    def send(self, message: Outgoing) -> str:
        phone = international_phone(message.recipient)
        try:
            content = json.loads(message.body)
            template_id = str(content["template_id"])
            template_data = dict(content.get("template_data") or {})
        except (ValueError, KeyError, TypeError) as error:
            raise ChannelError(f"Zalo body is not a template message: {error}",
                               permanent=True) from error
        if not self.config.zalo_access_token:
            log.info("Zalo ZNS (console channel) to %s: template %s %s", phone, template_id,
                     template_data)
            return "console"
        answer = _post_json(self.config.zalo_zns_url, {
            "phone": phone, "template_id": template_id, "template_data": template_data,
            "tracking_id": f"outbox-{message.id}",
        }, {"access_token": self.config.zalo_access_token}, self.config.gateway_timeout)
        error = answer.get("error")
        if error != 0:
            raise ChannelError(f"Zalo ZNS error {error}: {answer.get('message', '')}"[:400],
                               permanent=error in ZNS_PERMANENT)
        return str((answer.get("data") or {}).get("msg_id", ""))


class Channels:
    """The three channels for one batch; ``close()`` ends the SMTP connection."""

    def __init__(self, config: Config):
        self.by_name = {"email": EmailChannel(config), "sms": SmsChannel(config),
                        "zalo": ZaloChannel(config)}

    def send(self, message: Outgoing) -> str:
        channel = self.by_name.get(message.channel)
        if channel is None:
            raise ChannelError(f"unknown channel {message.channel!r}", permanent=True)
        return channel.send(message)

    def close(self) -> None:
        self.by_name["email"].close()
