"""Who may open the staff pages: officers see their agency's dossiers only (404 for any
other agency's), citizens get 403, anonymous visitors the login page, and the centre's
supervisor reads everything but acts on nothing."""

from __future__ import annotations

import pytest
from staff_helpers import RECEIVED, act, advance, load

from portal.dossiers.models import DossierState as S


def _id_routes(world):
    d = world.dossier_id
    return [("get", f"/can-bo/ho-so/{d}"), ("get", f"/can-bo/ho-so/{d}/tep/1"),
            ("get", f"/can-bo/ho-so/{d}/lich-su"), ("get", f"/can-bo/ho-so/{d}/thao-tac/stop"),
            ("post", f"/can-bo/ho-so/{d}/receive"), ("post", f"/can-bo/ho-so/{d}/take")]


def test_an_officer_of_another_agency_gets_404_everywhere(as_, world, app):
    client = as_("other")
    for method, url in _id_routes(world):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
    assert client.get(f"/can-bo/hang-doi?agency={world.agency_id}").status_code == 404
    assert load(app, world.dossier_id).state is S.SUBMITTED


def test_a_citizen_gets_403_and_a_visitor_the_login_page(as_, world, client):
    citizen = as_("citizen")
    for method, url in [*_id_routes(world), ("get", "/can-bo/"), ("get", "/can-bo/hang-doi")]:
        assert getattr(citizen, method)(url).status_code in (400, 403), url
        anonymous = getattr(client, method)(url)
        if method == "get":
            assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap" in anonymous.location
    # The citizen's POST carries a valid token: the 403 is the staff guard, not CSRF.
    assert citizen.post(f"/can-bo/ho-so/{world.dossier_id}/receive").status_code == 403


def test_the_supervisor_reads_every_agency_but_cannot_act(as_, world, app):
    advance(app, world, *RECEIVED)
    client = as_("supervisor")
    page = client.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "chế độ chỉ đọc" in html and 'action="/can-bo/ho-so/' not in html
    queue = client.get(f"/can-bo/hang-doi?agency={world.agency_id}&loai=moi")
    assert queue.status_code == 200 and load(app, world.dossier_id).code in queue.text
    assert client.get(f"/can-bo/hang-doi?agency={world.other_id}").status_code == 200
    version = load(app, world.dossier_id).lock_version
    for action in ("take", "refuse", "stop"):
        response = act(client, app, world.dossier_id, action, {"reason": "Thử", "sure": "y"})
        assert response.status_code == 403
    after = load(app, world.dossier_id)
    assert after.state is S.RECEIVED and after.lock_version == version


@pytest.mark.parametrize("who", ["counter", "specialist"])
def test_an_action_of_another_role_is_403_and_changes_nothing(as_, world, app, who):
    advance(app, world, *RECEIVED)
    # Approving, refusing and stopping are the leader's.
    response = act(as_(who), app, world.dossier_id, "stop",
                   {"reason": "Không đủ điều kiện", "sure": "y"})
    assert response.status_code == 403
    assert load(app, world.dossier_id).state is S.RECEIVED


def test_a_consulted_agency_sees_the_dossier_and_answers(as_, world, app):
    from datetime import timedelta

    from portal.catalog.models import Agency
    from portal.core.models import utcnow
    from portal.extensions import db

    with app.app_context():
        other = db.session.get(Agency, world.other_id)
        db.session.expunge(other)
    advance(app, world, *RECEIVED, ("specialist", "take", {}),
            ("specialist", "request_consultation",
             {"agencies": [other], "question": "Quy hoạch khu đất?",
              "due_at": utcnow() + timedelta(days=3)}))
    client = as_("other")
    queue = client.get(f"/can-bo/hang-doi?agency={world.other_id}&loai=xin-y-kien")
    assert load(app, world.dossier_id).code in queue.text and "Hạn trả lời" in queue.text
    page = client.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert page.status_code == 200 and "Quy hoạch khu đất?" in page.text
    with app.app_context():
        from portal.workflow.models import Consultation

        asked = db.session.query(Consultation).one().id
    refused = act(client, app, world.dossier_id, "answer_consultation",
                  {"consultation_id": asked, "answer": " "})
    assert refused.status_code == 422 and "Vui lòng nhập nội dung trả lời." in refused.text
    done = act(client, app, world.dossier_id, "answer_consultation",
               {"consultation_id": asked, "answer": "Phù hợp quy hoạch."})
    assert done.status_code == 303
    assert load(app, world.dossier_id).state is S.IN_PROGRESS


def test_only_staff_see_the_staff_link_in_the_menu(as_, world):
    assert 'href="/can-bo/"' in as_("counter").get("/").get_data(as_text=True)
    assert 'href="/can-bo/"' not in as_("citizen").get("/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "receives"), [("counter", True), ("specialist", False),
                                               ("leader", False), ("supervisor", False)])
def test_the_desk_shows_each_role_only_what_it_may_open(as_, world, who, receives):
    """Issue 18: the intake button led specialists, leaders and the supervisor to 403; the
    tracking book (form 06) was linked from nowhere and had no way back."""
    client = as_(who)
    desk = client.get(f"/can-bo/?agency={world.agency_id}").text
    assert ("Tiếp nhận hồ sơ trực tiếp, bưu chính" in desk) is receives
    if receives:
        assert client.get("/can-bo/tiep-nhan", follow_redirects=True).status_code == 200
    book = f"/can-bo/so-theo-doi?agency={world.agency_id}"
    assert f'href="{book}"' in desk.replace("&amp;", "&")
    page = client.get(book)
    assert page.status_code == 200
    assert f'href="/can-bo/?agency={world.agency_id}"' in page.text
