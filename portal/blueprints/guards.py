"""Route guards shared by the staff and admin blueprints."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from portal.accounts.models import Role


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


admin_required = role_required(Role.ADMIN)
