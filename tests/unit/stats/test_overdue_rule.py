"""One overdue rule everywhere (issue 12, ``portal.workflow.overdue``): hand-built dossiers
whose clock was paused at chosen times are judged alike by the statistics table, the
monitoring dashboard, the officers' overdue queue, ``Dossier.is_overdue`` (the staff pages'
and the applicant's flags, the apology's guard) and the rule's own SQL and Python forms.

A pause begun with working time left holds the clock: not overdue while the applicant has
the next move, even once the old due time has passed. A pause begun after the due time
(``remaining_seconds`` = 0) holds nothing: the dossier stays overdue while it waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import factories
import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import Agency, TimeUnit
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db
from portal.stats import monitoring as mon
from portal.stats.figures import Cell, Period, dossiers_query, table
from portal.workflow import actions as wf
from portal.workflow import overdue as rule
from portal.workflow import queries
from portal.workflow.models import Pause, PauseKind
from portal.workflow.transitions import Action, allowed_actions

S = DossierState
DAY = Period(date(2025, 3, 1), date(2025, 3, 20))  # a past period: judged at its end
NOW = DAY.end_at  # 21/03/2025 00:00 in Viet Nam


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=VN_TZ)


# name → (state, due, pauses as (start, end, remaining hours), finished)
SITUATIONS = {
    "running_late": (S.IN_PROGRESS, at(19), [], None),
    "running_in_time": (S.IN_PROGRESS, at(24), [], None),
    "consulting_late": (S.AWAITING_CONSULTATION, at(19), [], None),
    # asked for papers on the 18th with 9 working hours left; the old due time has passed
    "paused_with_time_left": (S.AWAITING_SUPPLEMENT, at(19), [(at(18), None, 9)], None),
    # asked for papers on the 20th, after the due time of the 19th: holds nothing
    "paused_after_due": (S.AWAITING_SUPPLEMENT, at(19), [(at(20), None, 0)], None),
    "obligation_after_due": (S.AWAITING_PAYMENT_OF_OBLIGATION, at(17),
                             [(at(18), None, 0)], None),
    # an earlier pause with time left, ended; the second one began after the due time
    "second_pause_after_due": (S.AWAITING_SUPPLEMENT, at(19),
                               [(at(13), at(14), 8), (at(20), None, 0)], None),
    # paused during the lunch break with the due time that afternoon: nothing left, overdue
    # only once the due time has passed
    "paused_at_noon_due_later": (S.AWAITING_SUPPLEMENT, at(21, 14), [(at(20, 12), None, 0)],
                                 None),
    "finished_late": (S.RETURNED, at(17), [], at(18)),
}
OVERDUE = {"running_late", "consulting_late", "paused_after_due", "obligation_after_due",
           "second_pause_after_due"}


@dataclass
class Centre:
    agency: Agency
    leader: User
    dossiers: dict[str, Dossier]

    def named(self, ids) -> set[str]:
        names = {d.id: name for name, d in self.dossiers.items()}
        return {names[i] for i in ids if i in names}


@pytest.fixture
def centre(db_session) -> Centre:
    agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
    version = factories.published_procedure(agency, time_amount=5, time_unit=TimeUnit.DAYS,
                                            cutoff=None)
    leader = factories.staff(Role.LEADER, agency)
    citizen = factories.citizen()
    dossiers = {}
    for name, (state, due, pauses, finished) in SITUATIONS.items():
        dossier = factories.submitted_dossier(version, citizen, at(10, 8))
        dossier.state, dossier.received_at, dossier.due_at = state, at(10), due
        dossier.finished_at = finished
        for start, end, left in pauses:
            kind = (PauseKind.OBLIGATION if state is S.AWAITING_PAYMENT_OF_OBLIGATION
                    else PauseKind.SUPPLEMENT)
            dossier.pauses.append(Pause(kind=kind, started_at=start, ended_at=end,
                                        remaining_seconds=left * 3600))
        dossiers[name] = dossier
    db.session.flush()
    return Centre(agency, leader, dossiers)


def test_is_overdue_follows_the_rule(centre):
    judged = {name for name, d in centre.dossiers.items() if d.is_overdue(NOW)}
    assert judged == OVERDUE
    # While the applicant still has time left, the old due time passing changes nothing.
    assert not centre.dossiers["paused_with_time_left"].is_overdue(at(25))
    # Paused at noon with nothing left: not overdue before the due time, overdue after it.
    noon = centre.dossiers["paused_at_noon_due_later"]
    assert not noon.is_overdue(at(21, 13)) and noon.is_overdue(at(21, 15))


def test_the_sql_rule_agrees_with_the_python_rule(centre):
    for when in (NOW, at(21, 13), at(21, 15), at(19, 10), at(25)):
        found = db.session.scalars(select(Dossier.id).where(
            Dossier.agency_id == centre.agency.id, rule.overdue_now(when)))
        expected = {name for name, d in centre.dossiers.items() if d.is_overdue(when)}
        assert centre.named(found) == expected, when


def test_the_statistics_count_the_same_dossiers_overdue(centre):
    row = table(DAY, [centre.agency], (Cell.OVERDUE, Cell.PENDING)).rows[0]
    listed = db.session.scalars(dossiers_query(DAY, Cell.OVERDUE, [centre.agency.id]))
    assert centre.named(d.id for d in listed) == OVERDUE
    assert row[Cell.OVERDUE] == len(OVERDUE)


def test_the_overdue_queue_and_its_count(centre):
    calendar = current_calendar()
    page = queries.queue_page(centre.agency.id, queries.Queue.OVERDUE, centre.leader, NOW,
                              calendar, size=50)
    assert centre.named(d.id for d in page.items) == OVERDUE
    counts = queries.queue_counts(centre.agency.id, [queries.Queue.OVERDUE], centre.leader,
                                  NOW, calendar)
    assert counts[queries.Queue.OVERDUE] == len(OVERDUE)


def test_the_monitoring_dashboard(centre):
    scope = mon.Scope((centre.agency.id,), NOW, current_calendar())
    load, = mon.agency_loads(scope, [centre.agency])
    assert (load.overdue, load.without_apology) == (len(OVERDUE), len(OVERDUE))
    listed = mon.overdue_without_apology(scope, size=50)
    assert centre.named(line.dossier.id for line in listed.items) == OVERDUE
    # Most overdue first, across both kinds (running and waiting).
    dues = [line.dossier.due_at for line in listed.items]
    assert dues == sorted(dues)
    # An apology takes a waiting dossier off the "without apology" list too.
    centre.dossiers["paused_after_due"].new_appointment_at = at(28)
    db.session.flush()
    load, = mon.agency_loads(scope, [centre.agency])
    assert (load.overdue, load.without_apology) == (len(OVERDUE), len(OVERDUE) - 1)
    listed = mon.overdue_without_apology(scope, size=50)
    assert centre.named(line.dossier.id for line in listed.items) == OVERDUE - {
        "paused_after_due"}


def test_a_dossier_paused_after_its_due_time_gets_an_apology(centre):
    late = centre.dossiers["paused_after_due"]
    assert Action.APOLOGISE in allowed_actions(centre.leader, late, NOW)
    ctx = wf.Context(centre.leader, NOW + timedelta(hours=9), current_calendar())
    wf.apologise(late, ctx, "Hồ sơ chờ bổ sung sau khi đã quá hạn", at(28, 16))
    assert late.new_appointment_at == at(28, 16) and late.due_at == at(19)
    held = centre.dossiers["paused_with_time_left"]
    assert Action.APOLOGISE not in allowed_actions(centre.leader, held, NOW)
    with pytest.raises(wf.WorkflowError, match="tạm dừng"):
        wf.apologise(held, ctx, "Chậm", at(28, 16))
