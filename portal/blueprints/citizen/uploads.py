"""Files of a draft: upload into one requirement's area, remove, and authorised download.

DESIGN.md §5: add_file writes the object first and flushes the row; this route commits once and,
if the commit fails, deletes the objects it wrote. htmx (and upload.js, which sends one file per
request) gets the requirement's area back; a plain form is redirected to step 2 with a flash."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import commit_or_discard, get_dossier_or_404, get_draft_or_404
from portal.core.htmx import is_partial_request
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, DossierFile
from portal.extensions import db
from portal.storage import ObjectNotFound, StorageError


def _storage():
    return current_app.extensions["storage"]


def _requirement_or_404(dossier: Dossier, requirement_id: int):
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
    if requirement is not None and is_partial_request():
        html = render_template("citizen/_requirement.html", dossier=dossier, d=requirement,
                               error=error)
        return html, 422 if error else 200
    if error:
        flash(f"{requirement.name}: {error}" if requirement else error, "error")
    elif done:
        flash(done, "success")
    return redirect(url_for("citizen.step_documents", dossier_id=dossier.id,
                            _anchor=f"req-{requirement.id}" if requirement else None), 303)


@bp.post("/<int:dossier_id>/giay-to/<int:requirement_id>")
def upload(dossier_id: int, requirement_id: int):
    dossier = get_draft_or_404(dossier_id)
    requirement = _requirement_or_404(dossier, requirement_id)
    try:
        uploads = [f for f in request.files.getlist("files") if f.filename]
    except RequestEntityTooLarge:
        return _respond(dossier, requirement, _too_big_message(), None)
    if not uploads:
        return _respond(dossier, requirement, _("Vui lòng chọn ít nhất một tệp để tải lên."), None)
    limits, keys, error = UploadLimits.from_config(current_app.config["PORTAL"]), [], None
    for item in uploads:
        try:
            added = ops.add_file(dossier, requirement.id, item.stream, item.filename,
                                 current_user, _storage(), limits)
        except ops.DossierError as refusal:  # files before this one are kept
            error = str(refusal)
            break
        keys.append(added.storage_key)
    commit_or_discard(keys)
    done = _("Đã tải lên %(n)s tệp, bản nháp đã được lưu.", n=len(keys)) if keys else None
    return _respond(dossier, requirement, error, done)


@bp.errorhandler(RequestEntityTooLarge)
def _request_too_large(error):
    """The body is refused before the view runs (the CSRF check reads the form first)."""
    if request.endpoint != "citizen.upload" or not current_user.is_authenticated:
        from portal.core.errors import render_error

        return render_error(413)
    dossier = get_draft_or_404(request.view_args["dossier_id"])
    requirement = _requirement_or_404(dossier, request.view_args["requirement_id"])
    return _respond(dossier, requirement, _too_big_message(), None)


@bp.post("/<int:dossier_id>/tep/<int:file_id>/xoa")
def remove_file(dossier_id: int, file_id: int):
    dossier = get_draft_or_404(dossier_id)
    item = _file_or_404(dossier, file_id)
    requirement = item.requirement
    try:
        key = ops.remove_file(dossier, item.id)
        commit_or_discard()
    except ops.DossierError as refusal:
        db.session.rollback()
        return _respond(dossier, requirement, str(refusal), None)
    ops.discard_objects(_storage(), [key])
    return _respond(dossier, requirement, None, _("Đã xóa tệp %(name)s.", name=item.original_name))


@bp.get("/<int:dossier_id>/tep/<int:file_id>")
def download(dossier_id: int, file_id: int):
    item = _file_or_404(get_dossier_or_404(dossier_id), file_id)
    try:
        chunks = _storage().open(item.storage_key)
    except ObjectNotFound:
        abort(404)
    except StorageError:
        abort(503)
    response = current_app.response_class(chunks, mimetype=item.content_type,
                                          direct_passthrough=True)
    # Only types a browser shows safely open inline; the rest download (nosniff is global).
    disposition = "inline" if item.previewable else "attachment"
    response.headers.set("Content-Disposition", disposition, filename=item.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Length"] = str(item.size)
    return response
