"""Inter-agency (liên thông, issue 18) over HTTP: the origin's leader forwards along the
procedure's chain, the receiving agency finds the dossier in its queue "Liên thông đến",
records its result with a file and its leader sends it back (or on); nobody else from another
agency sees it, and the origin cannot act as the receiver."""

from __future__ import annotations

import io
from datetime import timedelta

from sample_files import PDF
from staff_helpers import IN_PROGRESS, act, advance, load

from portal.core.models import utcnow
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow.models import InterAgencyLeg

FORWARDED = (*IN_PROGRESS, ("leader", "forward_inter_agency",
                            {"note": "Đề nghị thẩm tra", "confirmed": True}))


def _leg(app, dossier_id: int, index: int = 0) -> InterAgencyLeg:
    with app.app_context():
        legs = db.session.query(InterAgencyLeg).filter_by(dossier_id=dossier_id).order_by(
            InterAgencyLeg.id).all()
        db.session.expunge_all()
        return legs[index]


def test_the_forward_form_offers_the_chain_with_the_next_agency_chosen(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    leader = as_("leader")
    form = leader.get(f"/can-bo/ho-so/{world.dossier_id}/thao-tac/forward_inter_agency")
    assert form.status_code == 200
    assert "Văn phòng UBND tỉnh (3 ngày làm việc)" in form.text
    assert "Sở Tài chính (2 ngày làm việc)" in form.text
    assert 'selected value="' in form.text or "selected" in form.text
    done = act(leader, app, world.dossier_id, "forward_inter_agency",
               {"note": "Đề nghị thẩm tra", "confirmed": "y"})
    assert done.status_code == 303, done.text[:1000]
    leg = _leg(app, world.dossier_id)
    assert load(app, world.dossier_id).state is S.INTER_AGENCY
    assert leg.agency_id != world.agency_id and leg.due_at > leg.sent_at


def test_the_receiving_agency_processes_and_returns_and_the_origin_continues(as_, world, app):
    advance(app, world, *FORWARDED)
    code = load(app, world.dossier_id).code
    leg = _leg(app, world.dossier_id)
    liaison, liaison_leader = as_("liaison"), as_("liaison_leader")
    # Its queue.
    queue = liaison.get(f"/can-bo/hang-doi?agency={leg.agency_id}&loai=lien-thong-den")
    assert queue.status_code == 200 and code in queue.text and "Hạn chuyển trả" in queue.text
    desk = liaison.get(f"/can-bo/?agency={leg.agency_id}")
    assert "Liên thông đến" in desk.text
    # Its workspace: what was asked, by when; its specialist's one action.
    page = liaison.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert page.status_code == 200 and "Đề nghị thẩm tra" in page.text
    assert "inter-agency-held" in page.text
    assert f"/can-bo/ho-so/{world.dossier_id}/thao-tac/record_inter_agency_result" in page.text
    # Not yet recorded: its leader cannot send it back; the specialist never can.
    refused = act(liaison_leader, app, world.dossier_id, "inter_agency_returned", {"note": ""})
    assert refused.status_code in (409, 422)
    assert act(liaison, app, world.dossier_id, "inter_agency_returned",
               {"note": ""}).status_code == 403
    blank = act(liaison, app, world.dossier_id, "record_inter_agency_result", {"result": " "})
    assert blank.status_code == 422 and "Vui lòng nhập kết quả xử lý của cơ quan" in blank.text
    recorded = act(liaison, app, world.dossier_id, "record_inter_agency_result",
                   {"result": "Thống nhất trình UBND tỉnh"},
                   files={"result_file": (io.BytesIO(PDF), "y-kien-vp.pdf")})
    assert recorded.status_code == 303, recorded.text[:1500]
    leg = _leg(app, world.dossier_id)
    assert leg.recorded_at is not None and leg.result_file_id is not None
    # The origin cannot act as the receiver.
    assert act(as_("leader"), app, world.dossier_id, "inter_agency_returned",
               {"note": "Đã nhận"}).status_code == 403
    done = act(liaison_leader, app, world.dossier_id, "inter_agency_returned", {"note": ""})
    assert done.status_code == 303, done.text[:1500]
    # No longer theirs to see: back to their queue, with the outcome.
    assert done.location.endswith(f"agency={leg.agency_id}&loai=lien-thong-den")
    assert "Đã thực hiện" in liaison_leader.get(done.location).text
    assert load(app, world.dossier_id).state is S.IN_PROGRESS
    # The receiver no longer sees it; the origin does, with the leg and the file.
    assert liaison.get(f"/can-bo/ho-so/{world.dossier_id}").status_code == 404
    origin = as_("leader").get(f"/can-bo/ho-so/{world.dossier_id}")
    assert "Thống nhất trình UBND tỉnh" in origin.text and "y-kien-vp.pdf" in origin.text
    assert "Chuyển trả lúc" in origin.text
    assert as_("leader").get(
        f"/can-bo/ho-so/{world.dossier_id}/tep/{leg.result_file_id}").status_code == 200
    # Internal between the agencies: not the applicant's to download.
    assert as_("citizen").get(
        f"/ho-so/{world.dossier_id}/tep/{leg.result_file_id}").status_code == 404
    # The origin continues: its leader approves with the e-result.
    advance(app, world, ("leader", "result_file", {}),
            ("leader", "approve", {"result_note": "Số 15"}))
    assert load(app, world.dossier_id).state is S.RESULT_READY


def test_onward_to_the_next_agency_of_the_chain(as_, world, app):
    advance(app, world, *FORWARDED, ("liaison", "record_inter_agency_result",
                                     {"result": "Đã thẩm tra"}))
    liaison_leader = as_("liaison_leader")
    page = liaison_leader.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert "Chuyển tiếp cơ quan liên thông kế tiếp" in page.text
    done = act(liaison_leader, app, world.dossier_id, "inter_agency_onward",
               {"note": "", "confirmed": "y"})
    assert done.status_code == 303, done.text[:1500]
    first, second = _leg(app, world.dossier_id, 0), _leg(app, world.dossier_id, 1)
    assert first.onward_agency_id == second.agency_id and first.returned_at is not None
    assert load(app, world.dossier_id).state is S.INTER_AGENCY
    assert liaison_leader.get(f"/can-bo/ho-so/{world.dossier_id}").status_code == 404
    origin = as_("leader").get(f"/can-bo/ho-so/{world.dossier_id}")
    assert "Chuyển tiếp đến Sở Tài chính" in origin.text


def test_a_late_leg_is_shown_against_the_agency_that_held_it(as_, world, app):
    advance(app, world, *FORWARDED)
    with app.app_context():
        leg = db.session.query(InterAgencyLeg).one()
        leg.due_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    page = as_("leader").get(f"/can-bo/ho-so/{world.dossier_id}")
    section = page.text.split('id="ws-inter-agency"')[1].split("</section>")[0]
    assert "Văn phòng UBND tỉnh" in section and "Trễ hạn" in section


def test_another_agency_gets_404_on_every_route_of_a_forwarded_dossier(as_, world, app):
    advance(app, world, *FORWARDED, ("liaison", "record_inter_agency_result",
                                     {"result": "Đã thẩm tra"}))
    d = world.dossier_id
    other = as_("other")  # Sở Xây dựng: neither the origin nor in the chain's current leg
    for method, url in [("get", f"/can-bo/ho-so/{d}"), ("get", f"/can-bo/ho-so/{d}/lich-su"),
                        ("get", f"/can-bo/ho-so/{d}/tep/1"),
                        ("get", f"/can-bo/ho-so/{d}/thao-tac/record_inter_agency_result"),
                        ("post", f"/can-bo/ho-so/{d}/record_inter_agency_result"),
                        ("post", f"/can-bo/ho-so/{d}/inter_agency_returned"),
                        ("post", f"/can-bo/ho-so/{d}/inter_agency_onward"),
                        ("get", f"/can-bo/ho-so/{d}/phieu/05")]:
        assert getattr(other, method)(url).status_code == 404, (method, url)
    assert other.get(f"/can-bo/ho-so/{d}/tra-ket-qua").status_code in (403, 404)
    # The receiving agency reads the control slip; the counter's pages are the origin's.
    liaison = as_("liaison")
    assert liaison.get(f"/can-bo/ho-so/{d}/phieu/05").status_code == 200
    assert liaison.get(f"/can-bo/ho-so/{d}/tra-ket-qua").status_code in (403, 404)
    queue = other.get(f"/can-bo/hang-doi?agency={world.other_id}&loai=lien-thong-den")
    assert queue.status_code == 200 and load(app, d).code not in queue.text


def test_the_origin_gets_403_on_the_receivers_actions(as_, world, app):
    advance(app, world, *FORWARDED)
    d = world.dossier_id
    version = load(app, d).lock_version
    for who in ("counter", "specialist", "leader"):
        client = as_(who)
        assert client.get(
            f"/can-bo/ho-so/{d}/thao-tac/record_inter_agency_result").status_code == 403
        for action, fields in (("record_inter_agency_result", {"result": "Xong"}),
                               ("inter_agency_returned", {"note": "Xong"}),
                               ("inter_agency_onward", {"note": "", "confirmed": "y"})):
            assert act(client, app, d, action, fields).status_code == 403, (who, action)
    assert load(app, d).lock_version == version and _leg(app, d).recorded_at is None


def test_a_procedure_without_a_chain_is_not_forwarded(as_, world, app):
    """"Liên thông: Không": the action is not offered and a forged post is refused."""
    import factories

    from portal.catalog.models import Agency, ProcedureVersion

    with app.app_context():
        agency = db.session.get(Agency, world.agency_id)
        plain = factories.published_procedure(agency, name="Cấp bản sao", code="1.777777")
        dossier = factories.submitted_dossier(plain, None)
        db.session.commit()
        dossier_id, version_id = dossier.id, plain.id
        assert not db.session.get(ProcedureVersion, version_id).inter_agency
    world.dossier_id = dossier_id
    advance(app, world, *IN_PROGRESS)
    leader = as_("leader")
    page = leader.get(f"/can-bo/ho-so/{dossier_id}")
    assert "forward_inter_agency" not in page.text
    refused = act(leader, app, dossier_id, "forward_inter_agency",
                  {"note": "Trình", "confirmed": "y"})
    assert refused.status_code == 422 and "không giải quyết liên thông" in refused.text
    assert load(app, dossier_id).state is S.IN_PROGRESS


def test_the_public_procedure_page_names_the_chain(world, app, client):
    from portal.catalog.models import ProcedureVersion

    with app.app_context():
        code = db.session.get(ProcedureVersion, world.version_id).procedure.code
    page = client.get(f"/thu-tuc/{code}")
    assert "Có – hồ sơ được chuyển qua: Văn phòng UBND tỉnh → Sở Tài chính" in page.text
