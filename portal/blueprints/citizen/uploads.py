"""Files of a draft, or of the answer to a completion or supplement request (stored as
FileKind.SUPPLEMENT): upload into one requirement's area, remove, and authorised download.

DESIGN.md §5: add_file writes the object first and flushes the row; this route commits once and,
if the commit fails, deletes the objects it wrote. htmx (and upload.js, which sends one file per
request) gets the requirement's area back; a plain form is redirected to step 2 with a flash.

The upload's bytes are written once (issue 3, docs/benchmarks.md "Large upload"): on this route
each file part streams, as it arrives, straight into ``Storage.stage()`` (core/uploads.py), and
add_file, after checking the type and the limits, has the store adopt it — LocalStorage renames
the file into place instead of copying a temporary file a second time. Nothing is read before
the upload guard has checked the login, the dossier and the CSRF token (``@accepts_files``)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge, ServiceUnavailable

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import get_dossier_or_404
from portal.blueprints.downloads import send_dossier_file
from portal.core.frame import unit_of_work
from portal.core.htmx import is_partial_request
from portal.core.uploads import accepts_files
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, DossierFile, FileKind


def _storage():
    return current_app.extensions["storage"]



def _papers_open_or_404(dossier_id: int) -> tuple[Dossier, FileKind]:
    """The dossier whose papers the applicant may change now, with the kind its new files
    get: a draft's (FileKind.APPLICANT), or the answer to an open completion or supplement
    request (FileKind.SUPPLEMENT). Any other dossier has no upload areas: 404."""
    dossier = get_dossier_or_404(dossier_id)
    if dossier.is_draft:
        return dossier, FileKind.APPLICANT
    if dossier.awaits_supplement:
        return dossier, FileKind.SUPPLEMENT
    abort(404)


def _requirement_or_404(dossier: Dossier, requirement_id: int | None):
    if requirement_id is None:  # "other papers": offered only when answering a request
        if dossier.is_draft:
            abort(404)
        return None
    for requirement in dossier.procedure_version.documents:
        if requirement.id == requirement_id:
            return requirement
    abort(404)


def _file_or_404(dossier: Dossier, file_id: int) -> DossierFile:
    for item in dossier.files:
        if item.id == file_id:
            return item
    abort(404)


def _too_big_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _("Tệp quá lớn: mỗi lần tải lên tối đa %(mb)s MB. Vui lòng chọn tệp nhỏ hơn hoặc "
             "tải từng tệp một.", mb=max(1, limit // (1024 * 1024)))


def _respond(dossier: Dossier, requirement, error: str | None, done: str | None):
    """The area alone for htmx; else back to the page that shows it (step 2 of a draft,
    the dossier page when answering a request for papers). ``requirement`` None: the
    "other papers" area."""
    if is_partial_request():
        html = render_template("citizen/_requirement.html", dossier=dossier, d=requirement,
                               error=error)
        return html, 422 if error else 200
    if error:
        flash(f"{requirement.name}: {error}" if requirement else error, "error")
    elif done:
        flash(done, "success")
    page = "citizen.step_documents" if dossier.is_draft else "citizen.dossier"
    return redirect(url_for(page, dossier_id=dossier.id,
                            _anchor=f"req-{requirement.id}" if requirement else "req-other"),
                    303)


def _upload_area_or_404(dossier_id: int, requirement_id: int | None):
    """(dossier, kind, requirement): the applicant's own dossier, open for papers now, and an
    upload area of it. Also the upload guard's rule, run before the body is read."""
    dossier, kind = _papers_open_or_404(dossier_id)
    return dossier, kind, _requirement_or_404(dossier, requirement_id)


@bp.post("/<int:dossier_id>/giay-to/<int:requirement_id>")
@bp.post("/<int:dossier_id>/giay-to/khac", defaults={"requirement_id": None})
@accepts_files(_upload_area_or_404, stage=True)
def upload(dossier_id: int, requirement_id: int | None):
    dossier, kind, requirement = _upload_area_or_404(dossier_id, requirement_id)
    try:
        uploads = [f for f in request.files.getlist("files") if f.filename]
    except RequestEntityTooLarge:
        return _respond(dossier, requirement, _too_big_message(), None)
    if not uploads:
        return _respond(dossier, requirement, _("Vui lòng chọn ít nhất một tệp để tải lên."), None)
    limits, added, error = UploadLimits.from_config(current_app.config["PORTAL"]), 0, None
    with unit_of_work():
        for item in uploads:
            try:
                ops.add_file(dossier, requirement.id if requirement else None, item.stream,
                             item.filename, current_user, _storage(), limits, kind=kind)
            except ops.DossierError as refusal:  # files before this one are kept
                error = str(refusal)
                break
            added += 1
    done = None
    if added and kind is FileKind.SUPPLEMENT:
        done = _("Đã tải lên %(n)s tệp bổ sung. Khi đủ giấy tờ, bấm “Gửi hồ sơ bổ sung”.",
                 n=added)
    elif added:
        done = _("Đã tải lên %(n)s tệp, bản nháp đã được lưu.", n=added)
    return _respond(dossier, requirement, error, done)


@bp.errorhandler(RequestEntityTooLarge)
@bp.errorhandler(ServiceUnavailable)
def _upload_refused_early(error):
    """The body is refused before the view runs (the CSRF check reads the form first): too
    large, or the store could not take the staged upload."""
    if request.endpoint != "citizen.upload" or not current_user.is_authenticated:
        from portal.core.errors import render_error

        return render_error(error.code)
    dossier, _kind = _papers_open_or_404(request.view_args["dossier_id"])
    requirement = _requirement_or_404(dossier, request.view_args["requirement_id"])
    too_big = isinstance(error, RequestEntityTooLarge)
    return _respond(dossier, requirement, _too_big_message() if too_big else str(ops.STORAGE_DOWN),
                    None)


@bp.post("/<int:dossier_id>/tep/<int:file_id>/xoa")
def remove_file(dossier_id: int, file_id: int):
    dossier, _kind = _papers_open_or_404(dossier_id)
    item = _file_or_404(dossier, file_id)
    requirement = item.requirement
    try:
        with unit_of_work():
            key = ops.remove_file(dossier, item.id)
    except ops.DossierError as refusal:
        return _respond(dossier, requirement, str(refusal), None)
    ops.discard_objects(_storage(), [key])
    return _respond(dossier, requirement, None, _("Đã xóa tệp %(name)s.", name=item.original_name))


@bp.get("/<int:dossier_id>/tep/<int:file_id>")
def download(dossier_id: int, file_id: int):
    dossier = get_dossier_or_404(dossier_id)
    item = _file_or_404(dossier, file_id)
    if item.kind is FileKind.RESULT and not dossier.result_issued:
        abort(404)  # attached for the leader's approval: not the applicant's result yet
    if item.kind is FileKind.INTER_AGENCY:
        abort(404)  # another agency's result, for the agencies (liên thông): internal
    return send_dossier_file(item)
