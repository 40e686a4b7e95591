"""Shared pieces of the online-submission web tests (fixtures are in conftest.py)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from sample_files import PDF

from portal.extensions import db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

APPLICANT = {"name": "Nguyễn Văn Bình", "id_number": "051095001234", "phone": "0905111222",
             "email": "binh@example.vn", "address": "12 Quang Trung, TP Quảng Ngãi",
             "representative": ""}
POSTAL = {"return_method": "postal", "recipient": "Nguyễn Văn Bình", "phone": "0905111222",
          "province_code": "51", "ward_code": "21025",  # Phường Cẩm Thành, Quảng Ngãi
          "street": "12 Quang Trung"}


@dataclass
class Setup:
    code: str  # the procedure's code
    requirements: list[int]  # ProcedureDocument ids, in order
    email: str  # the citizen
    other_email: str  # another citizen


def upload(client, dossier_id: int, requirement_id: int, *files, htmx: bool = True):
    """POST files [(bytes, name), ...] to one requirement's area."""
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/ho-so/{dossier_id}/giay-to/{requirement_id}", data=data,
                       headers=headers)


def start_draft(client, setup: Setup) -> int:
    response = client.post(f"/ho-so/moi/{setup.code}", data={"on_behalf": "self"})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(re.search(r"/ho-so/(\d+)/nguoi-nop", response.headers["Location"]).group(1))


def complete_draft(client, setup: Setup) -> int:
    """A draft ready to submit: applicant, one PDF per requirement, counter pickup."""
    dossier_id = start_draft(client, setup)
    assert client.post(f"/ho-so/{dossier_id}/nguoi-nop", data=APPLICANT).status_code == 303
    for requirement_id in setup.requirements:
        assert upload(client, dossier_id, requirement_id, (PDF, "to-khai.pdf")).status_code == 200
    response = client.post(f"/ho-so/{dossier_id}/nhan-ket-qua", data={"return_method": "counter"})
    assert response.status_code == 303
    return dossier_id


def file_keys(app, dossier_id: int) -> list[str]:
    """The storage keys of a dossier's file rows."""
    from portal.dossiers.models import DossierFile

    with app.app_context():
        return list(db.session.scalars(db.select(DossierFile.storage_key).where(
            DossierFile.dossier_id == dossier_id)))


def in_storage(app, keys) -> list[str]:
    """The keys that exist in storage (the store outlives each test; ids are reused)."""
    storage = app.extensions["storage"]
    return [key for key in keys if storage.exists(key)]
