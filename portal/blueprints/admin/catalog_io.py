"""Administration: export the procedure catalog and import it back (docs/catalog-format.md)."""

from __future__ import annotations

import io
from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField

from portal.accounts.models import Role
from portal.blueprints.admin import bp
from portal.blueprints.guards import require_role
from portal.catalog import io_export, io_import
from portal.catalog.operations import CatalogError
from portal.core.formatting import VN_TZ
from portal.core.frame import unit_of_work
from portal.core.http import content_disposition
from portal.core.uploads import accepts_files


class CatalogImportForm(FlaskForm):
    file = FileField(_l("Tệp danh mục (.xlsx hoặc .csv)"), validators=[
        FileRequired(_l("Vui lòng chọn tệp danh mục.")),
        FileAllowed(["xlsx", "csv"], _l("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")),
        FileSize(io_import.MAX_IMPORT_BYTES, message=_l("Tệp vượt quá 10 MB.")),
    ], render_kw={"accept": ".xlsx,.csv"})
    publish = BooleanField(_l("Công bố ngay"))
    dry_run = BooleanField(_l("Chỉ kiểm tra (không ghi)"))


def _page(form: CatalogImportForm, report: io_import.ImportReport | None = None) -> str:
    return render_template("admin/catalog_io.html", form=form, report=report)


@bp.get("/danh-muc")
def catalog_io():
    return _page(CatalogImportForm())


@bp.get("/danh-muc/xuat")
def catalog_export():
    fmt = request.args.get("format", "xlsx")
    if fmt not in io_export.FORMATS:
        abort(400)
    include_drafts = request.args.get("drafts") == "1"
    name = io_export.export_filename(fmt, include_drafts, datetime.now(VN_TZ).date())
    procedures = io_export.procedures_for_export(include_drafts)
    if fmt == "csv":
        return Response(stream_with_context(io_export.csv_chunks(procedures)),
                        mimetype=io_export.MIMETYPES["csv"],
                        headers={"Content-Disposition": content_disposition("attachment", name)})
    # A zip is complete only once its directory is written at the end, so the file is built
    # first; the whole catalog (≈1,400 procedures) compresses to about 1 MB.
    out = io.BytesIO()
    io_export.write_xlsx(procedures, out)
    return Response(out.getvalue(), mimetype=io_export.MIMETYPES["xlsx"],
                    headers={"Content-Disposition": content_disposition("attachment", name)})


def _may_import() -> None:
    """The upload guard's rule, before the catalog file is read."""
    require_role(Role.ADMIN)


@bp.post("/danh-muc/nhap")
@accepts_files(_may_import)
def catalog_import():
    form = CatalogImportForm()
    if not form.validate_on_submit():
        return _page(form), 422
    upload = form.file.data
    try:
        with unit_of_work() as work:
            report = io_import.import_catalog(
                upload.stream, io_import.format_of(upload.filename or ""),
                publish=form.publish.data, dry_run=form.dry_run.data, user_id=current_user.id)
            if not report.ok or report.dry_run:
                work.discard()
    except CatalogError as error:  # unreadable file, or a rule the checks could not foresee
        form.file.errors.append(str(error))
        return _page(form), 422
    finally:
        # A large upload sits in a temporary file; close it now, even when the database
        # fails mid-import, rather than whenever the traceback is collected.
        upload.close()
    if not report.ok or report.dry_run:
        return _page(form, report), 422 if report.errors else 200
    flash(report.summary(), "success")
    return redirect(url_for("admin.catalog_io"), 303)
