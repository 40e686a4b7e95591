"""Handling feedback (issue 16): the supervisor routes, the agency answers (the citizen is
told through the outbox and says whether it settled the matter), the supervisor publishes an
anonymised text that the public page searches without accents; the staff record items from
the counter and the hotline; every id route answers 403/404 to whoever may not use it; the
figures and the monitoring dashboard count the overdue ones."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from feedback_helpers import latest, submit
from openpyxl import load_workbook

from portal.core.models import utcnow
from portal.extensions import db
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints.models import Complaint, ComplaintChannel, ComplaintState
from portal.notifications.models import OutboxMessage

PERSONAL = ("Tôi là Trần Thị Hoa, số điện thoại 0905 777 888, e-mail hoa.tran@example.vn, "
            "CCCD 051190001122, hồ sơ {code} đã trễ hẹn hai tuần.")


@pytest.fixture
def item_id(app, csrf_client, world) -> int:
    """An item sent online about the world's dossier, full of personal data."""
    assert submit(csrf_client, text=PERSONAL.format(code=world.dossier_code),
                  contact_name="Trần Thị Hoa", contact_phone="0905777888",
                  contact_email="hoa.tran@example.vn",
                  dossier_code=world.dossier_code).status_code == 303
    return latest(app).id


def _item(app, item_id: int) -> Complaint:
    with app.app_context():
        item = db.session.get(Complaint, item_id)
        db.session.expunge_all()
        return item


def _route(client, item_id: int, agency_id: int):
    return client.post(f"/can-bo/phan-anh/{item_id}/chuyen", data={"agency": agency_id})


def _answer(client, item_id: int, text: str = "Sở đã trả kết quả và xin lỗi bà."):
    return client.post(f"/can-bo/phan-anh/{item_id}/tra-loi", data={"answer": text})


def test_route_answer_and_the_citizen_is_told(app, signed_in, world, item_id):
    supervisor = signed_in(world.emails["supervisor"])
    listing = supervisor.get("/can-bo/phan-anh/?trang_thai=new").get_data(as_text=True)
    assert _item(app, item_id).reference in listing
    assert _route(supervisor, item_id, world.agency_id).status_code == 303
    item = _item(app, item_id)
    assert (item.state, item.agency_id) == (ComplaintState.ROUTED, world.agency_id)
    leader = signed_in(world.emails["leader"])
    page = leader.get(f"/can-bo/phan-anh/{item_id}").get_data(as_text=True)
    assert "Trả lời người phản ánh" in page and "Chuyển cơ quan xử lý" not in page
    assert _answer(leader, item_id).status_code == 303
    item = _item(app, item_id)
    assert item.state is ComplaintState.ANSWERED and item.answered_at <= item.due_at
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        sent = {(m.channel, m.recipient): m.body for m in messages}
    assert set(sent) == {("email", "hoa.tran@example.vn"), ("sms", "0905777888")}
    link = re.search(r"http\S+", sent[("sms", "0905777888")]).group(0)
    token = ops.lookup_token(item.reference, app.config["SECRET_KEY"])
    assert f"ma={item.reference}" in link and f"t={token}" in link


def test_the_citizen_says_whether_the_answer_settled_it(app, signed_in, csrf_client, world,
                                                       item_id):
    _route(signed_in(world.emails["supervisor"]), item_id, world.agency_id)
    _answer(signed_in(world.emails["specialist"]), item_id)
    reference = _item(app, item_id).reference
    token = ops.lookup_token(reference, app.config["SECRET_KEY"])
    page = csrf_client.get(f"/phan-anh/tra-cuu?ma={reference}&t={token}")
    assert page.status_code == 200 and "Sở đã trả kết quả" in page.get_data(as_text=True)
    answer = csrf_client.post("/phan-anh/tra-cuu/y-kien",
                              data={"ma": reference, "t": token, "settled": "no"})
    assert answer.status_code == 303
    assert _item(app, item_id).settled is False
    forged = csrf_client.post("/phan-anh/tra-cuu/y-kien",
                              data={"ma": reference, "t": "x" * 16, "settled": "yes"})
    assert forged.status_code == 404 and _item(app, item_id).settled is False


def test_publication_never_shows_personal_data(app, signed_in, client, world, item_id):
    supervisor = signed_in(world.emails["supervisor"])
    _route(supervisor, item_id, world.agency_id)
    _answer(signed_in(world.emails["leader"]), item_id,
            "Đã liên hệ bà Trần Thị Hoa qua số 0905777888 và trả kết quả ngày 20/3.")
    # The form is prefilled with the scrubbed texts…
    page = supervisor.get(f"/can-bo/phan-anh/{item_id}").get_data(as_text=True)
    form = page[page.index('id="public_text"'):]
    assert "0905 777 888" not in form and "hoa.tran@example.vn" not in form
    # …and whatever the editor leaves in them is scrubbed when saved.
    answer = supervisor.post(f"/can-bo/phan-anh/{item_id}/cong-khai", data={
        "public_text": PERSONAL.format(code=world.dossier_code),
        "public_answer": "Đã gọi bà Trần Thị Hoa theo số +84 905 777 888, hoa.tran@example.vn."})
    assert answer.status_code == 303
    public = client.get("/phan-anh/cong-khai?q=tre hen").get_data(as_text=True)
    assert "đã trễ hẹn hai tuần" in public  # found without accents
    for personal in ("0905 777 888", "0905777888", "905 777 888", "hoa.tran@example.vn",
                     "Trần Thị Hoa", "051190001122", world.dossier_code):
        assert personal not in public, personal
    assert "đã trễ hẹn" not in client.get("/phan-anh/cong-khai?q=thue dat").get_data(
        as_text=True)


def test_only_answered_published_items_are_public(app, signed_in, client, world, item_id):
    assert "hai tuần" not in client.get("/phan-anh/cong-khai").get_data(as_text=True)
    supervisor = signed_in(world.emails["supervisor"])
    refused = supervisor.post(f"/can-bo/phan-anh/{item_id}/cong-khai",
                              data={"public_text": "a", "public_answer": "b"})
    assert refused.status_code == 403  # not answered yet
    assert _item(app, item_id).published_at is None


def test_every_id_route_refuses_whoever_may_not_use_it(app, signed_in, client, world, item_id):
    supervisor = signed_in(world.emails["supervisor"])
    _route(supervisor, item_id, world.agency_id)
    base = f"/can-bo/phan-anh/{item_id}"
    # Another agency's leader: the item does not exist for them.
    other = signed_in(world.emails["other_leader"])
    assert other.get(base).status_code == 404
    assert _answer(other, item_id).status_code == 404
    assert _route(other, item_id, world.other_id).status_code == 404
    assert other.post(f"{base}/cong-khai", data={}).status_code == 404
    assert other.get(f"{base}/tep/1").status_code == 404
    # The agency's own leader sees it but neither routes nor publishes it.
    leader = signed_in(world.emails["leader"])
    assert _route(leader, item_id, world.other_id).status_code == 403
    assert leader.post(f"{base}/cong-khai", data={}).status_code == 403
    assert leader.get(f"{base}/tep/999999").status_code == 404
    # The supervisor routes and publishes but does not answer for the agency.
    assert _answer(supervisor, item_id).status_code == 403
    # A citizen has no staff area; an anonymous visitor is sent to the login.
    citizen = signed_in(world.emails["citizen"])
    assert citizen.get(base).status_code == 403
    assert citizen.get("/can-bo/phan-anh/").status_code == 403
    assert client.get(base).status_code in (302, 303)
    assert _item(app, item_id).state is ComplaintState.ROUTED


def test_attachments_are_read_by_the_staff_of_the_item_only(app, signed_in, csrf_client, world):
    from sample_files import small_pdf

    assert submit(csrf_client, files=[(io.BytesIO(small_pdf()), "Ảnh chụp.pdf")]
                  ).status_code == 303
    item = latest(app)
    path = f"/can-bo/phan-anh/{item.id}/tep/{item.files[0].id}"
    supervisor = signed_in(world.emails["supervisor"])
    download = supervisor.get(path)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    assert signed_in(world.emails["leader"]).get(path).status_code == 404  # not routed yet


def test_counter_and_hotline_items_are_recorded_by_the_staff(app, signed_in, world):
    counter = signed_in(world.emails["counter"])
    answer = counter.post("/can-bo/phan-anh/ghi-nhan", data={
        "channel": "hotline", "topic": "attitude", "text": "Cán bộ trả lời thiếu lịch sự.",
        "contact_name": "Lê Văn Bình", "contact_phone": "0935111222", "contact_email": "",
        "dossier_code": "", "website": ""})
    assert answer.status_code == 303
    item = latest(app)
    assert (item.channel, item.recorded_by_id is not None) == (ComplaintChannel.HOTLINE, True)
    specialist = signed_in(world.emails["specialist"])
    assert specialist.get("/can-bo/phan-anh/ghi-nhan").status_code == 403


def test_figures_by_agency_topic_state_and_timeliness(app, signed_in, world, item_id):
    supervisor = signed_in(world.emails["supervisor"])
    _route(supervisor, item_id, world.agency_id)
    with app.app_context():  # a second item, routed to the other agency and overdue
        late = ops.submit(ops.ComplaintData(ops.ComplaintTopic.FEES, "Thu phí sai.", "Bình",
                                           "0935111222"),
                          now=utcnow() - timedelta(days=40), calendar=_calendar(),
                          answer_days=10)
        late.agency_id, late.state = world.other_id, ComplaintState.ROUTED
        db.session.commit()
    page = supervisor.get("/can-bo/phan-anh/so-lieu").get_data(as_text=True)
    assert "Sở Tài nguyên và Môi trường" in page and "Sở Xây dựng" in page
    drill = supervisor.get(f"/can-bo/phan-anh/?thoi_han=overdue&co_quan={world.other_id}")
    rows = drill.get_data(as_text=True)
    assert rows.count('class="feedback-row"') == 1 and "Phí, lệ phí" in rows
    leader = signed_in(world.emails["leader"])
    theirs = leader.get("/can-bo/phan-anh/so-lieu").get_data(as_text=True)
    assert "Sở Tài nguyên và Môi trường" in theirs and "Sở Xây dựng" not in theirs
    assert signed_in(world.emails["specialist"]).get(
        "/can-bo/phan-anh/so-lieu").status_code == 403
    export = supervisor.get("/can-bo/phan-anh/so-lieu.xlsx")
    book = load_workbook(io.BytesIO(export.data))
    by_agency = {row[0]: row[1] for row in book["Theo cơ quan"].iter_rows(min_row=4,
                                                                          values_only=True)}
    assert by_agency["Sở Xây dựng"] == 1 and by_agency["Sở Tài nguyên và Môi trường"] == 1
    monitoring = supervisor.get("/thong-ke/giam-sat").get_data(as_text=True)
    assert "1 phản ánh quá hạn trả lời" in monitoring


def _calendar():
    from portal.calendar.overrides import current_calendar

    return current_calendar()
