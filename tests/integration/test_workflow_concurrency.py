"""Two officers act on one dossier at the same moment (issue #4): exactly one wins.

PostgreSQL only (TEST_DATABASE_URL; skipped loudly without it): what is under test is the
row lock and READ COMMITTED re-check that make the loser's ``UPDATE … WHERE lock_version = n``
match nothing, so SQLAlchemy raises ``StaleDataError`` and the loser rolls back. Each
contender runs in its own thread with its own app context, session and connection; both
load the dossier (and everything the action reads) first, meet at a barrier, then act and
commit. The route turns the loser's error into "someone else changed this dossier" and a
refreshed view (actions.CONFLICT_MESSAGE)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import factories
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import AccountKind, Role, RoleAssignment, User
from portal.calendar import VN_TZ, WorkCalendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.dossiers.models import Dossier, DossierEvent, DossierState
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow.models import Consultation, DossierStep, Notice, Pause

# Only the PostgreSQL half of the app fixture: SQLite serialises writers on one file lock,
# which proves nothing about row locks.
pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]

S = DossierState
ROUNDS = 3
CAL = WorkCalendar()
_seq = itertools.count(1)


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=VN_TZ)


def person(role: Role, agency) -> User:
    n = next(_seq)
    user = User(email=f"race{n}@example.vn", full_name=f"Cán Bộ Đua {n}", kind=AccountKind.STAFF,
                password_hash="!")
    user.roles.append(RoleAssignment(role=role, agency_id=agency.id))
    db.session.add(user)
    return user


def setup_round(state: str) -> dict[str, int]:
    """A committed dossier in ``state`` (received, in_progress or awaiting_consultation with
    two agencies asked) and the ids of the people who will race on it."""
    agency, second, third = factories.agency(), factories.agency(), factories.agency()
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
               catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
    people = {"counter": person(Role.COUNTER_OFFICER, agency),
              "specialist_a": person(Role.SPECIALIST, agency),
              "specialist_b": person(Role.SPECIALIST, agency),
              "leader": person(Role.LEADER, agency),
              "asked_second": person(Role.SPECIALIST, second),
              "asked_third": person(Role.SPECIALIST, third)}
    db.session.flush()
    d = factories.submitted_dossier(version, factories.citizen(), at(12, 9))
    wf.receive(d, wf.Context(people["counter"], at(12, 10), CAL))
    if state in ("in_progress", "awaiting_consultation"):
        wf.take(d, wf.Context(people["specialist_a"], at(12, 11), CAL))
    if state == "awaiting_consultation":
        wf.request_consultation(d, wf.Context(people["specialist_a"], at(12, 14), CAL),
                                [second, third], "Ý kiến về quy hoạch?", at(14, 17))
    db.session.commit()
    return {"dossier": d.id} | {name: user.id for name, user in people.items()}


Act = Callable[[Dossier, wf.Context], object]


def race(app, dossier_id: int, contenders: dict[str, tuple[int, Act]]) -> dict[str, str]:
    """Run the contenders at once; each returns "won" or "lost" (and nothing else)."""
    barrier = threading.Barrier(len(contenders), timeout=30)

    def contend(item: tuple[str, tuple[int, Act]]) -> tuple[str, str]:
        name, (user_id, act) = item
        with app.app_context():
            d = db.session.get(Dossier, dossier_id)
            user = db.session.get(User, user_id)
            # Load what the action reads, so the race is decided by the database, not by one
            # thread lazily seeing the other's committed rows.
            for loaded in (d.steps, d.pauses, d.events, d.notices, d.files, d.consultations,
                           d.procedure_version.steps, user.roles):
                list(loaded)
            ctx = wf.Context(user, at(13, 9), CAL, expected_version=d.lock_version)
            barrier.wait()
            try:
                act(d, ctx)
                db.session.commit()
            except (StaleDataError, wf.Conflict):
                db.session.rollback()
                return name, "lost"
            return name, "won"

    with ThreadPoolExecutor(max_workers=len(contenders)) as pool:
        return dict(pool.map(contend, contenders.items()))


def winner_of(outcome: dict[str, str]) -> str:
    assert sorted(outcome.values()) == ["lost", "won"], outcome
    return next(name for name, result in outcome.items() if result == "won")


def count(model, dossier_id: int, **where) -> int:
    query = select(func.count()).select_from(model).where(model.dossier_id == dossier_id)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return db.session.scalar(query)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_specialists_take_the_same_dossier(app, round_):
    with app.app_context():
        ids = setup_round("received")
    outcome = race(app, ids["dossier"], {
        "specialist_a": (ids["specialist_a"], wf.take),
        "specialist_b": (ids["specialist_b"], wf.take)})
    winner = ids[winner_of(outcome)]
    with app.app_context():
        d = db.session.get(Dossier, ids["dossier"])
        assert d.state is S.IN_PROGRESS and d.holder_id == winner
        assert [s.holder_id for s in d.steps if s.finished_at is None] == [winner]
        assert count(DossierEvent, d.id, action="take") == 1
        assert d.events[-1].actor_id == winner
        assert wf.invariant_problems(d) == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_leader_refuses_while_specialist_requests_a_supplement(app, round_):
    with app.app_context():
        ids = setup_round("in_progress")
    outcome = race(app, ids["dossier"], {
        "leader": (ids["leader"], lambda d, c: wf.refuse(d, c, "Không đủ điều kiện")),
        "specialist_a": (ids["specialist_a"], lambda d, c: wf.request_supplement(
            d, c, "Bản sao CCCD", "Bản sao không rõ"))})
    winner = winner_of(outcome)
    with app.app_context():
        d = db.session.get(Dossier, ids["dossier"])
        refused = count(DossierEvent, d.id, action="refuse")
        asked = count(DossierEvent, d.id, action="request_supplement")
        if winner == "leader":
            assert d.state is S.REFUSED and (refused, asked) == (1, 0)
            assert count(Pause, d.id) == 0 and d.supplement_round == 0
            assert [n.kind.value for n in d.notices] == ["refusal"]
        else:
            assert d.state is S.AWAITING_SUPPLEMENT and (refused, asked) == (0, 1)
            assert count(Pause, d.id) == 1 and d.finished_at is None
            assert [n.kind.value for n in d.notices] == ["supplement"]
        assert wf.invariant_problems(d) == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_consulted_agencies_answer_at_once(app, round_):
    """Answering leaves the dossier row as it was while another answer is awaited; without
    a version bump both answers would commit, each seeing the other's question still open,
    and the dossier would wait for consultations forever."""
    with app.app_context():
        ids = setup_round("awaiting_consultation")
        asks = {c.agency_id: c.id for c in db.session.scalars(
            select(Consultation).where(Consultation.dossier_id == ids["dossier"]))}

    def answer(name: str) -> tuple[int, Act]:
        def act(d: Dossier, c: wf.Context) -> None:
            agency_id = c.user.roles[0].agency_id
            wf.answer_consultation(d, c, asks[agency_id], "Thống nhất")
        return ids[name], act

    outcome = race(app, ids["dossier"], {"asked_second": answer("asked_second"),
                                         "asked_third": answer("asked_third")})
    winner = winner_of(outcome)
    loser = next(name for name in outcome if name != winner)
    with app.app_context():
        d = db.session.get(Dossier, ids["dossier"])
        assert d.state is S.AWAITING_CONSULTATION
        assert sum(c.answered_at is not None for c in d.consultations) == 1
        assert count(DossierEvent, d.id, action="answer_consultation") == 1
    # The loser sees the refreshed dossier and answers again: now the last answer is in.
    outcome = race(app, ids["dossier"], {loser: answer(loser)})
    assert outcome == {loser: "won"}
    with app.app_context():
        d = db.session.get(Dossier, ids["dossier"])
        assert d.state is S.IN_PROGRESS and wf.invariant_problems(d) == []
        assert all(c.answered_at is not None for c in d.consultations)
        assert count(Notice, d.id) == 0 and count(DossierStep, d.id) == 2


def test_two_notices_issued_at_once_get_different_numbers(app):
    """Two leaders of one agency refuse two different dossiers at the same moment: both
    succeed, and the refusal notices are numbered 1 and 2 (never twice the same number)."""
    with app.app_context():
        first = setup_round("received")
        d2 = factories.submitted_dossier(db.session.get(Dossier, first["dossier"])
                                         .procedure_version, factories.citizen(), at(12, 9))
        wf.receive(d2, wf.Context(db.session.get(User, first["counter"]), at(12, 10), CAL))
        second_leader = person(Role.LEADER, d2.agency)
        db.session.commit()
        ids = {"one": (first["dossier"], first["leader"]), "two": (d2.id, second_leader.id)}
    barrier = threading.Barrier(2, timeout=30)

    def refuse(item):
        dossier_id, user_id = item
        with app.app_context():
            d = db.session.get(Dossier, dossier_id)
            user = db.session.get(User, user_id)
            list(d.steps), list(d.pauses), list(d.notices), list(user.roles)
            barrier.wait()
            notice = wf.refuse(d, wf.Context(user, at(13, 9), CAL), "Không đủ điều kiện")
            db.session.commit()
            return notice.number

    with ThreadPoolExecutor(max_workers=2) as pool:
        numbers = sorted(pool.map(refuse, ids.values()))
    assert numbers == [1, 2]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 2
