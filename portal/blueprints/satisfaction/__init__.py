"""Satisfaction (issue 16): rating a finished dossier online (/ho-so/<id>/danh-gia), officers
signing in to a counter (/can-bo/quay), the counter kiosk (/kiosk/<counter>), its pairing by
administrators (/quan-tri/kiosk) and the satisfaction figures (/thong-ke/hai-long). Routes
only: the rules live in ``portal.feedback``. Each route names its own guard: the blueprint
spans the citizen, staff, kiosk and statistics audiences."""

from flask import Blueprint

bp = Blueprint("satisfaction", __name__)

from portal.blueprints.satisfaction import (  # noqa: E402,F401
    admin,
    counter,
    figures,
    kiosk,
    online,
)
