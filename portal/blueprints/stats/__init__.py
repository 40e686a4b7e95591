"""Statistics and monitoring (/thong-ke, issue #5): the statistics table in two layouts with
the dossiers behind every number and exports, charts, the annual figures, and the centre's
monitoring dashboard. Routes only: the definitions live in ``portal.stats``."""

from flask import Blueprint

from portal.accounts import policy
from portal.blueprints.guards import guard_blueprint

bp = Blueprint("stats", __name__)
# The centre's supervisor (every agency) and agency leaders (their own), signed in with their
# second factor; anyone else signed in gets 403, anonymous visitors the login.
guard_blueprint(bp, policy.may_read_statistics)

from portal.blueprints.stats import (  # noqa: E402,F401
    monitoring,
    online_payment,
    pages,
    postal,
)
