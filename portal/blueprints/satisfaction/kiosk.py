"""The counter kiosk (/kiosk/<counter>): a paired tablet's full-screen page that shows the
officer now serving at its counter and takes one anonymous rating at a time.

The tablet proves itself with its device token, a cookie scoped to its own kiosk's path
(``/kiosk/<counter>``: the browser sends it nowhere else), HttpOnly and SameSite=Strict. That
cookie is no login: it opens this page, its status and its rating POST, for that counter only
(another counter's page is 403); every other page treats the tablet as anonymous.

The rating POST is exempt from the CSRF token — a page left open all day would outlive the
token, and ratings queued during a network loss are sent later — and is protected instead by
the SameSite=Strict cookie (a cross-site form never carries it), a same-origin check of the
``Origin`` header when the browser sends one, and by what it can do: add one rating of the
officer the kiosk itself showed."""

from __future__ import annotations

import uuid

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from portal.blueprints.satisfaction import bp
from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.extensions import csrf
from portal.feedback import kiosk as kiosks
from portal.feedback.models import Overall

COOKIE = "kiosk_device"
COOKIE_AGE = 5 * 365 * 24 * 3600  # a tablet stays paired until revoked


def _kiosk_or_403(counter_id: int):
    found = kiosks.kiosk_for(request.cookies.get(COOKIE), counter_id)
    if found is None:
        abort(403)
    return found


def _serving(counter_id: int) -> dict:
    now = kiosks.serving(counter_id)
    return {"shift": now[0].id if now else None, "officer": now[1] if now else None}


@bp.get("/kiosk/ghep/<token>")
def pair_kiosk(token: str):
    """The pairing URL, opened once on the tablet: it spends the pairing token, puts the
    device token in the tablet's cookie and opens the kiosk page."""
    with unit_of_work():
        found = kiosks.pair(token[:100], utcnow())
    if found is None:
        abort(410)
    kiosk, device_token = found
    response = redirect(url_for("satisfaction.kiosk_page", counter_id=kiosk.counter_id), 303)
    response.set_cookie(COOKIE, device_token, max_age=COOKIE_AGE,
                        path=url_for("satisfaction.kiosk_page", counter_id=kiosk.counter_id),
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                        httponly=True, samesite="Strict")
    return response


@bp.get("/kiosk/<int:counter_id>")
def kiosk_page(counter_id: int):
    _kiosk_or_403(counter_id)
    counter, agency = kiosks.counter_with_agency(counter_id)
    response = make_response(render_template(
        "satisfaction/kiosk.html", counter=counter, agency=agency, overall=list(Overall),
        fresh_uuid=str(uuid.uuid4()), **_serving(counter_id)))
    return response


@bp.get("/kiosk/<int:counter_id>/trang-thai")
def kiosk_status(counter_id: int):
    """Who serves now (the page asks every minute and after each rating)."""
    _kiosk_or_403(counter_id)
    return jsonify(_serving(counter_id))


@bp.post("/kiosk/<int:counter_id>/danh-gia")
@csrf.exempt
def kiosk_rate(counter_id: int):
    kiosk = _kiosk_or_403(counter_id)
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        abort(403)
    rating_uuid = kiosks.valid_uuid(request.form.get("uuid", ""))
    shift_id = request.form.get("shift", "")
    try:
        overall = Overall(request.form.get("overall", ""))
    except ValueError:
        overall = None
    if rating_uuid is None or overall is None or not shift_id.isdigit() or len(shift_id) > 9:
        return jsonify({"ok": False, "error": "invalid"}), 422
    try:
        with unit_of_work():
            stored = kiosks.record(kiosk, rating_uuid, overall, int(shift_id), utcnow())
    except kiosks.KioskError as error:
        return jsonify({"ok": False, "error": str(error)}), 409
    if request.accept_mimetypes.best == "application/json" or request.headers.get("X-Kiosk"):
        return jsonify({"ok": True, "stored": stored, **_serving(counter_id)})
    return redirect(url_for("satisfaction.kiosk_page", counter_id=counter_id, cam_on=1), 303)
