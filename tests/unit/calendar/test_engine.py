"""Example-based tests for portal.calendar on real 2019-2026 dates.

Every holiday date asserted here was printed from ``holidays`` 0.109 (country VN) first.
"""

import time as _time
from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.calendar import (
    VN_TZ,
    CalendarRules,
    Duration,
    DurationUnit,
    Session,
    WorkCalendar,
)

CAL = WorkCalendar()
DAYS, HOURS, SAME_DAY = DurationUnit.DAYS, DurationUnit.HOURS, DurationUnit.SAME_DAY
CUTOFF = time(15, 0)  # mortgage registration: received after 15:00 -> next working morning


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def span(a: date, b: date) -> list[date]:
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# --- holiday data as returned by `holidays` -------------------------------------------------


@pytest.mark.parametrize(
    ("before", "first", "last", "after"),
    [
        # Tết 2019: Mon 04/02 .. Fri 08/02 (Giao thừa .. Mùng bốn)
        (date(2019, 2, 1), date(2019, 2, 4), date(2019, 2, 8), date(2019, 2, 11)),
        # Tết 2025: Mon 27/01 "29 Tết" .. Sat 01/02 "Mùng bốn"; break with weekends 25/01-02/02
        (date(2025, 1, 24), date(2025, 1, 27), date(2025, 2, 1), date(2025, 2, 3)),
        # Tết 2026: Mon 16/02 (Giao thừa) .. Fri 20/02 (Mùng bốn)
        (date(2026, 2, 13), date(2026, 2, 16), date(2026, 2, 20), date(2026, 2, 23)),
    ],
)
def test_tet_days_are_holidays(before: date, first: date, last: date, after: date) -> None:
    for d in span(first, last):
        assert not CAL.is_working_day(d)
        assert "Tết" in (CAL.holiday_name(d) or "")
    assert CAL.holiday_name(first - timedelta(days=1)) is None
    assert CAL.holiday_name(last + timedelta(days=1)) is None
    assert CAL.is_working_day(before) and CAL.is_working_day(after)
    assert CAL.working_days_between(before + timedelta(days=1), after) == 0


def test_known_holiday_names() -> None:
    assert CAL.holiday_name(date(2025, 1, 29)) == "Tết Nguyên Đán"
    assert CAL.holiday_name(date(2025, 4, 30)) == "Ngày Chiến thắng"
    assert CAL.holiday_name(date(2025, 5, 1)) == "Ngày Quốc tế Lao động"
    assert CAL.holiday_name(date(2019, 9, 2)) == "Quốc khánh"
    assert CAL.holiday_name(date(2025, 9, 1)) == "Quốc khánh"
    assert CAL.holiday_name(date(2025, 5, 2)) == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert CAL.holiday_name(date(2025, 3, 10)) is None


def test_swapped_day_off_and_makeup_saturdays() -> None:
    # 2025: Fri 02/05 off, Saturday 26/04 worked; 2024/2019: Mon 29/04 off, Sat 04/05 worked;
    # 2018->2019 crosses a year: Mon 31/12/2018 off, Sat 05/01/2019 worked.
    for off, worked in [
        (date(2025, 5, 2), date(2025, 4, 26)),
        (date(2024, 4, 29), date(2024, 5, 4)),
        (date(2019, 4, 29), date(2019, 5, 4)),
        (date(2018, 12, 31), date(2019, 1, 5)),
        (date(2026, 8, 31), date(2026, 8, 22)),
    ]:
        assert not CAL.is_working_day(off)
        assert worked.weekday() == 5 and CAL.is_working_day(worked)
    plain = WorkCalendar(CalendarRules(use_public_holidays=False))
    assert plain.is_working_day(date(2025, 5, 2)) and not plain.is_working_day(date(2025, 4, 26))


# --- Tết ----------------------------------------------------------------------------------


def test_tet_2019_skipped() -> None:
    # Fri 01/02 09:00: 6.5 h that day, 04-08/02 Tết + weekends, Mon 11 + Tue 12 = 16 h,
    # 1.5 h left on Wed 13/02.
    dl = CAL.add(vn(2019, 2, 1, 9), Duration(3, DAYS))
    assert dl.counted_from == vn(2019, 2, 1, 9)
    assert dl.due == vn(2019, 2, 13, 9)
    assert "Tết Nguyên Đán" in dl.explanation_vi
    assert "Lunar New Year" in dl.explanation_en
    assert CAL.working_days_between(date(2019, 2, 2), date(2019, 2, 11)) == 0


def test_tet_2025_after_cutoff_lands_after_break() -> None:
    dl = CAL.add(vn(2025, 1, 24, 15, 30), Duration(3, DAYS), cutoff=CUTOFF)
    assert dl.counted_from == vn(2025, 2, 3, 7, 30)
    assert dl.due == vn(2025, 2, 5, 17, 0)
    vi = dl.explanation_vi
    for part in [
        "15:30 thứ Sáu 24/01/2025",
        "giờ chốt 15:00",
        "07:30 thứ Hai 03/02/2025",
        "Tết Nguyên Đán",
        "3 ngày làm việc",
        "17:00 thứ Tư 05/02/2025",
    ]:
        assert part in vi, (part, vi)
    assert vi.count(".") == 1 and vi.endswith(".")  # one sentence
    assert "Friday 24/01/2025" in dl.explanation_en and "cut-off" in dl.explanation_en
    assert CAL.working_days_between(date(2025, 1, 25), date(2025, 2, 3)) == 0


def test_tet_2026() -> None:
    # Fri 13/02/2026 10:00 + 1 day: 5.5 h Friday, 16-20/02 Tết, 2.5 h on Mon 23/02.
    dl = CAL.add(vn(2026, 2, 13, 10), Duration(1, DAYS))
    assert dl.due == vn(2026, 2, 23, 10)
    assert "Tết Nguyên Đán" in dl.explanation_vi
    assert CAL.working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0
    assert CAL.working_days_between(date(2026, 2, 9), date(2026, 2, 28)) == 10


# --- 30/4-1/5 and 2/9 ---------------------------------------------------------------------


def test_reunification_and_labour_day_2025() -> None:
    # Tue 29/04 10:00: 5.5 h; 30/04, 01/05, 02/05 off, weekend; Mon 8 h; 2.5 h Tue 06/05.
    dl = CAL.add(vn(2025, 4, 29, 10), Duration(2, DAYS))
    assert dl.due == vn(2025, 5, 6, 10)
    assert "Ngày Chiến thắng" in dl.explanation_vi
    assert "Ngày Quốc tế Lao động" in dl.explanation_vi


def test_makeup_saturday_counts() -> None:
    dl = CAL.add(vn(2025, 4, 25, 16), Duration(1, DAYS))
    assert dl.due == vn(2025, 4, 26, 16)  # Saturday 26/04/2025 is a make-up working day
    # 1 h Friday + 8 h Saturday + 7 h Monday.
    dl = CAL.add(vn(2025, 4, 25, 16), Duration(2, DAYS))
    assert dl.due == vn(2025, 4, 28, 16)
    assert "làm bù thứ Bảy 26/04/2025" in dl.explanation_vi
    assert "Saturday 26/04/2025" in dl.explanation_en


def test_national_day_2025_after_hours() -> None:
    dl = CAL.add(vn(2025, 8, 29, 17, 30), Duration(1, DAYS))
    assert dl.counted_from == vn(2025, 9, 3, 7, 30)
    assert dl.due == vn(2025, 9, 3, 17, 0)
    assert "sau giờ làm việc" in dl.explanation_vi
    assert "Quốc khánh" in dl.explanation_vi and "National Day" in dl.explanation_en


def test_national_day_2019() -> None:
    assert not CAL.is_working_day(date(2019, 9, 2))
    dl = CAL.add(vn(2019, 8, 30, 16, 0), Duration(2, HOURS))
    assert dl.due == vn(2019, 9, 3, 8, 30)


# --- mortgage-style cut-off, out-of-hours roll-over ------------------------------------------


def test_mortgage_after_cutoff_same_day_next_morning() -> None:
    dl = CAL.add(vn(2025, 3, 10, 15, 30), Duration(0, SAME_DAY), cutoff=CUTOFF)
    assert dl.counted_from == vn(2025, 3, 11, 7, 30)
    assert dl.due == vn(2025, 3, 11, 17, 0)
    assert "giờ chốt 15:00" in dl.explanation_vi


def test_mortgage_before_cutoff_same_day() -> None:
    dl = CAL.add(vn(2025, 3, 10, 14, 59), Duration(0, SAME_DAY), cutoff=CUTOFF)
    assert dl.counted_from == vn(2025, 3, 10, 14, 59)
    assert dl.due == vn(2025, 3, 10, 17, 0)


def test_cutoff_is_inclusive_and_friday_rolls_to_monday() -> None:
    assert CAL.add(vn(2025, 3, 10, 15), Duration(0, SAME_DAY), CUTOFF).due == vn(2025, 3, 11, 17)
    dl = CAL.add(vn(2025, 3, 14, 15, 30), Duration(0, SAME_DAY), CUTOFF)
    assert dl.due == vn(2025, 3, 17, 17)
    assert "cuối tuần" in dl.explanation_vi


def test_received_saturday() -> None:
    dl = CAL.add(vn(2025, 3, 8, 10), Duration(4, HOURS))
    assert dl.counted_from == vn(2025, 3, 10, 7, 30)
    assert dl.due == vn(2025, 3, 10, 11, 30)  # ends exactly at a session end: stays there
    assert "ngày nghỉ" in dl.explanation_vi and "cuối tuần" in dl.explanation_vi
    assert "thứ Bảy 08/03/2025" in dl.explanation_vi


def test_received_during_lunch() -> None:
    dl = CAL.add(vn(2025, 3, 10, 12), Duration(1, HOURS))
    assert dl.counted_from == vn(2025, 3, 10, 13)
    assert dl.due == vn(2025, 3, 10, 14)
    assert "nghỉ giữa" in dl.explanation_vi


def test_one_day_from_morning_ends_same_evening_and_zero_is_counted_from() -> None:
    assert CAL.add(vn(2025, 3, 10, 7, 30), Duration(1, DAYS)).due == vn(2025, 3, 10, 17)
    dl = CAL.add(vn(2025, 3, 10, 6), Duration(0, DAYS))
    assert dl.due == dl.counted_from == vn(2025, 3, 10, 7, 30)
    assert "trước giờ làm việc" in dl.explanation_vi


# --- admin overrides ----------------------------------------------------------------------


def test_admin_day_off_and_extra_saturday() -> None:
    cal = WorkCalendar(
        CalendarRules(
            days_off=frozenset({date(2025, 3, 10)}),
            extra_working_days=frozenset({date(2025, 3, 8), date(2025, 4, 30)}),
        )
    )
    assert cal.holiday_name(date(2025, 3, 10)) == "Ngày nghỉ (quyết định của quản trị)"
    assert cal.is_working_day(date(2025, 3, 8)) and cal.is_working_day(date(2025, 4, 30))
    # Fri 07/03 16:00 + 4 h: 1 h Friday, 3 h on the extra Saturday.
    assert cal.add(vn(2025, 3, 7, 16), Duration(4, HOURS)).due == vn(2025, 3, 8, 10, 30)
    # Saturday 15:30 after cut-off: Sunday and the admin Monday skipped.
    dl = cal.add(vn(2025, 3, 8, 15, 30), Duration(0, SAME_DAY), CUTOFF)
    assert dl.due == vn(2025, 3, 11, 17)
    assert "quản trị" in dl.explanation_vi


# --- elapsed ------------------------------------------------------------------------------


def test_elapsed_with_pauses_spanning_weekend() -> None:
    a, b = vn(2025, 3, 6, 7, 30), vn(2025, 3, 12, 7, 30)  # Thu .. next Wed: 4 working days
    assert CAL.elapsed(a, b) == timedelta(hours=32)
    pause = (vn(2025, 3, 7, 13), vn(2025, 3, 10, 11, 30))  # Fri afternoon .. Mon morning
    assert CAL.elapsed(a, b, [pause]) == timedelta(hours=24)
    overlapping = (vn(2025, 3, 8), vn(2025, 3, 10, 17))
    outside = (vn(2025, 3, 1), vn(2025, 3, 6, 8, 30))  # clipped to [a, b]
    assert CAL.elapsed(a, b, [pause, overlapping, outside]) == timedelta(hours=19)
    assert CAL.elapsed(b, a) == timedelta(0)


def test_elapsed_across_tet_and_utc_input() -> None:
    a = datetime(2025, 1, 24, 2, 0, tzinfo=UTC)  # 09:00 VN
    assert CAL.elapsed(a, vn(2025, 2, 3, 9)) == timedelta(hours=6.5 + 1.5)


# --- API details --------------------------------------------------------------------------


def test_instants() -> None:
    assert CAL.is_working_instant(vn(2025, 3, 10, 7, 30))
    assert CAL.is_working_instant(vn(2025, 3, 10, 16, 59))
    assert not CAL.is_working_instant(vn(2025, 3, 10, 11, 30))
    assert not CAL.is_working_instant(vn(2025, 3, 10, 17))
    assert CAL.next_working_instant(vn(2025, 3, 10, 11, 30)) == vn(2025, 3, 10, 13)
    assert CAL.next_working_instant(vn(2025, 3, 14, 17)) == vn(2025, 3, 17, 7, 30)
    assert CAL.next_working_instant(vn(2025, 3, 10, 9)) == vn(2025, 3, 10, 9)


def test_timezones() -> None:
    dl = CAL.add(datetime(2025, 3, 10, 1, 0, tzinfo=UTC), Duration(1, HOURS))
    assert dl.received_at == vn(2025, 3, 10, 8) and dl.due == vn(2025, 3, 10, 9)
    assert dl.due.tzinfo is VN_TZ
    naive = datetime(2025, 3, 10, 9)
    with pytest.raises(ValueError):
        CAL.add(naive, Duration(1, DAYS))
    with pytest.raises(ValueError):
        CAL.elapsed(naive, vn(2025, 3, 11))
    with pytest.raises(ValueError):
        CAL.is_working_instant(naive)


def test_thousand_working_days_fast() -> None:
    t0 = _time.perf_counter()
    dl = CAL.add(vn(2025, 3, 10, 7, 30), Duration(1000, DAYS))
    assert _time.perf_counter() - t0 < 1.0
    assert dl.due.time() == time(17, 0)
    assert CAL.working_days_between(date(2025, 3, 10), dl.due.date()) == 999


def test_duration_labels_and_validation() -> None:
    assert Duration(10, DAYS).label_vi() == "10 ngày làm việc"
    assert Duration(4, HOURS).label_vi() == "4 giờ làm việc"
    assert Duration(0, SAME_DAY).label_vi() == "Trong ngày"
    assert Duration(1, DAYS).label_en() == "1 working day"
    assert Duration(4, HOURS).label_en() == "4 working hours"
    assert Duration(0, SAME_DAY).label_en() == "Same day"
    assert Duration(2, "days").unit is DAYS  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Duration(-1, DAYS)


def test_rules_validation_and_custom_sessions() -> None:
    with pytest.raises(ValueError):
        CalendarRules(sessions=())
    with pytest.raises(ValueError):
        CalendarRules(sessions=(Session(time(13), time(17)), Session(time(8), time(12))))
    cal = WorkCalendar(CalendarRules(sessions=(Session(time(8), time(12)),)))
    assert cal.day_length == timedelta(hours=4) and CAL.day_length == timedelta(hours=8)
    assert cal.add(vn(2025, 3, 10, 10), Duration(1, DAYS)).due == vn(2025, 3, 11, 10)
    with pytest.raises(ValueError):
        WorkCalendar(CalendarRules(weekdays=frozenset(), use_public_holidays=False)).add(
            vn(2025, 3, 10, 9), Duration(1, DAYS)
        )
