"""The comparison of a statistics table with Appendix 1 of report 62/BC-HCC
(portal/stats/comparison.py), on a table a faithful replay of 2019 would show. The web tests
of the note are in tests/web/stats/test_stats_published.py."""

from __future__ import annotations

from portal.catalog.models import Agency, AgencyKind
from portal.extensions import db
from portal.stats import published
from portal.stats.comparison import published_differences, published_note
from portal.stats.figures import LAYOUT_A, LAYOUT_B, Cell, Row
from portal.stats.sheet import Section, Sheet


def _agencies() -> list[Agency]:
    made = []
    for n, row in enumerate(r for r in published.rows() if not r.is_total):
        kind = published.GROUP_KINDS[row.group]
        name = row.name.replace("ĐKĐĐ - CN", "Đăng ký đất đai – Chi nhánh")
        agency = Agency(code=f"P{n}", unit_code=f"000.00.{n:02d}.P48", name=name, kind=kind,
                        position=n)
        db.session.add(agency)
        made.append(agency)
    db.session.flush()
    return made


def _replayed_sheet(layout=LAYOUT_A) -> Sheet:
    """The table a faithful replay of 2019 shows: the published rows, except the counter
    dossier that makes Sở Tài chính's direct 632."""
    agencies = _agencies()
    sections = []
    for number, key, kind in (("I", "so-nganh", AgencyKind.DEPARTMENT),
                              ("II", "dat-dai", AgencyKind.LAND)):
        rows = []
        for row, agency in published.agency_rows(agencies):
            if agency.kind is kind:
                rows.append(Row(agency, published.expected_cells(row.key)))
        sections.append(Section(key, number, key, rows,
                                Row(None, published.expected_cells((number, "total")))))
    total = Row(None, {c: sum(s.subtotal[c] for s in sections) for c in Cell})
    return Sheet(published.PERIOD, layout, "tat-ca", sections, total)


def test_a_faithful_replay_differs_only_where_the_report_does_not_add_up(db_session):
    sheet = _replayed_sheet()
    compared, differences = published_differences(sheet)
    assert compared == 13 * (18 + 2)
    assert [(d.row, d.cell, d.published, d.computed, d.known) for d in differences] == [
        ("Sở Tài chính", Cell.DIRECT, 631, 632, True),
        ("so-nganh", Cell.DIRECT, 57_386, 57_387, True)]
    note = published_note(sheet, replayed=True)
    assert note is not None and note.replayed and len(note.explanations) == 1
    assert "tại quầy" in note.explanations[0]


def test_layout_b_compares_the_published_columns_only(db_session):
    compared, differences = published_differences(_replayed_sheet(LAYOUT_B))
    # Early, on the due day and overdue (not split by intake) are not in Appendix 1.
    shared = [c for c in LAYOUT_B.cells if c in published.COLUMNS.values()]
    assert compared == len(shared) * 20
    assert {d.cell for d in differences} == {Cell.DIRECT}


def test_a_database_without_the_replay_has_nothing_to_compare(db_session):
    # Issue 12: no replayed 2019 here (``replay.run.already_replayed``): no list of
    # "differences" that would only say the year's dossiers are missing.
    note = published_note(_replayed_sheet())
    assert note is not None and not note.replayed
    assert note.compared == 0 and note.differences == [] and note.explanations == []
