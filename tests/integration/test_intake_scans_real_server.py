"""A scan added later to a walk-in dossier, over a real socket (issue 18).

The counter's scan page takes files until reception. The test client never encodes a
multipart body or its headers the way a browser does, so here the scan goes to werkzeug's own
server (``servers.serving``, serving the session ``app``, SQLite and PostgreSQL) as Chromium
sends it: a multipart body whose file name is raw UTF-8 with Vietnamese letters, the session
cookie from the real login, and the CSRF token read from the page the server rendered."""

from __future__ import annotations

import re
from dataclasses import dataclass

import factories
import pytest
from sample_files import small_pdf
from servers import multipart, serving
from servers import raw_request as _request

from portal.accounts.models import Role
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import DocumentForm
from portal.core.models import utcnow
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import DossierFile
from portal.extensions import db
from portal.workflow import intake

NAME = "Giấy chứng nhận quyền sử dụng đất – bản quét.pdf"


@dataclass
class World:
    dossier_id: int
    requirement_id: int


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        version = factories.published_procedure(agency, name="Đăng ký biến động đất đai",
                                                documents=[catalog_ops.DocumentData(
                                                    "Giấy chứng nhận đã cấp",
                                                    DocumentForm.ORIGINAL, 1, True, "")])
        counter = factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn")
        dossier = intake.create_intake(version, counter, intake.Intake(
            channel="counter", return_method="counter", applicant=dossier_ops.ApplicantData(
                name="Trần Thị Hoa", id_number="051190001122", phone="0905123456", email="",
                address="")), current_calendar(), utcnow())
        db.session.commit()
        return World(dossier.id, version.documents[0].id)




def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    return multipart(fields, "files", filename, content)


def test_a_scan_with_a_vietnamese_name_is_added_later_through_a_real_server(
        app, signed_in, world):
    name = app.config["SESSION_COOKIE_NAME"]
    client = signed_in("motcua@example.vn").client
    cookie = f"{name}={client.get_cookie(name).value}"
    path = f"/can-bo/tiep-nhan/{world.dossier_id}/giay-to"
    with serving(app, "intake-scan-server") as base:
        page = _request(base, "GET", path, cookie)
        assert page.status == 200
        fresh = page.getheader("Set-Cookie")  # the CSRF secret, if the session had none
        if fresh:
            cookie = fresh.split(";")[0]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
        body, content_type = _multipart({"csrf_token": token,
                                         "requirement": str(world.requirement_id)},
                                        NAME, small_pdf())
        answer = _request(base, "POST", path, cookie, body, {"Content-Type": content_type})
        assert answer.status == 303, answer.data[:800]
        assert answer.getheader("Location").endswith(f"{path}#req-{world.requirement_id}")
        shown = _request(base, "GET", path, cookie)
        assert NAME.encode() in shown.data
    with app.app_context():
        item = db.session.scalar(db.select(DossierFile).where(
            DossierFile.dossier_id == world.dossier_id))
        assert (item.original_name, item.requirement_id) == (NAME, world.requirement_id)
        assert app.extensions["storage"].exists(item.storage_key)
