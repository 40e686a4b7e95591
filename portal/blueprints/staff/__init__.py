"""The staff area (/can-bo): officers' queues, the dossier workspace and its actions,
counter intake, and the official documents (issue #4). Routes and forms only: the rules
live in ``portal.workflow``."""

from flask import Blueprint, abort, current_app, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from portal.accounts import policy
from portal.blueprints.guards import guard_blueprint
from portal.dossiers.models import Dossier
from portal.workflow.queries import get_dossier_for_staff

bp = Blueprint("staff", __name__)
# Every /can-bo page is for officers (any agency role) and the centre's supervisor, signed in
# with their second factor; citizens get 403, anonymous visitors the login.
guard_blueprint(bp, policy.works_in_staff_area)


def get_dossier_or_404(dossier_id: int, *, own_agency: bool = False,
                       applicant: bool = False) -> Dossier:
    """The staff area's one dossier loader: a dossier this officer may see
    (``queries.get_dossier_for_staff``; with ``own_agency``, only of an agency they serve;
    with ``applicant``, the applicant's account too, for a route that acts), else 404 —
    another agency's dossier does not exist, as far as they know."""
    dossier = get_dossier_for_staff(current_user, dossier_id, own_agency=own_agency,
                                    applicant=applicant)
    if dossier is None:
        abort(404)
    return dossier


def optional_url(endpoint: str, **values) -> str | None:
    """A link to a page another part of the staff area provides, or None while it does not
    exist (the templates then show a plain note instead of a broken link)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.context_processor
def _helpers():
    return {"optional_url": optional_url}


from portal.blueprints.staff import documents, intake, queues, workspace  # noqa: E402,F401
