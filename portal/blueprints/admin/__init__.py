from flask import Blueprint

bp = Blueprint("admin", __name__)

# One module per area of administration; each adds its routes to this blueprint.
from portal.blueprints.admin import (  # noqa: E402,F401
    calendar,
    catalog_io,
    organisation,
    procedure_files,
    procedures,
    routes,
    users,
)
