"""Every open dossier is in a working queue, and every action offered is accepted (issue 12).

Hypothesis walks dossiers through random sequences of the actions the page offers
(``transitions.allowed_actions``) to random officers of the agency, the applicant and the
consulted agency, on a procedure whose internal process has steps outside the portal (the
post carries the papers and the result) and two specialist steps before the leader's; the
clock jumps between actions. After every action:

- the action, called with valid input, was accepted — the page offers nothing the server
  refuses (no ``Forbidden``, no ``Conflict``, no guard);
- an open dossier is listed by at least one working queue of its agency, as the queue
  queries compute them (``queries.queues_holding``) for the agency's officers;
- a dossier nobody holds while it is processed is in the "to take" queue of an officer
  who is offered "Nhận xử lý" on it, and every officer whose "to take" queue lists it is
  offered that action; a dossier someone holds is in that officer's "mine" queue.

Each example runs inside a SAVEPOINT over one world built per test and rolled back at its
end (as test_stateful does)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from random import Random

import factories
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from portal.accounts import policy
from portal.accounts.models import Role
from portal.calendar import VN_TZ, Duration, DurationUnit, WorkCalendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier, DossierFile, DossierState, FileKind, ReturnMethod
from portal.dossiers.states import PROCESSING, UNRESOLVED_RECEIVED
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow import queries
from portal.workflow.queries import Queue
from portal.workflow.transitions import Action, allowed_actions

S = DossierState
CAL = WorkCalendar()
START = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)  # an ordinary Wednesday morning
OPEN_ENDINGS = (S.RETURNED, S.REFUSED, S.WITHDRAWN, S.STOPPED)
DONE: dict[str, int] = {}


def _world(agency):
    other = factories.agency()
    version = factories.published_procedure(
        agency, name="Cấp giấy phép xây dựng", time_amount=5, time_unit=TimeUnit.DAYS,
        cutoff=time(15, 0), steps=[
            catalog_ops.StepData("Tiếp nhận hồ sơ", StepRole.COUNTER, 4),
            catalog_ops.StepData("Chuyển hồ sơ về cơ quan giải quyết", StepRole.POSTAL, 4),
            catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 16),
            catalog_ops.StepData("Kiểm tra thực địa", StepRole.SPECIALIST, 8),
            catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 4),
            catalog_ops.StepData("Chuyển kết quả về Trung tâm", StepRole.POSTAL, 4),
            catalog_ops.StepData("Trả kết quả", StepRole.COUNTER, 1)])
    users = {
        "counter": factories.staff(Role.COUNTER_OFFICER, agency),
        "specialist": factories.staff(Role.SPECIALIST, agency),
        "specialist2": factories.staff(Role.SPECIALIST, agency),
        "leader": factories.staff(Role.LEADER, agency),
        "consulted": factories.staff(Role.SPECIALIST, other),
    }
    db.session.flush()
    return other, version, users


def _call(rnd: Random, d: Dossier, action: Action, ctx: wf.Context, users, other, applicant):
    """``action`` with valid input, prepared as the page would (result attached, papers
    uploaded)."""
    if action is Action.RECEIVE:
        return wf.receive(d, ctx)
    if action is Action.REQUEST_COMPLETION:
        return wf.request_completion(d, ctx, "Giấy ủy quyền", "Thiếu giấy ủy quyền")
    if action is Action.REFUSE_RECEPTION:
        return wf.refuse_reception(d, ctx, "Không thuộc thẩm quyền")
    if action is Action.TAKE:
        return wf.take(d, ctx)
    if action is Action.ASSIGN:
        step = wf.open_step(d)
        who = "leader" if step.role is StepRole.LEADER else rnd.choice(
            ["specialist", "specialist2", "leader"])
        return wf.assign(d, ctx, users[who])
    if action is Action.COMPLETE_STEP:
        step = wf.open_step(d)
        following = wf.next_processing(d, step.position)
        choices = [None, "leader"] if following[2] is StepRole.LEADER else [
            None, "specialist", "specialist2"]
        who = rnd.choice(choices)
        return wf.complete_step(d, ctx, "Đủ điều kiện", users[who] if who else None)
    if action is Action.REQUEST_SUPPLEMENT:
        return wf.request_supplement(d, ctx, "Bản vẽ thiết kế", "Bản vẽ không rõ")
    if action in (Action.SUPPLEMENT, Action.RESUBMIT):
        d.files.append(DossierFile(
            requirement_id=None, storage_key=f"coverage/{d.id}/{d.supplement_round}",
            original_name="bo-sung.pdf", content_type="application/pdf", size=100,
            sha256="4" * 64, kind=FileKind.SUPPLEMENT, round=d.supplement_round,
            uploaded_by_id=applicant.id))
        db.session.flush()
        if action is Action.RESUBMIT:
            return wf.resubmit(d, ctx)
        return wf.supplement(d, ctx, "Bản vẽ đã nhận tại quầy")
    if action is Action.REQUEST_CONSULTATION:
        return wf.request_consultation(d, ctx, [other], "Ý kiến về quy hoạch?",
                                       ctx.now + timedelta(days=3))
    if action is Action.ANSWER_CONSULTATION:
        ask = next(c for c in d.consultations if c.answered_at is None)
        return wf.answer_consultation(d, ctx, ask.id, "Thống nhất")
    if action is Action.FORWARD_INTER_AGENCY:
        return wf.forward_inter_agency(d, ctx, "Trình UBND tỉnh", confirmed=True)
    if action is Action.INTER_AGENCY_RETURNED:
        return wf.inter_agency_returned(d, ctx, "UBND tỉnh đã có ý kiến")
    if action is Action.REQUEST_OBLIGATION:
        return wf.request_obligation(d, ctx, factories.obligation_terms(ctx.now))
    if action is Action.OBLIGATION_FULFILLED:
        return wf.obligation_fulfilled(d, ctx, "Biên lai số 12")
    if action is Action.APPROVE:
        factories.result_file(d, ctx.user)
        return wf.approve(d, ctx, "Giấy phép số 12")
    if action is Action.REFUSE:
        return wf.refuse(d, ctx, "Không đủ điều kiện")
    if action is Action.STOP:
        return wf.stop(d, ctx, "Theo văn bản của cơ quan điều tra")
    if action is Action.CONFIRM_WITHDRAWAL:
        return wf.confirm_withdrawal(d, ctx)
    if action is Action.HAND_OVER:
        return wf.hand_over(d, ctx, ReturnMethod.COUNTER, "Nguyễn Văn An, CCCD 0510")
    if action is Action.APOLOGISE:
        return wf.apologise(d, ctx, "Phải xác minh thực địa",  # a working instant (issue 18)
                            ctx.calendar.add(ctx.now, Duration(3, DurationUnit.DAYS)).due)
    raise AssertionError(action)


# Endings are tried less often, so that most walks go deep into processing.
RARE = {Action.REFUSE_RECEPTION, Action.REFUSE, Action.STOP, Action.CONFIRM_WITHDRAWAL,
        Action.REQUEST_COMPLETION}


def _check_queues(d: Dossier, staff, now: datetime) -> None:
    if d.state in OPEN_ENDINGS:
        return
    found: dict[str, set[Queue]] = {}
    for kind, user in staff.items():
        found[kind] = queries.queues_holding(
            d, user, queries.queues_for(policy.roles_in(user, d.agency_id)), now, CAL)
    assert any(found.values()), f"{d.state.value} dossier, holder {d.holder_id}: in no queue"
    if d.state in PROCESSING and d.holder_id is None:
        takers = [k for k, qs in found.items() if Queue.NEW in qs]
        assert takers, "a dossier nobody holds is in nobody's queue to take"
        for kind in takers:  # whoever sees it to take may take it
            assert Action.TAKE in allowed_actions(staff[kind], d, now), kind
    elif d.state in UNRESOLVED_RECEIVED and d.holder_id is not None:
        holder = next(k for k, u in staff.items() if u.id == d.holder_id)
        assert Queue.MINE in found[holder], holder


def test_offered_actions_pass_and_open_dossiers_stay_in_a_queue(world):
    DONE.clear()

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1),
           moves=st.integers(min_value=1, max_value=30))
    def walks(seed: int, moves: int) -> None:
        savepoint = db.session.begin_nested()
        try:
            _walk(world, Random(seed), moves)
        finally:
            savepoint.rollback()
            db.session.expire_all()

    walks()
    # The walks met what the property is about: steps passed on (to nobody, among others),
    # steps taken from the queue, results approved and handed over.
    assert DONE.get("complete_step") and DONE.get("take") and DONE.get("approve"), DONE
    assert DONE.get("hand_over") and DONE.get("request_supplement"), DONE


def _walk(world, rnd: Random, moves: int) -> None:
    other, version, staff = _world(world.agency)
    applicant = world.applicant
    now = START + timedelta(minutes=rnd.randrange(0, 8 * 60))
    d = factories.submitted_dossier(version, applicant, now)
    people = {**staff, "applicant": applicant}
    for _ in range(moves):
        now += rnd.choice([timedelta(minutes=20), timedelta(hours=3), timedelta(days=1),
                           timedelta(days=4)])
        if d.state in OPEN_ENDINGS:
            break
        if rnd.random() < 0.05 and d.withdrawal_requested_at is None:
            try:
                dossier_ops.request_withdrawal(d, applicant, "Nộp nhầm thủ tục", now)
            except dossier_ops.DossierError:
                pass
        offered = [(a, k) for k, u in people.items() for a in allowed_actions(u, d, now)
                   if a in wf.FUNCTIONS and a is not Action.RESOLVE_ON_THE_SPOT]
        if not offered:
            continue
        weights = [1 if a in RARE else 6 for a, _ in offered]
        action, kind = rnd.choices(offered, weights)[0]
        note(f"{now:%a %d/%m %H:%M}: {action.value} by {kind} ({d.state.value})")
        ctx = wf.Context(people[kind], now, CAL, d.lock_version)
        _call(rnd, d, action, ctx, staff, other, applicant)  # offered: must be accepted
        db.session.flush()
        DONE[action.value] = DONE.get(action.value, 0) + 1
        assert wf.invariant_problems(d) == []
        _check_queues(d, staff, now)
