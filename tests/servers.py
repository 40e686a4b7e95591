"""The test app served by werkzeug's real server on a free loopback port — one helper for the
browser tests, the download, upload-guard, proxy and concurrency tests (each needs what the
Flask test client hides: header encoding, streaming, sockets, threads)."""

from __future__ import annotations

import contextlib
import http.client
import threading
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, make_server


def _static_files_read_whole(app):
    """werkzeug's development server closes a response's iterable only after draining the
    socket, and a client that resets the connection first (a browser closing its context
    while the favicon is in flight) makes it skip the close: the static file stays open and
    its ResourceWarning fails whichever test runs when it is collected. Static files (small,
    never the streaming under test) are read whole and their file closed before the server
    sees them; every other response streams as it does in production."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if not (path.startswith("/static/") or path == "/favicon.ico"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@contextlib.contextmanager
def serving_server(app, name: str = "test-server") -> Iterator[BaseWSGIServer]:
    """``app`` on a free port, one thread per request (htmx fires in parallel); the server."""
    server = make_server("127.0.0.1", 0, _static_files_read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serving(app, name: str = "test-server") -> Iterator[str]:
    """``app`` on a free port; yields its base URL."""
    with serving_server(app, name) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def raw_request(base: str, method: str, path: str, cookie: str = "", body: bytes = b"",
                headers: dict[str, str] | None = None,
                timeout: float = 60) -> http.client.HTTPResponse:
    """One request on its own connection, bytes as given (no client library re-encoding the
    body or the headers); ``response.data`` holds the body read whole. The timeout makes a
    socket read that never ends fail the test instead of blocking the suite."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request(method, path, body=body or None,
                       headers={"Cookie": cookie, **(headers or {})})
    response = connection.getresponse()
    response.data = response.read()
    connection.close()
    return response


def multipart(fields: dict[str, str], file_field: str, filename: str,
              content: bytes) -> tuple[bytes, str]:
    """A form body as Chromium builds it: the fields in page order, then one PDF file whose
    name is written in raw UTF-8."""
    boundary = "----portal" + uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n").encode()
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    out += content + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"
