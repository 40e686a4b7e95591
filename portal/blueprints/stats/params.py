"""What the statistics pages are asked for, read from the query string (a plain GET form):
the period (a preset — report year, quarter, month — or any from/to dates), the agency
group and the layout; and, for the list behind a number, the cell and the agency.

A period never runs past today: the table counts what is pending and overdue at the period's
end, and a future end would call overdue what is not due yet. So "this month" means from the
1st to today, and the page says so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from portal.catalog.models import Agency
from portal.core.i18n import N_
from portal.core.numbers import parse_int
from portal.stats.figures import LAYOUT_A, LAYOUTS, Cell, Layout, Period
from portal.stats.sheet import ALL_GROUPS, GROUP_LABELS, in_group

PRESETS = {
    "nam": N_("Năm báo cáo (15/12 năm trước – 14/12)"),
    "quy": N_("Quý"),
    "thang": N_("Tháng"),
    "tuy-chon": N_("Từ ngày … đến ngày …"),
}
FIRST_YEAR = 2000


def report_year_of(day: date) -> int:
    """The report year a day belongs to: from 15/12 on, the next year's."""
    return day.year + 1 if (day.month, day.day) >= (12, 15) else day.year


def parse_day(raw: str) -> date:
    """A date as the browser's date input sends it (YYYY-MM-DD) or as typed (DD/MM/YYYY).
    Raises ValueError."""
    raw = raw.strip()
    value = (datetime.strptime(raw, "%d/%m/%Y").date() if "/" in raw
             else date.fromisoformat(raw))
    if value.year < FIRST_YEAR:
        raise ValueError("too early")
    return value


def _int(raw: str, low: int, high: int) -> int | None:
    return parse_int(raw, low=low, high=high)


@dataclass
class Choice:
    """The period, group and layout asked for, with the inputs as typed (to show them again)
    and one message per field in error."""

    today: date
    preset: str = "nam"
    year: str = ""
    quarter: str = ""
    month: str = ""
    start: str = ""
    end: str = ""
    group: str = ALL_GROUPS
    layout: Layout = LAYOUT_A
    period: Period | None = None
    asked_end: date | None = None  # the end asked for, when later than today
    is_default: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def clamped(self) -> bool:
        return self.asked_end is not None

    def form_args(self) -> dict[str, str]:
        """The choice as the form sends it (links between the statistics pages)."""
        args = {"ky": self.preset, "nam": self.year, "quy": self.quarter,
                "thang": self.month, "tu": self.start, "den": self.end,
                "nhom": self.group, "mau": self.layout.key}
        used = {"nam": ("nam",), "quy": ("nam", "quy"), "thang": ("nam", "thang"),
                "tuy-chon": ("tu", "den")}.get(self.preset, ())
        return {k: v for k, v in args.items()
                if v and (k in ("ky", "nhom", "mau") or k in used)}

    def period_args(self) -> dict[str, str]:
        """The period as from/to dates, with the group and layout (numbers' links, exports)."""
        assert self.period is not None
        return {"tu": self.period.start.isoformat(), "den": self.period.end.isoformat(),
                "nhom": self.group, "mau": self.layout.key}


def read_choice(args: Mapping[str, str], today: date, *, with_layout: bool = True) -> Choice:
    """The choice in ``args``; without any, the report year to date. Pages that show no
    layout (``with_layout=False``) ignore a wrong one."""
    choice = Choice(today, group=args.get("nhom", "") or ALL_GROUPS)
    if choice.group not in GROUP_LABELS:
        choice.errors["nhom"] = _("Chọn một nhóm cơ quan trong danh sách.")
    layout = LAYOUTS.get((args.get("mau", "") or LAYOUT_A.key).upper())
    if layout is None and with_layout:
        choice.errors["mau"] = _("Chọn mẫu biểu A hoặc B.")
    elif layout is not None:
        choice.layout = layout
    preset = args.get("ky", "")
    if not preset:
        preset = "tuy-chon" if args.get("tu") or args.get("den") else ""
    choice.is_default = not preset
    choice.preset = preset or "nam"
    default_year = report_year_of(today) if choice.preset == "nam" else today.year
    choice.year = args.get("nam", "").strip()[:10] or str(default_year)
    choice.quarter = args.get("quy", "").strip()[:2] or str((today.month - 1) // 3 + 1)
    choice.month = args.get("thang", "").strip()[:2] or str(today.month)
    choice.start = args.get("tu", "").strip()[:10]
    choice.end = args.get("den", "").strip()[:10]
    period = _period(choice)
    if period is None:
        return choice
    if period.start > today:
        choice.errors["ky"] = _("Kỳ thống kê chưa bắt đầu: chọn một kỳ bắt đầu từ hôm nay "
                                "trở về trước.")
        return choice
    if period.end > today:
        choice.asked_end, period = period.end, Period(period.start, today)
    choice.period = period
    return choice


def _period(choice: Choice) -> Period | None:
    errors = choice.errors
    if choice.preset not in PRESETS:
        errors["ky"] = _("Chọn một kỳ thống kê trong danh sách.")
        return None
    if choice.preset == "tuy-chon":
        return _custom(choice)
    year = _int(choice.year, FIRST_YEAR, choice.today.year + 1)
    if year is None:
        errors["nam"] = _("Năm không hợp lệ: nhập năm có 4 chữ số, từ %(first)s đến %(last)s.",
                          first=FIRST_YEAR, last=choice.today.year + 1)
    if choice.preset == "nam":
        return None if errors else Period.report_year(year)
    if choice.preset == "quy":
        quarter = _int(choice.quarter, 1, 4)
        if quarter is None:
            errors["quy"] = _("Chọn quý từ 1 đến 4.")
        return None if errors else Period.quarter(year, quarter)
    month = _int(choice.month, 1, 12)
    if month is None:
        errors["thang"] = _("Chọn tháng từ 1 đến 12.")
    return None if errors else Period.month(year, month)


def _custom(choice: Choice) -> Period | None:
    errors = choice.errors
    days = {}
    for name, raw, missing in (("tu", choice.start, _("Nhập ngày bắt đầu.")),
                               ("den", choice.end, _("Nhập ngày kết thúc."))):
        if not raw:
            errors[name] = missing
            continue
        try:
            days[name] = parse_day(raw)
        except ValueError:
            errors[name] = _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, từ năm "
                             "%(first)s.", first=FIRST_YEAR)
    if errors:
        return None
    if days["den"] < days["tu"]:
        errors["den"] = _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
        return None
    return Period(days["tu"], days["den"])


# --- the list behind one number -------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    period: Period
    cell: Cell
    agencies: list[Agency]  # one agency, or the readable agencies of a group
    agency: Agency | None  # the one agency asked for (None: a subtotal or total)
    group: str

    @property
    def agency_ids(self) -> list[int]:
        return [a.id for a in self.agencies]


def read_target(args: Mapping[str, str], readable: Sequence[Agency],
                today: date) -> Target | None:
    """The number a link points at, or None (a 404) when anything in it is not one the
    user may read: an unknown cell or group, a malformed period, another agency."""
    try:
        start, end = parse_day(args.get("tu", "")), parse_day(args.get("den", ""))
        period = Period(start, min(end, today))
        cell = Cell(args.get("o", ""))
    except ValueError:
        return None
    group = args.get("nhom", "") or ALL_GROUPS
    if group not in GROUP_LABELS:
        return None
    raw_agency = args.get("co-quan", "")
    if raw_agency:
        agency = next((a for a in readable if str(a.id) == raw_agency), None)
        if agency is None:
            return None
        return Target(period, cell, [agency], agency, group)
    return Target(period, cell, in_group(readable, group), None, group)
