"""The statistics table's definitions (portal/stats/figures.py) on SQLite and PostgreSQL:
hand-made dossiers land in the cells the report's definitions put them in, every number
equals the length of the list behind it, and the report's own checks hold for random
histories (received = resolved + pending, resolved = on time + late, …)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import factories
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.calendar import VN_TZ
from portal.dossiers.models import Channel, DossierState
from portal.extensions import db
from portal.stats.figures import LAYOUT_A, LAYOUT_B, Cell, Period, dossiers_query, table
from portal.workflow.models import Pause, PauseKind

S = DossierState
PERIOD = Period(date(2019, 1, 1), date(2019, 1, 31))


def at(day: int, hour: int = 9, month: int = 1, year: int = 2019) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN_TZ)


@pytest.fixture
def version(db_session):
    return factories.published_procedure(factories.agency())


def dossier(version, received, due, finished=None, state=None, channel=Channel.COUNTER):
    item = factories.submitted_dossier(version)
    item.channel = channel
    item.received_at, item.due_at, item.finished_at = received, due, finished
    item.state = state or (S.RETURNED if finished else S.IN_PROGRESS)
    db.session.flush()
    return item


def counts(version, period=PERIOD):
    return table(period, [version.procedure.agency]).rows[0].counts


def ids(version, cell, period=PERIOD):
    return {d.id for d in db.session.scalars(
        dossiers_query(period, cell, [version.procedure.agency_id]))}


def test_period_bounds_and_presets():
    assert Period.report_year(2019) == Period(date(2018, 12, 15), date(2019, 12, 14))
    assert Period.month(2019, 12) == Period(date(2019, 12, 1), date(2019, 12, 31))
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    assert Period.quarter(2019, 4) == Period(date(2019, 10, 1), date(2019, 12, 31))
    assert PERIOD.start_at == at(1, 0)
    assert PERIOD.end_at == datetime(2019, 2, 1, 0, 0, tzinfo=VN_TZ)
    with pytest.raises(ValueError):
        Period(date(2019, 2, 1), date(2019, 1, 1))


def test_each_dossier_lands_in_its_cells(version):
    carried_late = dossier(version, at(20, month=12, year=2018), at(28, month=12, year=2018),
                           at(3))
    carried_pending = dossier(version, at(20, month=12, year=2018), at(28, month=12, year=2018))
    online_early = dossier(version, at(2), at(9), at(4), channel=Channel.ONLINE)
    on_due_day = dossier(version, at(2), at(9, 16), at(9, 10))
    postal_late = dossier(version, at(3), at(10), at(11), channel=Channel.POSTAL)
    withdrawn = dossier(version, at(3), at(10), at(5), S.WITHDRAWN)
    refused = dossier(version, at(3), at(10), at(5), S.REFUSED)
    within = dossier(version, at(28), at(6, month=2))
    overdue = dossier(version, at(7), at(14))
    paused = dossier(version, at(7), at(14), state=S.AWAITING_SUPPLEMENT)
    paused.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=at(10),
                               remaining_seconds=3600))
    spot = dossier(version, at(8), at(8), at(8), S.RETURNED)
    # Not counted: finished before the period, received after it, never received.
    dossier(version, at(1, month=12, year=2018), at(5, month=12, year=2018),
            at(4, month=12, year=2018))
    dossier(version, at(1, month=2), at(8, month=2))
    factories.submitted_dossier(version)
    db.session.flush()

    expected = {
        Cell.CARRIED: {carried_late, carried_pending},
        Cell.ONLINE: {online_early},
        Cell.POSTAL: {postal_late},
        Cell.DIRECT: {on_due_day, postal_late, withdrawn, refused, within, overdue, paused,
                      spot},
        Cell.RESOLVED: {carried_late, online_early, on_due_day, postal_late, withdrawn,
                        refused, spot},
        Cell.LATE: {carried_late, postal_late},
        Cell.EARLY: {online_early, withdrawn, refused},
        Cell.ON_DUE_DAY: {on_due_day, spot},
        Cell.PENDING: {carried_pending, within, overdue, paused},
        Cell.WITHIN: {within, paused},
        Cell.OVERDUE_PREV: {carried_pending},
        Cell.OVERDUE_THIS: {overdue},
        Cell.WITHDRAWN: {withdrawn},
        Cell.RETURNED: {refused},
        Cell.ON_THE_SPOT: {spot},
    }
    got = counts(version)
    for cell, items in expected.items():
        assert ids(version, cell) == {d.id for d in items}, cell
        assert got[cell] == len(items), cell
    assert got[Cell.RECEIVED] == 11
    assert got[Cell.ON_TIME] == 5 and got[Cell.OVERDUE] == 2


def test_agencies_without_dossiers_get_zero_rows_and_the_total_adds_up(version):
    empty = factories.agency()
    dossier(version, at(2), at(9), at(4))
    result = table(PERIOD, [version.procedure.agency, empty])
    assert [r.agency for r in result.rows] == [version.procedure.agency, empty]
    assert result.rows[1].counts[Cell.RECEIVED] == 0
    assert result.total[Cell.RECEIVED] == 1 and result.total.on_time_rate == 1.0
    assert result.rows[1].on_time_rate is None


def test_both_layouts_name_cells_the_engine_defines():
    assert set(LAYOUT_A.cells) <= set(Cell) and set(LAYOUT_B.cells) <= set(Cell)
    assert len(LAYOUT_A.cells) == 13  # the columns of Appendix 1 after "agency"


moments = st.integers(min_value=0, max_value=24 * 90).map(
    lambda h: at(1, 0, month=12, year=2018) + timedelta(hours=h))


@st.composite
def histories(draw):
    received = draw(moments)
    due = received + timedelta(hours=draw(st.integers(0, 24 * 20)))
    finished = draw(st.one_of(st.none(), st.integers(0, 24 * 40).map(
        lambda h: received + timedelta(hours=h))))
    state = (draw(st.sampled_from([S.RETURNED, S.RESULT_READY, S.WITHDRAWN, S.REFUSED,
                                   S.STOPPED])) if finished else
             draw(st.sampled_from([S.IN_PROGRESS, S.AWAITING_SUPPLEMENT])))
    channel = draw(st.sampled_from(list(Channel)))
    return received, due, finished, state, channel


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(histories(), min_size=1, max_size=12))
def test_the_reports_checks_hold_and_numbers_match_their_lists(version, items):
    made = []
    for received, due, finished, state, channel in items:
        item = dossier(version, received, due, finished, state, channel)
        if state is S.AWAITING_SUPPLEMENT:
            item.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=received,
                                     remaining_seconds=0))
        made.append(item)
    db.session.flush()
    try:
        c = counts(version)
        assert c[Cell.RECEIVED] == c[Cell.CARRIED] + c[Cell.ONLINE] + c[Cell.DIRECT]
        assert c[Cell.RECEIVED] == c[Cell.RESOLVED] + c[Cell.PENDING]
        assert c[Cell.RESOLVED] == c[Cell.ON_TIME] + c[Cell.LATE]
        assert c[Cell.ON_TIME] == c[Cell.EARLY] + c[Cell.ON_DUE_DAY]
        assert c[Cell.PENDING] == c[Cell.WITHIN] + c[Cell.OVERDUE]
        assert c[Cell.OVERDUE] == c[Cell.OVERDUE_PREV] + c[Cell.OVERDUE_THIS]
        for cell in (Cell.RECEIVED, Cell.LATE, Cell.WITHIN, Cell.OVERDUE_PREV, Cell.RETURNED):
            assert len(ids(version, cell)) == c[cell]
    finally:
        for item in made:
            db.session.delete(item)
        db.session.flush()


def test_a_period_not_yet_ended_judges_overdue_as_of_now(version):
    from portal.core.models import utcnow

    now = utcnow()
    today = now.astimezone(VN_TZ).date()
    current = Period(today - timedelta(days=5), today)
    later_today = dossier(version, now - timedelta(days=1), now + timedelta(minutes=30))
    past_due = dossier(version, now - timedelta(days=1), now - timedelta(minutes=30))
    assert ids(version, Cell.WITHIN, current) == {later_today.id}
    assert ids(version, Cell.OVERDUE, current) == {past_due.id}


def test_only_a_pause_begun_with_time_left_holds_the_clock(version):
    # Issue 12: papers asked for after the due time had passed (the workflow's pause then
    # records no working time left, ``actions._pause``) do not make the wait "within".
    in_time = dossier(version, at(7), at(14), state=S.AWAITING_SUPPLEMENT)
    in_time.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=at(10),
                                remaining_seconds=3600))
    too_late = dossier(version, at(7), at(14), state=S.AWAITING_PAYMENT_OF_OBLIGATION)
    too_late.pauses.append(Pause(kind=PauseKind.OBLIGATION, started_at=at(16),
                                 remaining_seconds=0))
    db.session.flush()
    assert ids(version, Cell.WITHIN) == {in_time.id}
    assert ids(version, Cell.OVERDUE) == ids(version, Cell.OVERDUE_THIS) == {too_late.id}
    got = counts(version)
    assert got[Cell.WITHIN] == 1 and got[Cell.OVERDUE] == 1
