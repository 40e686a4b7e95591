"""Statistics and monitoring (/thong-ke, issue #5): the statistics table in two layouts with
the dossiers behind every number and exports, charts, the annual figures, and the centre's
monitoring dashboard. Routes only: the definitions live in ``portal.stats``."""

from flask import Blueprint, abort
from flask_login import current_user

from portal.extensions import login_manager

bp = Blueprint("stats", __name__)


@bp.before_request
def _readers_only():
    # The centre's supervisor (every agency) and agency leaders (their own), signed in with
    # their second factor; anyone else signed in gets 403, anonymous visitors the login.
    from portal.accounts.policy import may_read_statistics

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.can_use_staff_area() or not may_read_statistics(current_user):
        abort(403)
    return None


from portal.blueprints.stats import monitoring, pages  # noqa: E402,F401
