"""Files of a draft: upload into one requirement's area, remove, and authorised download.

DESIGN.md §5: add_file writes the object first and flushes the row; this route commits once and,
if the commit fails, deletes the objects it wrote. htmx (and upload.js, which sends one file per
request) gets the requirement's area back; a plain form is redirected to step 2 with a flash.

The upload's bytes are written once (issue 3, docs/benchmarks.md "Large upload"): the multipart
parser streams each file part straight into ``Storage.stage()`` (StagingRequest below), and
add_file, after checking the type and the limits, has the store adopt it — LocalStorage renames
the file into place instead of copying werkzeug's temporary file a second time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO, Any

from flask import Request, abort, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge, ServiceUnavailable

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import commit_or_discard, get_dossier_or_404, get_draft_or_404
from portal.core.htmx import is_partial_request
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, DossierFile
from portal.extensions import db
from portal.storage import ObjectNotFound, StagedUpload, StorageError

log = logging.getLogger(__name__)


def _storage():
    return current_app.extensions["storage"]


def stages_files(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose multipart file parts go straight into ``Storage.stage()``."""
    view.stages_files = True  # type: ignore[attr-defined]
    return view


class StagingRequest(Request):
    """Flask's request, except on views marked ``@stages_files``: there each file part is
    written, as it arrives, into a StagedUpload of the app's store instead of werkzeug's
    temporary file, and every staged upload the view did not store is removed when the
    request ends, whatever happened. A part past the per-file limit keeps nothing from then
    on (StagedUpload); the whole body stays bounded by MAX_CONTENT_LENGTH, as before.

    Mixed into whatever request class the app already has (htmx-flask installs its own),
    see ``_install_staging_request``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._staged: list[StagedUpload] = []

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        view = current_app.view_functions.get(self.endpoint or "")
        if not getattr(view, "stages_files", False):
            return super()._get_file_stream(total_content_length, content_type, filename,
                                            content_length)
        # The dossier's total is add_file's to check: it needs the dossier, loaded later.
        limit = UploadLimits.from_config(current_app.config).max_file
        staged = _storage().stage(max_size=limit)
        self._staged.append(staged)
        return staged  # type: ignore[return-value]  # file-like: write, seek, read

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except StorageError as exc:  # the store cannot take the bytes (disk full...)
            log.warning("staging an upload failed: %s", exc)
            # No half-parsed form for whoever asks next, and nothing of this body kept.
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()
            self._close_staged()
            raise ServiceUnavailable() from exc

    def _close_staged(self) -> None:
        staged, self._staged = self._staged, []
        for item in staged:
            item.close()  # removes it unless the store adopted it

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._close_staged()


@bp.record_once
def _install_staging_request(state: BlueprintSetupState) -> None:
    # The blueprint that owns the upload route brings the request class it needs, on top
    # of the app's own (e.g. htmx-flask's HtmxAwareRequest), which it must not replace.
    app = state.app
    if not issubclass(app.request_class, StagingRequest):
        app.request_class = type(f"Staging{app.request_class.__name__}",
                                 (StagingRequest, app.request_class), {})


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
@stages_files
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
@bp.errorhandler(ServiceUnavailable)
def _upload_refused_early(error):
    """The body is refused before the view runs (the CSRF check reads the form first): too
    large, or the store could not take the staged upload."""
    if request.endpoint != "citizen.upload" or not current_user.is_authenticated:
        from portal.core.errors import render_error

        return render_error(error.code)
    dossier = get_draft_or_404(request.view_args["dossier_id"])
    requirement = _requirement_or_404(dossier, request.view_args["requirement_id"])
    too_big = isinstance(error, RequestEntityTooLarge)
    return _respond(dossier, requirement, _too_big_message() if too_big else ops.STORAGE_DOWN,
                    None)


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
