"""Deadline scenarios with the real calendar (issue #4): Tết 2025, the 15:00 cut-off, clock
pauses over a weekend and for a financial obligation, the apology's new appointment, and
overdue detection that ignores paused dossiers.

The procedure of ``world`` takes 5 working days, without a cut-off; sessions are 07:30–11:30
and 13:00–17:00 (8 working hours a day)."""

from __future__ import annotations

from datetime import datetime, timedelta

import factories
import pytest

from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import TimeUnit
from portal.dossiers.models import DossierState as S
from portal.workflow import actions as wf
from portal.workflow import queries
from portal.workflow.transitions import Action, allowed_actions


def vn(day: int, month: int, hour: int, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def received(world, at: datetime, version=None):
    """A dossier of ``version`` (default: the world's 5-day procedure) received at ``at``."""
    d = factories.submitted_dossier(version or world.version, world.applicant,
                                    at - timedelta(minutes=30))
    wf.receive(d, world.ctx(world.counter, at))
    return d


def overdue_count(world, now: datetime) -> int:
    return queries.queue_counts(world.agency.id, [queries.Queue.OVERDUE], world.leader, now,
                                current_calendar())[queries.Queue.OVERDUE]


def test_received_on_the_friday_before_tet(world):
    # Tết 2025: Sat 25/01 to Sun 02/02 off. Friday 24/01 10:00–17:00 is 5.5 working hours,
    # Mon 03/02–Thu 06/02 another 32, so the 40th hour ends Friday 07/02 at 10:00.
    d = received(world, vn(24, 1, 10))
    assert d.due_at == vn(7, 2, 10)
    assert "Tết Nguyên Đán" in d.due_explanation
    assert "không tính ngày nghỉ" in d.due_explanation
    assert "07/02/2025" in d.due_explanation and "24/01/2025" in d.due_explanation
    assert "07/02/2025" in d.events[-1].message  # the appointment on the receipt event
    # Two weeks of calendar time, five of work: not overdue on the Thursday after Tết.
    assert not d.is_overdue(vn(6, 2, 16))
    assert d.is_overdue(vn(7, 2, 10, 1))


# (received at, due, "counted from" as the explanation says it; None: no roll-over)
CUTOFF_CASES = [
    # After the 15:00 cut-off: counted from the next working morning, due at its end.
    (vn(12, 3, 15, 30), vn(13, 3, 17), "07:30 thứ Năm 13/03/2025"),
    # On a Friday: the next working morning is Monday's.
    (vn(14, 3, 15, 30), vn(17, 3, 17), "07:30 thứ Hai 17/03/2025"),
    # Before the cut-off: the same day.
    (vn(12, 3, 14, 59), vn(12, 3, 17), None),
]


def test_same_day_procedure_with_a_15h_cutoff(world):
    # factories' default procedure: same-day mortgage registration, cut-off 15:00.
    mortgage = factories.published_procedure(world.agency, name="Đăng ký thế chấp")
    for at, due, counted_from in CUTOFF_CASES:
        d = received(world, at, mortgage)
        assert d.due_at == due, at
        if counted_from:
            assert "sau giờ chốt 15:00" in d.due_explanation
            assert f"nên tính từ {counted_from}" in d.due_explanation
        else:
            assert "giờ chốt" not in d.due_explanation


def test_supplement_pause_spanning_a_weekend_moves_the_due_by_the_paused_working_time(world):
    d = received(world, vn(12, 3, 10))  # Wed 12/03 10:00 → due Wed 19/03 10:00
    wf.take(d, world.ctx(world.specialist, vn(12, 3, 11)))
    assert d.due_at == vn(19, 3, 10)
    asked, answered = vn(13, 3, 14), vn(18, 3, 10)  # Thursday 14:00 → Tuesday 10:00
    wf.request_supplement(d, world.ctx(world.specialist, asked), "Bản sao sổ đỏ", "Không rõ")
    pause = d.pauses[-1]
    # 29.5 working hours were left: Thu 3 + Fri 8 + Mon 8 + Tue 8 + Wed 2.5.
    assert pause.remaining_seconds == 29.5 * 3600
    wf.supplement(d, world.ctx(world.counter, answered), "Bản sao sổ đỏ có chứng thực")
    # Paused Thu 14–17 (3 h), Fri (8), the weekend (0), Mon (8), Tue 07:30–10:00 (2.5): 21.5 h.
    cal = current_calendar()
    assert cal.elapsed(asked, answered) == hours(21.5)
    assert d.due_at == vn(21, 3, 17)  # Wed 10:00 + 21.5 h = Fri 17:00
    assert cal.elapsed(vn(19, 3, 10), d.due_at) == hours(21.5)
    assert cal.elapsed(vn(12, 3, 10), d.due_at, [(pause.started_at, pause.ended_at)]) == hours(40)
    assert "hạn mới 17:00 thứ Sáu 21/03/2025" in d.due_explanation
    assert "21/03/2025" in d.events[-1].message
    assert wf.invariant_problems(d) == []


def test_a_pause_before_the_clock_starts_leaves_the_due_time_alone(world):
    # Received at 15:30 after a 15:00 cut-off on the Friday before Tết: the clock starts on
    # Monday 03/02 07:30. A supplement asked and answered that same Friday afternoon paused
    # nothing that was being counted (found by the stateful test).
    mortgage = factories.published_procedure(world.agency, name="Đăng ký thế chấp",
                                             time_amount=16, time_unit=TimeUnit.HOURS)
    d = received(world, vn(24, 1, 15, 30), mortgage)
    due = d.due_at
    assert due == vn(4, 2, 17)
    wf.take(d, world.ctx(world.specialist, vn(24, 1, 15, 30)))
    wf.request_supplement(d, world.ctx(world.specialist, vn(24, 1, 15, 30)), "Bản sao", "Mờ")
    assert d.pauses[-1].remaining_seconds == 16 * 3600
    wf.supplement(d, world.ctx(world.counter, vn(24, 1, 15, 31)), "Bản sao rõ")
    assert d.due_at == due


def test_obligation_pause_stops_the_clock_and_keeps_the_dossier_off_the_overdue_list(world):
    d = received(world, vn(12, 3, 10))  # due Wed 19/03 10:00
    wf.take(d, world.ctx(world.specialist, vn(12, 3, 11)))
    wf.request_obligation(d, world.ctx(world.specialist, vn(17, 3, 9)),
                          factories.obligation_terms(vn(17, 3, 9)))
    assert d.state is S.AWAITING_PAYMENT_OF_OBLIGATION
    assert d.pauses[-1].remaining_seconds == 17 * 3600  # Mon 6.5 + Tue 8 + Wed 2.5
    # Past the original due time while waiting for the applicant's payment: not overdue.
    wednesday = vn(19, 3, 11)
    assert wednesday > d.due_at and not d.is_overdue(wednesday)
    assert overdue_count(world, wednesday) == 0
    assert Action.APOLOGISE not in allowed_actions(world.leader, d, wednesday)
    wf.obligation_fulfilled(d, world.ctx(world.counter, vn(20, 3, 9)), "Biên lai số 0012345")
    # 17 h from Thu 20/03 09:00: Thu 6.5 + Fri 8 + Mon 2.5 → Mon 24/03 10:00, i.e. the old
    # due time moved by the 24 working hours (3 days) of waiting.
    assert d.due_at == vn(24, 3, 10)
    assert current_calendar().elapsed(vn(19, 3, 10), d.due_at) == hours(24)
    assert "nghĩa vụ tài chính" in d.due_explanation
    assert not d.is_overdue(vn(24, 3, 10)) and d.is_overdue(vn(24, 3, 10, 1))
    assert overdue_count(world, vn(24, 3, 11)) == 1


def test_an_apology_sets_a_new_appointment_and_keeps_the_due_time(world):
    d = received(world, vn(12, 3, 10))
    due = d.due_at
    late = vn(20, 3, 9)
    assert d.is_overdue(late) and overdue_count(world, late) == 1
    assert Action.APOLOGISE in allowed_actions(world.leader, d, late)
    notice = wf.apologise(d, world.ctx(world.leader, late), "Phải xác minh thực địa",
                          vn(26, 3, 16))
    assert d.due_at == due and notice.original_due_at == due
    assert d.new_appointment_at == notice.new_appointment_at == vn(26, 3, 16)
    assert d.appointment_at == vn(26, 3, 16)
    # Statistics still judge against the statutory due time.
    assert d.is_overdue(vn(20, 3, 10)) and overdue_count(world, vn(20, 3, 10)) == 1
    assert "26/03/2025" in d.events[-1].message


def test_no_apology_while_the_clock_is_paused(world):
    d = received(world, vn(12, 3, 10))  # due Wed 19/03 10:00
    wf.request_supplement(d, world.ctx(world.specialist, vn(18, 3, 9)), "Bản vẽ", "Thiếu")
    # A week later the old due time has passed, but the applicant holds the next move.
    later = vn(25, 3, 9)
    assert not d.is_overdue(later)
    assert Action.APOLOGISE not in allowed_actions(world.leader, d, later)
    with pytest.raises(wf.WorkflowError, match="tạm dừng"):
        wf.apologise(d, world.ctx(world.leader, later), "Chậm", vn(28, 3, 9))
    assert d.new_appointment_at is None and not d.notices[1:]


def test_overdue_detection_ignores_paused_dossiers(world):
    running = received(world, vn(12, 3, 10))
    paused = received(world, vn(12, 3, 10))
    waiting = received(world, vn(12, 3, 10))
    wf.request_supplement(paused, world.ctx(world.specialist, vn(14, 3, 9)), "Bản vẽ", "Thiếu")
    wf.take(waiting, world.ctx(world.specialist, vn(14, 3, 9)))
    wf.request_obligation(waiting, world.ctx(world.specialist, vn(14, 3, 10)),
                          factories.obligation_terms(vn(14, 3, 10)))
    late = vn(21, 3, 9)
    assert [d.is_overdue(late) for d in (running, paused, waiting)] == [True, False, False]
    page = queries.queue_page(world.agency.id, queries.Queue.OVERDUE, world.leader, late,
                              current_calendar())
    # The world's own dossier is still waiting for reception: never overdue.
    assert [d.id for d in page.items] == [running.id]


def test_a_pause_begun_after_the_due_time_holds_nothing(world):
    # What the statistics read (issue 12): papers asked for after the due time record no
    # working time left, so the answer does not move the due time: the dossier stays late.
    d = received(world, vn(12, 3, 10))  # due Wed 19/03 10:00
    due = d.due_at
    wf.take(d, world.ctx(world.specialist, vn(12, 3, 11)))
    wf.request_supplement(d, world.ctx(world.specialist, vn(20, 3, 9)), "Bản vẽ", "Thiếu")
    assert d.pauses[-1].remaining_seconds == 0
    wf.supplement(d, world.ctx(world.counter, vn(21, 3, 9)), "Bản vẽ")
    assert d.due_at == due and d.is_overdue(vn(21, 3, 9))


@pytest.mark.parametrize("ending", ["withdrawal", "stop"])
def test_ending_during_a_pause_moves_the_due_time_as_a_resume_does(world, ending):
    # Issue 12: withdrawn or stopped while waiting for the applicant, the dossier is judged
    # against its due time moved by the wait, not against the one from before it.
    from portal.dossiers import operations as dossier_ops

    d = received(world, vn(12, 3, 10))  # due Wed 19/03 10:00
    wf.take(d, world.ctx(world.specialist, vn(12, 3, 11)))
    wf.request_supplement(d, world.ctx(world.specialist, vn(18, 3, 9)), "Bản vẽ", "Thiếu")
    assert d.pauses[-1].remaining_seconds == 9 * 3600  # Tue 6.5 + Wed 2.5
    end = vn(25, 3, 10)
    if ending == "withdrawal":
        dossier_ops.request_withdrawal(d, world.applicant, "Không còn nhu cầu", vn(25, 3, 9))
        wf.confirm_withdrawal(d, world.ctx(world.counter, end))
        assert d.state is S.WITHDRAWN
    else:
        wf.stop(d, world.ctx(world.leader, end), "Người nộp không bổ sung")
        assert d.state is S.STOPPED
    assert d.pauses[-1].ended_at == end
    # The 9 working hours left at the pause count from the ending: Tue 25/03 10:00 + 5.5 + 3.5.
    assert d.due_at == vn(26, 3, 11)
    assert d.finished_at == end <= d.due_at
    assert wf.invariant_problems(d) == []
