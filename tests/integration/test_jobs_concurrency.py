"""Two workers run the same periodic job at the same moment (issue 13): every message is
written once. PostgreSQL only (SQLite serialises writers on one file lock, which proves
nothing): each run has its own thread, app context, session and connection; they meet at a
barrier and run ``jobs.run`` at the same ``now``. The loser's insert of the record —
(dossier, due instant) or (person, kind, day) — waits for the winner's commit, fails on the
unique key, and its savepoint takes its messages with it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import factories
import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.extensions import db
from portal.notifications import jobs
from portal.notifications.jobs_models import JobRun, OverdueAlert, StaffMailing
from portal.notifications.models import OutboxMessage
from portal.workflow import actions as wf

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]

ROUNDS = 3


def at(day: int, hour: int, month: int = 4) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=VN_TZ)


def overdue_world() -> None:
    """Three dossiers due Tue 29/04/2025 09:00, each held by a specialist, one leader."""
    agency = factories.agency()
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 16)])
    counter = factories.staff(Role.COUNTER_OFFICER, agency)
    factories.staff(Role.LEADER, agency)
    for _ in range(3):
        specialist = factories.staff(Role.SPECIALIST, agency)
        dossier = factories.submitted_dossier(version, factories.citizen(), at(23, 9))
        wf.receive(dossier, wf.Context(counter, at(23, 9), current_calendar()))
        wf.take(dossier, wf.Context(specialist, at(23, 10), current_calendar()))
    db.session.commit()


def race(app, name: str, now: datetime, runners: int = 2) -> list[int]:
    barrier = threading.Barrier(runners, timeout=30)

    def one(_: int) -> int:
        with app.app_context():
            barrier.wait()
            try:
                return jobs.run(name, now)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=runners) as pool:
        return list(pool.map(one, range(runners)))


def outbox_total() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.subject != ""))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_workers_scan_at_once_and_tell_each_person_once(app, round_):
    with app.app_context():
        overdue_world()
        before = outbox_total()
    counts = race(app, "overdue-scan", at(29, 10))
    with app.app_context():
        # Each dossier: its holder and the leader, once, whichever worker wrote them.
        assert sum(counts) == 6 and outbox_total() - before == 6
        assert db.session.scalar(select(func.count()).select_from(OverdueAlert)) == 3
        assert db.session.get(JobRun, "overdue-scan") is not None
        recipients = db.session.scalars(select(OutboxMessage.recipient).where(
            OutboxMessage.subject.contains("quá hạn"))).all()
        assert len(recipients) == 6 and len(set(recipients)) == 4


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_workers_send_the_reminders_at_once(app, round_):
    with app.app_context():
        overdue_world()
        before = outbox_total()
    counts = race(app, "reminders", at(29, 16))
    with app.app_context():
        assert sum(counts) == 3 and outbox_total() - before == 3  # one per specialist
        assert db.session.scalar(select(func.count()).select_from(StaffMailing)) == 3
