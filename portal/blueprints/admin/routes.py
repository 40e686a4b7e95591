"""Administration home."""

from __future__ import annotations

from flask import current_app, render_template

from portal.blueprints.admin import bp


@bp.get("/")
def index():
    endpoints = set(current_app.view_functions)
    return render_template("admin/index.html", endpoints=endpoints)
