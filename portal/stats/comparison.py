"""The published figures beside ours (issue #5): when the statistics table covers exactly the
report year 2019 (15/12/2018–14/12/2019), the page compares it, number by number, with
Appendix 1 of report 62/BC-HCC (``published``) and says where they differ and why.

The published table has one row that does not add up (Sở Tài chính: total 632, but
online + carried over + direct = 631). A system that counts dossiers cannot show both; the
portal's 632nd dossier was received at the counter, so "direct" reads 632 and group I's
direct total 57,387 — ``published.KNOWN_DIFFERENCES`` says so, and the note repeats it."""

from __future__ import annotations

from dataclasses import dataclass

from portal.replay.run import already_replayed
from portal.stats import published
from portal.stats.figures import Cell, agencies
from portal.stats.sheet import Sheet

GROUP_NUMBERS = {"so-nganh": "I", "dat-dai": "II"}  # our sections → the report's groups


@dataclass(frozen=True)
class Difference:
    row: str  # our agency's name, or the group's label for its total
    cell: Cell
    published: int
    computed: int
    known: bool  # one of published.KNOWN_DIFFERENCES


@dataclass(frozen=True)
class Note:
    source: str
    compared: int  # numbers compared
    differences: list[Difference]
    explanations: list[str]  # the known differences' notes, once each
    # False on a database where the year was never replayed (``flask demo replay-2019``):
    # nothing to compare, and a list of every published number "differing" would blame
    # the portal for the absence of data.
    replayed: bool = True


def published_differences(sheet: Sheet) -> tuple[int, list[Difference]]:
    """(numbers compared, those that differ) between ``sheet`` and the published table: each
    agency row that names a published agency, and a group's total when the sheet shows
    the whole group. Only the cells Appendix 1 has (layout B's early / on the due day /
    overdue are not published)."""
    table_rows = published.published_rows()
    everyone = agencies()
    keys = {}
    for row in published.rows():
        if row.is_total:
            continue
        try:
            keys[published.agency_for(row.name, row.group, everyone).id] = row.key
        except LookupError:
            continue  # not an agency of this portal: nothing to compare it with
    known = {(k.key, k.cell) for k in published.KNOWN_DIFFERENCES}
    cells = [c for c in sheet.layout.cells if c in published.COLUMNS.values()]
    compared, found = 0, []

    def compare(label: str, key, counts) -> None:
        nonlocal compared
        for cell in cells:
            compared += 1
            if counts[cell] != table_rows[key][cell]:
                found.append(Difference(label, cell, table_rows[key][cell], counts[cell],
                                        (key, cell) in known))

    for section in sheet.sections:
        group = GROUP_NUMBERS.get(section.key)
        if group is None:
            continue
        for row in section.rows:
            if row.agency.id in keys:
                compare(row.agency.name, keys[row.agency.id], row)
        whole = {k for k in keys.values() if k[0] == group}
        if {keys.get(r.agency.id) for r in section.rows} >= whole and whole:
            total = section.subtotal if section.subtotal is not None else sheet.total
            compare(section.label, (group, "total"), total)
    return compared, found


def published_note(sheet: Sheet, replayed: bool | None = None) -> Note | None:
    """The comparison for a table of exactly the report year 2019, else None. ``replayed``:
    whether the year's dossiers are here (default: asks ``replay.run.already_replayed``)."""
    if sheet.period != published.PERIOD or not any(
            s.key in GROUP_NUMBERS for s in sheet.sections):
        return None
    if replayed is None:
        replayed = already_replayed()
    if not replayed:
        return Note(published.SOURCE, 0, [], [], replayed=False)
    compared, differences = published_differences(sheet)
    explanations = list(dict.fromkeys(k.note for k in published.KNOWN_DIFFERENCES))
    return Note(published.SOURCE, compared, differences, explanations)
