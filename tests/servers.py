"""The test app served by werkzeug's real server on a free loopback port — one helper for the
browser tests, the download, upload-guard, proxy and concurrency tests (each needs what the
Flask test client hides: header encoding, streaming, sockets, threads)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from werkzeug.serving import BaseWSGIServer, make_server


@contextlib.contextmanager
def serving_server(app, name: str = "test-server") -> Iterator[BaseWSGIServer]:
    """``app`` on a free port, one thread per request (htmx fires in parallel); the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
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
