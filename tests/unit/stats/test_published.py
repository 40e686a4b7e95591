"""The published figures of 2019 as data (portal/stats/published.py): the CSV read as cells,
the report's own checks holding in it, the one known difference, the rows' agencies."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from portal.catalog.demo_data import AGENCIES
from portal.catalog.models import AgencyKind
from portal.stats import published
from portal.stats.figures import Cell

# The team's seed lies beside the main checkout (../shared); a clone elsewhere (CI) finds it
# by its absolute place on the team's machines.
SEED_CSV = next((p for p in (Path(__file__).parents[3].parent / "shared" / "seed",
                             Path("/work/shared/seed")) if p.is_dir()),
                Path("../shared/seed")) / "appendix1-2019.csv"


class _Agency:
    def __init__(self, raw: dict):
        self.name, self.code, self.kind = raw["name"], raw["code"], AgencyKind(raw["kind"])


def test_the_csv_is_the_seed_appendix():
    if not SEED_CSV.exists():
        pytest.skip(f"the seed is not beside this checkout ({SEED_CSV})")
    assert published.CSV_PATH.read_bytes() == SEED_CSV.read_bytes()


def test_every_column_is_a_cell():
    with published.CSV_PATH.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:3] == ["group", "no", "agency"]
    assert set(header[3:]) == set(published.COLUMNS)


def test_rows_hold_the_reports_checks_except_the_known_one():
    for row in published.rows():
        c = published.expected_cells(row.key)
        assert c[Cell.RECEIVED] == c[Cell.CARRIED] + c[Cell.ONLINE] + c[Cell.DIRECT], row.name
        assert c[Cell.RECEIVED] == c[Cell.RESOLVED] + c[Cell.PENDING], row.name
        assert c[Cell.RESOLVED] == c[Cell.ON_TIME] + c[Cell.LATE], row.name
        assert c[Cell.PENDING] == (c[Cell.WITHIN] + c[Cell.OVERDUE_PREV]
                                   + c[Cell.OVERDUE_THIS]), row.name
    finance = published.published_rows()[("I", "2")]
    assert finance[Cell.RECEIVED] == 632 and finance[Cell.DIRECT] == 631  # as printed


def test_known_differences_are_the_finance_row_and_group_one_total():
    known = {(k.key, k.cell): (k.published, k.reproduced) for k in published.KNOWN_DIFFERENCES}
    assert known == {(("I", "2"), Cell.DIRECT): (631, 632),
                     (("I", "total"), Cell.DIRECT): (57_386, 57_387)}
    rows = published.published_rows()
    for k in published.KNOWN_DIFFERENCES:
        assert rows[k.key][k.cell] == k.published
        assert published.expected_cells(k.key)[k.cell] == k.reproduced
        assert "632" in k.note


def test_group_totals_are_the_sums_of_their_rows():
    for group in ("I", "II"):
        rows = [r for r in published.rows() if r.group == group and not r.is_total]
        total = published.expected_cells((group, "total"))
        for cell in published.COLUMNS.values():
            assert total[cell] == sum(published.expected_cells(r.key)[cell] for r in rows)


def test_rows_find_their_agencies_by_name():
    agencies = [_Agency(raw) for raw in AGENCIES]
    matched = {row.key: agency.code for row, agency in published.agency_rows(agencies)}
    assert len(matched) == 18 == len(set(matched.values()))
    assert matched[("I", "7")] == "SLDTBXH"  # "-" printed, "–" in the catalog
    assert matched[("I", "14")] == "SVHTTDL"
    assert matched[("II", "1")] == "VPDKDDTP"  # "ĐKĐĐ - CN" spelled out
    assert matched[("II", "2")] == "PTNMTTP"  # "và" and "Quảng Ngãi" left out
    with pytest.raises(LookupError):
        published.agency_for("Sở Tài", "I", agencies)
