"""A citizen's unsubmitted draft is the applicant's alone (issue #10, item 4): no staff page
opens it by id. Every /can-bo route that takes a dossier id is walked from the URL map, so a
new route is checked the day it is added; each answers for the draft exactly as for an id
that does not exist (404, or the route's own 403 for a role it serves to nobody), shows
nothing of the draft, and changes nothing."""

from __future__ import annotations

import io
import itertools

import pytest
from staff_helpers import load

from portal.accounts.models import User
from portal.catalog.models import ProcedureVersion
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier, DossierFile
from portal.dossiers.models import DossierState as S
from portal.extensions import db

ROLES = ("counter", "specialist", "leader", "supervisor")
NAME, ID_NUMBER = "Lê Văn Bí Mật", "079099000123"
MISSING = 987654  # no dossier, no file has this id


@pytest.fixture
def draft(app, world) -> tuple[int, int, int]:
    """A draft of the world's procedure with the applicant's details and one file."""
    with app.app_context():
        citizen = db.session.get(User, world.user_ids["citizen"])
        version = db.session.get(ProcedureVersion, world.version_id)
        dossier = dossier_ops.start_dossier(version, citizen)
        dossier.applicant_name, dossier.applicant_id_number = NAME, ID_NUMBER
        item = DossierFile(requirement_id=version.documents[0].id,
                           storage_key=f"dossiers/{dossier.id}/secret",
                           original_name="cccd-bi-mat.pdf", content_type="application/pdf",
                           size=10, sha256="0" * 64, uploaded_by_id=citizen.id)
        dossier.files.append(item)
        db.session.commit()
        return dossier.id, item.id, dossier.lock_version


def _dossier_routes(app):
    """Every (method, rule) under /can-bo whose URL names a dossier."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/can-bo/") and "dossier_id" in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


def _urls(app, rule, dossier_id: int, file_id: int):
    """The rule's URLs for this dossier: every value of its any(…) parts."""
    choices = {name: sorted(conv.items) for name, conv in rule._converters.items()
               if hasattr(conv, "items")}
    names = list(choices)
    adapter = app.url_map.bind("localhost")
    urls = []
    for values in itertools.product(*(choices[n] for n in names)):
        args = {"dossier_id": dossier_id, **dict(zip(names, values, strict=True))}
        if "file_id" in rule.arguments:
            args["file_id"] = file_id
        urls.append(adapter.build(rule.endpoint, args, method=sorted(rule.methods)[0]))
    return urls


def _call(client, method: str, url: str, view):
    if method == "GET":
        return client.get(url)
    data = {"lock_version": "1", "requirement": "", "result_note": "Đã giải quyết",
            "method": "counter", "collector_name": "A", "collector_id": "1"}
    data.update({f"{url.rsplit('/', 1)[-1]}-lock_version": "1"})
    if not hasattr(view, "upload_policy"):  # a file sent elsewhere is refused unread (415)
        return client.post(url, data=data)
    return client.post(url, data={**data, "files": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")},
                       content_type="multipart/form-data")


def test_the_walk_covers_the_counter_routes(app):
    endpoints = {rule.endpoint for _method, rule in _dossier_routes(app)}
    assert {"staff.intake_files", "staff.intake_file", "staff.resolve_on_the_spot",
            "staff.hand_over", "staff.workspace", "staff.view_file",
            "staff.document"} <= endpoints


@pytest.mark.parametrize("who", ROLES)
def test_no_staff_route_opens_a_draft(as_, app, world, draft, who):
    draft_id, file_id, version = draft
    client = as_(who)
    checked = 0
    for method, rule in _dossier_routes(app):
        for url, missing_url in zip(_urls(app, rule, draft_id, file_id),
                                    _urls(app, rule, MISSING, MISSING), strict=True):
            view = app.view_functions[rule.endpoint]
            response = _call(client, method, url, view)
            expected = _call(client, method, missing_url, view).status_code
            assert expected in (403, 404), (method, missing_url, expected)
            assert response.status_code == expected, (who, method, url, response.status_code)
            if who == "counter":  # every one of these routes serves the counter officer
                assert response.status_code == 404, (method, url)
            body = response.get_data(as_text=True)
            assert NAME not in body and ID_NUMBER not in body and "cccd-bi-mat" not in body
            checked += 1
    assert checked >= 15
    with app.app_context():
        dossier = db.session.get(Dossier, draft_id)
        assert dossier.state is S.DRAFT and dossier.lock_version == version
        assert [f.id for f in dossier.files] == [file_id]


def test_a_walk_in_dossier_being_scanned_still_opens(as_, app, world):
    """Counter intake files the dossier already submitted (never a draft): its scan page, its
    files and the on-the-spot and hand-over routes keep loading it for the counter officer."""
    client = as_("counter")
    created = client.post("/can-bo/tiep-nhan/moi", data={
        "version_id": str(world.version_id), "person_id": "", "name": "Trần Thị Hoa",
        "id_number": "051190001122", "applicant_phone": "0905123456", "email": "",
        "address": "Thôn 2", "channel": "counter", "return_method": "counter"})
    assert created.status_code == 303, created.get_data(as_text=True)[:800]
    dossier_id = int(created.location.split("/tiep-nhan/")[1].split("/")[0])
    assert load(app, dossier_id).state is S.SUBMITTED
    page = client.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to")
    assert page.status_code == 200 and "Trần Thị Hoa" in page.get_data(as_text=True)
    assert client.get(f"/can-bo/ho-so/{dossier_id}").status_code == 200
