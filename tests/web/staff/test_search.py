"""The desk's one search box (/can-bo/tim-kiem, issue 12): any dossier of the officer's
agencies — finished ones and walk-ins too — by code, applicant name with or without accents,
CCCD or phone; never another agency's; the supervisor's over every agency; paginated."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.catalog.models import Agency, ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers.models import Channel, Dossier, ReturnMethod
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow import queries


@pytest.fixture
def found(app, world) -> dict[str, str]:
    """Codes by name: the world's online dossier, a walk-in without an account (finished,
    returned by post), and one of the other agency for an applicant of the same name."""
    now = utcnow()
    with app.app_context():
        version = db.session.get(ProcedureVersion, world.version_id)
        citizen = db.session.get(User, world.user_ids["citizen"])
        walk_in = factories.submitted_dossier(version, citizen,
                                              return_method=ReturnMethod.POSTAL)
        walk_in.applicant_id, walk_in.channel = None, Channel.COUNTER
        walk_in.applicant_name = "Trần Văn Đức"
        walk_in.applicant_id_number, walk_in.applicant_phone = "051090009999", "0987654321"
        walk_in.state, walk_in.finished_at = S.RETURNED, now - timedelta(days=1)
        theirs = factories.submitted_dossier(
            factories.published_procedure(db.session.get(Agency, world.other_id),
                                          name="Cấp giấy phép xây dựng"), citizen)
        theirs.applicant_name = "Trần Văn Đức"
        db.session.commit()
        return {"online": db.session.get(Dossier, world.dossier_id).code,
                "walk_in": walk_in.code, "theirs": theirs.code}


def _search(client, q: str, **args) -> str:
    response = client.get("/can-bo/tim-kiem", query_string={"q": q, **args})
    assert response.status_code == 200
    return response.text.split('id="search-results"')[1]  # not the box repeating the query


def test_the_dashboard_has_the_search_box(as_, world):
    page = as_("counter").get("/can-bo/").text
    assert 'action="/can-bo/tim-kiem"' in page and 'name="q"' in page


@pytest.mark.parametrize("q", ["tran van duc", "TRẦN văn đức", "Tran Van Duc", "van  duc",
                               "051090009999", "0987 654 321", "+84 987 654 321",
                               "84987654321"])
def test_a_walk_in_finished_dossier_by_name_id_or_phone(as_, found, q):
    page = _search(as_("counter"), q)
    assert found["walk_in"] in page
    assert found["theirs"] not in page  # another agency's applicant of the same name
    assert "Đã trả kết quả" in page  # its state
    assert "Nhận qua dịch vụ bưu chính" in page  # how the result goes back


def test_by_code_whole_or_in_part(as_, found):
    client = as_("specialist")
    assert found["online"] in _search(client, found["online"].lower())
    assert found["walk_in"] in _search(client, found["walk_in"][-9:])
    # The online applicant by name without accents; the procedure is shown too.
    page = _search(client, "nguyen thi hong")
    assert found["online"] in page and "Đăng ký biến động đất đai" in page
    assert found["walk_in"] not in page


def test_an_officer_never_finds_another_agencys_dossier(as_, found):
    other = as_("other")  # an officer of the second agency only
    for q in (found["online"], found["walk_in"], "nguyen thi hong", "051090009999"):
        page = _search(other, q)
        assert found["online"] not in page and found["walk_in"] not in page, q
    assert found["theirs"] in _search(other, "tran van duc")


def test_not_even_a_dossier_its_agency_was_consulted_on(app, world, found):
    """Consulted agencies reach the dossier from their consultations queue, not by search."""
    from portal.workflow.models import Consultation

    with app.app_context():
        db.session.add(Consultation(dossier_id=world.dossier_id, agency_id=world.other_id,
                                    question="?", requested_at=utcnow(),
                                    requested_by_id=world.user_ids["leader"],
                                    due_at=utcnow() + timedelta(days=2)))
        db.session.commit()
        other = db.session.get(User, world.user_ids["other"])
        assert queries.search_dossiers(other, found["online"]).total == 0


def test_the_supervisor_searches_every_agency(as_, found):
    page = _search(as_("supervisor"), "tran van duc")
    assert found["walk_in"] in page and found["theirs"] in page
    assert "Sở Xây dựng" in page  # whose dossier it is


def test_drafts_and_an_empty_query_find_nothing(app, as_, world, found):
    with app.app_context():
        draft = db.session.get(Dossier, world.dossier_id)
        draft.state = S.DRAFT
        db.session.commit()
    client = as_("counter")
    assert found["online"] not in _search(client, "nguyen thi hong")
    page = _search(client, "")
    assert found["walk_in"] not in page and "Không tìm thấy hồ sơ nào." not in page


def test_results_are_paginated_newest_first(app, as_, world):
    with app.app_context():
        version = db.session.get(ProcedureVersion, world.version_id)
        citizen = db.session.get(User, world.user_ids["citizen"])
        start = utcnow() - timedelta(days=30)
        codes = []
        for n in range(22):
            dossier = factories.submitted_dossier(version, citizen)
            dossier.submitted_at = start + timedelta(hours=n)
            codes.append(dossier.code)
        db.session.commit()
    client = as_("counter")
    first = _search(client, "nguyen thi hong")
    assert "Số hồ sơ tìm thấy: 23" in first and "Trang 1 / 2" in first
    assert codes[-1] in first and codes[0] not in first
    second = _search(client, "nguyen thi hong", page=2)
    assert codes[0] in second and codes[-1] not in second
    partial = client.get("/can-bo/tim-kiem?q=nguyen", headers={"HX-Request": "true"}).text
    assert 'id="search-results"' in partial and "<html" not in partial


def test_the_folded_name_is_kept_with_the_name(app, world):
    with app.app_context():
        dossier = db.session.get(Dossier, world.dossier_id)
        dossier.applicant_name = "Đặng Thị Ánh Tuyết"
        db.session.commit()
        assert db.session.scalar(select(Dossier.applicant_name_folded).where(
            Dossier.id == world.dossier_id)) == "dang thi anh tuyet"
