from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.blueprints.auth import invitations, routes, work_mail  # noqa: E402,F401
