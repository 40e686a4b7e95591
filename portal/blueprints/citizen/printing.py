"""A printable summary of a submitted dossier: one template, as HTML and through WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, render_template, request
from weasyprint import HTML, URLFetcher
from weasyprint.urls import path2url

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import get_dossier_or_404, lookup_qr
from portal.dossiers.models import Dossier


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint reads our own static files from disk and nothing else: no request back to
    this server (a worker would wait on itself) and no fetching of arbitrary URLs."""

    def __init__(self, host_url: str, static_folder: str, static_path: str) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self._prefix = host_url.rstrip("/") + static_path.rstrip("/") + "/"
        self._root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(self._prefix):
            raise ValueError(f"not a static file of the portal: {url}")
        path = (self._root / urlsplit(url).path[len(urlsplit(self._prefix).path):]).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise ValueError(f"no such static file: {url}")
        return super().fetch(path2url(str(path)), headers)


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
    fetcher = StaticFilesFetcher(request.host_url, current_app.static_folder,
                                 current_app.static_url_path)
    pdf = HTML(string=html, base_url=request.host_url, url_fetcher=fetcher).write_pdf()
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers.set("Content-Disposition", "inline", filename=f"{dossier.code}.pdf")
    return response
