"""Administration: catalog, agencies, counters, users and roles, holiday calendar."""

from __future__ import annotations

from flask import render_template

from portal.blueprints.admin import bp
from portal.blueprints.guards import admin_required


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")
