"""Citizens' and businesses' own dossiers: online submission, drafts, files, printing."""

from flask import Blueprint
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
    from portal.dossiers.files import ALLOWED_TYPES

    return {"upload_types": ALLOWED_TYPES, "upload_accept": ",".join(ALLOWED_TYPES)}


from portal.blueprints.citizen import printing, progress, routes, uploads  # noqa: E402,F401
