"""The workflow actions end to end on the domain layer: the main path, pauses, consultations,
inter-agency, overdue apology, permissions and optimistic locking."""

from __future__ import annotations

from datetime import datetime

import factories
import pytest
from sqlalchemy import select

from portal.calendar import VN_TZ
from portal.dossiers.models import DossierState as S
from portal.dossiers.models import ReturnMethod
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.workflow import actions as wf
from portal.workflow.models import NoticeKind
from portal.workflow.transitions import Action, allowed_actions

WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


def test_main_path_from_reception_to_hand_over(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    assert d.state is S.RECEIVED
    # 5 working days from Wed 12/03 10:00 → Wed 19/03 10:00.
    assert d.due_at == at(19, 10)
    assert [s.name for s in d.steps] == ["Tiếp nhận", "Thẩm định hồ sơ"]
    assert d.current_role == "specialist" and d.holder_id is None

    wf.take(d, world.ctx(world.specialist, at(12, 14)))
    assert d.state is S.IN_PROGRESS and d.holder_id == world.specialist.id
    wf.complete_step(d, world.ctx(world.specialist, at(14, 9)), "Đủ điều kiện")
    assert d.current_role == "leader" and d.holder_id is None
    factories.result_file(d, world.leader)
    wf.approve(d, world.ctx(world.leader, at(17, 9)))
    assert d.state is S.RESULT_READY and d.finished_at == at(17, 9)
    wf.hand_over(d, world.ctx(world.counter, at(18, 8)), ReturnMethod.COUNTER,
                 "Nguyễn Văn An, CCCD 051090000001")
    assert d.state is S.RETURNED and d.returned_at == at(18, 8)
    assert all(s.finished_at for s in d.steps)
    assert wf.invariant_problems(d) == []
    public = [e.action for e in d.events if e.public]
    assert public == ["created", "submitted", "receive", "approve", "hand_over"]
    # The applicant's account has the default channel (e-mail): one message each for the
    # reception, the result and the hand-over (tests/unit/notifications has the rest).
    assert db.session.scalars(select(OutboxMessage.channel)).all() == ["email"] * 3



def test_a_replayed_action_queues_no_message(world):
    """``Context(messages=False)``: the 2019 replay writes history, nobody is messaged."""
    d = world.dossier
    quiet = wf.Context(world.counter, at(12, 10), world.ctx(world.counter).calendar,
                       messages=False)
    wf.receive(d, quiet)
    assert d.state is S.RECEIVED and d.events[-1].action == "receive"
    assert db.session.scalars(select(OutboxMessage)).all() == []

def test_supplement_pauses_the_clock_over_a_weekend(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    due = d.due_at  # Wed 19/03 10:00
    # Asked on Friday 14/03 at 16:00; the papers come in on Monday 17/03 at 08:30.
    notice = wf.request_supplement(d, world.ctx(world.specialist, at(14, 16)),
                                   "Bản sao CCCD", "Bản sao không rõ")
    assert notice.kind is NoticeKind.SUPPLEMENT and notice.reference == "1/HDHS"
    assert d.state is S.AWAITING_SUPPLEMENT and not d.is_overdue(at(25, 9))
    wf.supplement(d, world.ctx(world.counter, at(17, 8, 30)), "Bản sao CCCD chứng thực")
    # Paused from Fri 16:00 to Mon 08:30: 1 working hour (Fri 16–17) and Mon 07:30–08:30
    # (1 hour) are not counted → the due time moves by exactly 2 working hours, over the
    # lunch break: Wed 19/03 10:00 → 13:30.
    assert due == at(19, 10) and d.due_at == at(19, 13, 30)
    assert d.state is S.IN_PROGRESS and wf.invariant_problems(d) == []


def test_applicant_must_upload_to_supplement_online(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    wf.request_supplement(d, world.ctx(world.specialist, at(13, 9)), "Bản vẽ", "Thiếu")
    with pytest.raises(wf.WorkflowError, match="ít nhất một tệp"):
        wf.supplement(d, world.ctx(world.applicant, at(13, 10)))
    assert d.state is S.AWAITING_SUPPLEMENT


def test_consultation_waits_for_every_answer(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    wf.take(d, world.ctx(world.specialist, at(12, 11)))
    [ask] = wf.request_consultation(d, world.ctx(world.specialist, at(12, 14)), [world.other],
                                    "Ý kiến về quy hoạch?", at(14, 17))
    assert d.state is S.AWAITING_CONSULTATION
    with pytest.raises(wf.Forbidden):
        wf.answer_consultation(d, world.ctx(world.specialist2, at(13, 9)), ask.id, "Đồng ý")
    wf.answer_consultation(d, world.ctx(world.other_specialist, at(13, 9)), ask.id, "Đồng ý")
    assert d.state is S.IN_PROGRESS and ask.answered_by_id == world.other_specialist.id


def test_inter_agency_is_refused_for_a_procedure_without_a_chain(world):
    """Issue 18: "Liên thông: Không" is never forwarded (nor offered)."""
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    wf.take(d, world.ctx(world.specialist, at(12, 11)))
    assert Action.FORWARD_INTER_AGENCY not in allowed_actions(world.leader, d, at(12, 12))
    with pytest.raises(wf.WorkflowError, match="không giải quyết liên thông"):
        wf.forward_inter_agency(d, world.ctx(world.leader, at(12, 12)), "Trình UBND tỉnh",
                                confirmed=True)
    assert d.state is S.IN_PROGRESS and d.legs == []


def test_overdue_dossier_gets_an_apology_with_a_new_appointment(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    due = d.due_at
    with pytest.raises(wf.WorkflowError, match="chưa quá hạn"):
        wf.apologise(d, world.ctx(world.leader, at(18, 9)), "Chậm", at(25, 9))
    assert d.is_overdue(at(19, 11))
    notice = wf.apologise(d, world.ctx(world.leader, at(19, 11)), "Phải xác minh thực địa",
                          at(25, 16))
    assert notice.kind is NoticeKind.APOLOGY and notice.original_due_at == due
    assert d.due_at == due and d.appointment_at == at(25, 16)
    assert d.is_overdue(at(19, 12))  # still late for statistics


def test_forbidden_actions_change_nothing(world):
    d = world.dossier
    version_before = d.lock_version
    for user in (world.applicant, world.specialist, world.leader, world.supervisor,
                 world.stranger, world.other_specialist):
        with pytest.raises(wf.Forbidden):
            wf.receive(d, world.ctx(user))
    assert d.state is S.SUBMITTED and d.lock_version == version_before and not d.steps
    assert allowed_actions(world.counter, d) == [
        Action.RECEIVE, Action.REQUEST_COMPLETION, Action.REFUSE_RECEPTION]
    assert allowed_actions(world.stranger, d) == []


def test_a_stale_view_is_a_conflict(world):
    d = world.dossier
    seen = d.lock_version
    wf.receive(d, world.ctx(world.counter, at(12, 10), expected_version=seen))
    db.session.commit()
    with pytest.raises(wf.Conflict):
        wf.request_completion(d, world.ctx(world.counter, at(12, 11), expected_version=seen),
                              "x", "y")


def test_completion_before_reception_and_resubmit(world):
    d = world.dossier
    wf.request_completion(d, world.ctx(world.counter), "Giấy ủy quyền", "Thiếu giấy ủy quyền")
    assert d.state is S.NEEDS_COMPLETION and d.supplement_round == 1
    with pytest.raises(wf.WorkflowError, match="ít nhất một tệp"):
        wf.resubmit(d, world.ctx(world.applicant))
    with pytest.raises(wf.Forbidden):
        wf.resubmit(d, world.ctx(world.stranger))


def test_withdrawal_needs_the_applicants_request(world):
    from portal.dossiers import operations as dossier_ops

    d = world.dossier
    with pytest.raises(wf.WorkflowError, match="chưa đề nghị"):
        wf.confirm_withdrawal(d, world.ctx(world.counter))
    dossier_ops.request_withdrawal(d, world.applicant, "Nộp nhầm thủ tục", WED_0900)
    wf.confirm_withdrawal(d, world.ctx(world.counter, at(12, 10)))
    assert d.state is S.WITHDRAWN and d.finished_at == at(12, 10)
    assert wf.invariant_problems(d) == []
