"""Inviting a member into an organisation by e-mail (issue 18).

Before, a manager could add only someone who already had an account. Now the manager sends an
invitation to an e-mail address; its link, valid ``VALID_FOR``, lets the person create an
account (or sign in to the one they have with that address) and join. The link is single-use:
accepting claims the row with a conditional UPDATE, so two tabs cannot both use it. The manager
sees pending invitations, can revoke one, or resend it (a new link; the old one stops working).

Operations flush, never commit; the route commits once and then sends the mail
(``accounts.mail.send_invitation``)."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.accounts import operations as ops
from portal.accounts.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    User,
)
from portal.accounts.queries import user_by_email
from portal.core import throttle
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Forbidden
from portal.extensions import db

VALID_FOR = timedelta(days=7)
# Mails a manager may send (invitations and resends) per organisation and hour: enough for
# a company signing up its staff, too few to use the portal to flood someone's mailbox.
MAILS_PER_HOUR = 20


class Problem(enum.Enum):
    """Why a link does not work, each told to the person in its own words."""

    UNKNOWN = "unknown"  # no such token: mistyped, cut, tampered with, or replaced by a resend
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Lookup:
    invitation: OrganisationInvitation | None
    problem: Problem | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: OrganisationInvitation, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + VALID_FOR
    return token


def _count_mail(organisation: Organisation) -> None:
    policy = throttle.Policy(limit=MAILS_PER_HOUR, window=timedelta(hours=1))
    decision = throttle.attempt(throttle.make_key("invite:organisation", str(organisation.id)),
                                policy)
    if not decision.allowed:
        raise throttle.Throttled(decision)


def invite(organisation: Organisation, email: str, by: User,
           now: datetime) -> tuple[OrganisationInvitation, str]:
    """A new pending invitation and the token of its link (shown only in the mail). Raises
    ``throttle.Throttled`` past ``MAILS_PER_HOUR``."""
    email = email.strip().lower()
    if any(m.user.email == email for m in organisation.members):
        raise ops.AccountError(_l("Người có e-mail này đã là thành viên của tổ chức."), "email")
    if any(i.email == email and i.is_pending(now) for i in pending(organisation)):
        raise ops.AccountError(_l("Đã có lời mời đang chờ gửi tới e-mail này. Nếu người được "
                                  "mời chưa nhận được thư, hãy bấm “Gửi lại” trong danh sách "
                                  "lời mời."), "email")
    _count_mail(organisation)
    invitation = OrganisationInvitation(organisation=organisation, email=email, invited_by=by)
    token = _new_token(invitation, now)
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def pending(organisation: Organisation) -> list[OrganisationInvitation]:
    """Invitations not accepted nor revoked, newest first — expired ones too, which the
    manager may resend (the page marks them)."""
    return list(db.session.scalars(
        select(OrganisationInvitation)
        .where(OrganisationInvitation.organisation_id == organisation.id,
               OrganisationInvitation.accepted_at.is_(None),
               OrganisationInvitation.revoked_at.is_(None))
        .order_by(OrganisationInvitation.sent_at.desc(), OrganisationInvitation.id.desc())))


def invitation_of(organisation: Organisation, invitation_id: int) -> OrganisationInvitation | None:
    """The organisation's own invitation of that id, else None (the route's 404)."""
    return db.session.scalar(select(OrganisationInvitation).where(
        OrganisationInvitation.id == invitation_id,
        OrganisationInvitation.organisation_id == organisation.id))


def _still_open(invitation: OrganisationInvitation) -> None:
    if invitation.accepted_at is not None:
        raise ops.AccountError(_l("Lời mời này đã được chấp nhận."))
    if invitation.revoked_at is not None:
        raise ops.AccountError(_l("Lời mời này đã bị thu hồi."))


def resend(invitation: OrganisationInvitation, now: datetime) -> str:
    """A new link (and seven more days); the one sent before stops working."""
    _still_open(invitation)
    _count_mail(invitation.organisation)
    return _new_token(invitation, now)


def revoke(invitation: OrganisationInvitation, now: datetime) -> None:
    _still_open(invitation)
    invitation.revoked_at = now


def find(token: str, now: datetime) -> Lookup:
    invitation = db.session.scalar(select(OrganisationInvitation).where(
        OrganisationInvitation.token_hash == _hash(token)))
    if invitation is None:
        return Lookup(None, Problem.UNKNOWN)
    if invitation.accepted_at is not None:
        return Lookup(invitation, Problem.USED)
    if invitation.revoked_at is not None:
        return Lookup(invitation, Problem.REVOKED)
    if now >= invitation.expires_at:
        return Lookup(invitation, Problem.EXPIRED)
    return Lookup(invitation)


def account_exists(invitation: OrganisationInvitation) -> bool:
    return user_by_email(invitation.email) is not None


def _claim(invitation: OrganisationInvitation, now: datetime) -> None:
    """Mark the invitation used, once: of two requests at the same moment, the second waits
    for the first's row lock and then matches nothing. Done before anything else is written,
    so the loser is refused cleanly instead of colliding on the new account's e-mail."""
    claimed = db.session.execute(
        update(OrganisationInvitation)
        .where(OrganisationInvitation.id == invitation.id,
               OrganisationInvitation.accepted_at.is_(None),
               OrganisationInvitation.revoked_at.is_(None),
               OrganisationInvitation.expires_at > now)
        .values(accepted_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ops.AccountError(_l("Lời mời này không còn dùng được (đã dùng, đã bị thu hồi "
                                  "hoặc đã hết hạn)."))
    db.session.refresh(invitation)


def _join(invitation: OrganisationInvitation, user: User) -> None:
    invitation.accepted_by_id = user.id
    organisation = invitation.organisation
    if not any(m.user_id == user.id for m in organisation.members):
        organisation.members.append(OrganisationMember(user=user, is_owner=False))
    db.session.flush()


def accept(invitation: OrganisationInvitation, user: User, now: datetime) -> None:
    """``user`` (signed in with the invited address) joins. Refused for another account
    (``Forbidden``) and for a staff account (staff do not file dossiers)."""
    if user.email != invitation.email:
        raise Forbidden(_l("Lời mời này gửi tới một địa chỉ e-mail khác với tài khoản bạn đang "
                           "đăng nhập. Hãy đăng xuất rồi mở lại đường dẫn trong thư, hoặc đề "
                           "nghị người quản lý gửi lời mời tới e-mail của tài khoản này."))
    if user.is_staff:
        raise ops.AccountError(_l("Tài khoản cán bộ không thể là thành viên của tổ chức, doanh "
                                  "nghiệp. Hãy dùng một tài khoản công dân."))
    _claim(invitation, now)
    _join(invitation, user)


def register_and_accept(invitation: OrganisationInvitation, data: ops.Registration,
                        now: datetime) -> User:
    """A new citizen account for the invited address, which joins at once. The address is
    the invitation's whatever the form says: opening the mailed link proved it."""
    if account_exists(invitation):
        raise ops.AccountError(_l("E-mail này đã có tài khoản. Hãy đăng nhập để tham gia tổ "
                                  "chức."))
    _claim(invitation, now)
    user = ops.register(replace(data, email=invitation.email, organisation_name="",
                                tax_code="", organisation_address=""))
    _join(invitation, user)
    return user
