"""HTML to PDF through WeasyPrint, for every printable page (the citizen's dossier summary,
the official forms 01–06). The HTML is the page the browser shows; only the bytes differ."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, current_app, make_response, request
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.urls import path2url

from portal.core.http import content_disposition


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


def render_pdf(html: str, stylesheets: list[str] | None = None) -> bytes:
    """The PDF of ``html`` (rendered in this request: links resolve against its host).
    ``stylesheets`` are CSS texts added to the page's own (e.g. a stylesheet that the
    browser loads from a route, which the fetcher above would refuse)."""
    fetcher = StaticFilesFetcher(request.host_url, current_app.static_folder,
                                 current_app.static_url_path)
    extra = [CSS(string=text, url_fetcher=fetcher) for text in stylesheets or ()]
    return HTML(string=html, base_url=request.host_url, url_fetcher=fetcher).write_pdf(
        stylesheets=extra)


def pdf_response(html: str, filename: str, stylesheets: list[str] | None = None, *,
                 kind: str = "inline") -> Response:
    """The PDF, opened in the browser's viewer (``kind="attachment"``: saved instead)."""
    response = make_response(render_pdf(html, stylesheets))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition(kind, filename)
    return response
