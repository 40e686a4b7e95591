"""Route guards shared by the staff, statistics and admin blueprints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required

from portal.accounts.models import Role
from portal.extensions import login_manager


def guard_blueprint(bp: Blueprint, may_enter: Callable[[Any], bool]) -> None:
    """Guard every route of ``bp`` once, before any of its views: anonymous visitors get the
    login, a user without the second factor or whom ``may_enter`` (an ``accounts.policy``
    question) refuses gets 403."""

    @bp.before_request
    def _guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.can_use_staff_area() or not may_enter(current_user):
            abort(403)
        return None


def require_role(*roles: Role) -> None:
    """Abort unless the user is logged in (401), with the second factor done and one of the
    roles (any agency; 403). What role_required checks, as a call: the upload guard runs it
    before a body is read (portal/core/uploads.py)."""
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.can_use_staff_area():
        abort(403)
    if not any(current_user.has_role(role) for role in roles):
        abort(403)


def role_required(*roles: Role):
    """Logged in, second factor done, and holding one of the roles (any agency)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator

