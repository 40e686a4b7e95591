"""Printing: the summary of a submitted dossier (one template, as HTML and through
WeasyPrint), and the applicant's own copies of the official forms the agency issued on it
(receipt 01, requests 02, refusal 03, apology 04, stop notice), rendered by the shared
``render_document`` after the citizen visibility rule."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import get_dossier_or_404
from portal.blueprints.documents import render_document
from portal.blueprints.lookup_links import lookup_qr
from portal.core.numbers import whole_number
from portal.core.pdf import pdf_response
from portal.dossiers.models import Dossier
from portal.workflow.documents import CITIZEN_FORMS, notice_for

CITIZEN_FORM_CHOICES = "any(" + ", ".join(f'"{form}"' for form in sorted(CITIZEN_FORMS)) + ")"


def _printable(dossier_id: int) -> Dossier:
    dossier = get_dossier_or_404(dossier_id)
    if dossier.is_draft:  # a draft has no code or appointment yet: nothing to print
        abort(404)
    return dossier


@bp.get("/<int:dossier_id>/in", endpoint="print")
def print_summary(dossier_id: int):
    dossier = _printable(dossier_id)
    return render_template("citizen/print.html", dossier=dossier, qr=lookup_qr(dossier))


@bp.get("/<int:dossier_id>/in.pdf")
def print_pdf(dossier_id: int):
    dossier = _printable(dossier_id)
    html = render_template("citizen/print.html", dossier=dossier, qr=lookup_qr(dossier))
    return pdf_response(html, f"{dossier.code}.pdf")


def _notice_id() -> int | None:
    return request.args.get("notice", type=whole_number)


@bp.get(f"/<int:dossier_id>/phieu/<{CITIZEN_FORM_CHOICES}:form>")
def document(dossier_id: int, form: str):
    """A form as the applicant received it; one that does not exist for this dossier yet
    (not received, no such notice) is a 404, like another applicant's dossier."""
    dossier = _printable(dossier_id)
    notice_id = _notice_id()
    args = {"notice": notice_id} if notice_id is not None else {}
    pdf_url = url_for("citizen.document_pdf", dossier_id=dossier.id, form=form, **args)
    if request.args.get("format") == "pdf":
        return redirect(pdf_url)
    return render_document(dossier, form, notice_for(dossier, form, notice_id), "html",
                           pdf_url=pdf_url,
                           back_url=url_for("citizen.dossier", dossier_id=dossier.id),
                           css_url=url_for("static", filename="css/documents.css"))


@bp.get(f"/<int:dossier_id>/phieu/<{CITIZEN_FORM_CHOICES}:form>.pdf")
def document_pdf(dossier_id: int, form: str):
    dossier = _printable(dossier_id)
    return render_document(dossier, form, notice_for(dossier, form, _notice_id()), "pdf")
