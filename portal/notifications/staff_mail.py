"""Which of the periodic jobs' mailings a staff member may receive, and their choice
(``StaffMailPreference``; no row: everything they may receive). Reminders are for officers
of an agency (they hold steps and answer consultations), digests for the dashboard's readers
(agency leaders and the centre's supervisor, ``policy.may_read_statistics``)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts import policy
from portal.accounts.models import User
from portal.extensions import db
from portal.notifications.jobs_models import StaffMailPreference


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
    """Record the choice; ``None`` leaves that one as it was. Flushes."""
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
