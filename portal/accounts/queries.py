"""Reading accounts."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db


def load_user(session_id: str) -> User | None:
    """The user whose password was checked and who is now at the TOTP step (the id carries
    the security stamp, see User.get_id). Signed-in users are loaded through their
    server-side session instead (blueprints/login_sessions.py)."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit() or not stamp.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.security_stamp != int(stamp):
        return None
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))
