"""What administrators do to accounts: find them, and the rules that protect the administrator.

Operations flush, never commit (STYLE.md); they build on ``accounts.operations``."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from portal.accounts import operations as ops
from portal.accounts.models import Role, RoleAssignment, User
from portal.core.pagination import Page, paginate
from portal.core.text import fold, search_terms
from portal.extensions import db


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    role: Role | None = None
    agency_id: int | None = None


# --- accent-insensitive name search in SQL ----------------------------------------------------

def _fold_table() -> tuple[str, str, str]:
    """(accented letters, their folded letters, combining marks to drop), both letter cases.

    Names are stored as typed, so the fold of core.text must be redone in SQL; the user
    table has no folded column and PostgreSQL's lower() under the C locale is ASCII-only."""
    marks = "\u0300\u0301\u0303\u0309\u0323"
    accented, plain = [], []
    for base in "aăâeêioôơuưy":
        for mark in ("", *marks):
            for letter in {unicodedata.normalize("NFC", base + mark),
                           unicodedata.normalize("NFC", (base + mark).upper())}:
                if not letter.isascii():
                    accented.append(letter)
                    plain.append(fold(letter))
    accented += ["đ", "Đ"]
    plain += ["d", "d"]
    # Decomposed (NFD) input keeps its base letters once these marks are removed.
    return "".join(accented), "".join(plain), marks + "\u0302\u0306\u031b"


_ACCENTED, _PLAIN, _MARKS = _fold_table()


def _folded_name() -> ColumnElement:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # translate() drops the characters of its second argument that have no counterpart.
        return func.lower(func.translate(User.full_name, _ACCENTED + _MARKS, _PLAIN))
    # SQLite (the embedded default) has no Unicode folding, and 140 nested replace() calls
    # overflow its parser: lend it core.text.fold on the connection this query will use.
    connection.connection.driver_connection.create_function(
        "portal_fold", 1, fold, deterministic=True)
    return func.portal_fold(User.full_name)


def search_users(filters: UserFilter, page: int = 1, size: int = 25) -> Page:
    query = select(User)
    terms = search_terms(filters.q)
    if terms:
        name = _folded_name()
        for term in terms:  # every word must appear in the name or the e-mail
            query = query.where(or_(name.contains(term, autoescape=True),
                                    func.lower(User.email).contains(term, autoescape=True)))
    if filters.role or filters.agency_id:
        holders = select(RoleAssignment.user_id)
        if filters.role:
            holders = holders.where(RoleAssignment.role == filters.role)
        if filters.agency_id:
            holders = holders.where(RoleAssignment.agency_id == filters.agency_id)
        query = query.where(User.id.in_(holders))
    return paginate(query.order_by(User.full_name, User.id), page, size)


# --- changes ----------------------------------------------------------------------------------

def set_user_active(actor: User, user: User, active: bool) -> None:
    # Locking oneself out would leave nobody able to undo it from the same account.
    if not active and user.id == actor.id:
        raise ops.AccountError("Bạn không thể tự khóa tài khoản của chính mình.")
    ops.set_active(user, active)
    db.session.flush()


def revoke_user_role(actor: User, user: User, assignment_id: int) -> None:
    assignment = next((r for r in user.roles if r.id == assignment_id), None)
    # Since no administrator can drop their own admin role, at least one always remains.
    if assignment is not None and user.id == actor.id and assignment.role is Role.ADMIN:
        raise ops.AccountError("Bạn không thể tự thu hồi vai trò quản trị của chính mình.")
    ops.revoke_role(user, assignment_id)
    db.session.flush()


def reset_two_factor(user: User) -> None:
    """Forget the authenticator (lost phone): the user enrols a new one at the next login."""
    user.totp_secret = None
    user.totp_enabled = False
    user.security_stamp = (user.security_stamp or 0) + 1  # ends the sessions already open
    db.session.flush()
