"""The upload guard (portal/core/uploads.py; issue 10, item 8): on every route that reads files,
the login, the second factor, the role, the object and the CSRF token are checked before the
body is read, so a refused upload is never written anywhere.

It used to be the other way round: CSRFProtect read the whole form first, so an anonymous
21 MB POST was staged into the store and held there while it arrived. The first tests go
through a real server socket, where that shows: the client sends the headers and the start
of the body, then waits — a server that reads the body waits too, one that refuses answers.
The others count, through the test client, how many bytes of the body were read."""

from __future__ import annotations

import io
import socket
import uuid
from dataclasses import dataclass

import factories
import pytest
from servers import serving_server

from portal.accounts.models import Role
from portal.catalog import operations as catalog_ops
from portal.core.uploads import UploadRequest
from portal.dossiers import operations as dossier_ops
from portal.extensions import db
from portal.storage import LocalStorage

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 400  # ~100 KiB
DECLARED = 21_000_000  # what the attacker announces; only the start is ever sent


@dataclass
class World:
    draft: int  # the owner's online draft
    requirement: int
    submitted: int  # submitted online to the agency
    procedure: int
    document: int  # of the procedure's draft version
    storage: LocalStorage


@pytest.fixture
def world(app, tmp_path, monkeypatch) -> World:
    storage = LocalStorage(tmp_path / "uploads")
    monkeypatch.setitem(app.extensions, "storage", storage)
    with app.app_context():
        agency, other = factories.agency("STP", "Sở Tư pháp"), factories.agency("SXD")
        version = factories.published_procedure(agency)
        owner = factories.citizen("chu@example.vn")
        factories.citizen("la@example.vn")
        factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn")
        factories.staff(Role.COUNTER_OFFICER, other, "motcua-khac@example.vn")
        factories.staff(Role.LEADER, agency, "lanhdao@example.vn")
        factories.staff(Role.ADMIN, None, "quantri@example.vn")
        draft = dossier_ops.start_dossier(version, owner)
        submitted = factories.submitted_dossier(version, owner)
        catalog_draft = catalog_ops.draft_for_edit(version.procedure, None)
        db.session.commit()
        return World(draft.id, version.documents[0].id, submitted.id, version.procedure_id,
                     catalog_draft.documents[0].id, storage)


@pytest.fixture
def file_streams(monkeypatch):
    """Every container a file part was written into (staged or werkzeug's temporary file)."""
    opened: list[str] = []
    real = UploadRequest._get_file_stream

    def spy(self, *args, **kwargs):
        opened.append(self.path)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(UploadRequest, "_get_file_stream", spy)
    return opened


def _stored(storage: LocalStorage) -> list[str]:
    """Everything under the storage root: objects and staged (``~``) files alike."""
    if not storage.root.exists():
        return []
    return sorted(str(p.relative_to(storage.root)) for p in storage.root.rglob("*")
                  if p.is_file())


def _routes(w: World) -> dict[str, tuple[str, str]]:
    """name -> (URL, name of its file field) for every route that reads files."""
    return {
        "citizen upload": (f"/ho-so/{w.draft}/giay-to/{w.requirement}", "files"),
        "counter scan": (f"/can-bo/tiep-nhan/{w.submitted}/giay-to", "files"),
        "approve with e-result": (f"/can-bo/ho-so/{w.submitted}/approve", "result"),
        "on-the-spot e-result": (f"/can-bo/ho-so/{w.submitted}/giai-quyet-ngay", "result"),
        "form template": (f"/quan-tri/thu-tuc/{w.procedure}/giay-to/{w.document}/tai-len",
                          "template"),
        "catalog import": ("/quan-tri/danh-muc/nhap", "file"),
    }


RIGHT_USER = {"citizen upload": "chu@example.vn", "counter scan": "motcua@example.vn",
              "approve with e-result": "lanhdao@example.vn",
              "on-the-spot e-result": "motcua@example.vn",
              "form template": "quantri@example.vn", "catalog import": "quantri@example.vn"}

# (route, user, status): a user with a session, refused before the body is read.
WRONG_USERS = [
    ("citizen upload", "la@example.vn", 404),  # another citizen's draft
    ("citizen upload", "motcua@example.vn", 404),
    ("counter scan", "chu@example.vn", 403),  # a citizen in the staff area
    ("counter scan", "motcua-khac@example.vn", 404),  # a dossier of another agency
    ("counter scan", "lanhdao@example.vn", 403),  # not a counter officer
    ("approve with e-result", "chu@example.vn", 403),
    ("approve with e-result", "motcua@example.vn", 403),  # may not approve
    ("on-the-spot e-result", "chu@example.vn", 403),
    ("on-the-spot e-result", "lanhdao@example.vn", 403),  # not a counter officer
    ("on-the-spot e-result", "motcua-khac@example.vn", 404),  # another agency's dossier
    ("form template", "lanhdao@example.vn", 403),
    ("form template", "chu@example.vn", 403),
    ("catalog import", "motcua@example.vn", 403),
]


def _multipart(field: str, content: bytes, *, before=(), after=()) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex

    def text(name: str, value: str) -> bytes:
        return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()

    body = b"".join(text(*pair) for pair in before)
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
             "filename=\"to-khai.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    body += content + b"\r\n" + b"".join(text(*pair) for pair in after)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class CountingBody(io.BytesIO):
    """A request body that counts how much of it the server read."""

    read_bytes = 0

    def read(self, size=-1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def read1(self, size=-1) -> bytes:
        data = super().read1(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1) -> bytes:
        data = super().readline(size)
        self.read_bytes += len(data)
        return data

    def readinto(self, buffer) -> int:
        n = super().readinto(buffer)
        self.read_bytes += n
        return n


def _post(client, url: str, body: bytes, content_type: str, headers=None):
    stream = CountingBody(body)
    response = client.post(url, input_stream=stream, content_type=content_type,
                           content_length=len(body), headers=headers or {})
    return response, stream.read_bytes


def _password_only(app, email: str):
    """A staff member who typed the password but not yet the TOTP code."""
    client = factories.CsrfClient(app.test_client())
    response = client.post("/tai-khoan/dang-nhap", data={"email": email,
                                                         "password": factories.PASSWORD})
    assert response.status_code == 303 and "/tai-khoan/" in response.location
    return client


# --- through a real server -------------------------------------------------------------------

@pytest.fixture
def server(app):
    with serving_server(app, "upload-guard-server") as httpd:
        yield httpd.server_port


def _send_start(port: int, url: str, field: str, *, cookie: str = "", before=(),
                headers: dict | None = None) -> tuple[int, str, socket.socket]:
    """Announce a 21 MB upload, send its headers and its first 64 KiB, then wait for the
    answer without sending more: (status, body, the open connection)."""
    body, content_type = _multipart(field, b"%PDF-1.7\n" + bytes(64 * 1024), before=before)
    head = [f"POST {url} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}",
            f"Content-Length: {DECLARED}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if cookie:
        head.append(f"Cookie: session={cookie}")
    connection = socket.create_connection(("127.0.0.1", port))
    connection.settimeout(10)  # a server reading the body would wait for the rest: fail
    connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body[:-20])
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(65536) or pytest.fail("connection closed, no answer")
        header, _, rest = answer.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in header.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(rest) < length:
            rest += connection.recv(65536)
    except TimeoutError:
        connection.close()
        pytest.fail("the server read the upload's body instead of refusing it first")
    return int(header.split()[1]), rest.decode(), connection


def _session_cookie(client) -> str:
    return client.client.get_cookie("session").value


def test_an_anonymous_upload_is_refused_before_its_body_arrives(app, world, server,
                                                                file_streams):
    for name, (url, field) in _routes(world).items():
        status, html, connection = _send_start(server, url, field)
        try:
            assert status == 401, name
            assert "Cần đăng nhập" in html
            # While the sender is still connected, nothing of its file exists anywhere.
            assert _stored(world.storage) == [] and file_streams == [], name
        finally:
            connection.close()


def test_an_upload_without_a_token_is_refused_before_its_file_is_written(
        app, world, server, signed_in, file_streams):
    owner = signed_in("chu@example.vn")
    url, field = _routes(world)["citizen upload"]
    status, html, connection = _send_start(server, url, field, cookie=_session_cookie(owner))
    try:
        assert status == 400 and "Phiên làm việc đã hết hạn" in html
        assert _stored(world.storage) == [] and file_streams == []
    finally:
        connection.close()
    # A forged token in the header is refused unread too.
    status, _html, connection = _send_start(server, url, field, cookie=_session_cookie(owner),
                                            headers={"X-CSRFToken": "forged"})
    connection.close()
    assert status == 400 and _stored(world.storage) == [] and file_streams == []


def test_the_upload_goes_through_the_real_server_with_its_token(app, world, server,
                                                                signed_in):
    owner = signed_in("chu@example.vn")
    url, field = _routes(world)["citizen upload"]
    body, content_type = _multipart(field, PDF, before=[("csrf_token", owner.token())])
    head = (f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nHX-Request: true\r\n"
            f"Cookie: session={_session_cookie(owner)}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(head.encode() + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    stored = _stored(world.storage)
    assert len(stored) == 1 and stored[0].startswith(f"dossiers/{world.draft}/")


# --- every upload route, counting what is read -----------------------------------------------

def test_anonymous_visitors_get_401_with_nothing_read(app, world, file_streams):
    client = factories.CsrfClient(app.test_client())
    for name, (url, field) in _routes(world).items():
        body, content_type = _multipart(field, PDF, before=[("csrf_token", client.token())])
        response, read = _post(client.client, url, body, content_type)
        assert (response.status_code, read) == (401, 0), name
    assert _stored(world.storage) == [] and file_streams == []


@pytest.mark.parametrize("route, email, status", WRONG_USERS)
def test_the_wrong_user_is_refused_with_nothing_read(app, world, signed_in, file_streams,
                                                     route, email, status):
    client = signed_in(email)
    url, field = _routes(world)[route]
    body, content_type = _multipart(field, PDF, before=[("csrf_token", client.token())])
    response, read = _post(client.client, url, body, content_type,
                           {"X-CSRFToken": client.token()})
    assert (response.status_code, read) == (status, 0)
    assert _stored(world.storage) == [] and file_streams == []


def test_staff_without_the_second_factor_are_refused_with_nothing_read(app, world,
                                                                       file_streams):
    """Until the TOTP code is typed, the session is not logged in."""
    for route in ("counter scan", "approve with e-result", "form template", "catalog import"):
        client = _password_only(app, RIGHT_USER[route])
        url, field = _routes(world)[route]
        body, content_type = _multipart(field, PDF, before=[("csrf_token", client.token())])
        response, read = _post(client.client, url, body, content_type)
        assert (response.status_code, read) == (401, 0), route
    assert file_streams == []


@pytest.mark.parametrize("route", list(RIGHT_USER))
def test_the_right_user_needs_the_token_before_the_file(app, world, signed_in, file_streams,
                                                        route):
    client = signed_in(RIGHT_USER[route])
    url, field = _routes(world)[route]
    cases = [
        ({}, {}),  # no token at all
        ({"before": [("csrf_token", "forged")]}, {}),
        ({"after": [("csrf_token", client.token())]}, {}),  # too late: after the file
        ({}, {"X-CSRFToken": "forged"}),
    ]
    for parts, headers in cases:
        body, content_type = _multipart(field, PDF, **parts)
        response, read = _post(client.client, url, body, content_type, headers)
        assert response.status_code == 400, (route, parts, headers)
        assert read < len(body) or not headers  # a header token is checked unread
        if headers:
            assert read == 0
    assert _stored(world.storage) == [] and file_streams == []
    # With the token (field first, as the forms send it, or header, as htmx does) the guard
    # lets the route answer for itself.
    for parts, headers in [({"before": [("csrf_token", client.token())]}, {}),
                           ({}, {"X-CSRFToken": client.token()})]:
        body, content_type = _multipart(field, PDF, **parts)
        response, read = _post(client.client, url, body, content_type, headers)
        assert response.status_code not in (400, 401, 403, 404, 415), (route, response.status)
        assert read == len(body)


def test_a_multipart_body_to_a_route_without_files_is_415_unread(app, world, signed_in,
                                                                 file_streams):
    owner = signed_in("chu@example.vn")
    for url in ["/tai-khoan/dang-nhap", f"/ho-so/{world.draft}/nguoi-nop", "/ngon-ngu"]:
        body, content_type = _multipart("files", PDF, before=[("csrf_token", owner.token())])
        response, read = _post(owner.client, url, body, content_type)
        assert (response.status_code, read) == (415, 0), url
        assert "không nhận tệp" in response.get_data(as_text=True)
    assert file_streams == []
