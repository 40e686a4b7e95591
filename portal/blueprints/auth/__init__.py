from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.blueprints.auth import (  # noqa: E402,F401
    channels,
    invitations,
    notifications,
    routes,
    work_mail,
)
