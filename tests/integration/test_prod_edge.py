"""The production edge for real (issue 17): Debian's nginx with deploy/nginx/portal.conf in
front of two gunicorn processes started with deploy/gunicorn.conf.py, as `make prod` runs
them. Through nginx: the client's address is the one nginx saw (X-Forwarded-For, PROXY_COUNT=1),
static files come from nginx with a year's cache, /metrics and /quan-tri are refused on the
public server and reached on the internal one, a body over nginx's limit is refused with 413
before an instance sees it (and one between the app's and nginx's limits by the app, in
Vietnamese), and with one instance killed (-9) requests go on through the other."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from nginx_server import ROOT, require_nginx, running_nginx, stop, wait_until_listening
from s3_server import free_port

from portal import create_app
from portal.accounts.throttling import login_address_key
from portal.config import Config
from portal.core import throttle
from portal.extensions import db

# The client connects from this loopback address; nginx itself connects to the instances
# from 127.0.0.1. So the app can only know 127.0.0.2 from the header nginx appended.
CLIENT = "127.0.0.2"
SECRET = "edge-test-secret-key-long-enough-0123456789"


@dataclass
class Stack:
    public: int
    internal: int
    instances: dict[int, subprocess.Popen]  # port -> gunicorn's master (its own session)
    nginx_prefix: Path
    app: object  # the test's own app on the same database, to read what the instances wrote


def _environment(database_url: str, storage: Path) -> dict[str, str]:
    return {**os.environ, "PORTAL_ENV": "testing", "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url, "STORAGE_URL": f"file://{storage}",
            "PROXY_COUNT": "1", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4",
            "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


def _gunicorn(port: int, environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c",
             str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    require_nginx()
    root = tmp_path_factory.mktemp("edge")
    database_url = f"sqlite:///{root / 'portal.db'}"
    config = Config.from_env({}, env="testing", secret_key=SECRET, database_url=database_url,
                             storage_url=f"file://{root / 'files'}")
    app = create_app(config)
    with app.app_context():
        db.create_all()
    environment = _environment(database_url, root / "files")
    ports = [free_port(), free_port()]
    instances = {port: _gunicorn(port, environment, root / f"app-{port}.log")
                 for port in ports}
    try:
        for port, process in instances.items():
            wait_until_listening(process, [port], root / f"app-{port}.log", f"gunicorn {port}")
        public, internal = free_port(), free_port()
        with running_nginx(root / "nginx", [f"127.0.0.1:{port}" for port in ports],
                           public, internal) as prefix:
            yield Stack(public, internal, instances, prefix, app)
    finally:
        for process in instances.values():
            stop(process)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _request(port: int, method: str, path: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                            source_address=(CLIENT, 0))
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_app_sees_the_address_nginx_appended_not_the_one_the_client_wrote(stack):
    status, headers, page = _request(stack.public, "GET", "/tai-khoan/dang-nhap")
    assert status == 200 and headers["server"] == "nginx"
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urlencode({"csrf_token": token.decode(), "email": "ai@example.vn",
                      "password": "sai-mat-khau"}).encode()
    status, _headers, _page = _request(
        stack.public, "POST", "/tai-khoan/dang-nhap", form,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
         "X-Forwarded-For": "6.6.6.6"})  # written by the client: to be ignored
    assert status == 422
    with stack.app.app_context():
        counted = {address for address in (CLIENT, "6.6.6.6", "127.0.0.1")
                   if throttle.peek(login_address_key(address)).count}
    assert counted == {CLIENT}


def _log_lines(log: Path, start: int, count: int) -> list[str]:
    """The access log's lines from ``start``, once ``count`` of them are there: nginx writes a
    line just after it has sent the answer, so the client may read the log first."""
    deadline = time.monotonic() + 5
    while True:
        lines = log.read_text().splitlines()[start:]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_static_files_are_served_by_nginx_with_a_year_of_cache(stack):
    log = stack.nginx_prefix / "logs" / "access.log"
    before = len(_log_lines(log, 0, 0))
    _status, _headers, page = _request(stack.public, "GET", "/tra-cuu")
    url = re.search(rb'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', page).group(1)
    status, headers, css = _request(stack.public, "GET", url.decode())
    assert status == 200 and css == (ROOT / "portal" / "static" / "css" / "portal.css").read_bytes()
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"
    # Without the fingerprint: an hour only (the file may change under that name).
    _status, headers, _css = _request(stack.public, "GET", "/static/css/portal.css")
    assert headers["cache-control"] == "public, max-age=3600"
    # The app never saw them: nginx answered from the directory (its access log names no
    # upstream for them).
    lines = _log_lines(log, before, 3)
    static_lines = [line for line in lines if "/static/css/portal.css" in line]
    assert len(static_lines) == 2 and all("upstream=- " in line for line in static_lines)


@pytest.mark.parametrize("path", ["/metrics", "/quan-tri/", "/quan-tri/nguoi-dung",
                                  "/quan-tri"])
def test_metrics_and_administration_are_refused_on_the_public_server(stack, path):
    status, headers, _body = _request(stack.public, "GET", path)
    assert status == 403 and headers["server"] == "nginx"


def test_the_internal_server_reaches_the_administration(stack):
    status, headers, _body = _request(stack.internal, "GET", "/quan-tri/")
    # The app's answer (to the login page), not nginx's refusal.
    assert status == 302 and "/tai-khoan/dang-nhap" in headers["location"]


def _send_headers_only(port: int, length: int) -> tuple[int, bytes]:
    """A POST announcing ``length`` bytes, without sending them: nginx must refuse it from the
    headers alone."""
    with socket.create_connection(("127.0.0.1", port), timeout=30,
                                  source_address=(CLIENT, 0)) as sock:
        sock.sendall((f"POST /tai-khoan/dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n"
                      f"\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


def test_a_body_over_nginx_limit_is_refused_with_413_before_any_instance(stack):
    status, answer = _send_headers_only(stack.public, 26 * 1024 * 1024)
    assert status == 413 and b"Server: nginx" in answer


def test_a_body_over_the_app_limit_but_under_nginx_is_refused_by_the_app(stack):
    # 22 MB: nginx (25 MB) lets it through, the app (20 MB per file + 1 MB) refuses it with
    # its own Vietnamese page.
    body = b"x" * (22 * 1024 * 1024)
    status, _headers, page = _request(stack.public, "POST", "/tai-khoan/dang-nhap", body,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and "Tệp quá lớn".encode() in page


class DyingInstance:
    """An app instance that reads each request whole, then dies without answering (a node
    killed in the middle of a request): what it read may have been applied."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.received: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                head, body = data.split(b"\r\n\r\n", 1)
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                while length and len(body) < int(length.group(1)):
                    body += connection.recv(65536)
                self.received.append(head.split(b" ", 1)[0].decode())

    def __enter__(self) -> DyingInstance:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._thread.join(timeout=5)


def test_a_post_that_reached_a_dying_node_is_not_replayed_on_another(stack, tmp_path):
    """proxy_next_upstream as deploy/nginx/portal.conf sets it: a GET that a node failed is
    passed to the next; a POST already sent to a node that then died is answered 502, never
    sent to a second node (it may have been applied: a dossier submitted twice)."""
    live = list(stack.instances)[1]
    public, internal = free_port(), free_port()
    with DyingInstance() as dying:
        # The dying node first, the live one as its backup: every request tries it first.
        # No failure accounting (max_fails=0), so the POST meets it too.
        site_apps = [f"127.0.0.1:{dying.port}", f"127.0.0.1:{live}"]
        with running_nginx(tmp_path / "nginx", site_apps, public, internal,
                           edit=lambda site: site.replace(
                               f"server 127.0.0.1:{live} max_fails=1",
                               f"server 127.0.0.1:{live} backup max_fails=1").replace(
                               f"server 127.0.0.1:{dying.port} max_fails=1",
                               f"server 127.0.0.1:{dying.port} max_fails=0")) as prefix:
            status, _headers, _page = _request(public, "GET", "/tra-cuu")
            assert status == 200  # the dying node read it, the live one answered
            status, _headers, _page = _request(
                public, "POST", "/tra-cuu", b"ma=000.00.10.H48-261201-0002",
                {"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 502
            lines = _log_lines(prefix / "logs" / "access.log", 0, 2)
    assert dying.received == ["GET", "POST"]
    upstreams = [line.split("upstream=")[1].split(" rt=")[0] for line in lines]
    assert upstreams == [f"127.0.0.1:{dying.port}, 127.0.0.1:{live}",
                         f"127.0.0.1:{dying.port}"]


def test_with_one_instance_killed_requests_go_through_the_other(stack):
    """Last in the module: it kills an instance. kill -9 of the whole process group (master
    and workers), so its port refuses connections at once."""
    killed, survivor = list(stack.instances)
    os.killpg(stack.instances[killed].pid, signal.SIGKILL)
    stack.instances[killed].wait(timeout=10)
    log = stack.nginx_prefix / "logs" / "access.log"
    before = len(log.read_text().splitlines())
    for _ in range(6):
        status, _headers, _page = _request(stack.public, "GET", "/tra-cuu")
        assert status == 200
    lines = _log_lines(log, before, 6)
    # Every answer came from the survivor; the dead one was tried at most once (max_fails=1),
    # and that request was passed on to the survivor rather than failed.
    # ("upstream=A, B": tried A, then B.)
    upstreams = [line.split("upstream=")[1].split(" rt=")[0].split(", ") for line in lines]
    assert len(upstreams) == 6
    assert all(tried[-1] == f"127.0.0.1:{survivor}" for tried in upstreams), upstreams
    assert sum(f"127.0.0.1:{killed}" in tried for tried in upstreams) <= 1, upstreams
