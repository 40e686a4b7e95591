"""A printable summary of a submitted dossier: one template, as HTML and through WeasyPrint."""

from __future__ import annotations

from flask import abort, render_template

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import get_dossier_or_404, lookup_qr
from portal.core.pdf import pdf_response
from portal.dossiers.models import Dossier


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
