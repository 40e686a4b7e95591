"""Vietnamese public holidays and Vietnamese/English wording helpers for the calendar engine.

Holiday data comes only from the ``holidays`` package (country "VN"), loaded lazily one year at a
time and cached for the whole process: the data is deterministic, so every ``WorkCalendar``
instance can share it and constructing a calendar stays cheap.

What ``holidays`` returns (checked for 2019-2026 with holidays 0.109):

* Tết lists contain the whole official break, including days that fall on a weekend
  (e.g. 2025: 27/01 "29 Tết" .. 01/02 "Mùng bốn Tết Nguyên Đán", a Saturday).
* Swapped days off are labelled ``"Ngày nghỉ (thay cho ngày dd/mm/yyyy)"`` in Vietnamese (the
  English label uses US month/day order, so we never parse that one). The date in the label is
  the Saturday worked in exchange (e.g. 02/05/2025 off, Saturday 26/04/2025 worked). We parse the
  Vietnamese label to learn those make-up working days; a swap may cross a year boundary
  (31/12/2018 off for Saturday 05/01/2019), so make-up days are looked up in adjacent years too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import holidays

__all__ = [
    "ADMIN_DAY_OFF_EN",
    "ADMIN_DAY_OFF_VI",
    "WHY_EN",
    "WHY_VI",
    "PublicHoliday",
    "fmt_date_en",
    "fmt_date_vi",
    "fmt_dt_en",
    "fmt_dt_vi",
    "holiday_on",
    "is_makeup_working_day",
    "join_en",
    "join_vi",
]

ADMIN_DAY_OFF_VI = "Ngày nghỉ (quyết định của quản trị)"
ADMIN_DAY_OFF_EN = "Day off (administrator's decision)"

WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Vietnamese label of a swapped day off; the captured date is the make-up working day.
_SWAP_RE = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
# Suffixes that mark the same holiday moved/estimated; stripped when grouping for explanations.
_SUFFIXES = (
    " (nghỉ bù, dự kiến)",
    " (nghỉ bù)",
    " (dự kiến)",
    " (observed, estimated)",
    " (observed)",
    " (estimated)",
)


@dataclass(frozen=True)
class PublicHoliday:
    name_vi: str  # exactly as `holidays` returns it (several names joined by "; ")
    name_en: str
    group_vi: str  # family name for explanations: every Tết day -> "Tết Nguyên Đán"
    group_en: str
    makeup_day: date | None = None  # for a swapped day off: the Saturday worked instead


def _strip(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _group(name_vi: str, name_en: str, makeup: date | None) -> tuple[str, str]:
    # Tết has up to seven differently named days ("29 Tết", "Giao thừa", "Mùng hai"...);
    # explanations must say "Tết Nguyên Đán" once rather than list them all.
    if "Tết Nguyên Đán" in name_vi or name_vi.startswith("29 Tết"):
        return "Tết Nguyên Đán", "Lunar New Year"
    if makeup is not None:
        return (
            f"ngày nghỉ hoán đổi với {fmt_date_vi(makeup)}",
            f"the day off swapped with {fmt_date_en(makeup)}",
        )
    return _strip(name_vi.split("; ")[0]), _strip(name_en.split("; ")[0])


@cache
def _year(year: int) -> tuple[dict[date, PublicHoliday], frozenset[date]]:
    """Holidays of one year plus the make-up working days announced by that year's swaps."""
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    days: dict[date, PublicHoliday] = {}
    makeups: set[date] = set()
    for d, name_vi in vi.items():
        name_en = en.get(d, name_vi)
        makeup = None
        if m := _SWAP_RE.search(name_vi):
            makeup = date(int(m[3]), int(m[2]), int(m[1]))
            makeups.add(makeup)
        group_vi, group_en = _group(name_vi, name_en, makeup)
        days[d] = PublicHoliday(name_vi, name_en, group_vi, group_en, makeup)
    return days, frozenset(makeups)


def holiday_on(d: date) -> PublicHoliday | None:
    return _year(d.year)[0].get(d)


def is_makeup_working_day(d: date) -> bool:
    """True if ``d`` is a day worked in exchange for a swapped public day off."""
    return any(d in _year(y)[1] for y in (d.year - 1, d.year, d.year + 1))


# --- wording -------------------------------------------------------------------------------

# Why counted_from differs from the received instant.
WHY_VI = {
    None: "trong giờ làm việc nên tính ngay từ thời điểm nhận",
    "day_off": "là ngày nghỉ nên tính từ {at}",
    "before": "trước giờ làm việc nên tính từ {at}",
    "break": "trong giờ nghỉ giữa hai buổi làm việc nên tính từ {at}",
    "after": "sau giờ làm việc nên tính từ {at}",
    "cutoff": "{cutoff_vi} giờ chốt {cutoff} nên tính từ {at}",
}
WHY_EN = {
    None: "within office hours, so counted from receipt",
    "day_off": "a day off, so counted from {at}",
    "before": "before office hours, so counted from {at}",
    "break": "during the break between sessions, so counted from {at}",
    "after": "after office hours, so counted from {at}",
    "cutoff": "{cutoff_en} the {cutoff} cut-off, so counted from {at}",
}


def fmt_date_vi(d: date) -> str:
    return f"{WEEKDAY_VI[d.weekday()]} {d:%d/%m/%Y}"


def fmt_date_en(d: date) -> str:
    return f"{WEEKDAY_EN[d.weekday()]} {d:%d/%m/%Y}"


def fmt_dt_vi(dt: datetime) -> str:
    """'15:30 thứ Sáu 24/01/2025' (dt must already be local time)."""
    return f"{dt:%H:%M} {fmt_date_vi(dt.date())}"


def fmt_dt_en(dt: datetime) -> str:
    return f"{dt:%H:%M} on {fmt_date_en(dt.date())}"


def _join(items: list[str], word: str, limit: int = 4) -> str:
    # Long spans (hundreds of days) may cross many holidays; keep the sentence readable.
    if len(items) > limit:
        return ", ".join([*items[:limit], "…"])
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def join_vi(items: list[str]) -> str:
    return _join(items, "và")


def join_en(items: list[str]) -> str:
    return _join(items, "and")
