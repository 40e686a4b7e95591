"""Property tests for portal.calendar (hypothesis; minute resolution, 2019-2026)."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.calendar import VN_TZ, Duration, DurationUnit, WorkCalendar

CAL = WorkCalendar()
# No example database: keep the work tree clean. Holiday years load lazily on first use, so
# the per-example deadline is off rather than flaking on the first call.
PROP = settings(max_examples=200, deadline=None, database=None)

instants = st.datetimes(
    min_value=datetime(2019, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59),
    timezones=st.sampled_from([VN_TZ, UTC]),
).map(lambda d: d.replace(second=0, microsecond=0))
amounts = st.integers(min_value=1, max_value=60 * 8 * 40).map(lambda m: timedelta(minutes=m))
units = st.sampled_from([DurationUnit.DAYS, DurationUnit.HOURS, DurationUnit.SAME_DAY])
durations = st.builds(Duration, st.integers(min_value=0, max_value=60), units)
cutoffs = st.sampled_from([None, time(15, 0)])


def lands_well(due: datetime) -> bool:
    """A working instant, or exactly the end of a session on a working day."""
    if CAL.is_working_instant(due):
        return True
    local = due.astimezone(VN_TZ)
    return CAL.is_working_day(local.date()) and any(
        local.time() == s.end for s in CAL.rules.sessions
    )


@PROP
@given(instants, instants, durations, cutoffs)
def test_monotonic_in_start(s1: datetime, s2: datetime, dur: Duration, cutoff: time | None) -> None:
    s1, s2 = min(s1, s2), max(s1, s2)
    assert CAL.add(s1, dur, cutoff).due <= CAL.add(s2, dur, cutoff).due


@PROP
@given(instants, st.integers(0, 300), st.integers(0, 300), st.sampled_from(list(DurationUnit)))
def test_monotonic_in_duration(s: datetime, n1: int, n2: int, unit: DurationUnit) -> None:
    n1, n2 = min(n1, n2), max(n1, n2)
    assert CAL.add(s, Duration(n1, unit)).due <= CAL.add(s, Duration(n2, unit)).due


@PROP
@given(instants, durations, cutoffs)
def test_never_lands_in_non_working_instant(
    s: datetime, dur: Duration, cutoff: time | None
) -> None:
    dl = CAL.add(s, dur, cutoff)
    assert dl.due.tzinfo is VN_TZ
    assert CAL.is_working_instant(dl.counted_from)
    assert dl.counted_from >= s and dl.due >= dl.counted_from
    assert lands_well(dl.due)


@PROP
@given(instants, amounts)
def test_add_working_time_lands_well(s: datetime, a: timedelta) -> None:
    assert lands_well(CAL.add_working_time(s, a))


@PROP
@given(instants, amounts, amounts)
def test_additive_working_time(s: datetime, a: timedelta, b: timedelta) -> None:
    assert CAL.add_working_time(CAL.add_working_time(s, a), b) == CAL.add_working_time(s, a + b)


@PROP
@given(instants, st.integers(1, 300), st.integers(1, 300))
def test_additive_days(s: datetime, n1: int, n2: int) -> None:
    days = DurationUnit.DAYS
    first = CAL.add(s, Duration(n1, days)).due
    assert CAL.add(first, Duration(n2, days)).due == CAL.add(s, Duration(n1 + n2, days)).due


@PROP
@given(instants, amounts)
def test_elapsed_inverts_add(s: datetime, a: timedelta) -> None:
    assert CAL.elapsed(s, CAL.add_working_time(s, a)) == a


@PROP
@given(instants, instants)
def test_pause_covering_interval_gives_zero(a: datetime, b: datetime) -> None:
    assert CAL.elapsed(a, b, [(a, b)]) == timedelta(0)


@PROP
@given(instants, instants, st.lists(st.tuples(instants, instants), max_size=4))
def test_elapsed_never_negative_and_bounded(
    a: datetime, b: datetime, pauses: list[tuple[datetime, datetime]]
) -> None:
    full = CAL.elapsed(a, b)
    paused = CAL.elapsed(a, b, pauses)
    assert timedelta(0) <= paused <= full
