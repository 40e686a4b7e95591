"""The calendar's database adapter: administrators' overrides change working days and deadlines."""

from datetime import date, datetime

import pytest

from portal.calendar import VN_TZ, Duration, DurationUnit
from portal.calendar import overrides as ov
from portal.calendar.models import CalendarOverride, CalendarOverrideKind
from portal.extensions import db

DAY_OFF, WORKING_DAY = CalendarOverrideKind.DAY_OFF, CalendarOverrideKind.WORKING_DAY
WEDNESDAY = date(2026, 3, 11)
SATURDAY = date(2026, 3, 14)


def test_without_overrides_it_is_the_national_calendar(db_session):
    calendar = ov.current_calendar()
    assert calendar.is_working_day(WEDNESDAY)
    assert not calendar.is_working_day(SATURDAY)
    assert not calendar.is_working_day(date(2026, 9, 2))  # National Day


def test_a_day_off_on_a_weekday_stops_work_and_moves_deadlines(db_session):
    # Received Tuesday 10/03/2026 at 08:00 + 2 working days = Thursday 08:00 normally.
    start = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    before = ov.current_calendar().add(start, Duration(2, DurationUnit.DAYS))
    assert before.due == datetime(2026, 3, 12, 8, 0, tzinfo=VN_TZ)

    ov.add_override(WEDNESDAY, DAY_OFF, "Nghỉ theo quyết định của UBND tỉnh")
    calendar = ov.current_calendar()
    assert not calendar.is_working_day(WEDNESDAY)
    after = calendar.add(start, Duration(2, DurationUnit.DAYS))
    assert after.due == datetime(2026, 3, 13, 8, 0, tzinfo=VN_TZ)
    assert "quản trị" in after.explanation_vi


def test_a_saturday_working_day_counts(db_session):
    # Received Friday 13/03/2026 at 16:00 + 1 working day: Monday 16:00 normally.
    start = datetime(2026, 3, 13, 16, 0, tzinfo=VN_TZ)
    assert ov.current_calendar().add(start, Duration(1, DurationUnit.DAYS)).due == datetime(
        2026, 3, 16, 16, 0, tzinfo=VN_TZ)

    ov.add_override(SATURDAY, WORKING_DAY, "Làm bù")
    calendar = ov.current_calendar()
    assert calendar.is_working_day(SATURDAY)
    assert calendar.add(start, Duration(1, DurationUnit.DAYS)).due == datetime(
        2026, 3, 14, 16, 0, tzinfo=VN_TZ)


def test_overrides_that_change_nothing_or_repeat_are_refused(db_session):
    with pytest.raises(ov.OverrideError, match="Ngày này vốn là ngày làm việc"):
        ov.add_override(WEDNESDAY, WORKING_DAY)
    with pytest.raises(ov.OverrideError, match="vốn là ngày nghỉ .*cuối tuần"):
        ov.add_override(SATURDAY, DAY_OFF)
    with pytest.raises(ov.OverrideError, match="Quốc khánh"):
        ov.add_override(date(2026, 9, 2), DAY_OFF)
    ov.add_override(WEDNESDAY, DAY_OFF)
    with pytest.raises(ov.OverrideError, match="đã có điều chỉnh “Ngày nghỉ”"):
        ov.add_override(WEDNESDAY, DAY_OFF)
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarOverride)) == 1


def test_a_holiday_can_be_made_a_working_day(db_session):
    ov.add_override(date(2026, 9, 2), WORKING_DAY, "Trực phục vụ")
    assert ov.current_calendar().is_working_day(date(2026, 9, 2))


def test_remove_override_restores_the_calendar(db_session):
    override = ov.add_override(WEDNESDAY, DAY_OFF)
    ov.remove_override(override.id)
    assert ov.current_calendar().is_working_day(WEDNESDAY)
    with pytest.raises(ov.OverrideError, match="Không tìm thấy"):
        ov.remove_override(override.id)


def test_year_calendar_lists_holidays_makeup_days_and_overrides(db_session):
    ov.add_override(WEDNESDAY, DAY_OFF, "Bầu cử")
    # Saved directly: a row the national calendar already agrees with (e.g. data updated later).
    db.session.add(CalendarOverride(day=date(2026, 3, 18), kind=WORKING_DAY, note="thừa"))
    db.session.flush()
    view = ov.year_calendar(2026)
    names = {p.day: p for p in view.public_days}
    assert not names[date(2026, 9, 2)].working and "Quốc khánh" in names[date(2026, 9, 2)].name
    assert all(p.day.year == 2026 for p in view.public_days)
    assert [(r.override.day, r.effective) for r in view.overrides] == [
        (WEDNESDAY, True), (date(2026, 3, 18), False)]
    plain = ov.WorkCalendar().working_days_between(date(2026, 1, 1), date(2027, 1, 1))
    assert view.working_days == plain - 1


def test_make_up_saturdays_are_listed_as_working():
    days = ov.public_days(2025)
    # 02/05/2025 was swapped with Saturday 26/04/2025.
    assert any(p.day == date(2025, 4, 26) and p.working for p in days)
    assert any(p.day == date(2025, 5, 2) and not p.working for p in days)
