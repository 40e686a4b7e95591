"""Administration: the procedure catalog editor.

Versioning rule. A procedure (code + agency) has numbered versions; at most one is a draft
and at most one is published. Only the draft is ever edited: "Tạo bản nháp mới" copies the
latest version into draft n+1 (operations.draft_for_edit), and the edit form always edits
that draft. Publishing it makes it the public version and marks the one before superseded;
until then citizens keep seeing the old version. Dossiers point at the version they were
received under, so a published version is frozen (the model's before_flush guard raises
PublishedVersionChanged; these routes check first and never reach it). Unpublishing takes
the procedure out of the public catalog; discarding deletes the draft (and the procedure if
it has no other version). Files of version n live under catalog/<code>/v<n>/: a new draft
copies the keys, so replacing a draft's file never touches what a published version serves.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.admin import bp
from portal.blueprints.admin.procedure_forms import (
    DocumentFilesForm,
    NewProcedureForm,
    ProcedureForm,
    error_summary_view,
    form_data_of,
)
from portal.blueprints.forms import EmptyForm
from portal.catalog import operations, queries
from portal.catalog.models import Agency, Procedure, VersionStatus
from portal.core.frame import show_refusal, unit_of_work
from portal.core.htmx import render_page_or_partial
from portal.core.i18n import N_
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.extensions import db
from portal.storage import StorageError

log = logging.getLogger(__name__)

ROW_LISTS = ("documents", "fees", "exemptions", "steps", "chain")
NOT_A_DRAFT = N_("Thủ tục không có bản nháp để sửa; phiên bản đã công bố không được sửa. "
                 "Hãy bấm “Tạo bản nháp mới”.")
STALE_FORM = N_("Bản nháp bạn đang sửa đã được công bố hoặc hủy trong lúc bạn sửa nên thay đổi "
                "vừa gửi chưa được lưu. Hãy mở lại bản nháp hiện tại.")


def delete_files(keys) -> None:
    """Remove the stored files of a superseded draft state, best effort: the periodic orphan
    sweep catches what a storage outage leaves behind."""
    for key in keys:
        try:
            current_app.extensions["storage"].delete(key)
        except (StorageError, ValueError):
            log.warning("could not delete catalog file %s; the orphan sweep will", key)


def get_procedure_or_404(procedure_id: int) -> Procedure:
    procedure = queries.procedure_by_id(procedure_id)
    if procedure is None:
        abort(404)
    return procedure


def _int_arg(name: str) -> int | None:
    return parse_int(request.args.get(name, ""))


def _to_overview(procedure_id: int):
    return redirect(url_for("admin.procedure", procedure_id=procedure_id), 303)


@bp.get("/thu-tuc")
def procedures():
    state = request.args.get("state", "")
    filters = queries.AdminFilter(q=request.args.get("q", "")[:200],
                                  agency_id=_int_arg("agency"),
                                  state=state if state in queries.ADMIN_STATES else "")
    page = queries.admin_procedures(filters, page=page_number(request.args.get("page")),
                                    size=current_app.config["PORTAL"].catalog_page_size)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_page_or_partial(
        "admin/procedures/list.html", "admin/procedures/_rows.html", filters=filters,
        page=page, args=args, agencies=queries.all_agencies(), states=queries.ADMIN_STATES)


@bp.get("/thu-tuc/linh-vuc")
def procedure_fields():
    """The field select for the chosen agency (htmx; the form also works without it)."""
    form = NewProcedureForm(formdata=None)
    agency_id = _int_arg("agency_id")
    form.set_fields(queries.fields_of(agency_id) if agency_id else [])
    return render_template("admin/procedures/_field_select.html", form=form)


def _rerender_requested(form: ProcedureForm) -> bool:
    """"Thêm dòng" and "Tải lĩnh vực" re-render the form without saving (no-JS fallback)."""
    add_row = request.form.get("add_row")
    if add_row in ROW_LISTS:
        getattr(form, add_row).append_entry()
        return True
    return "reload_fields" in request.form


def _render_form(template: str, form: ProcedureForm, status: int = 200, **context):
    return render_template(template, form=form, summary=error_summary_view(form),
                           **context), status


@bp.route("/thu-tuc/moi", methods=["GET", "POST"])
def procedure_new():
    form = NewProcedureForm()
    form.set_agencies(queries.all_agencies())
    form.set_fields(queries.fields_of(form.agency_id.data) if form.agency_id.data else [])
    if not form.is_submitted():
        form.add_blank_rows()
    elif _rerender_requested(form):
        return _render_form("admin/procedures/new.html", form)
    elif form.validate():
        agency = db.session.get(Agency, form.agency_id.data)
        try:
            with unit_of_work():
                version = operations.create_procedure(
                    form.to_data(form.code.data.strip(), agency), current_user.id)
        except operations.CatalogError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã tạo thủ tục %(code)s (bản nháp phiên bản 1). Bản nháp chưa hiển thị "
                    "với công dân cho đến khi được công bố.", code=version.procedure.code),
                  "success")
            return _to_overview(version.procedure_id)
    return _render_form("admin/procedures/new.html", form, 422 if form.is_submitted() else 200)


@bp.route("/thu-tuc/<int:procedure_id>/sua", methods=["GET", "POST"])
def procedure_edit(procedure_id: int):
    procedure = get_procedure_or_404(procedure_id)
    draft = procedure.draft
    if draft is None:
        flash(_(NOT_A_DRAFT), "warning")
        return _to_overview(procedure.id)
    # A form opened on a draft that was published or discarded since must not edit another.
    if request.method == "POST" and request.form.get("version_id") != str(draft.id):
        flash(_(STALE_FORM), "warning")
        return _to_overview(procedure.id)
    form = ProcedureForm() if request.method == "POST" else ProcedureForm(data=form_data_of(draft))
    form.set_fields(procedure.agency.fields)
    context = {"procedure": procedure, "draft": draft}
    if not form.is_submitted():
        form.add_blank_rows()
    elif _rerender_requested(form):
        return _render_form("admin/procedures/edit.html", form, **context)
    elif form.validate():
        files_before = operations.own_files(draft)
        try:
            with unit_of_work():
                operations.update_draft(draft, form.to_data(procedure.code, procedure.agency))
        except operations.CatalogError as error:
            show_refusal(form, error)
        else:
            delete_files(set(files_before) - set(operations.own_files(draft)))
            flash(_("Đã lưu bản nháp phiên bản %(number)s.", number=draft.number), "success")
            return _to_overview(procedure.id)
    return _render_form("admin/procedures/edit.html", form,
                        422 if form.is_submitted() else 200, **context)


def render_overview(procedure: Procedure, files_form=None, files_document_id=None,
                    status: int = 200):
    user_ids = [i for v in procedure.versions for i in (v.created_by_id, v.published_by_id)]
    latest = procedure.latest
    can_republish = (procedure.published_version is None
                     and latest.status is VersionStatus.UNPUBLISHED)
    return render_template(
        "admin/procedures/show.html", procedure=procedure, draft=procedure.draft,
        latest=latest, can_republish=can_republish, names=queries.user_names(user_ids),
        button=EmptyForm(),
        files_form=files_form or DocumentFilesForm(formdata=None),
        files_document_id=files_document_id), status


@bp.get("/thu-tuc/<int:procedure_id>")
def procedure(procedure_id: int):
    return render_overview(get_procedure_or_404(procedure_id))


@bp.get("/thu-tuc/<int:procedure_id>/phien-ban/<int:number>")
def procedure_version(procedure_id: int, number: int):
    procedure = get_procedure_or_404(procedure_id)
    version = next((v for v in procedure.versions if v.number == number), None)
    if version is None:
        abort(404)
    return render_template("admin/procedures/version.html", procedure=procedure,
                           version=version, admin_files=True)


@bp.post("/thu-tuc/<int:procedure_id>/ban-nhap")
def procedure_draft(procedure_id: int):
    """"Tạo bản nháp mới": the only way a draft comes into being for an existing procedure."""
    procedure = get_procedure_or_404(procedure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    existed = procedure.draft is not None
    with unit_of_work():
        draft = operations.draft_for_edit(procedure, current_user.id)
    if existed:
        flash(_("Thủ tục đã có bản nháp phiên bản %(number)s; tiếp tục sửa bản nháp này.",
                number=draft.number), "info")
    else:
        flash(_("Đã tạo bản nháp phiên bản %(number)s từ phiên bản %(source)s.",
                number=draft.number, source=draft.number - 1), "success")
    return redirect(url_for("admin.procedure_edit", procedure_id=procedure.id), 303)


@bp.post("/thu-tuc/<int:procedure_id>/cong-bo")
def procedure_publish(procedure_id: int):
    procedure = get_procedure_or_404(procedure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    latest = procedure.latest
    # Without a draft, an unpublished latest version may be published again as it was.
    target = procedure.draft or (latest if latest.status is VersionStatus.UNPUBLISHED else None)
    if target is None:
        flash(_("Không có bản nháp hoặc phiên bản ngừng công bố nào để công bố."), "warning")
        return _to_overview(procedure.id)
    with unit_of_work():
        operations.publish(target, current_user.id)
    flash(_("Đã công bố phiên bản %(number)s của thủ tục “%(name)s”.", number=target.number,
            name=target.name), "success")
    return _to_overview(procedure.id)


@bp.post("/thu-tuc/<int:procedure_id>/ngung-cong-bo")
def procedure_unpublish(procedure_id: int):
    procedure = get_procedure_or_404(procedure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            operations.unpublish(procedure)
    except operations.CatalogError as error:
        flash(str(error), "warning")
    else:
        flash(_("Đã ngừng công bố thủ tục %(code)s; công dân không còn thấy thủ tục này trên "
                "Cổng.", code=procedure.code), "success")
    return _to_overview(procedure.id)


@bp.post("/thu-tuc/<int:procedure_id>/huy-ban-nhap")
def procedure_discard(procedure_id: int):
    procedure = get_procedure_or_404(procedure_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    draft, code = procedure.draft, procedure.code
    if draft is None:
        flash(_("Thủ tục không có bản nháp để hủy."), "warning")
        return _to_overview(procedure.id)
    number, files = draft.number, operations.own_files(draft)
    only_version = len(procedure.versions) == 1
    with unit_of_work():
        operations.discard_draft(procedure)
    delete_files(files)
    if only_version:
        flash(_("Đã hủy bản nháp và xóa thủ tục %(code)s (thủ tục chưa từng được công bố).",
                code=code), "success")
        return redirect(url_for("admin.procedures"), 303)
    flash(_("Đã hủy bản nháp phiên bản %(number)s.", number=number), "success")
    return _to_overview(procedure_id)
