"""Every workspace action through the web: a refusal (its Vietnamese message next to the
form, 422, nothing changed), then the happy path (303 back to the workspace)."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sample_files import PDF
from staff_helpers import (
    AT_LEADER,
    IN_PROGRESS,
    RECEIVED,
    act,
    advance,
    load,
    obligation_kwargs,
    set_fields,
)
from werkzeug.http import parse_options_header

from portal.blueprints.lookup_links import lookup_url
from portal.calendar import VN_TZ, Duration, DurationUnit
from portal.calendar.holidays_vn import fmt_dt_vi
from portal.calendar.overrides import current_calendar
from portal.core.formatting import local_date, local_datetime
from portal.core.models import utcnow
from portal.dossiers.models import Dossier
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow import appointments

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _future(days: int = 10) -> dict:
    local = (utcnow() + timedelta(days=days)).astimezone(VN_TZ)
    return {"date": local.strftime("%Y-%m-%d"), "time": "15:30"}


def _refused(response, message: str) -> str:
    assert response.status_code == 422, response.text[:500]
    assert message in response.text
    return response.text


def _done(response) -> None:
    assert response.status_code == 303, response.text[:2000]


# (setup steps, who, action, bad fields → message, good fields, state after)
CASES = {
    "receive": ((), "counter", None, None, {}, S.RECEIVED),
    "request_completion": ((), "counter", {"items": "", "reason": "Thiếu"},
                           "Vui lòng nhập các giấy tờ cần bổ sung.",
                           {"items": "Bản sao CCCD\nSơ đồ thửa đất", "reason": "Thiếu giấy tờ"},
                           S.NEEDS_COMPLETION),
    "refuse_reception": ((), "counter", {"reason": " ", "sure": "y"},
                         "Vui lòng nhập lý do từ chối.",
                         {"reason": "Không thuộc thẩm quyền", "sure": "y"}, S.REFUSED),
    "take": (RECEIVED, "specialist", None, None, {}, S.IN_PROGRESS),
    "request_supplement": (IN_PROGRESS, "specialist", {"items": "Bản vẽ", "reason": ""},
                           "Vui lòng nhập lý do.", {"items": "Bản vẽ", "reason": "Thiếu"},
                           S.AWAITING_SUPPLEMENT),
    "refuse": (RECEIVED, "leader", {"reason": "", "sure": "y"},
               "Vui lòng nhập lý do từ chối giải quyết.",
               {"reason": "Đất đang tranh chấp", "sure": "y"}, S.REFUSED),
    "stop": (RECEIVED, "leader", {"reason": "", "sure": "y"}, "Vui lòng nhập lý do dừng xử lý.",
             {"reason": "Theo đề nghị của cơ quan thuế", "sure": "y"}, S.STOPPED),
}


@pytest.mark.parametrize("name", list(CASES))
def test_action_refusal_then_success(as_, world, app, name):
    steps, who, bad, message, good, after = CASES[name]
    advance(app, world, *steps)
    client = as_(who)
    before = load(app, world.dossier_id)
    if bad is not None:
        _refused(act(client, app, world.dossier_id, name, bad), message)
        unchanged = load(app, world.dossier_id)
        assert (unchanged.state, unchanged.lock_version) == (before.state, before.lock_version)
    _done(act(client, app, world.dossier_id, name, good))
    assert load(app, world.dossier_id).state is after


def test_receive_twice_says_why(as_, world, app):
    advance(app, world, *RECEIVED)
    response = act(as_("counter"), app, world.dossier_id, "receive")
    _refused(response, "Không thể “Tiếp nhận hồ sơ” khi hồ sơ đang ở trạng thái “Đã tiếp nhận”.")


def test_take_held_by_someone_else_is_a_conflict(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    response = act(as_("leader"), app, world.dossier_id, "take")
    assert response.status_code == 409 and "đang do" in response.text


def test_assign_and_complete_step(as_, world, app):
    advance(app, world, *RECEIVED)
    leader = as_("leader")
    _refused(act(leader, app, world.dossier_id, "assign", {"assignee": ""}),
             "Vui lòng chọn cán bộ được phân công.")
    _done(act(leader, app, world.dossier_id, "assign",
              {"assignee": world.user_ids["specialist"]}))
    assert load(app, world.dossier_id).holder_id == world.user_ids["specialist"]
    specialist = as_("specialist")
    _done(act(specialist, app, world.dossier_id, "complete_step",
              {"note": "Đủ điều kiện", "next_holder": world.user_ids["leader"]}))
    dossier = load(app, world.dossier_id)
    assert dossier.current_role == "leader" and dossier.holder_id == world.user_ids["leader"]
    # The leader's step is the last one: it ends with the approval, not another step.
    _refused(act(leader, app, world.dossier_id, "complete_step", {"note": "x"}),
             "Đây là bước cuối cùng")


def test_supplement_at_the_counter(as_, world, app):
    advance(app, world, *IN_PROGRESS,
            ("specialist", "request_supplement", {"items": "Bản vẽ", "reason": "Thiếu"}))
    counter = as_("counter")
    _refused(act(counter, app, world.dossier_id, "supplement", {"note": ""}),
             "Ghi rõ giấy tờ bổ sung đã nhận tại quầy.")
    assert load(app, world.dossier_id).state is S.AWAITING_SUPPLEMENT
    _done(act(counter, app, world.dossier_id, "supplement", {"note": "Bản vẽ hiện trạng"}))
    assert load(app, world.dossier_id).state is S.IN_PROGRESS


def test_obligation_fulfilled(as_, world, app):
    # The obligation's own journeys (the notice file, the citizen's page): test_obligation.py.
    advance(app, world, *IN_PROGRESS, ("specialist", "request_obligation", obligation_kwargs()))
    client = as_("counter")
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(VN_TZ).date().isoformat()
    _refused(act(client, app, world.dossier_id, "obligation_fulfilled", {"paid_on": tomorrow}),
             "Ngày nộp không được sau hôm nay.")
    today = utcnow().astimezone(VN_TZ).date().isoformat()
    _done(act(client, app, world.dossier_id, "obligation_fulfilled",
              {"note": "Biên lai 0042", "paid_on": today}))
    assert load(app, world.dossier_id).state is S.IN_PROGRESS


def test_request_consultation(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    client = as_("specialist")
    due = _future(5)["date"]
    _refused(act(client, app, world.dossier_id, "request_consultation",
                 {"question": "Ý kiến về quy hoạch?", "due_date": due}),
             "Vui lòng chọn ít nhất một cơ quan khác để xin ý kiến.")
    _refused(act(client, app, world.dossier_id, "request_consultation",
                 {"question": "Ý kiến?", "agencies": world.other_id, "due_date": ""}),
             "Vui lòng chọn hạn trả lời.")
    _done(act(client, app, world.dossier_id, "request_consultation",
              {"question": "Ý kiến về quy hoạch?", "agencies": world.other_id,
               "due_date": due}))
    dossier = load(app, world.dossier_id)
    assert dossier.state is S.AWAITING_CONSULTATION


def test_forward_inter_agency_asks_for_confirmation(as_, world, app):
    """The 3-working-day rule (the rest of the journey: test_inter_agency.py)."""
    advance(app, world, *IN_PROGRESS)
    set_fields(app, world.dossier_id, due_at=utcnow() + timedelta(hours=20))
    leader = as_("leader")
    warned = act(leader, app, world.dossier_id, "forward_inter_agency", {"note": "Trình UBND"})
    _refused(warned, "Hãy xác nhận nếu vẫn chuyển liên thông.")
    assert 'name="forward_inter_agency-confirmed"' in warned.text
    assert load(app, world.dossier_id).state is S.IN_PROGRESS
    _done(act(leader, app, world.dossier_id, "forward_inter_agency",
              {"note": "Trình UBND", "confirmed": "y"}))
    assert load(app, world.dossier_id).state is S.INTER_AGENCY


def test_approve_with_the_e_result_in_the_same_form(as_, world, app):
    advance(app, world, *AT_LEADER)
    leader = as_("leader")
    _refused(act(leader, app, world.dossier_id, "approve", {"result_note": ""}),
             "Vui lòng đính kèm tệp kết quả điện tử trước khi phê duyệt.")
    # A file of the wrong type is refused and nothing is kept.
    refused = act(leader, app, world.dossier_id, "approve", {},
                  files={"result": (io.BytesIO(EXE), "ket-qua.exe")})
    _refused(refused, "không đúng định dạng")
    storage_root = app.extensions["storage"]
    with app.app_context():
        from portal.dossiers.models import DossierFile

        assert not db.session.query(DossierFile).filter_by(kind="result").count()
    done = act(leader, app, world.dossier_id, "approve", {"result_note": "Số 15/GCN"},
               files={"result": (io.BytesIO(PDF), "giay-chung-nhan.pdf")})
    _done(done)
    with app.app_context():
        from portal.dossiers.models import Dossier

        dossier = db.session.get(Dossier, world.dossier_id)
        assert dossier.state is S.RESULT_READY and dossier.result_note == "Số 15/GCN"
        [result] = dossier.result_files
        assert storage_root.exists(result.storage_key)
        key = result.storage_key
    page = leader.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert "giay-chung-nhan.pdf" in page.text and key not in page.text


def test_the_e_result_is_named_after_its_type(as_, world, app):
    """Issue 10, item 14, for the e-result: a PDF attached as "Kết quả giải quyết.bat" is
    kept, and given to the applicant, as "Kết quả giải quyết.pdf"."""
    advance(app, world, *AT_LEADER)
    done = act(as_("leader"), app, world.dossier_id, "approve", {"result_note": "Số 15/GCN"},
               files={"result": (io.BytesIO(PDF), "Kết quả giải quyết.bat")})
    _done(done)
    with app.app_context():
        from portal.dossiers.models import Dossier

        [result] = db.session.get(Dossier, world.dossier_id).result_files
        assert (result.original_name, result.content_type) == ("Kết quả giải quyết.pdf",
                                                               "application/pdf")
        result_id = result.id
    got = as_("citizen").get(f"/ho-so/{world.dossier_id}/tep/{result_id}")
    assert got.status_code == 200 and got.data == PDF
    assert parse_options_header(got.headers["Content-Disposition"]) == (
        "inline", {"filename": "Kết quả giải quyết.pdf"})


def test_confirm_withdrawal(as_, world, app):
    advance(app, world, *RECEIVED)
    counter = as_("counter")
    _refused(act(counter, app, world.dossier_id, "confirm_withdrawal", {"sure": "y"}),
             "Người nộp chưa đề nghị rút hồ sơ này.")
    set_fields(app, world.dossier_id, withdrawal_requested_at=utcnow(),
               withdrawal_reason="Nộp nhầm thủ tục")
    _done(act(counter, app, world.dossier_id, "confirm_withdrawal", {"sure": "y"}))
    assert load(app, world.dossier_id).state is S.WITHDRAWN


# (setup steps, who, fields but the tick) of the actions that cannot be undone (issue 18)
IRREVERSIBLE = {
    "refuse_reception": ((), "counter", {"reason": "Không thuộc thẩm quyền"}, S.REFUSED),
    "refuse": (RECEIVED, "leader", {"reason": "Đất đang tranh chấp"}, S.REFUSED),
    "stop": (RECEIVED, "leader", {"reason": "Theo đề nghị của cơ quan thuế"}, S.STOPPED),
    "confirm_withdrawal": (RECEIVED, "counter", {}, S.WITHDRAWN),
}


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("name", list(IRREVERSIBLE))
def test_an_irreversible_action_needs_the_tick(as_, world, app, name, htmx):
    steps, who, fields, after = IRREVERSIBLE[name]
    advance(app, world, *steps)
    if name == "confirm_withdrawal":
        set_fields(app, world.dossier_id, withdrawal_requested_at=utcnow(),
                   withdrawal_reason="Nộp nhầm thủ tục")
    client = as_(who)
    before = load(app, world.dossier_id)
    page = _refused(act(client, app, world.dossier_id, name, fields, htmx=htmx),
                    "Hãy đánh dấu ô xác nhận: thao tác này không hoàn tác được.")
    assert f'id="{name}-sure-error"' in page and "không hoàn tác được)" in page
    unchanged = load(app, world.dossier_id)
    assert (unchanged.state, unchanged.lock_version) == (before.state, before.lock_version)
    _done(act(client, app, world.dossier_id, name, {**fields, "sure": "y"}))
    assert load(app, world.dossier_id).state is after


def _next_saturday() -> dict:
    local = utcnow().astimezone(VN_TZ) + timedelta(days=1)
    while local.weekday() != 5:
        local += timedelta(days=1)
    return {"new_date": local.strftime("%Y-%m-%d"), "new_time": "10:00"}


def test_apologise_for_an_overdue_dossier(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    late = utcnow() - timedelta(hours=3)
    set_fields(app, world.dossier_id, due_at=late)
    leader = as_("leader")
    page = leader.get(f"/can-bo/ho-so/{world.dossier_id}")
    assert "overdue-badge" in page.text and "Quá hạn" in page.text
    assert "Cơ quan phải ban hành phiếu xin lỗi" in page.text
    past = (utcnow() - timedelta(days=1)).astimezone(VN_TZ)
    _refused(act(leader, app, world.dossier_id, "apologise",
                 {"reason": "Chờ đo đạc", "new_date": past.strftime("%Y-%m-%d"),
                  "new_time": "09:00"}),
             "Ngày hẹn mới phải sau thời điểm hiện tại.")
    # A Saturday is refused (issue 18: one was printed on form 04), with the calendar's
    # proposal; the blank form proposes the same working instant.
    with app.app_context():
        proposal = appointments.proposed_appointment(
            db.session.get(Dossier, world.dossier_id), current_calendar(),
            utcnow()).due.astimezone(VN_TZ)
    saturday = _refused(act(leader, app, world.dossier_id, "apologise",
                            {"reason": "Chờ đo đạc", **_next_saturday()}),
                        "Ngày hẹn mới phải trong giờ làm việc")
    assert f"Đề xuất: {fmt_dt_vi(proposal)}" in saturday
    assert load(app, world.dossier_id).new_appointment_at is None
    blank = leader.get(f"/can-bo/ho-so/{world.dossier_id}/thao-tac/apologise",
                       headers={"HX-Request": "true"}).text
    assert f'value="{proposal:%Y-%m-%d}"' in blank and f'value="{proposal:%H:%M}"' in blank
    assert f"Đề xuất: {local_datetime(proposal)}" in blank
    _done(act(leader, app, world.dossier_id, "apologise",
              {"reason": "Chờ đo đạc", "new_date": f"{proposal:%Y-%m-%d}",
               "new_time": f"{proposal:%H:%M}"}))
    dossier = load(app, world.dossier_id)
    assert dossier.new_appointment_at == proposal
    assert abs((dossier.due_at - late).total_seconds()) < 1  # the statutory date stays
    # Apologised: the banner says so instead of asking again, and a second apology waits for
    # the new date to pass.
    page = leader.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "Cơ quan phải ban hành phiếu xin lỗi" not in page
    assert f"cơ quan đã xin lỗi và hẹn lại {local_datetime(proposal)}" in page
    assert 'id="action-apologise"' not in page and "action-apologise" not in page
    _refused(act(leader, app, world.dossier_id, "apologise",
                 {"reason": "Lần nữa", "new_date": f"{proposal:%Y-%m-%d}",
                  "new_time": f"{proposal:%H:%M}"}), "Hồ sơ đã có phiếu xin lỗi")
    set_fields(app, world.dossier_id, new_appointment_at=utcnow() - timedelta(minutes=5))
    page = leader.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "Hồ sơ đã quá cả ngày hẹn lại" in page and "action-apologise" in page


def test_every_page_reads_the_new_appointment(as_, world, app):
    """After an apology the citizen's list and the public lookup show the new date, as the
    citizen's dossier page does (one current appointment: Dossier.appointment_at)."""
    advance(app, world, *IN_PROGRESS)
    due = utcnow() - timedelta(hours=3)
    with app.app_context():
        new = current_calendar().add(utcnow(), Duration(4, DurationUnit.DAYS)).due
    set_fields(app, world.dossier_id, due_at=due, new_appointment_at=new)
    code = load(app, world.dossier_id).code
    mine = as_("citizen").get("/ho-so").text
    assert local_date(new) in mine and "(hẹn lại)" in mine
    with app.test_request_context():
        address = urlsplit(lookup_url(db.session.get(Dossier, world.dossier_id),
                                      with_token=True))
    found = app.test_client().get(f"{address.path}?{address.query}")
    assert code in found.text
    assert local_datetime(new) in found.text and "Hẹn lại theo phiếu xin lỗi" in found.text
