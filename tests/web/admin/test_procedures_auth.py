"""Every route of the procedure editor is for administrators only, and changes nothing for
anyone else; POSTs need the CSRF token."""

import io

import factories
import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.catalog import operations
from portal.catalog.models import ProcedureDocument, ProcedureVersion
from portal.extensions import db

MODULES = ("portal.blueprints.admin.procedures", "portal.blueprints.admin.procedure_files")


@pytest.fixture
def catalog(app):
    """A published v1 with a draft v2, and one user of each kind."""
    with app.app_context():
        agency = factories.agency()
        version = factories.published_procedure(agency, code="1.000001")
        draft = operations.draft_for_edit(version.procedure, None)
        factories.citizen(email="cd@example.vn")
        factories.staff(Role.SPECIALIST, agency, email="cv@example.vn")
        factories.staff(Role.COUNTER_OFFICER, agency, email="mc@example.vn")
        db.session.commit()
        return {"procedure_id": version.procedure_id, "number": 1, "kind": "mau",
                "document_id": draft.documents[0].id, "agency_id": agency.id}


def routes(app, values):
    """(method, url) for every route defined by the procedure editor's modules."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "__module__", "") not in MODULES:
            continue
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def snapshot(app):
    with app.app_context():
        versions = db.session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id))
        documents = db.session.scalars(select(ProcedureDocument).order_by(ProcedureDocument.id))
        return ([(v.id, v.number, v.status, v.name, v.published_at) for v in versions],
                [(d.id, d.name, d.template_key) for d in documents])


def post_data():
    return {"name": "Đổi tên trái phép", "template": (io.BytesIO(b"%PDF-1.4"), "a.pdf")}


def post(client, app, url):
    """A POST as the page sends it: multipart with a file to the upload route, a plain form
    elsewhere (a multipart body to a route that takes no file is 415, unread:
    tests/integration/test_upload_guard.py)."""
    with app.test_request_context(url, method="POST"):
        from flask import request

        from portal.core.uploads import policy_of

        takes_files = policy_of(request.endpoint) is not None
    if takes_files:
        return client.post(url, data=post_data(), content_type="multipart/form-data")
    return client.post(url, data={"name": "Đổi tên trái phép"})


def test_the_route_list_covers_the_editor(app, catalog):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if app.view_functions[rule.endpoint].__module__ in MODULES}
    assert endpoints == {f"admin.{name}" for name in (
        "procedures", "procedure_new", "procedure_fields", "procedure", "procedure_edit",
        "procedure_version", "procedure_draft", "procedure_publish", "procedure_unpublish",
        "procedure_discard", "document_file_upload", "document_file")}
    with app.test_request_context():
        assert len(routes(app, catalog)) == 14  # new and edit take GET and POST


@pytest.mark.parametrize("email", ["cd@example.vn", "cv@example.vn", "mc@example.vn"])
def test_non_administrators_get_403_and_change_nothing(csrf_client, login, app, catalog, email):
    before = snapshot(app)
    login(csrf_client, email)
    with app.test_request_context():
        targets = routes(app, catalog)
    for method, url in targets:
        if method == "GET":
            response = csrf_client.get(url)
        else:
            response = post(csrf_client, app, url)
        assert response.status_code == 403, (method, url)
        assert "Không có quyền truy cập" in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert csrf_client.get("/thu-tuc/1.000001").status_code == 200


def test_anonymous_is_sent_to_login_and_changes_nothing(csrf_client, app, catalog):
    before = snapshot(app)
    with app.test_request_context():
        targets = routes(app, catalog)
    for method, url in targets:
        call = csrf_client.get if method == "GET" else csrf_client.post
        response = call(url)
        if url.endswith("/tai-len"):  # the upload guard: refused before the body is read
            assert response.status_code == 401, (method, url)
            continue
        assert response.status_code == 302, (method, url)
        assert "/tai-khoan/dang-nhap" in response.headers["Location"], (method, url)
    assert snapshot(app) == before


def test_post_without_csrf_token_is_refused(app, catalog, login, csrf_client):
    with app.app_context():
        factories.staff(Role.ADMIN, email="qt@example.vn")
        db.session.commit()
    login(csrf_client, "qt@example.vn")
    before = snapshot(app)
    with app.test_request_context():
        targets = [url for method, url in routes(app, catalog) if method == "POST"]
    for url in targets:
        response = post(csrf_client.client, app, url)
        assert response.status_code == 400, url
        assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    assert snapshot(app) == before
    # The same administrator with the token is allowed (the 403s above are not a fluke).
    assert csrf_client.get(f"/quan-tri/thu-tuc/{catalog['procedure_id']}").status_code == 200
    assert csrf_client.post(f"/quan-tri/thu-tuc/{catalog['procedure_id']}/cong-bo").status_code \
        == 303
