"""The calendar engine's database adapter: administrators' overrides become CalendarRules.

The engine (``engine.py``) stays pure; this is the one place that reads ``CalendarOverride``
rows, so every deadline in the portal is computed with the same calendar. Operations flush,
never commit (STYLE.md): the route commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal.calendar import holidays_vn as hv
from portal.calendar.engine import CalendarRules, WorkCalendar
from portal.calendar.models import CalendarOverride, CalendarOverrideKind
from portal.core.i18n import LazyText
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.extensions import db

MAKEUP_DAY_VI = "Ngày làm việc bù (theo lịch nghỉ lễ của Nhà nước)"


class OverrideError(Refusal):
    """A refusal with a Vietnamese message for the administrator."""


def current_calendar() -> WorkCalendar:
    """The working calendar in force: public holidays plus the administrators' overrides.

    Built per call rather than cached in the process: another app server may have just
    added an override, and the table holds only a handful of rows per year."""
    rows = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
    return WorkCalendar(CalendarRules(
        days_off={day for day, kind in rows if kind is CalendarOverrideKind.DAY_OFF},
        extra_working_days={day for day, kind in rows if kind is CalendarOverrideKind.WORKING_DAY},
    ))


def _public_calendar() -> WorkCalendar:
    """The calendar without any override: what the law alone says."""
    return WorkCalendar()


def _why_off(day: date) -> str | LazyText:
    holiday = hv.holiday_on(day)
    if holiday is not None:
        return holiday.name_vi
    return _l("cuối tuần") if day.weekday() >= 5 else _l("ngày không làm việc")


def add_override(day: date, kind: CalendarOverrideKind, note: str = "") -> CalendarOverride:
    existing = db.session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if existing is not None:
        raise OverrideError(
            _l("Ngày %(day)s đã có điều chỉnh “%(kind)s”. Hãy xóa điều chỉnh đó trước nếu muốn "
               "thay đổi.", day=f"{day:%d/%m/%Y}", kind=_l(existing.kind.label)), "day")
    # Each day has at most one override, so the law-only calendar tells what this one changes;
    # an override that changes nothing would only mislead whoever reads the list later.
    working = _public_calendar().is_working_day(day)
    if kind is CalendarOverrideKind.WORKING_DAY and working:
        raise OverrideError(_l("Ngày này vốn là ngày làm việc; không cần thêm ngày làm việc bù."),
                            "day")
    if kind is CalendarOverrideKind.DAY_OFF and not working:
        raise OverrideError(_l("Ngày này vốn là ngày nghỉ (%(why)s); không cần thêm ngày nghỉ.",
                               why=_why_off(day)), "day")
    override = CalendarOverride(day=day, kind=kind, note=note.strip()[:300])
    db.session.add(override)
    db.session.flush()
    return override


def remove_override(override_id: int) -> CalendarOverride:
    override = db.session.get(CalendarOverride, override_id)
    if override is None:
        raise OverrideError(_l("Không tìm thấy điều chỉnh lịch này; có thể đã được xóa."))
    db.session.delete(override)
    db.session.flush()
    return override


# --- reading one year -------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicDay:
    """A day the national calendar treats specially: a holiday or a make-up working Saturday."""

    day: date
    name: str
    working: bool


@dataclass(frozen=True)
class OverrideRow:
    override: CalendarOverride
    effective: bool  # False once the national calendar already says the same thing
    public_name: str | None  # what the national calendar says about that day, if special


@dataclass(frozen=True)
class YearCalendar:
    year: int
    public_days: list[PublicDay]
    overrides: list[OverrideRow]
    working_days: int  # with the overrides


def public_days(year: int) -> list[PublicDay]:
    found = []
    day, end = date(year, 1, 1), date(year + 1, 1, 1)
    while day < end:
        if (holiday := hv.holiday_on(day)) is not None:
            found.append(PublicDay(day, holiday.name_vi, working=False))
        elif hv.is_makeup_working_day(day):
            found.append(PublicDay(day, MAKEUP_DAY_VI, working=True))
        day += timedelta(days=1)
    return found


def year_calendar(year: int) -> YearCalendar:
    public = _public_calendar()
    days = public_days(year)
    special = {p.day: p.name for p in days}
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    rows = db.session.scalars(
        select(CalendarOverride)
        .where(CalendarOverride.day >= first, CalendarOverride.day < after)
        .order_by(CalendarOverride.day)
    )
    overrides = [
        OverrideRow(o, public.is_working_day(o.day) != (o.kind is CalendarOverrideKind.WORKING_DAY),
                    special.get(o.day))
        for o in rows
    ]
    working = current_calendar().working_days_between(first, after)
    return YearCalendar(year, days, overrides, working)
