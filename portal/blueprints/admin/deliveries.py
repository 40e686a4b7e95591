"""The delivery log: every outbox message with its state, attempts and last error; a failed
one can be sent again, a pending one cancelled (docs/messages.md)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.blueprints.admin import bp
from portal.blueprints.forms import EmptyForm
from portal.core.frame import unit_of_work
from portal.core.pagination import page_number
from portal.extensions import db
from portal.notifications import delivery, queries
from portal.notifications.models import CHANNELS, OutboxMessage, OutboxState

PAGE_SIZE = 50


def _filters() -> dict[str, str]:
    """The list's filters as they stay in its links: known values only."""
    state, channel = request.args.get("state", ""), request.args.get("channel", "")
    return {k: v for k, v in (("state", state if state in OutboxState.ALL else ""),
                              ("channel", channel if channel in CHANNELS else "")) if v}


@bp.get("/nhat-ky-gui-tin")
def deliveries():
    filters = _filters()
    page = queries.delivery_log(filters.get("state"), filters.get("channel"),
                                page_number(request.args.get("page")), PAGE_SIZE)
    return render_template("admin/deliveries.html", page=page, filters=filters,
                           states=queries.STATE_LABELS, channels=queries.CHANNEL_LABELS,
                           form=EmptyForm())


def _change(message_id: int, change, done: str, refused: str) -> Response:
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        changed = change(message_id)
    flash(done % {"id": message_id} if changed else refused % {"id": message_id},
          "success" if changed else "error")
    return redirect(url_for("admin.deliveries", **_filters()), 303)


@bp.post("/nhat-ky-gui-tin/<int:message_id>/gui-lai")
def delivery_retry(message_id: int) -> Response:
    return _change(message_id, delivery.retry,
                   _("Đã đưa tin nhắn số %(id)s vào hàng đợi để gửi lại."),
                   _("Không gửi lại được tin nhắn số %(id)s: chỉ gửi lại tin nhắn gửi lỗi "
                     "hoặc đã hủy."))


@bp.post("/nhat-ky-gui-tin/<int:message_id>/huy")
def delivery_cancel(message_id: int) -> Response:
    return _change(message_id, delivery.cancel, _("Đã hủy tin nhắn số %(id)s."),
                   _("Không hủy được tin nhắn số %(id)s: tin nhắn không còn chờ gửi."))
