from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.blueprints.auth import channels, notifications, routes  # noqa: E402,F401
