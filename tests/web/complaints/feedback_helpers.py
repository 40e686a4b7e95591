"""Helpers of the feedback web tests: a valid submission and reading the created item."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.feedback.complaints.models import Complaint

TEXT = "Hồ sơ đất đai của tôi đã quá hẹn hai tuần mà chưa có kết quả."


def form(**changes) -> dict:
    data = {"topic": "delay", "text": TEXT, "dossier_code": "", "contact_name": "Nguyễn Văn An",
            "contact_phone": "0905 123 456", "contact_email": "", "website": ""}
    data.update(changes)
    return data


def submit(client, **changes):
    return client.post("/phan-anh/gui", data=form(**changes))


def latest(app) -> Complaint | None:
    """The newest item, read in an app context of its own (a context pushed around the
    whole test would be reused by the requests and share their ``g``: CSRF tokens)."""
    with app.app_context():
        item = db.session.scalar(db.select(Complaint).order_by(Complaint.id.desc())
                                 .options(db.selectinload(Complaint.files),
                                          db.joinedload(Complaint.dossier)))
        db.session.expunge_all()
        return item


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Complaint.id)))


def reference_on(page: str) -> str:
    return re.search(r"PA\d{6}-[A-Z0-9]{6}", page).group(0)


def multipart(fields: dict, filename: str, content: bytes) -> bytes:
    """A body encoded by hand (boundary "B"): the test client would spool a large one to a
    temporary file that it never closes (a ResourceWarning, hence an error here)."""
    out = b""
    for name, value in fields.items():
        out += (f'--B\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n").encode()
    out += (f'--B\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()
    return out + content + b"\r\n--B--\r\n"
