"""An exemption's proof uploaded over a real socket (issue 14): werkzeug's own server
(``servers.serving``, the session ``app``, SQLite and PostgreSQL) receives the fee page's
multipart body as Chromium sends it — the file name in raw UTF-8 with Vietnamese letters, the
signed-in session's cookie and the CSRF token read from the page, the token before the file
(the upload guard checks it there, core/uploads.py). The proof is stored as a dossier file
of its own and the counter officer's workspace links to it."""

from __future__ import annotations

import re

import factories
import pytest
from sample_files import small_pdf
from servers import multipart, serving
from servers import raw_request as _request

from portal.catalog import operations as catalog_ops
from portal.catalog.models import FeeKind
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments import fees

NAME = "Giấy chứng nhận hộ nghèo – Phường Trần Phú.pdf"


@pytest.fixture
def draft(app) -> tuple[int, int]:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp", payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Lệ phí cấp phiếu", 200000, kind=FeeKind.CHARGE)],
            exemptions=["Hộ nghèo"])
        owner = factories.citizen("dan@example.vn", full_name="Nguyễn Thị Hồng")
        dossier = dossier_ops.start_dossier(version, owner)
        db.session.commit()
        return dossier.id, version.exemptions[0].id




def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    return multipart(fields, "proof", filename, content)


def test_the_proof_with_a_vietnamese_name_through_a_real_server(app, signed_in, draft):
    dossier_id, exemption_id = draft
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = f"{name}={signed_in('dan@example.vn').client.get_cookie(name).value}"
    path = f"/thanh-toan/ho-so/{dossier_id}/phi"
    with serving(app, "exemption-proof-server") as base:
        page = _request(base, "GET", path, cookie)
        assert page.status == 200
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"',
                          page.data).group(1).decode()
        # Without the token before the file, the guard refuses the body unread.
        body, content_type = _multipart({"exemption": str(exemption_id)}, NAME, small_pdf())
        refused = _request(base, "POST", path, cookie, body, {"Content-Type": content_type})
        assert refused.status == 400
        body, content_type = _multipart({"csrf_token": token, "exemption": str(exemption_id)},
                                        NAME, small_pdf())
        answer = _request(base, "POST", path, cookie, body, {"Content-Type": content_type})
        assert answer.status == 303, answer.data[:800]
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        claim = fees.claim_of(dossier)
        assert claim.exemption_state == fees.PENDING
        proof = claim.proof_file
        assert proof.original_name == NAME and proof.content_type == "application/pdf"
        assert proof.size == len(small_pdf())
        assert b"".join(app.extensions["storage"].open(proof.storage_key)) == small_pdf()
        assert fees.due_for(dossier).total == 0
