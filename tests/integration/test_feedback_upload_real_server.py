"""Feedback sent with an attachment over a real socket (issue 16), by a visitor who is not
signed in: werkzeug's own server (``servers.serving``, serving the session ``app``, SQLite
and PostgreSQL) receives a multipart body as Chromium sends it — the file name in raw UTF-8
with Vietnamese letters, the session cookie of the form's page and the CSRF token read from
it, the token before the file (the upload guard checks it there, core/uploads.py)."""

from __future__ import annotations

import re

import factories
import pytest
from sample_files import small_pdf
from servers import multipart, serving
from servers import raw_request as _request

from portal.extensions import db
from portal.feedback.complaints.models import Complaint, ComplaintFile

NAME = "Biên nhận hồ sơ – ảnh chụp.pdf"


@pytest.fixture
def agency(app) -> None:
    with app.app_context():
        factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        db.session.commit()




def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    return multipart(fields, "files", filename, content)


def test_feedback_with_a_vietnamese_file_name_through_a_real_server(app, agency):
    with serving(app, "feedback-upload-server") as base:
        page = _request(base, "GET", "/phan-anh/gui")
        assert page.status == 200
        cookie = page.getheader("Set-Cookie").split(";")[0]
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"',
                          page.data).group(1).decode()
        body, content_type = _multipart({
            "csrf_token": token, "topic": "paperwork", "text": "Giấy hẹn ghi sai ngày.",
            "dossier_code": "", "contact_name": "Phạm Thị Lan", "contact_phone": "",
            "contact_email": "lan@example.vn", "website": ""}, NAME, small_pdf())
        answer = _request(base, "POST", "/phan-anh/gui", cookie, body,
                          {"Content-Type": content_type})
        assert answer.status == 303, answer.data[:800]
        cookie = answer.getheader("Set-Cookie").split(";")[0]  # the session holds the reference
        confirmation = _request(base, "GET", "/phan-anh/da-gui", cookie)
        reference = re.search(rb"PA\d{6}-[A-Z0-9]{6}", confirmation.data).group(0).decode()
        # Without the token the guard refuses the body before the file is read.
        body, content_type = _multipart({"topic": "other"}, NAME, small_pdf())
        refused = _request(base, "POST", "/phan-anh/gui", cookie, body,
                           {"Content-Type": content_type})
        assert refused.status == 400
    with app.app_context():
        item = db.session.scalar(db.select(Complaint).where(Complaint.reference == reference))
        files = db.session.scalars(db.select(ComplaintFile)).all()
        assert [(f.complaint_id, f.original_name, f.content_type) for f in files] == [
            (item.id, NAME, "application/pdf")]
        assert app.extensions["storage"].exists(files[0].storage_key)
