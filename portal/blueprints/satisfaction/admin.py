"""Administrators pair the counters' kiosks (/quan-tri/kiosk): add one for a counter (its
pairing URL is shown once, never stored), list them, revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts import policy
from portal.blueprints.forms import EmptyForm
from portal.blueprints.satisfaction import bp
from portal.blueprints.satisfaction.forms import KioskForm
from portal.catalog.models import Counter
from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.extensions import db, login_manager
from portal.feedback import kiosk as kiosks
from portal.feedback.models import Kiosk


def _administrators_only() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not current_user.can_use_staff_area() or not policy.may_administer(current_user):
        abort(403)


def _form() -> KioskForm:
    form = KioskForm()
    form.counter.choices = [
        SelectChoice(c.id, f"{gettext('Quầy số %(n)s', n=c.number)} – {c.agency.name}")
        for c in kiosks.active_counters()]
    return form


def _page(form: KioskForm, pairing_url: str | None = None, status: int = 200):
    return render_template("satisfaction/kiosks.html", form=form, kiosks=kiosks.kiosks(),
                           pairing_url=pairing_url, revoke_form=EmptyForm()), status


@bp.get("/quan-tri/kiosk")
def kiosk_list():
    _administrators_only()
    return _page(_form())


@bp.post("/quan-tri/kiosk")
def add_kiosk():
    _administrators_only()
    form = _form()
    if not form.validate():
        return _page(form, status=422)
    counter = db.session.get(Counter, form.counter.data)
    with unit_of_work():
        _kiosk, token = kiosks.create_kiosk(counter, form.label.data or "", current_user,
                                            utcnow())
    # Shown once, on this answer only (no-store): the token's SHA-256 is all that is kept.
    return _page(_form(), url_for("satisfaction.pair_kiosk", token=token, _external=True))


@bp.post("/quan-tri/kiosk/<int:kiosk_id>/thu-hoi")
def revoke_kiosk(kiosk_id: int):
    _administrators_only()
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        abort(404)
    if not EmptyForm().validate():
        abort(400)
    with unit_of_work():
        kiosks.revoke(kiosk, utcnow())
    flash(gettext("Đã thu hồi thiết bị; trang đánh giá trên thiết bị đó không còn hoạt động."),
          "success")
    return redirect(url_for("satisfaction.kiosk_list"), 303)
