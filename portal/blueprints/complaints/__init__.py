"""Feedback and complaints (*phản ánh, kiến nghị*, issue 16): the public pages (``bp``,
/phan-anh: submit, confirmation, lookup with the settled question, the published answers,
a signed-in citizen's own items) and the staff's (``staff_bp``, /can-bo/phan-anh: the list,
recording an item from the counter or the hotline, routing, answering, publishing, the
figures). Routes and forms only: the rules live in ``portal.feedback.complaints``."""

from flask import Blueprint

from portal.blueprints.guards import guard_blueprint
from portal.feedback.complaints.queries import may_handle

bp = Blueprint("complaints", __name__)
staff_bp = Blueprint("complaints_staff", __name__)
# The supervisor (every item) and agency officers (their agency's items), signed in with
# their second factor; anyone else signed in gets 403, anonymous visitors the login.
guard_blueprint(staff_bp, may_handle)

from portal.blueprints.complaints import public, staff  # noqa: E402,F401
