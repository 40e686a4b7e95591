from flask import Blueprint

from portal.accounts import policy
from portal.blueprints.guards import guard_blueprint

bp = Blueprint("admin", __name__)
# Every /quan-tri page is for administrators, signed in with their second factor.
guard_blueprint(bp, policy.may_administer)

# One module per area of administration; each adds its routes to this blueprint.
from portal.blueprints.admin import (  # noqa: E402,F401
    calendar,
    catalog_io,
    deliveries,
    messages,
    organisation,
    postage,
    procedure_files,
    procedures,
    routes,
    users,
)
