"""Server-side login sessions: one row per login, so that logging out really ends it.

Flask's session cookie is signed, not stored: before this, logging out only asked the browser
to forget it, and a copied cookie (or Flask-Login's one-year remember-me cookie) kept working
(issue 10, item 6). Now each login creates a `UserSession` row; both cookies carry only a
random token naming it (the row keeps its SHA-256, so a leaked table cannot be replayed).
A request is signed in while its row is not ended, not expired, and the account's security
stamp is the one the login saw (a password change or a deactivation bumps it and so ends every
session). The row lives in the database so every app server agrees.

Operations flush, never commit; `find` is the one query per signed-in request."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db

# last_seen_at is written at most this often: one UPDATE per session every few minutes, not
# one per request (the staff workspace is benchmarked); idle limits are judged to this grain.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta  # a session not remembered ends after this long without a request
    remembered: timedelta  # a remembered one ends this long after the login, like its cookie


class UserSession(db.Model):
    __tablename__ = "user_session"

    # SHA-256 (hex) of the token in the cookies; the token itself is never stored.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # User.security_stamp when the login happened: a later bump ends this session.
    security_stamp: Mapped[int] = mapped_column(Integer)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    # Made through the TOTP step. Staff sessions always are; a citizen's session is not, so
    # it ends if the account later gains a staff role (no password-only way into /can-bo).
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def expired(self, now: datetime, lifetimes: Lifetimes) -> bool:
        if self.remember:
            return self.created_at <= now - lifetimes.remembered
        return self.last_seen_at <= now - lifetimes.idle

    def touch_due(self, now: datetime) -> bool:
        return self.last_seen_at <= now - TOUCH_EVERY


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, remember: bool, second_factor: bool, lifetimes: Lifetimes) -> str:
    """A new session for `user`; returns the token for the cookies. Also forgets the user's
    sessions that are over, so the table holds about one row per device in use."""
    now = utcnow()
    remembered_over = UserSession.remember.is_(True) & (
        UserSession.created_at <= now - lifetimes.remembered)
    idle_over = UserSession.remember.is_(False) & (
        UserSession.last_seen_at <= now - lifetimes.idle)
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.ended_at.is_not(None), UserSession.security_stamp != user.security_stamp,
            remembered_over, idle_over)))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=_digest(token), user_id=user.id,
                               security_stamp=user.security_stamp, remember=remember,
                               second_factor=second_factor, created_at=now, last_seen_at=now))
    db.session.flush()
    return token


def find(token: str, lifetimes: Lifetimes) -> tuple[User, UserSession] | None:
    """The signed-in user and their session, or None if the session is over. One query: the
    session, the user and the user's roles (every page asks for them) by primary key."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id)
        .options(joinedload(User.roles))
        .where(UserSession.id == _digest(token), UserSession.ended_at.is_(None))
    ).unique().first()
    if row is None:
        return None
    record, user = row
    if (record.security_stamp != user.security_stamp or not user.active
            or record.expired(utcnow(), lifetimes)
            or (user.is_staff and not record.second_factor)):
        return None
    return user, record


def touch(record: UserSession, now: datetime) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == record.id)
                       .values(last_seen_at=now))


def end(token: str) -> None:
    """Ends the session the token names (logout); an unknown token changes nothing."""
    db.session.execute(update(UserSession)
                       .where(UserSession.id == _digest(token), UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def end_all(user: User) -> None:
    """Ends every session of the user ("log out everywhere")."""
    db.session.execute(update(UserSession)
                       .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))
