"""Administration: form templates and sample dossiers attached to a draft's documents.

DESIGN.md §5: the object is stored first, then the row; a failed commit deletes the object.
Files of a superseded draft state (replaced, renamed away, discarded) are deleted after the
commit, best effort: the periodic orphan sweep catches what a storage outage leaves behind."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from portal.accounts.models import Role
from portal.blueprints.admin import bp
from portal.blueprints.admin.procedure_forms import (
    KIND_LABELS,
    DocumentFilesForm,
    stored_name,
    template_type,
)
from portal.blueprints.admin.procedures import delete_files, get_procedure_or_404, render_overview
from portal.blueprints.downloads import stream_stored
from portal.blueprints.guards import require_role
from portal.catalog import operations
from portal.catalog.models import ProcedureDocument
from portal.core.frame import unit_of_work
from portal.core.uploads import accepts_files
from portal.dossiers.files import EXTENSIONS
from portal.extensions import db
from portal.storage import StorageError, TooLarge

STORAGE_DOWN = ("Kho lưu trữ tệp tạm thời không hoạt động nên tệp chưa được lưu. "
                "Vui lòng thử lại sau ít phút.")
DOWNLOAD_KINDS = {"mau": "template", "ho-so-mau": "sample"}


def _storage():
    return current_app.extensions["storage"]


def size_label(size: int) -> str:
    """10485760 -> "10 MB", 1536 -> "1,5 KB" (Vietnamese decimal comma)."""
    value, unit = (size / 1024 / 1024, "MB") if size >= 1024 * 1024 else (size / 1024, "KB")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"


def _document_or_404(procedure, document_id: int) -> ProcedureDocument:
    document = db.session.get(ProcedureDocument, document_id)
    if document is None or document.version_id not in {v.id for v in procedure.versions}:
        abort(404)
    return document


def _store(form: DocumentFilesForm, document, draft) -> list[tuple[str, str, str]]:
    """Put each chosen file in storage; (kind, key, filename) for each. All or nothing."""
    limit = current_app.config["PORTAL"].max_template_bytes
    stored: list[tuple[str, str, str]] = []
    try:
        for kind, upload in form.chosen().items():
            content_type = template_type(upload)  # the form checked it is one
            key = operations.document_file_key(document, draft, kind,
                                               EXTENSIONS[content_type][0])
            try:
                _storage().put(key, upload.stream, content_type=content_type, max_size=limit)
            except TooLarge:
                form[kind].errors.append(_("Tệp %(kind)s vượt quá dung lượng tối đa %(size)s.",
                                           kind=_(KIND_LABELS[kind]), size=size_label(limit)))
                raise
            stored.append((kind, key, stored_name(upload, content_type)))
    except StorageError as error:
        if not isinstance(error, TooLarge):
            form.template.errors.append(STORAGE_DOWN)
        delete_files(key for kind, key, _ in stored if key != getattr(document, f"{kind}_key"))
        raise
    return stored


def _document_of_procedure_or_404(procedure_id: int, document_id: int):
    """(procedure, document). With the administrator's role, also the upload guard's rule,
    run before the files are read."""
    procedure = get_procedure_or_404(procedure_id)
    return procedure, _document_or_404(procedure, document_id)


def _may_upload_for(procedure_id: int, document_id: int) -> None:
    require_role(Role.ADMIN)
    _document_of_procedure_or_404(procedure_id, document_id)


@bp.post("/thu-tuc/<int:procedure_id>/giay-to/<int:document_id>/tai-len")
@accepts_files(_may_upload_for)
def document_file_upload(procedure_id: int, document_id: int):
    procedure, document = _document_of_procedure_or_404(procedure_id, document_id)
    draft = procedure.draft
    if draft is None or document.version_id != draft.id:
        flash(_("Chỉ tải tệp lên cho bản nháp; phiên bản đã công bố không được sửa."), "warning")
        return redirect(url_for("admin.procedure", procedure_id=procedure.id), 303)
    form = DocumentFilesForm()
    try:
        stored = _store(form, document, draft) if form.validate_on_submit() else None
    except StorageError:
        stored = None
    if stored is None:
        return render_overview(procedure, form, document.id, 422)
    previous = {kind: getattr(document, f"{kind}_key") for kind, _, _ in stored}
    try:
        with unit_of_work():
            for kind, key, filename in stored:
                operations.attach_document_file(document, draft, kind, key, filename)
    except Exception:  # a new key is deleted; a replaced one held the previous file's row
        delete_files(key for kind, key, _ in stored if key != previous[kind])
        raise
    prefix = operations.version_file_prefix(draft)
    replaced = {k for k in previous.values() if k and k.startswith(prefix)}
    delete_files(replaced - set(operations.own_files(draft)))
    names = ", ".join(filename for _, _, filename in stored)
    flash(_("Đã tải lên %(files)s cho giấy tờ “%(name)s”.", files=names, name=document.name),
          "success")
    return redirect(url_for("admin.procedure", procedure_id=procedure.id), 303)


@bp.get("/thu-tuc/<int:procedure_id>/giay-to/<int:document_id>/<kind>")
def document_file(procedure_id: int, document_id: int, kind: str):
    """Any version's file (drafts included), for the administrator to check an upload."""
    document = _document_or_404(get_procedure_or_404(procedure_id), document_id)
    if kind not in DOWNLOAD_KINDS or not getattr(document, f"{DOWNLOAD_KINDS[kind]}_key"):
        abort(404)
    key = getattr(document, f"{DOWNLOAD_KINDS[kind]}_key")
    filename = getattr(document, f"{DOWNLOAD_KINDS[kind]}_filename") or "tep"
    return stream_stored(key, filename=filename)
