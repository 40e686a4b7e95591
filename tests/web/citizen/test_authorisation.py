"""Who may touch a dossier: the applicant and their organisation's members, nobody else.

For EVERY citizen route that takes an id, another citizen gets 404 and nothing changes;
anonymous visitors are sent to the login page (an upload is refused with 401 before its body
is read: tests/integration/test_upload_guard.py); a POST without a CSRF token is refused."""

import factories
import pytest
from submission_helpers import APPLICANT, PDF, POSTAL, complete_draft, in_storage, upload

from portal.accounts import operations as account_ops
from portal.accounts.models import Organisation
from portal.catalog.models import OnlineLevel
from portal.dossiers.models import Dossier, DossierFile
from portal.extensions import db


def _routes(dossier_id: int, file_id: int, requirement_id: int):
    """(method, url, form data) for every citizen route that takes an id."""
    base = f"/ho-so/{dossier_id}"
    return [
        ("GET", f"{base}/nguoi-nop", None),
        ("POST", f"{base}/nguoi-nop", dict(APPLICANT, name="Kẻ Lạ")),
        ("GET", f"{base}/giay-to", None),
        ("POST", f"{base}/giay-to", {}),
        ("POST", f"{base}/giay-to/{requirement_id}", {"files": (PDF, "la.pdf")}),
        ("POST", f"{base}/tep/{file_id}/xoa", {}),
        ("GET", f"{base}/tep/{file_id}", None),
        ("GET", f"{base}/nhan-ket-qua", None),
        ("POST", f"{base}/nhan-ket-qua", POSTAL),
        ("GET", f"{base}/kiem-tra", None),
        ("POST", f"{base}/nop", {}),
        ("GET", base, None),
        ("GET", f"{base}/in", None),
        ("GET", f"{base}/in.pdf", None),
        ("POST", f"{base}/rut", {"reason": "Không phải hồ sơ của tôi"}),
        ("POST", f"{base}/xoa", {}),
    ]


def _call(client, method, url, data, **kwargs):
    if method == "GET":
        return client.get(url, **kwargs)
    if data and "files" in data:
        import io

        content, name = data["files"]
        data = dict(data, files=(io.BytesIO(content), name))
    return client.post(url, data=data, **kwargs)


def _snapshot(app):
    with app.app_context():
        return [(d.id, d.state, d.code, d.applicant_name, d.return_method, d.postal_province,
                 d.withdrawal_requested_at, sorted(f.storage_key for f in d.files))
                for d in db.session.scalars(db.select(Dossier).order_by(Dossier.id))]


@pytest.fixture
def owned(citizen, app, setup):
    """The citizen's draft and submitted dossier, each with files: (draft id, submitted id)."""
    submitted = complete_draft(citizen, setup)
    assert citizen.post(f"/ho-so/{submitted}/nop").status_code == 303
    draft = complete_draft(citizen, setup)
    return draft, submitted


def _first_file(app, dossier_id):
    with app.app_context():
        return db.session.scalar(db.select(DossierFile.id).where(
            DossierFile.dossier_id == dossier_id).order_by(DossierFile.id))


def test_another_citizen_gets_404_everywhere_and_nothing_changes(owned, other, app, setup):
    before = _snapshot(app)
    keys = [k for row in before for k in row[-1]]
    for dossier_id in owned:
        for method, url, data in _routes(dossier_id, _first_file(app, dossier_id),
                                         setup.requirements[0]):
            response = _call(other, method, url, data)
            assert response.status_code == 404, (method, url, response.status_code)
    assert _snapshot(app) == before and in_storage(app, keys) == keys
    assert "Kẻ Lạ" not in other.get("/ho-so").get_data(as_text=True)
    listing = other.get("/ho-so").get_data(as_text=True)
    assert "Bạn không có bản nháp nào" in listing and "Bạn chưa nộp hồ sơ nào" in listing


def test_a_file_of_another_dossier_is_404_through_my_own(owned, other, app, setup):
    """A file id must belong to the dossier in the URL, even when that dossier is mine."""
    start = other.post(f"/ho-so/moi/{setup.code}", data={"on_behalf": "self"})
    mine = int(start.headers["Location"].split("/")[-2])
    foreign_file = _first_file(app, owned[0])
    before = _snapshot(app)
    assert other.get(f"/ho-so/{mine}/tep/{foreign_file}").status_code == 404
    assert other.post(f"/ho-so/{mine}/tep/{foreign_file}/xoa").status_code == 404
    foreign_requirement = 999999
    assert upload(other, mine, foreign_requirement, (PDF, "x.pdf")).status_code == 404
    assert _snapshot(app) == before


def test_anonymous_is_sent_to_login(owned, app, setup):
    from factories import CsrfClient

    csrf_client = CsrfClient(app.test_client())  # `citizen` is the logged-in csrf_client
    csrf_client.token()  # a real token, so the login redirect (not CSRF) answers
    before = _snapshot(app)
    for dossier_id in owned:
        for method, url, data in _routes(dossier_id, _first_file(app, dossier_id),
                                         setup.requirements[0]):
            response = _call(csrf_client, method, url, data)
            if data and "files" in data:
                assert response.status_code == 401, (method, url, response.status_code)
                continue
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/tai-khoan/dang-nhap" in response.headers["Location"]
    for url in ["/ho-so", f"/ho-so/moi/{setup.code}"]:
        assert "/tai-khoan/dang-nhap" in csrf_client.get(url).headers["Location"]
    assert _snapshot(app) == before


def test_post_without_csrf_is_refused(owned, citizen, app, setup):
    before = _snapshot(app)
    raw = citizen.client  # the same logged-in session, without the token
    for dossier_id in owned:
        for method, url, data in _routes(dossier_id, _first_file(app, dossier_id),
                                         setup.requirements[0]):
            if method == "POST":
                # The upload guard checks the dossier before it reads the body for the
                # token: the submitted dossier has no upload area (404).
                files = data and "files" in data and dossier_id == owned[1]
                expected = 404 if files else 400
                assert _call(raw, method, url, data).status_code == expected, url
    assert raw.post(f"/ho-so/moi/{setup.code}", data={"on_behalf": "self"}).status_code == 400
    assert _snapshot(app) == before


def test_business_members_share_the_organisation_dossiers(app, login, setup):
    from factories import CsrfClient

    with app.app_context():
        factories.citizen(email="giamdoc@example.vn", organisation_name="Công ty TNHH Ánh Dương",
                          tax_code="4300999888")
        factories.citizen(email="ketoan@example.vn")
        organisation = db.session.scalar(db.select(Organisation))
        account_ops.add_member(organisation, "ketoan@example.vn")
        db.session.commit()
        organisation_id = organisation.id
    owner, member, outsider = (CsrfClient(app.test_client()) for _ in range(3))
    login(owner, "giamdoc@example.vn")
    login(member, "ketoan@example.vn")
    login(outsider, setup.other_email)
    choice = owner.get(f"/ho-so/moi/{setup.code}").get_data(as_text=True)
    assert "Công ty TNHH Ánh Dương" in choice
    started = owner.post(f"/ho-so/moi/{setup.code}", data={"on_behalf": str(organisation_id)})
    dossier_id = int(started.headers["Location"].split("/")[-2])
    step1 = owner.get(f"/ho-so/{dossier_id}/nguoi-nop").get_data(as_text=True)
    assert 'value="4300999888"' in step1  # prefilled with the tax code
    upload(owner, dossier_id, setup.requirements[0], (PDF, "dang-ky-kd.pdf"))
    # "Làm tiếp" leads to the first step with something missing: the second paper.
    assert f"/ho-so/{dossier_id}/giay-to" in member.get("/ho-so").get_data(as_text=True)
    assert member.get(f"/ho-so/{dossier_id}/giay-to").status_code == 200
    assert outsider.get(f"/ho-so/{dossier_id}/giay-to").status_code == 404
    # Someone outside the organisation cannot start a dossier on its behalf.
    refused = outsider.post(f"/ho-so/moi/{setup.code}", data={"on_behalf": str(organisation_id)})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 1


def test_offline_procedure_has_no_online_start(citizen, app):
    with app.app_context():
        agency = factories.agency()
        version = factories.published_procedure(agency, online_level=OnlineLevel.OFFLINE)
        db.session.commit()
        code = version.procedure.code
    assert citizen.get(f"/ho-so/moi/{code}").status_code == 404
    assert citizen.post(f"/ho-so/moi/{code}", data={"on_behalf": "self"}).status_code == 404
    assert "Nộp hồ sơ trực tuyến" not in citizen.get(f"/thu-tuc/{code}").get_data(as_text=True)
