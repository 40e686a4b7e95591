"""Run moto's S3-compatible server as a real process for integration tests.

MinIO cannot be installed on the CI machines; ``moto_server`` speaks the same S3 wire
protocol, so the ``minio`` SDK talks to it over real HTTP exactly as in production
(it does not verify request signatures, though).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

STARTUP_TIMEOUT = 20.0


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            response.read()
            return True
    except urllib.error.HTTPError as exc:
        exc.close()
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def start_moto_server() -> tuple[str, Callable[[], None]]:
    """Start ``moto_server`` on a free loopback port; return (endpoint URL, stop).

    Raises RuntimeError (with the server's output) if it does not answer in time.
    """
    executable = Path(sys.executable).parent / "moto_server"
    if not executable.exists():
        raise RuntimeError(f"{executable} not found; install moto[server] in the venv")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    # Output goes to a file, not a pipe: moto logs every request, and a pipe nobody
    # reads fills up and freezes the server mid-test.
    log = tempfile.TemporaryFile()  # closed by stop(), which outlives this function
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Fake credentials so nothing in moto goes looking for real ones.
        env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )

    def output() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-4000:]

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = f"moto_server exited with code {process.returncode}:\n{output()}"
            stop()
            raise RuntimeError(message)
        if _answers(endpoint + "/"):
            return endpoint, stop
        time.sleep(0.1)
    message = f"moto_server did not answer within {STARTUP_TIMEOUT:.0f} s:\n{output()}"
    stop()
    raise RuntimeError(message)


def storage_url(endpoint: str, bucket: str) -> str:
    """The portal's STORAGE_URL for a bucket on the moto server (any key is accepted)."""
    from urllib.parse import urlsplit

    return f"s3://test-key:test-secret@{urlsplit(endpoint).netloc}/{bucket}?secure=false"


class HungServer:
    """A TCP server on a free loopback port that accepts every connection and never answers
    a byte: an object store that hangs (frozen MinIO, a black-holed proxy). ``accepted``
    counts the connections, i.e. the attempts a client made. Use as a context manager."""

    def __init__(self) -> None:
        import threading

        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # the listener was closed: stop
                return
            self.accepted += 1
            self._held.append(connection)  # held open, never read, never answered

    def __enter__(self) -> HungServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        except OSError:
            pass
        self._listener.close()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
