"""The statistics table as people read it (issue #5): the agencies in sections by agency group
(I. departments, II. the land section, III. other agencies, as Appendix 1 of report 62/BC-HCC
numbers them), a subtotal per section, the total row, and the two header rows of a layout.

One ``Sheet`` feeds the page, the printable page and PDF, the CSV and the XLSX file, so the
exported numbers are the ones on the screen. The counting itself is ``figures.table``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.catalog.models import Agency
from portal.core.i18n import N_
from portal.stats.figures import AGENCY_GROUPS, Cell, Layout, Period, Row, table

ALL_GROUPS = "tat-ca"
GROUP_LABELS = {ALL_GROUPS: N_("Tất cả cơ quan"),
                **{key: label for key, (label, _kinds) in AGENCY_GROUPS.items()}}
ROMAN = ("I", "II", "III", "IV", "V", "VI")

# What a list of dossiers shows, in words: the list page's heading names its cell with these
# (a cell label alone, "Quá hạn", is ambiguous outside its column group).
CELL_TITLES = {
    Cell.RECEIVED: N_("Tổng số hồ sơ tiếp nhận"),
    Cell.CARRIED: N_("Tiếp nhận, kỳ trước chuyển qua"),
    Cell.ONLINE: N_("Tiếp nhận trực tuyến"),
    Cell.DIRECT: N_("Tiếp nhận trực tiếp, bưu chính"),
    Cell.POSTAL: N_("Tiếp nhận qua bưu chính"),
    Cell.RESOLVED: N_("Đã giải quyết"),
    Cell.ON_TIME: N_("Đã giải quyết, đúng hạn"),
    Cell.EARLY: N_("Đã giải quyết, trước hạn"),
    Cell.ON_DUE_DAY: N_("Đã giải quyết, đúng hạn (trong ngày hẹn)"),
    Cell.LATE: N_("Đã giải quyết, quá hạn"),
    Cell.PENDING: N_("Đang giải quyết"),
    Cell.WITHIN: N_("Đang giải quyết, trong hạn"),
    Cell.OVERDUE: N_("Đang giải quyết, quá hạn"),
    Cell.OVERDUE_PREV: N_("Đang giải quyết, quá hạn (tiếp nhận kỳ trước)"),
    Cell.OVERDUE_THIS: N_("Đang giải quyết, quá hạn (tiếp nhận trong kỳ)"),
    Cell.WITHDRAWN: N_("Hồ sơ rút"),
    Cell.RETURNED: N_("Hồ sơ trả lại"),
    Cell.ON_THE_SPOT: N_("Giải quyết ngay tại quầy"),
}

# The definitions of figures.py in one sentence each (the list page and docs/statistics.md).
CELL_DEFINITIONS = {
    Cell.RECEIVED: N_("Hồ sơ đã tiếp nhận trước khi kỳ kết thúc và chưa kết thúc trước khi kỳ "
                      "bắt đầu (kỳ trước chuyển qua + trực tuyến + trực tiếp, bưu chính)."),
    Cell.CARRIED: N_("Tiếp nhận trước ngày đầu kỳ và chưa kết thúc vào lúc đầu kỳ."),
    Cell.ONLINE: N_("Tiếp nhận trong kỳ, nộp trực tuyến."),
    Cell.DIRECT: N_("Tiếp nhận trong kỳ, nộp trực tiếp tại quầy hoặc qua bưu chính."),
    Cell.POSTAL: N_("Tiếp nhận trong kỳ, nộp qua bưu chính."),
    Cell.RESOLVED: N_("Kết thúc trong kỳ, bằng bất kỳ cách nào: trả kết quả, từ chối, dừng "
                      "xử lý, rút hồ sơ."),
    Cell.ON_TIME: N_("Kết thúc trong kỳ, không muộn hơn thời hạn giải quyết ban đầu."),
    Cell.EARLY: N_("Kết thúc trong kỳ, vào một ngày trước ngày hẹn."),
    Cell.ON_DUE_DAY: N_("Kết thúc trong kỳ, đúng hạn, vào chính ngày hẹn."),
    Cell.LATE: N_("Kết thúc trong kỳ, sau thời hạn giải quyết ban đầu (thư xin lỗi hẹn lại "
                  "không đổi thời hạn này)."),
    Cell.PENDING: N_("Chưa kết thúc vào lúc cuối kỳ."),
    Cell.WITHIN: N_("Chưa kết thúc vào cuối kỳ, chưa quá hạn hoặc đang chờ công dân bổ sung "
                    "(yêu cầu khi còn thời hạn)."),
    Cell.OVERDUE: N_("Chưa kết thúc vào cuối kỳ, đã quá hạn và không tạm dừng chờ công dân "
                     "(yêu cầu gửi sau khi đã quá hạn không làm ngừng tính thời hạn)."),
    Cell.OVERDUE_PREV: N_("Đang giải quyết, quá hạn, tiếp nhận trước kỳ."),
    Cell.OVERDUE_THIS: N_("Đang giải quyết, quá hạn, tiếp nhận trong kỳ."),
    Cell.WITHDRAWN: N_("Kết thúc trong kỳ vì người nộp rút hồ sơ."),
    Cell.RETURNED: N_("Kết thúc trong kỳ bằng từ chối hoặc dừng xử lý: trả lại, không có "
                      "kết quả."),
    Cell.ON_THE_SPOT: N_("Tiếp nhận và trả kết quả ngay trong một lần tại quầy."),
}


@dataclass(frozen=True)
class Section:
    key: str  # a key of figures.AGENCY_GROUPS
    number: str  # I, II, …
    label: str
    rows: list[Row]
    subtotal: Row | None  # None when the sheet has one section (the total says it)


@dataclass(frozen=True)
class Sheet:
    period: Period
    layout: Layout
    group: str  # ALL_GROUPS or a key of AGENCY_GROUPS
    sections: list[Section]
    total: Row

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]

    def header_rows(self) -> tuple[list[tuple[str, int, int]], list[Cell]]:
        """The two header rows after the "No." and "Agency" columns: (label, colspan,
        rowspan) per group, then the cells under the groups that have more than one."""
        first = [(label, len(cells), 1 if len(cells) > 1 else 2)
                 for label, cells in self.layout.groups]
        second = [c for _label, cells in self.layout.groups if len(cells) > 1 for c in cells]
        return first, second


def group_of(agency: Agency) -> str:
    return next(key for key, (_label, kinds) in AGENCY_GROUPS.items() if agency.kind in kinds)


def in_group(among: Sequence[Agency], group: str) -> list[Agency]:
    """``among`` (the agencies the reader may read) restricted to one agency group."""
    if group == ALL_GROUPS:
        return list(among)
    return [a for a in among if group_of(a) == group]


def _sum(rows: Sequence[Row], cells: Sequence[Cell]) -> Row:
    return Row(None, {c: sum(r[c] for r in rows) for c in cells})


def build_sheet(period: Period, layout: Layout, group: str, among: Sequence[Agency]) -> Sheet:
    """The table of ``layout`` for the agencies of ``among`` in ``group``: one query."""
    agencies = in_group(among, group)
    counted = table(period, agencies, layout.cells)
    by_group: dict[str, list[Row]] = {}
    for row in counted.rows:
        by_group.setdefault(group_of(row.agency), []).append(row)
    present = [key for key in AGENCY_GROUPS if key in by_group]
    sections = [Section(key, ROMAN[i], AGENCY_GROUPS[key][0], by_group[key],
                        _sum(by_group[key], layout.cells) if len(present) > 1 else None)
                for i, key in enumerate(present)]
    return Sheet(period, layout, group, sections, counted.total)


# --- numbers as the report writes them ---------------------------------------------------------

def share_permille(part: int, whole: int) -> int | None:
    """``part / whole`` in tenths of a per cent, rounded down, as the report does: 61,462 of
    64,527 (95.250 %) is published as 95.2 %, 26,259 of 26,294 ratings as 99.86 %."""
    return part * 1000 // whole if whole else None


def vn_share(part: int, whole: int) -> str:
    """'95,2 %' (empty when ``whole`` is 0: no rate of nothing)."""
    permille = share_permille(part, whole)
    return "" if permille is None else f"{permille // 10},{permille % 10} %"
