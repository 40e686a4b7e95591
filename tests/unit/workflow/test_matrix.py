"""Every transition × every role (issue #4, "Tests that must exist").

For each action of ``transitions.TRANSITIONS`` a dossier is brought, with the actions
themselves, into a state the action starts from; then each kind of user calls the action with
valid arguments. The expected outcome is written here, not read from ``actors_for``: the
capacities a kind of user holds are stated below, and the table decides. Allowed users succeed
(the dossier reaches the table's target state, with a newer version and one event); everyone
else gets ``Forbidden`` (the route's 403; for the applicant's submission and withdrawal
request, the ``DossierError`` the citizen pages show) and the database holds exactly what it
held before:
the dossier row (state, version, times), its steps, pauses, events, notices, consultations,
files and outbox rows."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import factories
import pytest
from sqlalchemy import exists, or_, select, text

from portal.accounts.models import AccountKind, Role, RoleAssignment, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, StepRole, TimeUnit
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    FileKind,
    ReturnMethod,
)
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.workflow import actions as wf
from portal.workflow.models import (
    Consultation,
    DossierStep,
    InterAgencyLeg,
    Notice,
    Pause,
)
from portal.workflow.transitions import TRANSITIONS, Action, Actor

S = DossierState
_seq = itertools.count(1)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


# --- the world ----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Overrides the conftest fixture of the same name for this module's ~250 tests. Nothing
    here commits (``db_session`` rolls back), so the tables are already as found; emptying
    every table after each test costs more than the test itself on a busy PostgreSQL. Checked,
    not assumed: should anything have been committed, the tables are emptied and the test
    fails."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        if not db.session.scalar(select(or_(*(exists().select_from(t) for t in tables)))):
            return
        leaked = [t.name for t in tables if db.session.scalar(select(exists().select_from(t)))]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                for table in tables:
                    connection.execute(table.delete())
                connection.execute(text("PRAGMA foreign_keys=ON"))
        pytest.fail(f"a workflow matrix test committed rows to {', '.join(leaked)}")


def person(kind: AccountKind, role: Role | None = None, agency: Agency | None = None) -> User:
    """A user without a real password hash: scrypt would cost more than the whole test."""
    n = next(_seq)
    user = User(email=f"matrix{n}@example.vn", full_name=f"Người Thử {n}", phone="0912000000",
                kind=kind, password_hash="!", id_number=f"9{n:011d}")
    if role is not None:
        user.roles.append(RoleAssignment(role=role, agency_id=agency.id if agency else None))
    db.session.add(user)
    return user


# The kinds of user tried on every action, and the capacities each holds on the dossier.
KINDS = ("applicant", "other_citizen", "counter", "specialist", "leader", "other_counter",
         "other_specialist", "other_leader", "supervisor", "admin", "consulted", "receiver",
         "receiver_leader")
CAPACITIES: dict[str, frozenset[Actor]] = {
    "applicant": frozenset({Actor.APPLICANT}),
    "counter": frozenset({Actor.COUNTER}),
    "specialist": frozenset({Actor.SPECIALIST}),
    "leader": frozenset({Actor.LEADER}),
}


def capacities(kind: str, state: DossierState) -> frozenset[Actor]:
    if kind == "consulted":
        # A specialist of the consulted agency acts as such only while its answer is awaited.
        return frozenset({Actor.CONSULTED} if state is S.AWAITING_CONSULTATION else ())
    if kind in ("receiver", "receiver_leader"):
        # Officers of the agency the dossier was forwarded to (liên thông), while it holds it.
        if state is not S.INTER_AGENCY:
            return frozenset()
        return frozenset({Actor.RECEIVER} | (
            {Actor.RECEIVER_LEADER} if kind == "receiver_leader" else set()))
    return CAPACITIES.get(kind, frozenset())


@dataclass
class World:
    agency: Agency
    consulted_agency: Agency
    version: ProcedureVersion
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None

    def ctx(self, user: User, now: datetime) -> wf.Context:
        return wf.Context(user, now, current_calendar())


@pytest.fixture
def world(db_session) -> World:
    agency, consulted, third = factories.agency(), factories.agency(), factories.agency()
    liaison = factories.agency()
    steps = [catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
             catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
             catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)]
    # Inter-agency: to ``liaison`` first (2 working days), then on to the consulted agency.
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None, steps=steps,
        inter_agency=True, chain=[catalog_ops.ChainData(liaison.code, 2),
                                  catalog_ops.ChainData(consulted.code, 1)])
    users = {
        "applicant": person(AccountKind.CITIZEN),
        "other_citizen": person(AccountKind.CITIZEN),
        "counter": person(AccountKind.STAFF, Role.COUNTER_OFFICER, agency),
        "specialist": person(AccountKind.STAFF, Role.SPECIALIST, agency),
        "specialist2": person(AccountKind.STAFF, Role.SPECIALIST, agency),
        "leader": person(AccountKind.STAFF, Role.LEADER, agency),
        "other_counter": person(AccountKind.STAFF, Role.COUNTER_OFFICER, third),
        "other_specialist": person(AccountKind.STAFF, Role.SPECIALIST, third),
        "other_leader": person(AccountKind.STAFF, Role.LEADER, third),
        "supervisor": person(AccountKind.STAFF, Role.SUPERVISOR),
        "admin": person(AccountKind.STAFF, Role.ADMIN),
        "consulted": person(AccountKind.STAFF, Role.SPECIALIST, consulted),
        "receiver": person(AccountKind.STAFF, Role.SPECIALIST, liaison),
        "receiver_leader": person(AccountKind.STAFF, Role.LEADER, liaison),
    }
    db.session.flush()
    return World(agency, consulted, version, users)


# --- bringing a dossier into a state, with the actions themselves ---------------------------

def applicant_file(w: World, d: Dossier, kind: FileKind = FileKind.SUPPLEMENT) -> None:
    n = next(_seq)
    d.files.append(DossierFile(requirement_id=None, storage_key=f"matrix/{d.id}/{n}",
                               original_name=f"bo-sung-{n}.pdf", content_type="application/pdf",
                               size=100, sha256="2" * 64, kind=kind, round=d.supplement_round,
                               uploaded_by_id=w.applicant.id))
    db.session.flush()


def draft(w: World) -> Dossier:
    """A complete online draft of ``w.version``: every document attached, ready to submit."""
    d = dossier_ops.start_dossier(w.version, w.applicant)
    for document in w.version.documents:
        d.files.append(DossierFile(requirement_id=document.id, storage_key=f"matrix/{d.id}/"
                                   f"{next(_seq)}", original_name="giay-to.pdf",
                                   content_type="application/pdf", size=100, sha256="1" * 64,
                                   uploaded_by_id=w.applicant.id))
    dossier_ops.set_return_method(d, ReturnMethod.COUNTER, None)
    return d


def build(w: World, state: str) -> Dossier:
    """A dossier of ``w.version`` in ``state`` (a DossierState value, or one of the variants
    "on_the_spot" and "leader_step"), reached on Wed 12/03/2025; due Wed 19/03 10:00."""
    if state == "draft":
        return draft(w)
    version = w.version
    if state == "on_the_spot":
        version = factories.published_procedure(
            w.agency, name="Chứng thực bản sao từ bản chính", time_amount=0,
            time_unit=TimeUnit.SAME_DAY, cutoff=None, on_the_spot=True)
    d = factories.submitted_dossier(version, w.applicant, at(12, 9))
    if state in ("submitted", "on_the_spot"):
        return d
    if state == "needs_completion":
        wf.request_completion(d, w.ctx(w.counter, at(12, 9, 30)), "Giấy ủy quyền", "Thiếu")
        applicant_file(w, d)
        return d
    wf.receive(d, w.ctx(w.counter, at(12, 10)))
    if state == "received":
        return d
    wf.take(d, w.ctx(w.specialist, at(12, 11)))
    if state == "in_progress":
        return d
    later = w.ctx(w.specialist, at(12, 14))
    if state == "leader_step":
        wf.complete_step(d, later, "Đủ điều kiện")
        factories.result_file(d, w.leader)
    elif state == "result_ready":
        wf.complete_step(d, later, "Đủ điều kiện")
        factories.result_file(d, w.leader)
        wf.approve(d, w.ctx(w.leader, at(12, 16)), "Giấy chứng nhận số 12")
    elif state == "awaiting_supplement":
        wf.request_supplement(d, later, "Bản sao CCCD", "Bản sao không rõ")
        applicant_file(w, d)
    elif state == "awaiting_consultation":
        wf.request_consultation(d, later, [w.consulted_agency], "Ý kiến về quy hoạch?",
                                at(14, 17))
    elif state in ("inter_agency", "inter_agency_recorded"):
        wf.forward_inter_agency(d, w.ctx(w.leader, at(12, 14)), "Trình UBND tỉnh",
                                confirmed=True)
        if state == "inter_agency_recorded":
            wf.record_inter_agency_result(d, w.ctx(w.receiver, at(12, 15)), "Đã thẩm tra")
    elif state == "awaiting_payment_of_obligation":
        wf.request_obligation(d, later, factories.obligation_terms(later.now))
    else:
        raise ValueError(state)
    return d


# --- one scenario per action: where it starts, when, and a valid call ----------------------

Call = Callable[[World, Dossier, wf.Context], object]
THU = at(13, 10)  # the day after the build: an ordinary working morning
LATE = at(20, 9)  # past the due time (Wed 19/03 10:00)


@dataclass(frozen=True)
class Scenario:
    state: str
    call: Call
    now: datetime = THU
    withdrawal_requested: bool = False
    refusal: type[Exception] = wf.Forbidden
    event: str = ""  # the event's name, when it is not the action's


SCENARIOS: dict[Action, Scenario] = {
    Action.SUBMIT: Scenario(
        "draft", lambda w, d, c: dossier_ops.submit(d, c.user, c.calendar, c.now),
        refusal=dossier_ops.DossierError, event="submitted"),
    Action.RECEIVE: Scenario("submitted", lambda w, d, c: wf.receive(d, c)),
    Action.REQUEST_COMPLETION: Scenario(
        "submitted", lambda w, d, c: wf.request_completion(d, c, "Giấy ủy quyền", "Thiếu")),
    Action.REFUSE_RECEPTION: Scenario(
        "needs_completion", lambda w, d, c: wf.refuse_reception(d, c, "Không thuộc thẩm quyền")),
    Action.RESOLVE_ON_THE_SPOT: Scenario(
        "on_the_spot", lambda w, d, c: wf.resolve_on_the_spot(d, c, "Bản sao chứng thực số 7")),
    Action.RESUBMIT: Scenario("needs_completion", lambda w, d, c: wf.resubmit(d, c)),
    Action.TAKE: Scenario("received", lambda w, d, c: wf.take(d, c)),
    Action.ASSIGN: Scenario("received", lambda w, d, c: wf.assign(d, c, w.specialist2)),
    Action.COMPLETE_STEP: Scenario(
        "in_progress", lambda w, d, c: wf.complete_step(d, c, "Đủ điều kiện")),
    Action.REQUEST_SUPPLEMENT: Scenario(
        "in_progress", lambda w, d, c: wf.request_supplement(d, c, "Bản vẽ", "Thiếu bản vẽ")),
    Action.SUPPLEMENT: Scenario(
        "awaiting_supplement", lambda w, d, c: wf.supplement(d, c, "Bản sao CCCD chứng thực")),
    Action.REQUEST_CONSULTATION: Scenario(
        "in_progress", lambda w, d, c: wf.request_consultation(
            d, c, [w.consulted_agency], "Ý kiến về quy hoạch?", at(17, 17))),
    Action.ANSWER_CONSULTATION: Scenario(
        "awaiting_consultation",
        lambda w, d, c: wf.answer_consultation(d, c, d.consultations[0].id, "Thống nhất")),
    Action.FORWARD_INTER_AGENCY: Scenario(
        "in_progress",
        lambda w, d, c: wf.forward_inter_agency(d, c, "Trình UBND tỉnh", confirmed=True)),
    Action.RECORD_INTER_AGENCY_RESULT: Scenario(
        "inter_agency", lambda w, d, c: wf.record_inter_agency_result(d, c, "Đã thẩm tra")),
    Action.INTER_AGENCY_RETURNED: Scenario(
        "inter_agency_recorded",
        lambda w, d, c: wf.inter_agency_returned(d, c, "UBND tỉnh đã duyệt")),
    Action.INTER_AGENCY_ONWARD: Scenario(
        "inter_agency_recorded",
        lambda w, d, c: wf.inter_agency_onward(d, c, "Chuyển Sở", confirmed=True)),
    Action.REQUEST_OBLIGATION: Scenario(
        "in_progress",
        lambda w, d, c: wf.request_obligation(d, c, factories.obligation_terms(c.now))),
    Action.OBLIGATION_FULFILLED: Scenario(
        "awaiting_payment_of_obligation",
        lambda w, d, c: wf.obligation_fulfilled(d, c, "Biên lai số 0012345")),
    Action.APPROVE: Scenario("leader_step", lambda w, d, c: wf.approve(d, c, "GCN số 12")),
    Action.REFUSE: Scenario("in_progress", lambda w, d, c: wf.refuse(d, c, "Không đủ điều kiện")),
    # Stop, withdrawal and apology start from waiting states too: there the consulted
    # agency's specialist (and the applicant, who is awaited) must still be refused.
    Action.STOP: Scenario("awaiting_consultation",
                          lambda w, d, c: wf.stop(d, c, "Theo văn bản của cơ quan điều tra")),
    Action.REQUEST_WITHDRAWAL: Scenario(
        "awaiting_consultation",
        lambda w, d, c: dossier_ops.request_withdrawal(d, c.user, "Nộp nhầm thủ tục", c.now),
        refusal=dossier_ops.DossierError, event="withdrawal_requested"),
    Action.CONFIRM_WITHDRAWAL: Scenario(
        "awaiting_supplement", lambda w, d, c: wf.confirm_withdrawal(d, c),
        withdrawal_requested=True),
    Action.HAND_OVER: Scenario(
        "result_ready",
        lambda w, d, c: wf.hand_over(d, c, ReturnMethod.COUNTER, "Nguyễn Văn An, CCCD 0510")),
    Action.APOLOGISE: Scenario(
        "awaiting_consultation",
        lambda w, d, c: wf.apologise(d, c, "Phải xác minh thực địa", at(25, 16)), now=LATE),
}


def source_state(scenario: Scenario) -> DossierState:
    return {"on_the_spot": S.SUBMITTED, "leader_step": S.IN_PROGRESS,
            "inter_agency_recorded": S.INTER_AGENCY}.get(
        scenario.state) or S(scenario.state)


# --- what "nothing changed" means -----------------------------------------------------------

RECORDS = (Dossier, DossierStep, Pause, DossierEvent, Notice, Consultation, DossierFile,
           OutboxMessage, InterAgencyLeg)


def snapshot() -> dict[str, list[tuple]]:
    """Every row the workflow may write, read back from the database after a flush."""
    db.session.flush()
    return {model.__tablename__: [tuple(row) for row in db.session.execute(
        select(model.__table__).order_by(model.__table__.c.id))] for model in RECORDS}


# --- the tests ----------------------------------------------------------------------------

CASES = [pytest.param(action, kind, id=f"{action.value}-{kind}")
         for action in Action for kind in KINDS]


def test_every_action_has_a_scenario_starting_where_the_table_says():
    assert set(SCENARIOS) == set(Action)
    for action, scenario in SCENARIOS.items():
        assert source_state(scenario) in TRANSITIONS[action].sources, action
    # Each action is allowed to someone, and refused to most.
    for action, transition in TRANSITIONS.items():
        state = source_state(SCENARIOS[action])
        allowed = [k for k in KINDS if capacities(k, state) & transition.actors]
        assert allowed and len(allowed) <= 3, (action, allowed)


def test_every_action_on_a_context_has_its_function():
    """The staff workspace calls ``FUNCTIONS``; the two applicant operations live in
    ``dossiers.operations`` (see the scenarios above)."""
    assert set(wf.FUNCTIONS) == set(Action) - {Action.SUBMIT, Action.REQUEST_WITHDRAWAL}
    assert all(function.__name__ == action.value for action, function in wf.FUNCTIONS.items())


@pytest.mark.parametrize(("action", "kind"), CASES)
def test_transition_by_role(world, action, kind):
    scenario = SCENARIOS[action]
    d = build(world, scenario.state)
    if scenario.withdrawal_requested:
        dossier_ops.request_withdrawal(d, world.applicant, "Nộp nhầm thủ tục", at(12, 15))
    transition = TRANSITIONS[action]
    assert d.state in transition.sources
    user = world.users[kind]
    ctx = world.ctx(user, scenario.now)
    before = snapshot()
    version = d.lock_version
    events = len(d.events)

    if capacities(kind, d.state) & transition.actors:
        scenario.call(world, d, ctx)
        db.session.flush()
        expected = transition.target or (S.IN_PROGRESS if action is Action.ANSWER_CONSULTATION
                                         else source_state(scenario))
        assert d.state is expected
        assert d.lock_version > version  # (an autoflush mid-action may bump it twice)
        assert len(d.events) == events + 1
        assert d.events[-1].action == (scenario.event or action.value)
        assert d.events[-1].actor_id == user.id
        assert wf.invariant_problems(d) == []
    else:
        with pytest.raises(scenario.refusal):
            scenario.call(world, d, ctx)
        assert snapshot() == before
        db.session.refresh(d)
        assert d.state is source_state(scenario) and d.lock_version == version
