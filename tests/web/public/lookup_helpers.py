"""What the lookup page's and the lookup API's tests share: one dossier with an applicant's
particulars (the lookup must show none of them) and clients from given addresses."""

import factories

from portal.extensions import db

PHONE, ID_NUMBER = "0905111222", "051095001234"


def lookup_dossier(app) -> str:
    """A submitted dossier of Sở Tư pháp; returns its code."""
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(justice,
                                                name="Cấp Phiếu lý lịch tư pháp cho công dân")
        dossier = factories.submitted_dossier(version)
        dossier.applicant_phone, dossier.applicant_id_number = PHONE, ID_NUMBER
        dossier.applicant_name = "Nguyễn Văn Bình"
        dossier.applicant_email = "binh@example.vn"
        dossier.applicant_address = "12 Trần Hưng Đạo"
        db.session.commit()
        return dossier.code


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client
