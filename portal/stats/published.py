"""The published figures of 2019 (report 62/BC-HCC, 20/12/2019), in one place: Appendix 1 as
data (``data/appendix1-2019.csv``, a copy of the seed), which of our cells each of its columns
is, the one published cell a counting system cannot reproduce, and the figures the report
states in its text beside the table.

``flask demo replay-2019`` replays the year so that the statistics table shows these numbers;
its test and the statistics page compare against them from here.

Rows are keyed like the report: (group, number) — group "I" the 16 departments, "II" the land
section; number "1"… or "total". ``agency_for`` finds the agency a row names (names compared
without accents, dashes or "và", abbreviations spelled out)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.catalog.models import Agency, AgencyKind
from portal.core.i18n import N_
from portal.core.text import fold
from portal.stats.figures import Cell, Period

PERIOD = Period.report_year(2019)  # 15/12/2018 – 14/12/2019
CSV_PATH = Path(__file__).parent / "data" / "appendix1-2019.csv"
SOURCE = N_("Phụ lục 1, Báo cáo số 62/BC-HCC ngày 20/12/2019 của Trung tâm Phục vụ hành chính "
            "công tỉnh Quảng Ngãi")

# Appendix 1's columns (layout A) and the cell each one is.
COLUMNS: dict[str, Cell] = {
    "total": Cell.RECEIVED, "online": Cell.ONLINE, "carried_over": Cell.CARRIED,
    "direct": Cell.DIRECT, "resolved": Cell.RESOLVED, "resolved_on_time": Cell.ON_TIME,
    "resolved_late": Cell.LATE, "pending": Cell.PENDING,
    "pending_within_deadline": Cell.WITHIN,
    "pending_overdue_prev_period": Cell.OVERDUE_PREV,
    "pending_overdue_this_period": Cell.OVERDUE_THIS, "withdrawn": Cell.WITHDRAWN,
    "returned": Cell.RETURNED,
}
GROUP_KINDS = {"I": AgencyKind.DEPARTMENT, "II": AgencyKind.LAND}

Key = tuple[str, str]  # (group, number)


@dataclass(frozen=True)
class KnownDifference:
    """A published number the portal cannot show, and the one it shows instead."""

    key: Key
    cell: Cell
    published: int
    reproduced: int
    note: str


# Sở Tài chính's published total is 632 while online (0) + carried over (0) + direct (631)
# make 631: one table cannot show both. The replay receives the 632nd dossier at the counter,
# so its "direct" reads 632 and group I's direct total 57,387.
_FINANCE_NOTE = N_("Bảng công bố ghi Sở Tài chính tiếp nhận tổng số 632 hồ sơ nhưng trực tuyến "
                   "(0) + kỳ trước chuyển qua (0) + trực tiếp (631) chỉ bằng 631; hồ sơ thứ 632 "
                   "được tiếp nhận trực tiếp tại quầy, nên cột trực tiếp là 632 (bảng công bố "
                   "ghi 631) và tổng trực tiếp của nhóm I là 57.387 (bảng công bố ghi 57.386).")
KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(("I", "2"), Cell.DIRECT, 631, 632, _FINANCE_NOTE),
    KnownDifference(("I", "total"), Cell.DIRECT, 57_386, 57_387, _FINANCE_NOTE),
)

# What the report says in its text (section I), for the whole centre (groups I and II):
# "7.815 hồ sơ nộp trực tuyến; … chuyển trả kết quả … qua đường bưu điện 6.843 hồ sơ … tiếp
# nhận hồ sơ nộp qua đường bưu điện 2.450 hồ sơ"; "tiếp nhận hồ sơ, trả kết quả giải quyết
# ngay tại chỗ 12.996 hồ sơ, trong đó cấp giấy kiểm dịch động vật … 4.486 hồ sơ (… Sở Nông
# nghiệp và Phát triển nông thôn); lĩnh vực xúc tiến thương mại 8.510 hồ sơ (… Sở Công
# Thương)"; liên thông: "đã tiếp nhận 1.134 hồ sơ; đã giải quyết và trả kết quả 1.123 hồ sơ;
# đang giải quyết 11 hồ sơ". The ratings (26.294, of which 26.259 satisfied) are not
# recorded by the portal, which has no rating yet.
REPORT_TEXT_FIGURES: dict[str, int] = {
    "online": 7_815,
    "received_by_post": 2_450,
    "returned_by_post": 6_843,
    "on_the_spot": 12_996,
    "on_the_spot_animal_quarantine": 4_486,  # Sở Nông nghiệp và Phát triển nông thôn
    "on_the_spot_trade_promotion": 8_510,  # Sở Công Thương
    "inter_agency_received": 1_134,
    "inter_agency_resolved": 1_123,
    "inter_agency_pending": 11,
}


@dataclass(frozen=True)
class PublishedRow:
    group: str  # "I" or "II"
    number: str  # "1"… or "total"
    name: str  # as printed
    cells: dict[Cell, int]

    @property
    def key(self) -> Key:
        return (self.group, self.number)

    @property
    def is_total(self) -> bool:
        return self.number == "total"


@cache
def _rows() -> tuple[PublishedRow, ...]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(PublishedRow(row["group"], row["no"], row["agency"],
                                  {cell: int(row[column]) for column, cell in COLUMNS.items()})
                     for row in csv.DictReader(handle))


def rows() -> tuple[PublishedRow, ...]:
    """Every published row, agencies and totals, in the report's order."""
    return _rows()


def published_rows() -> dict[Key, dict[Cell, int]]:
    """(group, number) → the published numbers, by cell."""
    return {row.key: dict(row.cells) for row in _rows()}


def expected_cells(key: Key) -> dict[Cell, int]:
    """The numbers the portal shows for a published row: the published ones, except the
    known differences."""
    cells = published_rows()[key]
    for known in KNOWN_DIFFERENCES:
        if known.key == key:
            cells[known.cell] = known.reproduced
    return cells


# --- rows to agencies ---------------------------------------------------------------------

_ABBREVIATIONS = {"dkdd": "dang ky dat dai", "cn": "chi nhanh", "tp": "thanh pho",
                  "ptnt": "phat trien nong thon", "ubnd": "uy ban nhan dan"}
_DROPPED = {"va"}


def _words(name: str) -> list[str]:
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    spelled = " ".join(_ABBREVIATIONS.get(w, w) for w in words).split()
    return [w for w in spelled if w not in _DROPPED]


def agency_for(name: str, group: str, among: Sequence[Agency]) -> Agency:
    """The agency of ``group``'s kind that a published row names: the same words, or else the
    only one whose name holds every word of the row's (the report shortens the land
    section's names)."""
    candidates = [a for a in among if a.kind is GROUP_KINDS[group]]
    words = _words(name)
    same = [a for a in candidates if _words(a.name) == words]
    if len(same) == 1:
        return same[0]
    holding = [a for a in candidates if set(words) <= set(_words(a.name))]
    if len(holding) == 1:
        return holding[0]
    raise LookupError(f"no single agency matches the published row {name!r} "
                      f"({len(same) or len(holding)} candidates)")


def agency_rows(among: Sequence[Agency]) -> list[tuple[PublishedRow, Agency]]:
    """Each published agency row with its agency (totals left out)."""
    return [(row, agency_for(row.name, row.group, among)) for row in _rows()
            if not row.is_total]
