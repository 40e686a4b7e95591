"""The official documents of a dossier (Circular 01/2018/TT-VPCP forms 01–05, the
stop-processing notice of Circular 03/2025/TT-VPCP) and the agency's tracking book (form 06),
for officers: each form as HTML and, at the same URL plus ``.pdf``, as a PDF, rendered by the
shared ``blueprints/documents.render_document``. ``docs/forms.md`` lists the fields and their
sources."""

from __future__ import annotations

import tempfile
from datetime import date, datetime

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.models import Role
from portal.blueprints.documents import CSS_PATH, HELPERS, render_document
from portal.blueprints.guards import role_required
from portal.blueprints.staff import bp, get_dossier_or_404
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core.http import content_disposition
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.pdf import pdf_response
from portal.workflow import tracking_book as book
from portal.workflow.documents import notice_for
from portal.workflow.queries import agencies_for

FORM_CHOICES = 'any("01", "02", "03", "04", "dung", "05")'
READERS = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)
BOOK_PAGE_SIZE = 50
BOOK_PDF_LIMIT = 2000  # lines; beyond this the XLSX is the way to get the whole book


# --- routes --------------------------------------------------------------------------------

def _notice_id() -> int | None:
    # ``notice_id`` is accepted too (the workspace's links use it).
    return (request.args.get("notice", type=whole_number)
            or request.args.get("notice_id", type=whole_number))


@bp.get(f"/ho-so/<int:dossier_id>/phieu/<{FORM_CHOICES}:form>", endpoint="document")
@role_required(*READERS)
def document(dossier_id: int, form: str):
    dossier = get_dossier_or_404(dossier_id)
    notice_id = _notice_id()
    args = {"notice": notice_id} if notice_id is not None else {}
    pdf_url = url_for("staff.document_pdf", dossier_id=dossier.id, form=form, **args)
    if request.args.get("format") == "pdf":  # the canonical PDF address is URL + .pdf
        return redirect(pdf_url)
    return render_document(dossier, form, notice_for(dossier, form, notice_id), "html",
                           pdf_url=pdf_url,
                           back_url=url_for("staff.workspace", dossier_id=dossier.id))


@bp.get(f"/ho-so/<int:dossier_id>/phieu/<{FORM_CHOICES}:form>.pdf", endpoint="document_pdf")
@role_required(*READERS)
def document_pdf(dossier_id: int, form: str):
    dossier = get_dossier_or_404(dossier_id)
    return render_document(dossier, form, notice_for(dossier, form, _notice_id()), "pdf")


# --- the tracking book (form 06) -----------------------------------------------------------

def _parse_day(raw: str | None) -> date | None:
    """A local date as the browser's date input sends it (YYYY-MM-DD) or as typed
    (DD/MM/YYYY). Raises ValueError."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if "/" in raw:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    return date.fromisoformat(raw)


def _book_request() -> tuple[Agency, list[Agency], book.Period, list[str]]:
    """The agency and period asked for; another agency than one's own is a 404."""
    agencies = agencies_for(current_user)  # own agencies; all for the supervisor
    wanted = request.args.get("agency", type=whole_number)
    agency = next((a for a in agencies if wanted is None or a.id == wanted), None)
    if agency is None:
        abort(404)
    errors = []
    try:
        start = _parse_day(request.args.get("tu"))
    except ValueError:
        start, errors = None, [*errors, "tu"]
    try:
        end = _parse_day(request.args.get("den"))
    except ValueError:
        end, errors = None, [*errors, "den"]
    if "tu" not in request.args and "den" not in request.args:
        today = datetime.now(VN_TZ).date()  # by default, this month's book
        start, end = today.replace(day=1), today
    if start and end and start > end:
        errors.append("order")
    return agency, agencies, book.Period(start, end), errors


def _download_request() -> tuple[Agency, list[Agency], book.Period]:
    """The book asked for as a file: a wrong period is a 400, as there is no page to show it on."""
    agency, agencies, period, errors = _book_request()
    if errors:
        abort(400)
    return agency, agencies, period


def _book_args(agency: Agency, period: book.Period) -> dict:
    return {"agency": agency.id, "tu": period.start.isoformat() if period.start else "",
            "den": period.end.isoformat() if period.end else ""}


@bp.get("/so-theo-doi", endpoint="tracking_book")
@role_required(*READERS)
def tracking_book():
    agency, agencies, period, errors = _book_request()
    page = None
    if not errors:
        page = book.book_page(agency.id, period, page_number(request.args.get("page")),
                              BOOK_PAGE_SIZE)
    html = render_template("documents/form06_tracking_book.html", pdf=False, agency=agency,
                           agencies=agencies, period=period, errors=errors, page=page,
                           lines=page.items if page else [], args=_book_args(agency, period),
                           truncated=False, today=datetime.now(VN_TZ), **HELPERS)
    return html, 422 if errors else 200


@bp.get("/so-theo-doi.pdf", endpoint="tracking_book_pdf")
@role_required(*READERS)
def tracking_book_pdf():
    agency, agencies, period = _download_request()
    lines = list(book.iter_lines(agency.id, period, limit=BOOK_PDF_LIMIT + 1))
    html = render_template("documents/form06_tracking_book.html", pdf=True, agency=agency,
                           agencies=agencies, period=period, errors=[], page=None,
                           lines=lines[:BOOK_PDF_LIMIT], args=_book_args(agency, period),
                           truncated=len(lines) > BOOK_PDF_LIMIT,
                           today=datetime.now(VN_TZ), **HELPERS)
    return pdf_response(html, f"so-theo-doi-{agency.code}.pdf",
                        [CSS_PATH.read_text(encoding="utf-8")])


@bp.get("/so-theo-doi.xlsx", endpoint="tracking_book_xlsx")
@role_required(*READERS)
def tracking_book_xlsx():
    agency, _agencies, period = _download_request()
    # Rows go to a spooled file (memory up to 8 MB, then disk), never a list in memory.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.write_xlsx(book.iter_lines(agency.id, period), agency, period, out)
    size = out.tell()
    out.seek(0)

    def chunks():
        with out:
            while block := out.read(64 * 1024):
                yield block

    suffix = f"{period.start:%Y%m%d}" if period.start else "tat-ca"
    response = current_app.response_class(
        chunks(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"so-theo-doi-{agency.code}-{suffix}.xlsx")
    response.call_on_close(out.close)
    return response
