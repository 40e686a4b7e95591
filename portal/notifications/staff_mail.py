"""The periodic jobs' e-mails to staff: which mailings a staff member may receive and their
choice (``StaffMailPreference``; no row: everything they may receive), one mailing of a kind
per person and day (``StaffMailing``), and the plain-text e-mails themselves with absolute
links. Reminders are for officers of an agency (they hold steps and answer consultations),
digests for the dashboard's readers (agency leaders and the centre's supervisor,
``policy.may_read_statistics``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts import policy
from portal.accounts.models import User
from portal.calendar import VN_TZ
from portal.calendar.holidays_vn import fmt_dt_vi
from portal.extensions import db
from portal.notifications.jobs_models import MailingKind, StaffMailing, StaffMailPreference
from portal.notifications.models import OutboxMessage


@dataclass(frozen=True)
class Choices:
    may_get_reminders: bool
    may_get_digests: bool
    reminders: bool
    digests: bool

    @property
    def any(self) -> bool:
        return self.may_get_reminders or self.may_get_digests


def choices_of(user: User) -> Choices:
    saved = db.session.get(StaffMailPreference, user.id)
    return Choices(bool(policy.served_agency_ids(user)), policy.may_read_statistics(user),
                   saved.reminders if saved else True, saved.digests if saved else True)


def choose(user: User, *, reminders: bool | None = None, digests: bool | None = None
           ) -> StaffMailPreference:
    """Record the choice; ``None`` leaves that one as it was, and so does a choice of mail
    the person does not receive (``choices_of``). Flushes."""
    allowed = choices_of(user)
    reminders = reminders if allowed.may_get_reminders else None
    digests = digests if allowed.may_get_digests else None
    saved = db.session.get(StaffMailPreference, user.id)
    if saved is None:
        saved = StaffMailPreference(user_id=user.id, reminders=True, digests=True)
        db.session.add(saved)
    if reminders is not None:
        saved.reminders = reminders
    if digests is not None:
        saved.digests = digests
    db.session.flush()
    return saved


# --- the e-mails ---------------------------------------------------------------------------

def local(moment: datetime) -> str:
    return fmt_dt_vi(moment.astimezone(VN_TZ))


def absolute_url(endpoint: str, **values) -> str:
    """The address of a page from the configured BASE_URL: a job has no request to take
    the host from."""
    base = urlsplit(current_app.config["PORTAL"].base_url)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def render(name: str, **context) -> str:
    """A plain-text e-mail from its template. Not ``render_template``: the page context
    processors read the request, and a job has none."""
    return current_app.jinja_env.get_template(name).render(**context)


def email(user: User, subject: str, body: str, dossier_id: int | None = None) -> None:
    db.session.add(OutboxMessage(dossier_id=dossier_id, channel="email", recipient=user.email,
                                 subject=subject[:300], body=body))


def opted_out(kind: MailingKind) -> set[int]:
    column = (StaffMailPreference.reminders if kind is MailingKind.REMINDER
              else StaffMailPreference.digests)
    return set(db.session.scalars(select(StaffMailPreference.user_id)
                                  .where(column.is_(False))))


def mailed(kind: MailingKind, day: date) -> set[int]:
    return set(db.session.scalars(select(StaffMailing.user_id).where(
        StaffMailing.kind == kind, StaffMailing.day == day)))


def mail_once(person: User, kind: MailingKind, day: date, now: datetime, subject: str,
              body: str) -> int:
    """The person's one mailing of this kind today, with its record; 0 if a concurrent run
    wrote it first."""
    try:
        with db.session.begin_nested():
            db.session.add(StaffMailing(user_id=person.id, kind=kind, day=day, sent_at=now))
            db.session.flush()
            email(person, subject, body)
    except IntegrityError:
        return 0
    return 1
