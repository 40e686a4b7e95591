"""The notification centre (issue 13): the bell's count on every page, the list of one's
messages, one message (reading it marks it read), mark read / all read. A person reaches
only their own messages: another's id is a 404 (``inbox.get_own``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from portal.blueprints.auth import bp
from portal.blueprints.forms import EmptyForm
from portal.core.frame import unit_of_work
from portal.core.pagination import page_number
from portal.notifications import inbox


@bp.app_context_processor
def _bell():
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return inbox.unread_count(current_user.id)
        except SQLAlchemyError:  # an error page must still render; the bell shows no count
            return 0
    return {"unread_notifications": unread_notifications}


def _own_or_404(notification_id: int) -> inbox.Notification:
    return inbox.get_own(current_user.id, notification_id) or abort(404)


@bp.get("/thong-bao")
@login_required
def notifications():
    page = inbox.page_of(current_user.id, page_number(request.args.get("page")))
    return render_template("auth/notifications.html", page=page, form=EmptyForm())


@bp.get("/thong-bao/<int:notification_id>")
@login_required
def notification(notification_id: int):
    item = _own_or_404(notification_id)
    with unit_of_work():
        inbox.mark_read(item)
    return render_template("auth/notification.html", item=item, form=EmptyForm())


@bp.post("/thong-bao/<int:notification_id>/da-doc")
@login_required
def notification_read(notification_id: int):
    item = _own_or_404(notification_id)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            inbox.mark_read(item)
    return redirect(url_for("auth.notifications", page=request.args.get("page")), 303)


@bp.post("/thong-bao/da-doc-tat-ca")
@login_required
def notifications_all_read():
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            inbox.mark_all_read(current_user.id)
        flash(_("Đã đánh dấu mọi thông báo là đã đọc."), "success")
    return redirect(url_for("auth.notifications"), 303)
