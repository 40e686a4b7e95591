"""Vietnamese presentation of money, dates and times (stored UTC, shown in Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from flask_babel import gettext

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def money(amount: int | None) -> str:
    if not amount:
        return gettext("Không thu phí")
    return format_currency(amount, "VND", locale="vi_VN")


def vn_number(value: int | None) -> str:
    """1.234 — the Vietnamese thousands separator, whatever the interface language (official
    documents and statistics are written the Vietnamese way)."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def day_and_time(value: datetime | None) -> str:
    """A moment inside a sentence, as Vietnamese documents write it: "ngày 06/12/2026, lúc
    13:23" — the day, then the time (``local_datetime``'s "13:23 06/12/2026" after the word
    "ngày" read "ngày 13:23 06/12/2026"). In English "on 06/12/2026 at 13:23"."""
    if value is None:
        return ""
    local = value.astimezone(VN_TZ)
    return gettext("ngày %(date)s, lúc %(time)s", date=f"{local:%d/%m/%Y}",
                   time=f"{local:%H:%M}")


def _vn_day(value: date | datetime) -> date:
    """The calendar day in Vietnam: after 17:00 UTC it is already the next day there."""
    return value.astimezone(VN_TZ).date() if isinstance(value, datetime) else value


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return _vn_day(value).strftime("%d/%m/%Y")


def duration_label(amount: int, unit: str) -> str:
    unit = str(unit)
    if unit == "same_day":
        return gettext("Trong ngày làm việc")
    if unit == "hours":
        return gettext("%(n)s giờ làm việc", n=amount)
    return gettext("%(n)s ngày làm việc", n=amount)


# The official documents' own wording (never translated, like the forms themselves).

def vn_datetime(value: datetime | None) -> str:
    """'09 giờ 00 phút, ngày 12/03/2025', as the forms write a time of day."""
    if value is None:
        return "…"
    value = value.astimezone(VN_TZ)
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}"


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return "…"
    return f"{_vn_day(value):%d/%m/%Y}"


def vn_date_line(value: date | datetime | None) -> str:
    """'ngày 12 tháng 03 năm 2025' (the place-and-date line of an administrative text)."""
    if value is None:
        return "ngày … tháng … năm …"
    day = _vn_day(value)
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def vn_money(amount: int) -> str:
    return f"{vn_number(amount)} đồng"


def vn_duration(amount: int, unit: str) -> str:
    unit = str(unit)
    if unit == "same_day":
        return "trong ngày làm việc"
    return f"{amount} {'giờ' if unit == 'hours' else 'ngày'} làm việc"


FILTERS = {
    "money": money,
    "vn_number": vn_number,
    "local_datetime": local_datetime,
    "day_and_time": day_and_time,
    "local_date": local_date,
}
