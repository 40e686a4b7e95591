"""The staff's choice of the periodic jobs' e-mails (issue 13): the reminders and the daily
digest can be turned off on "Tài khoản của tôi". The form is part of the profile page
(``auth/_work_mail.html``); only the choices the person may receive are shown and saved."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import WorkMailForm
from portal.core.frame import unit_of_work
from portal.notifications import staff_mail


def work_mail_form() -> tuple[WorkMailForm, staff_mail.Choices] | None:
    """The form filled with the person's choices, or None for whom none applies."""
    choices = staff_mail.choices_of(current_user)
    if not choices.any:
        return None
    return WorkMailForm(data={"reminders": choices.reminders,
                              "digests": choices.digests}), choices


@bp.app_context_processor
def _work_mail():
    return {"work_mail_form": work_mail_form}


@bp.post("/thu-cong-viec")
@login_required
def work_mail():
    if not staff_mail.choices_of(current_user).any:
        abort(404)
    form = WorkMailForm()
    if not form.validate_on_submit():  # only the CSRF token can fail
        abort(400)
    with unit_of_work():
        staff_mail.choose(current_user, reminders=form.reminders.data,
                          digests=form.digests.data)
    flash(_("Đã lưu lựa chọn nhận thư công việc."), "success")
    return redirect(url_for("auth.profile", _anchor="work-mail-title"), 303)
