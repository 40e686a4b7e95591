"""The official documents of a dossier (Circular 01/2018/TT-VPCP forms 01–05, the
stop-processing notice of Circular 03/2025/TT-VPCP) and the agency's tracking book (form 06).

Each form is one template under ``templates/documents/``, served as HTML and, at the same
URL plus ``.pdf``, as a PDF (WeasyPrint). The form bodies are Vietnamese legal documents and
are never translated; only the screen toolbar around them is. ``docs/forms.md`` lists the
fields and their sources.

``render_document`` is the one entry point, so that the citizen area can offer the
applicant's own copies (``CITIZEN_FORMS``) from its own routes after its own checks."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.models import Role
from portal.blueprints.guards import role_required
from portal.blueprints.lookup_links import lookup_qr, lookup_url
from portal.blueprints.staff import bp, get_dossier_or_404
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core.formatting import vn_number
from portal.core.http import content_disposition
from portal.core.numbers import whole_number
from portal.core.pagination import page_number
from portal.core.pdf import pdf_response
from portal.dossiers.models import Dossier, FileKind, ReturnMethod
from portal.workflow import tracking_book as book
from portal.workflow.models import DossierStep, Notice, NoticeKind
from portal.workflow.queries import agencies_for

FORM_TEMPLATES = {
    "01": "documents/form01_receipt.html",
    "02": "documents/form02_supplement.html",
    "03": "documents/form03_refusal.html",
    "04": "documents/form04_apology.html",
    "dung": "documents/stop_notice.html",
    "05": "documents/form05_control_slip.html",
}
NOTICE_KINDS = {
    "02": (NoticeKind.COMPLETION, NoticeKind.SUPPLEMENT),
    "03": (NoticeKind.REFUSAL,),
    "04": (NoticeKind.APOLOGY,),
    "dung": (NoticeKind.STOP,),
}
# What the applicant may have a copy of: form 05 names internal holders and stays in-house.
CITIZEN_FORMS = frozenset({"01", "02", "03", "04", "dung"})
FORM_CHOICES = 'any("01", "02", "03", "04", "dung", "05")'
READERS = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)
# One stylesheet for the browser (a static file, so the citizen's copies use it too; the
# strict CSP forbids inline styles) and for WeasyPrint, which is handed its text.
CSS_PATH = Path(__file__).resolve().parents[2] / "static" / "css" / "documents.css"
BOOK_PAGE_SIZE = 50
BOOK_PDF_LIMIT = 2000  # lines; beyond this the XLSX is the way to get the whole book


# --- presentation helpers (Vietnamese, like the forms themselves) --------------------------

def _local(value: datetime) -> datetime:
    return value.astimezone(VN_TZ)


def vn_datetime(value: datetime | None) -> str:
    """'09 giờ 00 phút, ngày 12/03/2025', as the forms write a time of day."""
    if value is None:
        return "…"
    value = _local(value)
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}"


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return "…"
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"{value:%d/%m/%Y}"


def vn_date_line(value: date | datetime | None) -> str:
    """'ngày 12 tháng 03 năm 2025' (the place-and-date line of an administrative text)."""
    if value is None:
        return "ngày … tháng … năm …"
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def vn_money(amount: int) -> str:
    return f"{vn_number(amount)} đồng"


def vn_duration(amount: int, unit: str) -> str:
    unit = str(unit)
    if unit == "same_day":
        return "trong ngày làm việc"
    return f"{amount} {'giờ' if unit == 'hours' else 'ngày'} làm việc"


HELPERS = {"vn_datetime": vn_datetime, "vn_date": vn_date, "vn_date_line": vn_date_line,
           "vn_money": vn_money, "vn_duration": vn_duration}


# --- what each form shows ------------------------------------------------------------------

def _documents_table(dossier: Dossier) -> list[dict]:
    """Form 01's table: the procedure's required papers and what was handed in for each,
    then any paper that matches no requirement."""
    handed_in = [f for f in dossier.files if f.kind is not FileKind.RESULT]
    rows = []
    for document in dossier.procedure_version.documents:
        files = [f for f in handed_in if f.requirement_id == document.id]
        if not files and not document.mandatory:
            continue
        rows.append({"name": document.name, "form": document.form.label,
                     "quantity": document.quantity if files else 0, "files": len(files)})
    for extra in (f for f in handed_in if f.requirement_id is None):
        rows.append({"name": extra.original_name, "form": "Bản điện tử", "quantity": 1,
                     "files": 1})
    return rows


def _collection_place(dossier: Dossier) -> str:
    if dossier.return_method is ReturnMethod.POSTAL:
        address = ", ".join(part for part in (dossier.postal_street, dossier.postal_ward,
                                              dossier.postal_district, dossier.postal_province)
                            if part)
        return (f"Qua dịch vụ bưu chính công ích, tại địa chỉ: {address} (người nhận: "
                f"{dossier.postal_recipient}, điện thoại {dossier.postal_phone}).")
    counters = [c for c in dossier.agency.counters if c.active]
    where = (" – quầy số " + ", ".join(str(c.number) for c in counters)) if counters else ""
    return ("Tại Bộ phận tiếp nhận và trả kết quả, Trung tâm Phục vụ hành chính công tỉnh "
            f"Quảng Ngãi{where} ({dossier.agency.name}).")


def _step_result(step: DossierStep) -> str:
    """Circular 01/2018 form 05: before, on or after the step's due time."""
    if step.finished_at is None:
        return "Đang xử lý"
    if step.due_at is None:
        return "Đã hoàn thành"
    if step.finished_at > step.due_at:
        return "Quá hạn"
    if _local(step.finished_at).date() < _local(step.due_at).date():
        return "Trước hạn"
    return "Đúng hạn"


def _control_rows(dossier: Dossier) -> list[dict]:
    """Form 05: one row per handover. The first step is handed in by the applicant; each
    later one by whoever finished the step before it. The engine records the handover as
    it happens, so 'received at' is the step's start."""
    rows = []
    previous: DossierStep | None = None
    for step in dossier.steps:
        if previous is None:
            giver = dossier.applicant_name or "Người nộp hồ sơ"
        else:
            who = previous.finished_by or previous.holder
            giver = who.full_name if who else ""
        rows.append({
            "agency": step.agency.name, "step": step.name, "role": step.role.label,
            "handed_by": giver, "handed_at": step.started_at,
            "received_by": step.holder.full_name if step.holder else "(chưa phân công)",
            "received_at": step.started_at if step.holder else None,
            "due_at": step.due_at, "finished_at": step.finished_at,
            "result": _step_result(step), "note": step.note})
        previous = step
    if dossier.returned_at is not None:
        rows.append({
            "agency": dossier.agency.name, "step": "Trả kết quả cho tổ chức, cá nhân",
            "role": "Bộ phận tiếp nhận và trả kết quả", "handed_by": "Bộ phận TN&TKQ",
            "handed_at": dossier.returned_at, "received_by": dossier.returned_to,
            "received_at": dossier.returned_at, "due_at": dossier.due_at,
            "finished_at": dossier.returned_at, "result": "", "note": ""})
    return rows


def _context(dossier: Dossier, form: str, notice: Notice | None) -> dict:
    context = {"dossier": dossier, "agency": dossier.agency, "notice": notice, "form": form,
               "version": dossier.procedure_version, **HELPERS}
    context["lookup_url"], context["qr"] = lookup_url(dossier), lookup_qr(dossier)
    if form == "01":
        context["documents"] = _documents_table(dossier)
        context["collection_place"] = _collection_place(dossier)
    elif form == "05":
        context["rows"] = _control_rows(dossier)
    return context


def notice_for(dossier: Dossier, form: str, notice_id: int | None = None) -> Notice | None:
    """The notice a form 02/03/04/stop prints: the one asked for, else the latest of its
    kind. None when the dossier has no such notice (or the form prints no notice)."""
    kinds = NOTICE_KINDS.get(form)
    if kinds is None:
        return None
    found = [n for n in dossier.notices if n.kind in kinds
             and (notice_id is None or n.id == notice_id)]
    return found[-1] if found else None


def render_document(dossier: Dossier, form: str, notice: Notice | None = None,
                    fmt: str = "html", *, pdf_url: str | None = None,
                    back_url: str | None = None, css_url: str | None = None) -> Response:
    """Form ``form`` ('01'…'05', 'dung') of ``dossier`` as an HTML page or a PDF (``fmt``).
    The caller has loaded the dossier and checked that the user may see it; forms that
    print a notice need it (``notice_for``). A form that does not exist yet for this
    dossier (not received, no such notice) is a 404. ``css_url``: where the browser loads
    the stylesheet (default: the static ``css/documents.css``)."""
    if form not in FORM_TEMPLATES or fmt not in ("html", "pdf"):
        abort(404)
    if dossier.received_at is None and form in ("01", "05"):
        abort(404)
    if form in NOTICE_KINDS and (notice is None or notice.dossier_id != dossier.id
                                 or notice.kind not in NOTICE_KINDS[form]):
        abort(404)
    context = _context(dossier, form, notice)
    if fmt == "pdf":
        html = render_template(FORM_TEMPLATES[form], pdf=True, **context)
        name = f"{dossier.code}-mau-{form}" + (f"-{notice.number}" if notice else "")
        return pdf_response(html, f"{name}.pdf", [CSS_PATH.read_text(encoding="utf-8")])
    html = render_template(FORM_TEMPLATES[form], pdf=False, pdf_url=pdf_url,
                           back_url=back_url,
                           css_url=css_url or url_for("static", filename="css/documents.css"),
                           **context)
    return make_response(html)


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
    agency, agencies, period, errors = _book_request()
    if errors:
        abort(400)
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
    agency, _agencies, period, errors = _book_request()
    if errors:
        abort(400)
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
