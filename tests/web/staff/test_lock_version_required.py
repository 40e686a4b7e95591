"""Every form that changes a dossier must say which version of it the officer saw (issue #10,
item 16): a POST without the version, or with one that is not a number, is refused in
Vietnamese and changes nothing — otherwise a stale page could overwrite a colleague's action
unnoticed. Each case then posts the same form with the version, to prove the case is one the
action accepts."""

from __future__ import annotations

import io
from datetime import timedelta

import factories
import pytest
from sample_files import PDF
from staff_helpers import (
    AT_LEADER,
    IN_PROGRESS,
    RECEIVED,
    advance,
    load,
    obligation_kwargs,
    set_fields,
)

from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core.models import utcnow
from portal.dossiers.models import Dossier
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow.models import Consultation

REFUSAL = "phiên bản hồ sơ"  # part of the Vietnamese message, whatever the form


def _future(days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(VN_TZ).strftime("%Y-%m-%d")


CONSULTED = ("specialist", "request_consultation", {})
FORWARDED = (*IN_PROGRESS, ("leader", "forward_inter_agency",
                            {"note": "Trình UBND", "confirmed": True}))
RECORDED = (*FORWARDED, ("liaison", "record_inter_agency_result", {"result": "Đã thẩm tra"}))

# action: (setup steps, who acts, the form's fields)
CASES: dict[str, tuple[tuple, str, dict]] = {
    "receive": ((), "counter", {}),
    "request_completion": ((), "counter", {"items": "Tờ khai", "reason": "Chưa ký"}),
    "refuse_reception": ((), "counter", {"reason": "Không thuộc thẩm quyền", "sure": "y"}),
    "take": (RECEIVED, "specialist", {}),
    "assign": (RECEIVED, "leader", {"assignee": "SPECIALIST"}),
    "complete_step": (IN_PROGRESS, "specialist", {"note": "Đủ điều kiện"}),
    "request_supplement": (IN_PROGRESS, "specialist", {"items": "Bản vẽ", "reason": "Thiếu"}),
    "supplement": ((*IN_PROGRESS, ("specialist", "request_supplement",
                                   {"items": "Bản vẽ", "reason": "Thiếu"})),
                   "counter", {"note": "Bản vẽ hiện trạng"}),
    "request_consultation": (IN_PROGRESS, "specialist",
                             {"agencies": "OTHER", "question": "Ý kiến?", "due_date": "FUTURE"}),
    "answer_consultation": ((*IN_PROGRESS, CONSULTED), "other",
                            {"consultation_id": "CONSULTATION", "answer": "Đồng ý"}),
    "forward_inter_agency": (IN_PROGRESS, "leader", {"note": "Trình UBND", "confirmed": "y"}),
    "record_inter_agency_result": (FORWARDED, "liaison", {"result": "Đã thẩm tra"}),
    "inter_agency_returned": (RECORDED, "liaison_leader", {"note": "UBND đã cho ý kiến"}),
    "inter_agency_onward": (RECORDED, "liaison_leader", {"note": "", "confirmed": "y"}),
    "request_obligation": (IN_PROGRESS, "specialist",
                           {"amount": "1.200.000", "payee": "Chi cục Thuế khu vực I",
                            "pay_to": "Kho bạc, tài khoản 7111", "due_on": "FUTURE"}),
    "obligation_fulfilled": ((*IN_PROGRESS, ("specialist", "request_obligation",
                                             obligation_kwargs())),
                             "counter", {"note": "Biên lai 0042", "paid_on": "TODAY"}),
    "approve": ((*AT_LEADER, ("leader", "result_file", {})), "leader", {"result_note": "Số 15"}),
    "refuse": (RECEIVED, "leader", {"reason": "Đất đang tranh chấp", "sure": "y"}),
    "stop": (RECEIVED, "leader", {"reason": "Theo đề nghị của cơ quan thuế", "sure": "y"}),
    "confirm_withdrawal": (RECEIVED, "counter", {"sure": "y"}),
    "apologise": (IN_PROGRESS, "leader",
                  {"reason": "Chờ đo đạc", "new_date": "FUTURE", "new_time": "15:30"}),
}


def test_every_workspace_action_has_a_case():
    from portal.blueprints.staff.forms import FORMS

    assert set(CASES) == {a.value for a in FORMS}


def _resolve(app, world, value):
    """Placeholders that need the database: other agency, people, the open consultation."""
    if value == "OTHER":
        return world.other_id
    if value == "SPECIALIST":
        return world.user_ids["specialist"]
    if value == "FUTURE":
        return _future(7)
    if value == "TODAY":
        return utcnow().astimezone(VN_TZ).date().isoformat()
    if value == "CONSULTATION":
        with app.app_context():
            return db.session.scalar(db.select(Consultation.id).where(
                Consultation.dossier_id == world.dossier_id))
    return value


def _prepare(app, world, steps) -> None:
    if not steps or steps[-1][1] != "request_consultation":
        advance(app, world, *steps)
        return
    # The consulted agency must belong to the session that runs the action.
    advance(app, world, *steps[:-1])
    with app.app_context():
        from portal.accounts.models import User
        from portal.calendar.overrides import current_calendar
        from portal.workflow import actions as wf

        dossier = db.session.get(Dossier, world.dossier_id)
        user = db.session.get(User, world.user_ids[steps[-1][0]])
        wf.request_consultation(dossier, wf.Context(user, utcnow(), current_calendar()),
                                [db.session.get(Agency, world.other_id)], "Ý kiến?",
                                utcnow() + timedelta(days=5))
        db.session.commit()


def _snapshot(app, dossier_id: int) -> tuple:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        return (dossier.state, dossier.lock_version, len(dossier.events),
                len(dossier.files), len(dossier.notices), len(dossier.consultations))


@pytest.mark.parametrize("lock", ["missing", "empty", "not a number"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_workspace_action_without_the_version_is_refused(as_, world, app, name, lock):
    steps, who, fields = CASES[name]
    _prepare(app, world, steps)
    if name == "confirm_withdrawal":
        set_fields(app, world.dossier_id, withdrawal_requested_at=utcnow(),
                   withdrawal_reason="Nộp nhầm")
    if name == "apologise":
        set_fields(app, world.dossier_id, due_at=utcnow() - timedelta(hours=3))
    client = as_(who)
    data = {f"{name}-{k}": _resolve(app, world, v) for k, v in fields.items()}
    if name == "approve":
        data[f"{name}-result"] = (io.BytesIO(PDF), "ket-qua.pdf")
    if name == "request_obligation":
        data[f"{name}-notice"] = (io.BytesIO(PDF), "thông báo thuế.pdf")
    if lock != "missing":
        data[f"{name}-lock_version"] = "" if lock == "empty" else "ba"
    before = _snapshot(app, world.dossier_id)
    url = f"/can-bo/ho-so/{world.dossier_id}/{name}"
    refused = client.post(url, data=data, content_type="multipart/form-data")
    assert refused.status_code in (409, 422), refused.get_data(as_text=True)[:800]
    assert REFUSAL in refused.get_data(as_text=True)
    assert _snapshot(app, world.dossier_id) == before
    # The same form with the version goes through: the refusal was the missing version.
    data[f"{name}-lock_version"] = str(load(app, world.dossier_id).lock_version)
    if name == "approve":
        data.pop(f"{name}-result")
    if name == "request_obligation":
        data[f"{name}-notice"] = (io.BytesIO(PDF), "thông báo thuế.pdf")
    done = client.post(url, data=data, content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:1500]
    assert _snapshot(app, world.dossier_id)[:2] != before[:2]


# --- the counter's own forms: reception of a walk-in dossier, on the spot, hand-over -------

def _walk_in(client, version_id: int) -> int:
    created = client.post("/can-bo/tiep-nhan/moi", data={
        "version_id": str(version_id), "person_id": "", "name": "Trần Thị Hoa",
        "id_number": "051190001122", "applicant_phone": "0905123456", "email": "",
        "address": "Thôn 2", "channel": "counter", "return_method": "counter"})
    assert created.status_code == 303, created.get_data(as_text=True)[:800]
    return int(created.location.split("/tiep-nhan/")[1].split("/")[0])


def _counter_case(app, world, client, kind: str) -> tuple[str, dict, int]:
    if kind == "receive":
        dossier_id = _walk_in(client, world.version_id)
        # Nothing scanned or recorded: the officer confirms receiving without the papers.
        return (f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan", {"confirm_missing": "y"},
                dossier_id)
    if kind == "resolve":
        with app.app_context():
            spot = factories.published_procedure(db.session.get(Agency, world.agency_id),
                                                 name="Chứng thực bản sao", on_the_spot=True)
            db.session.commit()
            spot_id = spot.id
        dossier_id = _walk_in(client, spot_id)
        return (f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay",
                {"result_note": "Bản sao số 15", "collected_by": ""}, dossier_id)
    advance(app, world, *AT_LEADER, ("leader", "result_file", {}), ("leader", "approve", {}))
    return (f"/can-bo/ho-so/{world.dossier_id}/tra-ket-qua",
            {"method": "counter", "collector_name": "Nguyễn Thị Hồng",
             "collector_id": "051190001122"}, world.dossier_id)


@pytest.mark.parametrize("lock", ["missing", "empty", "not a number"])
@pytest.mark.parametrize("kind", ["receive", "resolve", "hand_over"])
def test_a_counter_form_without_the_version_is_refused(as_, world, app, kind, lock):
    client = as_("counter")
    url, data, dossier_id = _counter_case(app, world, client, kind)
    if lock != "missing":
        data["lock_version"] = "" if lock == "empty" else "ba"
    before = _snapshot(app, dossier_id)
    refused = client.post(url, data=data)
    assert refused.status_code in (409, 422), refused.get_data(as_text=True)[:800]
    assert REFUSAL in refused.get_data(as_text=True)
    assert _snapshot(app, dossier_id) == before
    data["lock_version"] = str(load(app, dossier_id).lock_version)
    done = client.post(url, data=data)
    assert done.status_code == 303, done.get_data(as_text=True)[:1500]
    expected = S.RECEIVED if kind == "receive" else S.RETURNED
    assert load(app, dossier_id).state is expected
