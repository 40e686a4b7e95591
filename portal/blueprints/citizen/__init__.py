"""Citizens' and businesses' own dossiers: online submission, drafts, files, printing."""

from flask import Blueprint, current_app
from flask_login import current_user

from portal.extensions import login_manager

bp = Blueprint("citizen", __name__)


@bp.before_request
def _login_required():
    # Every /ho-so route is personal: anonymous visitors go to the login page first.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.context_processor
def _upload_settings():
    from portal.blueprints.forms import upload_settings

    return upload_settings(current_app.config)


from portal.blueprints.citizen import (  # noqa: E402,F401
    printing,
    progress,
    routes,
    shipments,
    uploads,
)
