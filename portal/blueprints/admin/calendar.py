"""Administration of the holiday calendar: the year's public days, overrides, a deadline check."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.blueprints.admin import bp
from portal.blueprints.admin.org_forms import DeadlineForm, OverrideForm
from portal.blueprints.forms import EmptyForm
from portal.calendar import VN_TZ, Duration, DurationUnit
from portal.calendar import overrides as ops
from portal.calendar.holidays_vn import WEEKDAY_VI
from portal.calendar.models import CalendarOverrideKind
from portal.core.frame import unit_of_work
from portal.core.htmx import htmx_redirect, is_partial_request
from portal.core.numbers import parse_int

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the span the holiday data is trusted for
# Vietnamese URL words for the two kinds of override.
KIND_SLUGS = {"ngay-nghi": CalendarOverrideKind.DAY_OFF,
              "ngay-lam-bu": CalendarOverrideKind.WORKING_DAY}


def _year(value: str | None) -> int:
    return parse_int(value, low=FIRST_YEAR, high=LAST_YEAR) or datetime.now(VN_TZ).year


def _kind_or_404(slug: str) -> CalendarOverrideKind:
    return KIND_SLUGS.get(slug) or abort(404)


def _deadline(form: DeadlineForm):
    """The engine's answer for the deadline-check box, or None if nothing was asked."""
    if "start_date" not in request.args or not form.validate():
        return None
    start = datetime.combine(form.start_date.data, form.start_time.data, VN_TZ)
    unit = DurationUnit(form.unit.data)
    amount = 0 if unit is DurationUnit.SAME_DAY else form.amount.data
    return ops.current_calendar().add(start, Duration(amount, unit), form.cutoff.data)


def _page(year: int, forms: dict | None = None):
    forms = forms or {}
    override_forms = {kind: forms.get(kind) or OverrideForm(formdata=None, prefix=kind.value)
                      for kind in CalendarOverrideKind}
    check = DeadlineForm(request.args)
    deadline = _deadline(check)
    failed = any(f.errors for f in override_forms.values()) or check.errors
    context = {"year": year, "view": ops.year_calendar(year), "forms": override_forms,
               "check": check, "deadline": deadline, "action_form": EmptyForm(),
               "first_year": FIRST_YEAR, "last_year": LAST_YEAR, "weekdays": WEEKDAY_VI,
               "slugs": {kind: slug for slug, kind in KIND_SLUGS.items()}}
    template = "admin/calendar/index.html"
    if is_partial_request() and request.method == "GET":
        template = "admin/calendar/_deadline.html"  # the only htmx GET on the page
    return render_template(template, **context), 422 if failed else 200


@bp.get("/lich")
def calendar():
    return _page(_year(request.args.get("year")))


@bp.post("/lich/<slug>")
def calendar_add(slug: str):
    kind_ = _kind_or_404(slug)
    form = OverrideForm(prefix=kind_.value)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                override = ops.add_override(form.day.data, kind_, form.note.data or "")
        except ops.OverrideError as error:
            form.day.errors = [*form.day.errors, str(error)]
        else:
            flash(_("Đã thêm %(kind)s %(day)s.", kind=_(kind_.label).lower(),
                    day=f"{override.day:%d/%m/%Y}"), "success")
            return htmx_redirect("admin.calendar", year=override.day.year)
    year = form.day.data.year if form.day.data else _year(None)
    return _page(year, {kind_: form})


@bp.post("/lich/dieu-chinh/<int:override_id>/xoa")
def calendar_remove(override_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            override = ops.remove_override(override_id)
    except ops.OverrideError:
        abort(404)
    flash(_("Đã xóa điều chỉnh ngày %(day)s.", day=f"{override.day:%d/%m/%Y}"), "success")
    return htmx_redirect("admin.calendar", year=override.day.year)
