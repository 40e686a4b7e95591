"""What administrators do to accounts: find them, and the rules that protect the administrator.

Operations flush, never commit (STYLE.md); they build on ``accounts.operations``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import operations as ops
from portal.accounts.models import Role, RoleAssignment, User
from portal.core.i18n import lazy_text as _l
from portal.core.pagination import Page, paginate
from portal.core.text import search_terms
from portal.extensions import db


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    role: Role | None = None
    agency_id: int | None = None


def search_users(filters: UserFilter, page: int = 1, size: int = 25) -> Page:
    query = select(User)
    terms = search_terms(filters.q)
    if terms:
        for term in terms:  # every word must appear in the name or the e-mail
            query = query.where(or_(User.name_folded.contains(term, autoescape=True),
                                    func.lower(User.email).contains(term, autoescape=True)))
    if filters.role or filters.agency_id:
        holders = select(RoleAssignment.user_id)
        if filters.role:
            holders = holders.where(RoleAssignment.role == filters.role)
        if filters.agency_id:
            holders = holders.where(RoleAssignment.agency_id == filters.agency_id)
        query = query.where(User.id.in_(holders))
    # The list shows each user's roles: load them with the page, not one query per row.
    return paginate(query.order_by(User.full_name, User.id).options(selectinload(User.roles)),
                    page, size)


# --- changes ----------------------------------------------------------------------------------

def set_user_active(actor: User, user: User, active: bool) -> None:
    # Locking oneself out would leave nobody able to undo it from the same account.
    if not active and user.id == actor.id:
        raise ops.AccountError(_l("Bạn không thể tự khóa tài khoản của chính mình."))
    ops.set_active(user, active)
    db.session.flush()


def revoke_user_role(actor: User, user: User, assignment_id: int) -> None:
    assignment = next((r for r in user.roles if r.id == assignment_id), None)
    # Since no administrator can drop their own admin role, at least one always remains.
    if assignment is not None and user.id == actor.id and assignment.role is Role.ADMIN:
        raise ops.AccountError(_l("Bạn không thể tự thu hồi vai trò quản trị của chính mình."))
    ops.revoke_role(user, assignment_id)
    db.session.flush()


def reset_two_factor(user: User) -> None:
    """Forget the authenticator (lost phone): the user enrols a new one at the next login."""
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    user.security_stamp = (user.security_stamp or 0) + 1  # ends the sessions already open
    db.session.flush()
