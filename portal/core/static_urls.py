"""Fingerprinted static URLs: ``url_for('static', filename=…)`` carries ``?v=<hash of the
file>``. A proxy (deploy/nginx/portal.conf) can then let browsers keep every static file for
a year (``Cache-Control: immutable``): a changed file has a new URL, so a deploy is seen at
once, and the unchanged ones are never asked for again. The same origin and path as before,
so the Content-Security-Policy ('self') is untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask


def install(app: Flask) -> None:
    root = Path(app.static_folder or "").resolve()
    # (name, size, mtime) -> digest: a file replaced while the process runs (development)
    # gets its new hash; otherwise each file is read once per process.
    digests: dict[tuple[str, int, int], str] = {}
    # name -> its path inside the static folder (None: outside it). Resolving a path walks
    # every directory of it; a page names the same few files on every request.
    paths: dict[str, Path | None] = {}

    def fingerprint(filename: str) -> str | None:
        if filename not in paths:
            path = (root / filename).resolve()
            paths[filename] = path if path.is_relative_to(root) else None
        path = paths[filename]
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None  # a missing file: the plain URL, answered 404 as before
        key = (filename, stat.st_size, stat.st_mtime_ns)
        if key not in digests:
            digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return digests[key]

    @app.url_defaults
    def _static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version
