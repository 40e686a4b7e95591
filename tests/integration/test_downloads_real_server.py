"""Downloads through real servers (issue 10, item 1).

The Flask test client never encodes headers, which is why the suite once passed while no
file with a Vietnamese letter in its name could be downloaded: gunicorn answered a bare 500
and werkzeug's server hung after the status line. Here every kind of download goes over a
socket to two real servers serving the test database and the test files:

- gunicorn, as in production: ``python -m gunicorn wsgi:app`` in its own process, configured
  through the environment like a deployment, bound to a socket this test opened (so it
  accepts as soon as it is up: nothing to wait or poll for);
- werkzeug's own server (``flask run``), in a thread, serving the session ``app``.

Each runs on SQLite and on PostgreSQL (the ``app`` fixture's two backends). A user's session
comes from the real login flow on the test client (same secret key, same database) and its
cookie is sent to the server."""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import factories
import pytest
from openpyxl import load_workbook
from servers import serving
from werkzeug.http import parse_options_header

from portal.accounts.models import Role
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole
from portal.core.docx import make_docx
from portal.core.models import utcnow
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import FileKind, ReturnMethod
from portal.extensions import db
from portal.workflow import actions as wf

ROOT = Path(__file__).resolve().parents[2]
LIMITS = UploadLimits(max_file=5 * 1024 * 1024, max_dossier=20 * 1024 * 1024)
PDF = b"%PDF-1.4\n% Gi\xe1\xba\xa5y khai sinh\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
RESULT = b"%PDF-1.7\n% K\xe1\xba\xbft qu\xe1\xba\xa3\n" + b"\x00\xff" * 3000 + b"\n%%EOF\n"
TEMPLATE = make_docx("TỜ KHAI", ["Họ và tên: ……", "Số CCCD: ……"])
# A socket read that never ends is a hang: fail after this instead of blocking the suite.
HANG = 60


@dataclass
class Got:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def disposition(self) -> tuple[str, str]:
        """(kind, file name) as a browser reads the header (``filename*`` first)."""
        raw = self.headers["Content-Disposition"]
        raw.encode("ascii")  # what the helper writes, whatever the name
        kind, options = parse_options_header(raw)
        return kind, options["filename"]


def fetch(base_url: str, path: str, cookie: str | None = None) -> Got:
    """One GET over a real socket, the whole body read."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HANG)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return Got(response.status, response.headers, response.read())
    finally:
        connection.close()


# --- the servers -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gunicorn_url(app, tmp_path_factory) -> Iterator[str]:
    config = app.config["PORTAL"]
    listener = socket.create_server(("127.0.0.1", 0))
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    environment = {"PATH": os.environ.get("PATH", ""), "PORTAL_ENV": "testing",
                   "SECRET_KEY": config.secret_key, "DATABASE_URL": config.database_url,
                   "STORAGE_URL": config.storage_url, "LANG": "C.UTF-8"}
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}",
             "--workers", "1", "--chdir", str(ROOT), "--error-logfile", "-", "wsgi:app"],
            env=environment, pass_fds=[listener.fileno()], stdout=errors, stderr=errors)
    listener.close()  # gunicorn holds its own copy, listening since before it started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=HANG)
    # A worker that crashed on a header would have logged it; none may have.
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text


@pytest.fixture(scope="module")
def werkzeug_url(app) -> Iterator[str]:
    with serving(app, "download-server") as url:
        yield url


@pytest.fixture(params=["gunicorn", "werkzeug"])
def server(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


# --- the data: a dossier with Vietnamese file names, from upload to e-result -----------------

@dataclass
class World:
    dossier_id: int
    code: str
    upload_id: int
    result_id: int
    procedure_code: str
    procedure_id: int
    document_id: int
    agency_id: int
    emails: dict[str, str]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        storage = app.extensions["storage"]
        agency = factories.agency("STP", "Sở Tư pháp")
        version = catalog_ops.create_procedure(factories.procedure_data(
            agency, name="Đăng ký khai sinh", steps=[
                catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
                catalog_ops.StepData("Thẩm định", StepRole.SPECIALIST, 8),
                catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 4)]), None)
        document = version.documents[0]
        key = catalog_ops.document_file_key(document, version, "template", "docx")
        storage.put(key, io.BytesIO(TEMPLATE))
        catalog_ops.attach_document_file(document, version, "template", key,
                                         "Mẫu tờ khai.docx")
        catalog_ops.publish(version, None)
        users = {
            "citizen": factories.citizen("dan@example.vn", full_name="Nguyễn Thị Hồng"),
            "counter": factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn"),
            "specialist": factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn"),
            "leader": factories.staff(Role.LEADER, agency, "lanhdao@example.vn"),
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn"),
            "admin": factories.staff(Role.ADMIN, None, "quantri@example.vn"),
        }
        dossier = dossier_ops.start_dossier(version, users["citizen"])
        upload = dossier_ops.add_file(dossier, document.id, io.BytesIO(PDF),
                                      "Giấy khai sinh của bé.pdf", users["citizen"], storage,
                                      LIMITS)
        dossier_ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
        dossier_ops.submit(dossier, users["citizen"], current_calendar(), utcnow())

        def ctx(who: str) -> wf.Context:
            return wf.Context(users[who], utcnow(), current_calendar())

        wf.receive(dossier, ctx("counter"))
        wf.take(dossier, ctx("specialist"))
        wf.complete_step(dossier, ctx("specialist"), note="Đủ điều kiện")
        result = dossier_ops.add_file(dossier, None, io.BytesIO(RESULT),
                                      "Kết quả giải quyết.pdf", users["leader"], storage,
                                      LIMITS, kind=FileKind.RESULT)
        wf.approve(dossier, ctx("leader"), result_note="Số 15/GCN")
        db.session.commit()
        return World(dossier.id, dossier.code, upload.id, result.id, version.procedure.code,
                     version.procedure_id, document.id, agency.id,
                     {who: user.email for who, user in users.items()})


@pytest.fixture
def cookie(app, signed_in, world):
    """cookie("leader") → the Cookie header of that user's session, after the real login."""
    name = app.config["SESSION_COOKIE_NAME"]

    def _cookie(who: str) -> str:
        session = signed_in(world.emails[who]).client.get_cookie(name)
        return f"{name}={session.value}"

    return _cookie


# --- the downloads ---------------------------------------------------------------------------

def test_the_citizens_own_file_and_the_officers_view_of_it(server, world, cookie):
    mine = fetch(server, f"/ho-so/{world.dossier_id}/tep/{world.upload_id}", cookie("citizen"))
    assert mine.status == 200 and mine.body == PDF
    assert mine.disposition == ("inline", "Giấy khai sinh của bé.pdf")
    assert mine.headers["Content-Type"] == "application/pdf"
    officers = fetch(server, f"/can-bo/ho-so/{world.dossier_id}/tep/{world.upload_id}",
                     cookie("counter"))
    assert officers.status == 200 and officers.body == PDF
    assert officers.disposition == ("inline", "Giấy khai sinh của bé.pdf")


def test_the_e_result(server, world, cookie):
    got = fetch(server, f"/ho-so/{world.dossier_id}/tep/{world.result_id}", cookie("citizen"))
    assert got.status == 200 and got.body == RESULT
    assert got.disposition == ("inline", "Kết quả giải quyết.pdf")


def test_the_official_forms_as_pdf(server, world, cookie):
    for path, who in ((f"/ho-so/{world.dossier_id}/phieu/01.pdf", "citizen"),
                      (f"/can-bo/ho-so/{world.dossier_id}/phieu/01.pdf", "counter"),
                      (f"/ho-so/{world.dossier_id}/in.pdf", "citizen")):
        got = fetch(server, path, cookie(who))
        assert got.status == 200 and got.body.startswith(b"%PDF-"), path
        kind, name = got.disposition
        assert kind == "inline" and name.startswith(world.code) and name.endswith(".pdf")


def test_the_form_template_public_and_for_the_administrator(server, world, cookie):
    public = fetch(server, f"/thu-tuc/{world.procedure_code}/giay-to/{world.document_id}/mau")
    assert public.status == 200 and public.body == TEMPLATE
    assert public.disposition == ("attachment", "Mẫu tờ khai.docx")
    admin = fetch(server, f"/quan-tri/thu-tuc/{world.procedure_id}/giay-to/"
                          f"{world.document_id}/mau", cookie("admin"))
    assert admin.status == 200 and admin.body == TEMPLATE
    assert admin.disposition == ("attachment", "Mẫu tờ khai.docx")


def test_statistics_tracking_book_and_catalog_exports(server, world, cookie):
    period = "tu=2019-01-01&den=2019-01-31"
    for fmt, magic in (("xlsx", b"PK\x03\x04"), ("csv", b"\xef\xbb\xbf"), ("pdf", b"%PDF-")):
        got = fetch(server, f"/thong-ke/bang.{fmt}?{period}", cookie("supervisor"))
        assert got.status == 200 and got.body.startswith(magic), fmt
        assert got.disposition == ("attachment",
                                   f"thong-ke-tat-ca-mau-A-20190101-20190131.{fmt}")
    book = fetch(server, f"/can-bo/so-theo-doi.xlsx?agency={world.agency_id}",
                 cookie("counter"))
    assert book.status == 200 and book.disposition[0] == "attachment"
    assert book.disposition[1].startswith("so-theo-doi-STP-")  # this month's book
    rows = list(load_workbook(io.BytesIO(book.body)).active.values)
    assert any(row[1] == world.code and row[4] == "Nguyễn Thị Hồng" for row in rows)
    catalog = fetch(server, "/quan-tri/danh-muc/xuat?format=csv", cookie("admin"))
    assert catalog.status == 200 and "Đăng ký khai sinh" in catalog.body.decode("utf-8-sig")
    assert catalog.disposition[0] == "attachment"



# --- the financial obligation's tax notice (issue 18) ----------------------------------------

NOTICE = (b"%PDF-1.5\n% Th\xc3\xb4ng b\xc3\xa1o n\xe1\xbb\x99p thu\xe1\xba\xbf\n"
          + b"\x01" * 4000 + b"\n%%EOF\n")


@pytest.fixture
def obligation(app, world) -> tuple[int, int]:
    """A second dossier of the citizen, waiting for its tax to be paid: (dossier, notice)."""
    from portal.accounts.models import User
    from portal.catalog.models import ProcedureVersion
    from portal.dossiers.models import Dossier
    from portal.workflow import obligations

    with app.app_context():
        storage = app.extensions["storage"]
        first = db.session.get(Dossier, world.dossier_id)
        version = db.session.get(ProcedureVersion, first.procedure_version_id)
        users = {who: db.session.scalar(db.select(User).where(User.email == email))
                 for who, email in world.emails.items()}
        dossier = dossier_ops.start_dossier(version, users["citizen"])
        dossier_ops.add_file(dossier, world.document_id, io.BytesIO(PDF), "Tờ khai.pdf",
                             users["citizen"], storage, LIMITS)
        dossier_ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
        dossier_ops.submit(dossier, users["citizen"], current_calendar(), utcnow())
        now = utcnow()
        wf.receive(dossier, wf.Context(users["counter"], now, current_calendar()))
        wf.take(dossier, wf.Context(users["specialist"], now, current_calendar()))
        notice = obligations.store_file(dossier.id, obligations.ObligationFileKind.NOTICE,
                                        io.BytesIO(NOTICE), "Thông báo nộp thuế số 15.pdf",
                                        users["specialist"].id, storage, LIMITS)
        wf.request_obligation(dossier, wf.Context(users["specialist"], now, current_calendar()),
                              factories.obligation_terms(now), notice)
        db.session.commit()
        return dossier.id, notice.id


def test_the_tax_notice_with_its_vietnamese_name(server, world, cookie, obligation):
    dossier_id, notice_id = obligation
    mine = fetch(server, f"/ho-so/{dossier_id}/nghia-vu/{notice_id}", cookie("citizen"))
    assert mine.status == 200 and mine.body == NOTICE
    assert mine.disposition == ("inline", "Thông báo nộp thuế số 15.pdf")
    assert mine.headers["Content-Type"] == "application/pdf"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    officers = fetch(server, f"/can-bo/ho-so/{dossier_id}/nghia-vu/{notice_id}",
                     cookie("counter"))
    assert officers.status == 200 and officers.body == NOTICE
    assert officers.disposition == ("inline", "Thông báo nộp thuế số 15.pdf")
