"""The statistics at volume (issue 19, portal/stats/days.py): the daily rollup kept by the
database's triggers, read by ``figures.table`` with the dossiers open at the period's bounds,
gives exactly the numbers of the definitions (``figures.table_direct``) — for random
histories changed through the ORM (receptions, endings, state changes, due moves, pauses,
agency and channel moves, deletions, dossiers finished before their reception) and random
periods, an open period judged now included; ``check-days`` finds a tampered rollup and
``rebuild-days`` mends it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import factories
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from portal.calendar import VN_TZ
from portal.core.models import utcnow
from portal.dossiers.models import Channel, DossierState
from portal.extensions import db
from portal.stats import days, trends
from portal.stats.days import StatsDay
from portal.stats.figures import Cell, Period, table, table_direct
from portal.workflow.models import Pause, PauseKind

S = DossierState
NOW = utcnow()
TODAY = NOW.astimezone(VN_TZ).date()
# Whole hours from a local midnight 40 days ago: many moments fall exactly on a day's bound.
ORIGIN = datetime.combine(TODAY - timedelta(days=40), datetime.min.time(), VN_TZ)
HOURS = 24 * 41
FINISHED = [S.RETURNED, S.RESULT_READY, S.WITHDRAWN, S.REFUSED, S.STOPPED]
OPEN = [S.IN_PROGRESS, S.AWAITING_SUPPLEMENT, S.RECEIVED]


def moment(hours: int, minutes: int = 0) -> datetime:
    return ORIGIN + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def versions(db_session):
    return [factories.published_procedure(factories.agency()) for _ in range(2)]


def agencies(versions):
    return [v.procedure.agency for v in versions]


def assert_same(period: Period, among, now: datetime = NOW) -> None:
    fast, direct = table(period, among, now=now), table_direct(period, among, now=now)
    for got, want in zip([*fast.rows, fast.total], [*direct.rows, direct.total], strict=True):
        assert got.counts == want.counts, (period, got.agency, {
            c: (got.counts[c], want.counts[c]) for c in Cell if got.counts[c] != want.counts[c]})


hours = st.integers(0, HOURS)
operations = st.one_of(
    st.tuples(st.just("receive"), hours, st.sampled_from(list(Channel)),
              st.integers(0, 24 * 12)),
    st.tuples(st.just("finish"), st.integers(-30, 24 * 15), st.sampled_from(FINISHED),
              st.sampled_from([0, 0, 0, 30])),
    st.tuples(st.just("reopen"), st.sampled_from(OPEN)),
    st.tuples(st.just("state"), st.sampled_from(FINISHED + OPEN)),
    st.tuples(st.just("due"), st.integers(-24 * 3, 24 * 6)),
    st.tuples(st.just("no_due")),
    st.tuples(st.just("pause"), st.integers(0, 24 * 10), st.sampled_from([0, 3600]),
              st.one_of(st.none(), st.integers(1, 24 * 5))),
    st.tuples(st.just("agency")),
    st.tuples(st.just("channel"), st.sampled_from(list(Channel))),
    st.tuples(st.just("unreceive")),
    st.tuples(st.just("delete")),
)


def apply(item, op, versions, made) -> None:
    kind = op[0]
    if kind == "receive":
        _, at_hour, channel, due_hours = op
        item.received_at = moment(at_hour)
        item.due_at = item.received_at + timedelta(hours=due_hours)
        item.channel = channel
        item.state = S.IN_PROGRESS
    elif item.received_at is None:
        return
    elif kind == "finish":
        _, after, state, minutes = op
        item.finished_at = item.received_at + timedelta(hours=after, minutes=minutes)
        item.state = state
    elif kind == "reopen":
        item.finished_at, item.state = None, op[1]
    elif kind == "state":
        item.state = op[1]
    elif kind == "due":
        item.due_at = item.received_at + timedelta(hours=op[1])
    elif kind == "no_due":
        item.due_at = None
    elif kind == "pause":
        _, after, remaining, length = op
        start = item.received_at + timedelta(hours=after)
        item.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=start,
                                 remaining_seconds=remaining,
                                 ended_at=start + timedelta(hours=length) if length else None))
    elif kind == "agency":
        others = [v for v in versions if v.procedure.agency_id != item.agency_id]
        item.agency_id = others[0].procedure.agency_id
    elif kind == "channel":
        item.channel = op[1]
    elif kind == "unreceive":
        item.received_at = item.finished_at = item.due_at = None
        item.state = S.SUBMITTED
    elif kind == "delete":
        db.session.delete(item)
        made.remove(item)


dates = st.integers(0, 41).map(lambda n: ORIGIN.date() + timedelta(days=n))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(dossiers=st.integers(1, 8),
       steps=st.lists(st.tuples(st.integers(0, 7), operations), min_size=1, max_size=30),
       periods=st.lists(st.tuples(dates, dates), min_size=1, max_size=4),
       back=st.integers(0, 40))
def test_the_rollup_gives_the_definitions_numbers(versions, dossiers, steps, periods, back):
    made = [factories.submitted_dossier(versions[n % 2]) for n in range(dossiers)]
    db.session.flush()
    try:
        for number, op in steps:
            if made:
                apply(made[number % len(made)], op, versions, made)
                db.session.flush()
        among = agencies(versions)
        for a, b in periods:
            assert_same(Period(min(a, b), max(a, b)), among)
        # A period that has not ended: its end is judged now (a dossier due later today
        # is within its deadline), and so is its table.
        assert_same(Period(TODAY - timedelta(days=back), TODAY), among)
        assert_same(Period(TODAY - timedelta(days=back), TODAY), among,
                    now=NOW - timedelta(hours=back % 24))
        # The charts' month ends, all in one statement, are the table's pending and overdue.
        months = [trends.Month(m) for m in trends.months_of(Period(ORIGIN.date(), TODAY))]
        at_ends = trends._open_at_ends([a.id for a in among], months, now=NOW)
        for month, got in zip(months, at_ends, strict=True):
            want = table_direct(month.period, among, (Cell.PENDING, Cell.OVERDUE), now=NOW)
            assert got == (want.total[Cell.PENDING], want.total[Cell.OVERDUE]), month.period
        assert days.differences() == []
    finally:
        for item in made:
            db.session.delete(item)
        db.session.flush()
    # Every contribution taken back: the agencies' rows are all zeros.
    left = db.session.execute(
        select(*(func.coalesce(func.sum(StatsDay.__table__.c[c]), 0) for c in days.COLUMNS))
        .where(StatsDay.agency_id.in_([a.id for a in agencies(versions)]))).one()
    assert set(left) == {0}


def test_receptions_and_endings_land_on_their_local_days(versions):
    item = factories.submitted_dossier(versions[0])
    # 23:30 local on the 9th is 16:30 UTC: the 9th's row, not the 10th's.
    item.received_at = datetime(2024, 5, 9, 23, 30, tzinfo=VN_TZ)
    item.due_at = datetime(2024, 5, 9, 23, 30, tzinfo=VN_TZ)
    item.channel, item.state = Channel.POSTAL, S.RETURNED
    item.finished_at = item.received_at
    db.session.flush()
    rows = {r.day: r for r in db.session.scalars(
        select(StatsDay).where(StatsDay.agency_id == item.agency_id))}
    day = rows[date(2024, 5, 9)]
    assert (day.direct, day.postal, day.online) == (1, 1, 0)
    assert (day.resolved, day.on_time, day.on_due_day, day.early, day.on_the_spot) == (
        1, 1, 1, 0, 1)
    # A workflow change the rollup does not read (a note) leaves it; an ending moved a day
    # later moves the ending's counts.
    item.note = "ghi chú"
    db.session.flush()
    item.finished_at = datetime(2024, 5, 10, 0, 30, tzinfo=VN_TZ)
    db.session.flush()
    db.session.expire_all()
    rows = {r.day: r for r in db.session.scalars(
        select(StatsDay).where(StatsDay.agency_id == item.agency_id))}
    assert rows[date(2024, 5, 9)].resolved == 0 and rows[date(2024, 5, 9)].direct == 1
    assert (rows[date(2024, 5, 10)].resolved, rows[date(2024, 5, 10)].late,
            rows[date(2024, 5, 10)].on_the_spot) == (1, 1, 0)


def test_check_finds_a_tampered_rollup_and_rebuild_mends_it(versions, app):
    item = factories.submitted_dossier(versions[0])
    item.received_at = datetime(2024, 5, 9, 9, tzinfo=VN_TZ)
    item.due_at = datetime(2024, 5, 12, 9, tzinfo=VN_TZ)
    db.session.flush()
    assert days.differences() == []
    db.session.execute(update(StatsDay).where(StatsDay.agency_id == item.agency_id)
                       .values(direct=StatsDay.direct + 2))
    found = days.differences()
    assert [(r.agency_id, r.direct) for r in found] == [(item.agency_id, 2)]
    assert "direct +2" in days.describe(found[0])

    from portal.ops.invariants import run_checks

    (check, finding), = run_checks(only={"stats_days"})
    assert finding.count == 1

    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "check-days"])
    assert result.exit_code == 1 and "direct +2" in result.output
    days.rebuild()
    assert days.differences() == []
    result = runner.invoke(args=["stats", "check-days"])
    assert result.exit_code == 0, result.output
