"""The staff's feedback pages (/can-bo/phan-anh): the list (also the figures' drill-down),
recording an item received in person or on the hotline, one item with the actions the
reader may take (route: the supervisor; answer: the agency it was routed to; publish: the
supervisor), attachments, the figures and their XLSX."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.blueprints.complaints import staff_bp as bp
from portal.blueprints.complaints.forms import AnswerForm, PublishForm, RecordForm, RouteForm
from portal.blueprints.complaints.public import data_from
from portal.blueprints.downloads import stream_stored
from portal.calendar.overrides import current_calendar
from portal.catalog.queries import active_agencies
from portal.core.frame import refused, unit_of_work
from portal.core.htmx import render_page_or_partial
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.dossiers.files import name_for_type
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints import queries
from portal.feedback.complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintState,
    ComplaintTopic,
    Timeliness,
)
from portal.stats.figures import Period
from portal.workflow.appointments import apology_owed

LIST_SIZE = 30


def _enum_arg(name: str, enum):
    value = request.args.get(name, "")
    return enum(value) if value in enum._value2member_map_ else None


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def _period() -> Period:
    """?tu=&den= (ISO dates), by default this year to today."""
    today = utcnow().date()
    start, end = _day("tu") or date(today.year, 1, 1), _day("den") or today
    return Period(start, end) if end >= start else Period(start, start)


def _filter() -> tuple[queries.StaffFilter, dict]:
    wanted = queries.StaffFilter(
        state=_enum_arg("trang_thai", ComplaintState), topic=_enum_arg("chu_de", ComplaintTopic),
        timeliness=_enum_arg("thoi_han", Timeliness),
        agency_id=parse_int(request.args.get("co_quan", "")),
        unrouted=request.args.get("chua_chuyen") == "1",
        start=_period().start_at if request.args.get("tu") else None,
        end=_period().end_at if request.args.get("den") else None)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return wanted, args


def get_item_or_404(feedback_id: int) -> Complaint:
    """The item if the reader may see it (the supervisor: any; officers: their agency's)."""
    item = queries.get_for_staff(feedback_id, current_user)
    if item is None:
        abort(404)
    return item


@bp.get("/")
def items():
    wanted, args = _filter()
    page = queries.staff_page(current_user, wanted, utcnow(),
                              page_number(request.args.get("page")), LIST_SIZE)
    return render_page_or_partial(
        "complaints/staff_list.html", "complaints/_staff_rows.html", page=page, args=args,
        wanted=wanted, now=utcnow(), states=ComplaintState, topics=ComplaintTopic,
        timeliness=Timeliness, may_record=queries.may_record(current_user),
        may_read_figures=queries.may_read_figures(current_user))


def _record_page(form: RecordForm, status: int = 200):
    return render_template("complaints/record.html", form=form), status


@bp.route("/ghi-nhan", methods=["GET", "POST"])
def record():
    """An item received in person at the centre or on the hotline, typed in by the staff."""
    if not queries.may_record(current_user):
        abort(403)
    form = RecordForm()
    if not form.validate_on_submit():
        return _record_page(form, 422 if request.method == "POST" else 200)
    try:
        with unit_of_work():
            item = ops.submit(data_from(form, ComplaintChannel(form.channel.data)),
                              now=utcnow(), calendar=current_calendar(),
                              answer_days=current_app.config["PORTAL"].feedback_answer_days,
                              recorded_by=current_user)
    except ops.ComplaintError as error:
        return refused(error, form, lambda status: _record_page(form, status))
    return redirect(url_for("complaints_staff.item", feedback_id=item.id,
                            ghi_nhan=item.reference), 303)


def _agency_choices() -> list[SelectChoice]:
    return [SelectChoice(a.id, a.name) for a in active_agencies()]


def _forms(item: Complaint) -> dict:
    route = RouteForm(formdata=None, agency=item.agency_id)
    route.agency.choices = _agency_choices()
    publish = PublishForm(formdata=None,
                          public_text=item.public_text or ops.scrub(item.text,
                                                                    ops.personal_names(item)),
                          public_answer=item.public_answer or ops.scrub(
                              item.answer, ops.personal_names(item)))
    return {"route": route, "answer": AnswerForm(formdata=None), "publish": publish}


def _item_page(item: Complaint, status: int = 200, **forms):
    shown = {**_forms(item), **forms}
    now = utcnow()
    return render_template(
        "complaints/staff_item.html", item=item, now=now, forms=shown,
        may_route=queries.may_route(current_user, item),
        may_answer=queries.may_answer(current_user, item),
        may_publish=queries.may_publish(current_user, item),
        apology_owed=item.dossier is not None and apology_owed(item.dossier, now),
        recorded=request.args.get("ghi_nhan")), status


@bp.get("/<int:feedback_id>")
def item(feedback_id: int):
    return _item_page(get_item_or_404(feedback_id))


@bp.post("/<int:feedback_id>/chuyen")
def route(feedback_id: int):
    item = get_item_or_404(feedback_id)
    if not queries.may_route(current_user, item):
        abort(403)
    form = RouteForm()
    form.agency.choices = _agency_choices()
    if not form.validate():
        return _item_page(item, 422, route=form)
    agency = next(a for a in active_agencies() if a.id == form.agency.data)
    with unit_of_work():
        ops.route(item, agency, current_user, utcnow(), form.note.data or "")
    return redirect(url_for("complaints_staff.item", feedback_id=item.id), 303)


@bp.post("/<int:feedback_id>/tra-loi")
def answer(feedback_id: int):
    item = get_item_or_404(feedback_id)
    if not queries.may_answer(current_user, item):
        abort(403)
    form = AnswerForm()
    if not form.validate():
        return _item_page(item, 422, answer=form)
    # The public address (BASE_URL), as every link sent by e-mail: not the staff's host.
    link = current_app.config["PORTAL"].base_url.rstrip("/") + url_for(
        "complaints.lookup", ma=item.reference,
        t=ops.lookup_token(item.reference, current_app.config["SECRET_KEY"]))
    try:
        with unit_of_work():
            ops.answer(item, form.answer.data, current_user, utcnow(), link=link)
    except ops.ComplaintError as error:
        return refused(error, form, lambda status: _item_page(item, status, answer=form))
    return redirect(url_for("complaints_staff.item", feedback_id=item.id), 303)


@bp.post("/<int:feedback_id>/cong-khai")
def publish(feedback_id: int):
    item = get_item_or_404(feedback_id)
    if not queries.may_publish(current_user, item):
        abort(403)
    form = PublishForm()
    if not form.validate():
        return _item_page(item, 422, publish=form)
    with unit_of_work():
        ops.publish(item, form.public_text.data, form.public_answer.data, current_user,
                    utcnow())
    return redirect(url_for("complaints_staff.item", feedback_id=item.id), 303)


@bp.post("/<int:feedback_id>/go-cong-khai")
def unpublish(feedback_id: int):
    item = get_item_or_404(feedback_id)
    if not queries.may_publish(current_user, item):
        abort(403)
    from portal.blueprints.forms import EmptyForm

    if not EmptyForm().validate():
        abort(400)
    with unit_of_work():
        ops.unpublish(item)
    return redirect(url_for("complaints_staff.item", feedback_id=item.id), 303)


@bp.get("/<int:feedback_id>/tep/<int:file_id>")
def download(feedback_id: int, file_id: int):
    item = get_item_or_404(feedback_id)
    file = next((f for f in item.files if f.id == file_id), None)
    if file is None:
        abort(404)
    return stream_stored(file.storage_key,
                         filename=name_for_type(file.original_name, file.content_type),
                         mimetype=file.content_type, inline=file.previewable, size=file.size)


def _figures():
    if not queries.may_read_figures(current_user):
        abort(403)
    period = _period()
    ids = queries.figure_agency_ids(current_user)
    agencies = [a for a in active_agencies() if ids is None or a.id in ids]
    return period, queries.figures(period.start_at, period.end_at, agencies, ids, utcnow())


@bp.get("/so-lieu")
def figures():
    period, figures = _figures()
    return render_template("complaints/figures.html", period=period, figures=figures,
                           states=ComplaintState, timeliness=Timeliness,
                           period_args={"tu": period.start.isoformat(),
                                        "den": period.end.isoformat()})


@bp.get("/so-lieu.xlsx")
def figures_xlsx():
    from portal.blueprints.complaints.export import figures_workbook

    period, figures = _figures()
    return figures_workbook(period, figures, _("Phản ánh, kiến nghị"))
