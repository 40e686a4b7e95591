"""An officer signs in to a counter at the start of a shift (/can-bo/quay), from a panel on
the staff dashboard: the counter's kiosk then shows them and rates them. Counter officers
only, at the counters of their own agencies."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts import policy
from portal.accounts.models import Role
from portal.blueprints.forms import EmptyForm
from portal.blueprints.guards import role_required
from portal.blueprints.satisfaction import bp
from portal.blueprints.satisfaction.forms import CounterForm
from portal.catalog.models import Counter
from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.extensions import db
from portal.feedback import kiosk


def counter_form() -> CounterForm:
    form = CounterForm()
    form.counter.choices = [SelectChoice(c.id, _counter_label(c))
                            for c in kiosk.counters_of(policy.counter_agency_ids(current_user))]
    return form


def _counter_label(counter: Counter) -> str:
    label = gettext("Quầy số %(n)s", n=counter.number)
    # The demo's counters are named "Quầy số N" already: no need to say it twice.
    return f"{label} – {counter.name}" if counter.name and counter.name != label else label


@bp.app_context_processor
def _counter_panel():
    # The staff dashboard's panel: the officer's counter now, or the form to sign in to one.
    def counter_panel() -> dict | None:
        if not (current_user.is_authenticated and policy.counter_agency_ids(current_user)):
            return None
        form = counter_form()
        shift = kiosk.shift_of(current_user)
        return {"shift": shift, "form": form, "end_form": EmptyForm(),
                "label": _counter_label(shift.counter) if shift else ""}

    return {"counter_panel": counter_panel}


@bp.post("/can-bo/quay")
@role_required(Role.COUNTER_OFFICER)
def sign_in_to_counter():
    form = counter_form()
    if not form.validate():
        flash(gettext("Vui lòng chọn quầy."), "error")
        return redirect(url_for("staff.dashboard"), 303)
    counter = db.session.get(Counter, form.counter.data)
    if counter is None:
        abort(404)
    with unit_of_work():
        kiosk.sign_in(current_user, counter, policy.counter_agency_ids(current_user), utcnow())
    flash(gettext("Bạn đã nhận ca tại %(counter)s.", counter=_counter_label(counter)),
          "success")
    return redirect(url_for("staff.dashboard"), 303)


@bp.post("/can-bo/quay/ket-thuc")
@role_required(Role.COUNTER_OFFICER)
def sign_out_of_counter():
    if not EmptyForm().validate():
        abort(400)
    with unit_of_work():
        kiosk.sign_out(current_user, utcnow())
    flash(gettext("Bạn đã kết thúc ca tại quầy."), "success")
    return redirect(url_for("staff.dashboard"), 303)
