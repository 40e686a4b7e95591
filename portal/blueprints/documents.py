"""The official documents of a dossier as responses: each form is one template under
``templates/documents/``, served as an HTML page or, through WeasyPrint, as a PDF. What the
forms say comes from ``workflow/documents.py``; the dates and sums are written the forms' way
(``core/formatting.py``). The form bodies are never translated; only the screen toolbar is.

``render_document`` is the one way out for a form, shared by the staff area and the citizen
area (the applicant's own copies), each calling it from its own routes after its own checks."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, make_response, render_template, url_for

from portal.blueprints.lookup_links import lookup_qr, lookup_url
from portal.core import formatting
from portal.core.pdf import pdf_response
from portal.dossiers.models import Dossier
from portal.workflow import documents as content
from portal.workflow.models import Notice

FORM_TEMPLATES = {
    "01": "documents/form01_receipt.html",
    "02": "documents/form02_supplement.html",
    "03": "documents/form03_refusal.html",
    "04": "documents/form04_apology.html",
    "dung": "documents/stop_notice.html",
    "05": "documents/form05_control_slip.html",
}
# One stylesheet for the browser (a static file, so the citizen's copies use it too; the
# strict CSP forbids inline styles) and for WeasyPrint, which is handed its text.
CSS_PATH = Path(__file__).resolve().parents[1] / "static" / "css" / "documents.css"
HELPERS = {"vn_datetime": formatting.vn_datetime, "vn_date": formatting.vn_date,
           "vn_date_line": formatting.vn_date_line, "vn_money": formatting.vn_money,
           "vn_duration": formatting.vn_duration}


def _context(dossier: Dossier, form: str, notice: Notice | None) -> dict:
    context = {"dossier": dossier, "agency": dossier.agency, "notice": notice, "form": form,
               "version": dossier.procedure_version, **HELPERS}
    context["lookup_url"], context["qr"] = lookup_url(dossier), lookup_qr(dossier)
    if form == "01":
        context["documents"] = content.documents_table(dossier)
        context["collection_place"] = content.collection_place(
            dossier, current_app.config["PORTAL"].province_name)
    elif form == "05":
        context["rows"] = content.control_rows(dossier)
    return context


def render_document(dossier: Dossier, form: str, notice: Notice | None = None,
                    fmt: str = "html", *, pdf_url: str | None = None,
                    back_url: str | None = None, css_url: str | None = None) -> Response:
    """Form ``form`` ('01'…'05', 'dung') of ``dossier`` as an HTML page or a PDF (``fmt``).
    The caller has loaded the dossier and checked that the user may see it; forms that
    print a notice need it (``notice_for``). A form that does not exist yet for this
    dossier (not received, no such notice) is a 404. ``css_url``: where the browser loads
    the stylesheet (default: the static ``css/documents.css``)."""
    if fmt not in ("html", "pdf") or not content.form_exists(dossier, form, notice):
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
