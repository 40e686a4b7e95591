"""Dossier events → messages (issue 13, DESIGN.md §6), written in the same transaction as
the action that causes them: a rolled-back action sends nothing.

Which action says what is the workflow's table (``transitions.MESSAGES``: action → message
key, or None for a silent action). For each message this module works out the recipient and
their channels, renders the event's template in their language and adds the outbox rows:

- an applicant with an account: the channels chosen on their profile (e-mail to the account's
  e-mail; SMS and Zalo to the verified phone only), in the account's language; the same
  message is kept in their notification centre (``inbox``);
- a walk-in or postal applicant without an account: an SMS, in Vietnamese, to the phone on
  the receipt.

The values a template sees are plain strings and true/false (``defaults.EVENTS`` documents
them), never the dossier itself."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from portal.accounts.models import OrganisationMember, User
from portal.calendar import VN_TZ
from portal.calendar.holidays_vn import fmt_date_en, fmt_date_vi, fmt_dt_en, fmt_dt_vi
from portal.core.formatting import vn_number
from portal.core.models import utcnow
from portal.dossiers.models import Dossier, ReturnMethod
from portal.extensions import db
from portal.notifications import inbox, outbox
from portal.notifications.defaults import EVENTS
from portal.notifications.message_templates import Rendered, render
from portal.workflow.transitions import MESSAGES, Action


def when(value: datetime | None, language: str) -> str:
    """A date and time as the message's language writes it, in Viet Nam's time."""
    if value is None:
        return ""
    local = value.astimezone(VN_TZ)
    return fmt_dt_en(local) if language == "en" else fmt_dt_vi(local)


def _common(dossier: Dossier) -> dict[str, Any]:
    return {"code": dossier.code or "", "procedure": dossier.procedure_version.name,
            "agency": dossier.agency.name if dossier.agency else "",
            "applicant_name": dossier.applicant_name or ""}


def values_for(dossier: Dossier, key: str, language: str, now: datetime,
               extra: dict[str, Any]) -> dict[str, Any]:
    """The documented variables of ``key`` for this dossier, dates in ``language``."""
    values = _common(dossier)
    values["appointment"] = when(dossier.appointment_at, language)
    values["received_at"] = when(dossier.received_at, language)
    values["by_post"] = dossier.return_method is ReturnMethod.POSTAL
    if "e_result" in EVENTS[key].all_variables:  # loads the files: only where it is used
        values["e_result"] = bool(dossier.result_files)
    due = dossier.due_at
    values["early"] = bool(due and now.astimezone(VN_TZ).date() < due.astimezone(VN_TZ).date())
    values["original_appointment"] = when(due, language)
    for name, value in extra.items():
        values[name] = _plain(value, language)
    return values


def _plain(value: Any, language: str) -> Any:
    """A value as a template sees it: a date in words, a sum of money in đồng (an amount is
    a whole number of đồng, e.g. the obligation's), a date without time as a date."""
    if isinstance(value, datetime):
        return when(value, language)
    if isinstance(value, date):
        return fmt_date_en(value) if language == "en" else fmt_date_vi(value)
    if isinstance(value, bool) or value is None:
        return bool(value) if value is not None else ""
    if isinstance(value, int | Decimal):
        return f"{vn_number(int(value))} ₫" if language == "vi" else f"VND {int(value):,}"
    return value


def _recipients(dossier: Dossier) -> list[tuple[str, str, str]]:
    """(channel, address, language) for each message to send, and the account to keep it for."""
    user = dossier.applicant
    if user is None:  # a walk-in or postal applicant without an account
        return [("sms", dossier.applicant_phone, "vi")] if dossier.applicant_phone else []
    language = _language(user)
    found = []
    if user.notify_email and user.email:
        found.append(("email", user.email, language))
    if user.phone_is_verified:
        if user.notify_sms:
            found.append(("sms", user.phone, language))
        if user.notify_zalo:
            found.append(("zalo", user.phone, language))
    if not found and user.email:
        # Only phone channels were chosen and the number has since changed (unverified):
        # the registration e-mail rather than nothing at all.
        found.append(("email", user.email, language))
    return found


def _outbox_row(dossier: Dossier, channel: str, address: str, message: Rendered
                ) -> dict[str, Any] | None:
    if channel == "email":
        return outbox.row("email", address, message.email_body, subject=message.subject,
                          dossier_id=dossier.id)
    if channel == "sms":
        return outbox.row("sms", address, message.sms_text, dossier_id=dossier.id)
    if not message.zalo_template_id:  # no ZNS template registered for this message
        return None
    body = json.dumps({"template_id": message.zalo_template_id,
                       "template_data": message.zalo_data}, ensure_ascii=False)
    return outbox.row("zalo", address, body, dossier_id=dossier.id)


def send(dossier: Dossier, key: str, now: datetime, **extra: Any) -> int:
    """Write the message ``key`` about ``dossier`` to its applicant (outbox rows, and the
    notification centre for an account holder); returns the number of outbox rows. The rows
    are inserted at once, in one round trip on PostgreSQL (``outbox.write``); its reads do
    not flush the action's pending changes early (the action flushes once, at its end)."""
    with db.session.no_autoflush:
        return _send(dossier, key, now, extra)


def _send(dossier: Dossier, key: str, now: datetime, extra: dict[str, Any]) -> int:
    rendered: dict[str, Rendered] = {}

    def message(language: str) -> Rendered:
        if language not in rendered:
            rendered[language] = render(key, language,
                                        values_for(dossier, key, language, now, extra))
        return rendered[language]

    rows = [row for channel, address, language in _recipients(dossier)
            if (row := _outbox_row(dossier, channel, address, message(language))) is not None]
    notes = []
    for reader in _readers(dossier):
        shown = message(_language(reader))
        notes.append(inbox.row(reader.id, dossier.id, shown.subject, shown.email_body, now))
    outbox.write(rows, notes)
    return len(rows)


def _language(user: User) -> str:
    return user.language if user.language in ("vi", "en") else "vi"


def _readers(dossier: Dossier) -> list[User]:
    """Whose notification centre shows the message: the applicant's account and, for an
    organisation's dossier, every member of the organisation (they all see its dossiers;
    only the applicant is sent e-mail, SMS or Zalo)."""
    readers = [dossier.applicant] if dossier.applicant is not None else []
    if dossier.organisation_id is not None:
        members = db.session.scalars(select(User).join(
            OrganisationMember, OrganisationMember.user_id == User.id).where(
            OrganisationMember.organisation_id == dossier.organisation_id,
            User.id != dossier.applicant_id).order_by(User.id))
        readers += list(members)
    return readers


def announce(dossier: Dossier, action: Action, ctx: Any, **extra: Any) -> int:
    """The message the transition table names for ``action``, if any (``ctx``: the workflow
    action's context; a replay of the past, ``ctx.messages`` false, sends nothing)."""
    key = MESSAGES.get(action)
    if key is None or not getattr(ctx, "messages", True):
        return 0
    return send(dossier, key, ctx.now, **extra)


# --- previews (administration) -------------------------------------------------------------

def dossier_by_code(code: str) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(Dossier.code == code.strip()))


def preview_values(dossier: Dossier, key: str, language: str,
                   now: datetime | None = None) -> dict[str, Any]:
    """The variables of ``key`` for a real dossier: what the dossier holds (code, names,
    dates) from it, the rest (what an officer types: a reason, the papers) from the samples."""
    event = EVENTS[key]
    computed = values_for(dossier, key, language, now or utcnow(), {})
    return {**event.samples(), **{k: v for k, v in computed.items() if k in event.all_variables}}
