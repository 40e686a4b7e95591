"""The test app served by werkzeug's real server on a free loopback port — one helper for the
browser tests, the download, upload-guard, proxy and concurrency tests (each needs what the
Flask test client hides: header encoding, streaming, sockets, threads)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

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
