"""Administration of the centre's organisation: agencies, their fields, and the counters."""

from __future__ import annotations

from flask import abort, flash, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.blueprints.admin import bp
from portal.blueprints.admin.org_forms import (
    AGENCY_KIND_LABELS,
    AgencyForm,
    CounterForm,
    FieldForm,
    FieldRenameForm,
    choices,
)
from portal.blueprints.forms import EmptyForm
from portal.catalog import org_operations as ops
from portal.catalog import org_queries as queries
from portal.catalog.models import Agency, AgencyKind, Counter, Field
from portal.core.frame import show_refusal, unit_of_work
from portal.core.htmx import htmx_redirect
from portal.extensions import db


def get_agency_or_404(agency_id: int) -> Agency:
    return db.session.get(Agency, agency_id) or abort(404)


def get_field_or_404(agency: Agency, field_id: int) -> Field:
    field = db.session.get(Field, field_id)
    if field is None or field.agency_id != agency.id:
        abort(404)
    return field


def get_counter_or_404(counter_id: int) -> Counter:
    return db.session.get(Counter, counter_id) or abort(404)


def _agency_data(form: AgencyForm) -> ops.AgencyData:
    return ops.AgencyData(code=form.code.data, unit_code=form.unit_code.data,
                          name=form.name.data, name_en=form.name_en.data or "",
                          kind=AgencyKind(form.kind.data), position=form.position.data,
                          active=form.active.data)


def _status(form) -> int:
    return 422 if form.errors else 200


# --- agencies ---------------------------------------------------------------------------------

@bp.get("/co-quan")
def agencies():
    return render_template("admin/agencies/list.html", rows=queries.agency_rows(),
                           kinds=AGENCY_KIND_LABELS)


@bp.route("/co-quan/moi", methods=["GET", "POST"])
def agency_new():
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                agency = ops.create_agency(_agency_data(form))
        except ops.OrganisationError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã thêm cơ quan %(agency)s. Hãy thêm các lĩnh vực của cơ quan.",
                    agency=agency.name), "success")
            return htmx_redirect("admin.agency_edit", agency_id=agency.id)
    return render_template("admin/agencies/new.html", form=form), _status(form)


def _agency_page(agency: Agency, form=None, field_form=None) -> tuple[str, int]:
    form = form or AgencyForm(obj=agency, formdata=None)
    field_form = field_form or FieldForm(formdata=None, prefix="field")
    status = 422 if form.errors or field_form.errors else 200
    return render_template("admin/agencies/edit.html", agency=agency, form=form,
                           field_form=field_form, kinds=AGENCY_KIND_LABELS,
                           action_form=EmptyForm()), status


@bp.route("/co-quan/<int:agency_id>", methods=["GET", "POST"])
def agency_edit(agency_id: int):
    agency = get_agency_or_404(agency_id)
    form = AgencyForm(obj=agency)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.update_agency(agency, _agency_data(form))
        except ops.OrganisationError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã lưu thông tin cơ quan %(agency)s.", agency=agency.name), "success")
            return htmx_redirect("admin.agency_edit", agency_id=agency.id)
    return _agency_page(agency, form=form)


# --- fields -----------------------------------------------------------------------------------

@bp.post("/co-quan/<int:agency_id>/linh-vuc")
def field_add(agency_id: int):
    agency = get_agency_or_404(agency_id)
    form = FieldForm(prefix="field")  # the agency form on the same page also has code/name
    if form.validate_on_submit():
        try:
            with unit_of_work():
                field = ops.add_field(agency, form.code.data, form.name.data)
        except ops.OrganisationError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã thêm lĩnh vực %(field)s.", field=field.name), "success")
            return htmx_redirect("admin.agency_edit", agency_id=agency.id)
    return _agency_page(agency, field_form=form)


@bp.route("/co-quan/<int:agency_id>/linh-vuc/<int:field_id>", methods=["GET", "POST"])
def field_edit(agency_id: int, field_id: int):
    agency = get_agency_or_404(agency_id)
    field = get_field_or_404(agency, field_id)
    form = FieldRenameForm(obj=field)
    if form.validate_on_submit():
        with unit_of_work():
            ops.rename_field(field, form.name.data)
        flash(_("Đã đổi tên lĩnh vực thành %(field)s.", field=field.name), "success")
        return htmx_redirect("admin.agency_edit", agency_id=agency.id)
    return render_template("admin/agencies/field.html", agency=agency, field=field,
                           form=form), _status(form)


@bp.post("/co-quan/<int:agency_id>/linh-vuc/<int:field_id>/xoa")
def field_delete(agency_id: int, field_id: int) -> Response:
    agency = get_agency_or_404(agency_id)
    field = get_field_or_404(agency, field_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = field.name
    try:
        with unit_of_work():
            ops.delete_field(field)
    except ops.OrganisationError as error:
        flash(str(error), "error")
    else:
        flash(_("Đã xóa lĩnh vực %(field)s.", field=name), "success")
    return htmx_redirect("admin.agency_edit", agency_id=agency.id)


# --- counters ---------------------------------------------------------------------------------

def _counter_form(**kwargs) -> CounterForm:
    form = CounterForm(**kwargs)
    form.agency_id.choices = choices([("", _("— Chọn cơ quan —")),
                                      *((a.id, a.name) for a in queries.all_agencies())])
    return form


def _counter_data(form: CounterForm) -> ops.CounterData:
    return ops.CounterData(number=form.number.data, agency_id=form.agency_id.data,
                           name=form.name.data or "", active=form.active.data)


@bp.route("/quay", methods=["GET", "POST"])
def counters():
    form = _counter_form()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                counter = ops.add_counter(_counter_data(form))
        except ops.OrganisationError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã thêm quầy số %(number)s (%(agency)s).", number=counter.number,
                    agency=counter.agency.name), "success")
            return htmx_redirect("admin.counters")
    return render_template("admin/agencies/counters.html", form=form,
                           counters=queries.all_counters(),
                           action_form=EmptyForm()), _status(form)


@bp.route("/quay/<int:counter_id>", methods=["GET", "POST"])
def counter_edit(counter_id: int):
    counter = get_counter_or_404(counter_id)
    form = _counter_form(obj=counter)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.update_counter(counter, _counter_data(form))
        except ops.OrganisationError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã lưu quầy số %(number)s.", number=counter.number), "success")
            return htmx_redirect("admin.counters")
    return render_template("admin/agencies/counter.html", counter=counter,
                           form=form), _status(form)


@bp.post("/quay/<int:counter_id>/xoa")
def counter_delete(counter_id: int) -> Response:
    counter = get_counter_or_404(counter_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    number = counter.number
    with unit_of_work():
        ops.delete_counter(counter)
    flash(_("Đã xóa quầy số %(number)s.", number=number), "success")
    return htmx_redirect("admin.counters")
