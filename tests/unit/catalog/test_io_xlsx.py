"""Catalog import of crafted XLSX files (issue 10, item 15): memory and work follow the table,
not what the file claims. A 45 KB workbook with one cell at XFD1048576, or thousands of empty
formatted rows, used to cost +321 MiB and 9 s; now it is imported (or refused with a
Vietnamese message) with its peak memory, measured by tracemalloc, well under 50 MiB.

The workbooks are the portal's own export, edited at the XML level as a hand-made or hostile
file would be."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import factories
import pytest
from sqlalchemy import func, select

from portal.catalog import io_export, io_import, io_xlsx
from portal.catalog.io_format import COLUMNS, MAX_ERRORS
from portal.catalog.models import Procedure
from portal.extensions import db

SHEET = "xl/worksheets/sheet1.xml"
PEAK_LIMIT = 50 * 1024 * 1024


def _catalog() -> tuple[bytes, set[str]]:
    """The export of a small published catalog, and its procedure codes (then deleted, so
    that an import creates them again)."""
    agency = factories.agency("STP", "Sở Tư pháp")
    codes = {"2.000488", "1.000010"}
    for code in codes:
        factories.published_procedure(agency, code=code)
    db.session.commit()
    out = io.BytesIO()
    io_export.write_catalog(out, "xlsx", False)
    return out.getvalue(), codes


def _edit(workbook: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML changed, everything else as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item.filename, data)
    return out.getvalue()


def _declare(xml: str, ref: str) -> str:
    """The sheet claims the size ``ref`` (a <dimension>, where the schema puts it)."""
    xml = re.sub(r"<dimension [^>]*/>", "", xml)
    return xml.replace("<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>', 1)


def _after_table(xml: str, rows: str) -> str:
    return xml.replace("</sheetData>", rows + "</sheetData>")


def _last_row(xml: str) -> int:
    return max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))


def _measured(content: bytes, **options):
    """Import ``content``; (report or the ImportFileError, peak bytes while importing)."""
    tracemalloc.start()
    try:
        try:
            outcome = io_import.import_catalog(io.BytesIO(content), "xlsx", **options)
        except io_import.ImportFileError as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _drop_procedures() -> None:
    from portal.catalog.models import (
        ProcedureDocument,
        ProcedureFee,
        ProcedureStep,
        ProcedureVersion,
    )

    db.session.execute(Procedure.__table__.update().values(published_version_id=None))
    for model in (ProcedureDocument, ProcedureFee, ProcedureStep, ProcedureVersion, Procedure):
        db.session.execute(model.__table__.delete())
    db.session.commit()


def test_one_cell_at_xfd1048576_is_ignored_and_the_table_imported(db_session):
    workbook, codes = _catalog()
    _drop_procedures()
    crafted = _edit(workbook, SHEET, lambda xml: _declare(_after_table(
        xml, '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    ), "A1:XFD1048576"))
    assert len(crafted) < 45 * 1024
    report, peak = _measured(crafted, publish=True)
    assert report.errors == [] and set(report.created) == codes
    assert peak < PEAK_LIMIT
    db.session.rollback()


def test_thousands_of_empty_formatted_rows_end_the_table(db_session):
    workbook, codes = _catalog()
    _drop_procedures()

    def formatted(xml: str) -> str:
        start = _last_row(xml) + 1
        # Formatted from column A to BZ, as when a whole block is given borders.
        rows = "".join(f'<row r="{n}" s="1" customFormat="1" ht="20" customHeight="1">'
                       f'<c r="A{n}" s="1"/><c r="BZ{n}" s="1"/></row>'
                       for n in range(start, start + 90_000))
        return _after_table(xml, rows)

    crafted = _edit(workbook, SHEET, formatted)
    report, peak = _measured(crafted)
    assert report.errors == [] and set(report.created) == codes
    assert peak < PEAK_LIMIT
    db.session.rollback()


def test_a_row_with_more_cells_than_a_sheet_allows_is_refused(db_session):
    workbook, _codes = _catalog()
    cells = "".join('<c s="1"/>' for _ in range(200_000))  # one row, no coordinates
    crafted = _edit(workbook, SHEET, lambda xml: _after_table(xml, f"<row>{cells}</row>"))
    error, peak = _measured(crafted)
    assert isinstance(error, io_import.ImportFileError)
    assert "Một dòng của trang tính có hơn 1.024 ô" in str(error)
    assert "28 cột A–AB" in str(error)
    assert peak < PEAK_LIMIT


def test_too_many_rows_are_refused(db_session):
    workbook, _codes = _catalog()
    rows = '<row s="1" customFormat="1"/>' * (io_xlsx.MAX_RECORDS + 1)
    crafted = _edit(workbook, SHEET, lambda xml: _after_table(xml, rows))
    error, peak = _measured(crafted)
    assert isinstance(error, io_import.ImportFileError)
    assert "Trang tính có hơn 100.000 dòng" in str(error)
    assert peak < PEAK_LIMIT


def test_a_styles_part_beyond_the_bounds_is_refused(db_session):
    """openpyxl builds the styles part whole: thousands of formats are refused unread."""
    workbook, _codes = _catalog()
    crafted = _edit(workbook, "xl/styles.xml", lambda xml: xml.replace(
        "</styleSheet>",
        "<extLst>" + ("<ext>" + "<x/>" * 1000 + "</ext>") * 30 + "</extLst></styleSheet>"))
    error, peak = _measured(crafted)
    assert isinstance(error, io_import.ImportFileError)
    assert "Phần “xl/styles.xml” của tệp quá lớn" in str(error)
    assert peak < PEAK_LIMIT


def test_cells_right_of_the_table_are_not_read(db_session):
    workbook, codes = _catalog()
    _drop_procedures()
    # A note typed in column Y of the first data row: outside the format, never read.
    crafted = _edit(workbook, SHEET, lambda xml: xml.replace(
        '<row r="2">', '<row r="2"><c r="Y2" t="inlineStr"><is><t>ghi chú</t></is></c>', 1))
    report, _peak = _measured(crafted)
    assert report.errors == [] and set(report.created) == codes
    db.session.rollback()


def test_blank_rows_inside_the_table_keep_line_numbers_and_a_long_run_ends_it(db_session):
    workbook, codes = _catalog()
    _drop_procedures()

    def gaps(xml: str) -> str:
        # Rows 2.. move down by 3: three blank rows after the header.
        xml = re.sub(r'r="([A-Z]*)(\d+)"', lambda m: f'r="{m[1]}{int(m[2]) + 3 * (m[2] != "1")}"',
                     xml)
        last = _last_row(xml)
        stray = last + io_xlsx.BLANK_ROWS_END + 1  # after the end of the table: not read
        return _after_table(xml, f'<row r="{stray}"><c r="A{stray}" t="inlineStr"><is><t>'
                                 f'không phải dòng của bảng</t></is></c></row>')

    crafted = _edit(workbook, SHEET, gaps)
    report, _peak = _measured(crafted)
    assert report.errors == [] and set(report.created) == codes
    db.session.rollback()
    broken = _edit(crafted, SHEET, lambda xml: xml.replace(">toan_trinh<", ">muc4<", 1))
    report, _peak = _measured(broken)
    assert [(e.line, e.column) for e in report.errors] == [(5, "muc_do")]  # as Excel shows it
    assert db.session.scalar(select(func.count()).select_from(Procedure)) == 0


def test_errors_stop_at_a_bound(db_session):
    """A file wrong on every line (here: procedure cells on fee rows) stops being checked at
    MAX_ERRORS errors instead of listing millions of them."""
    header = ",".join(COLUMNS) + "\n"
    rows = "phi,X,,,,co,co,1,ngay\n" * (3 * MAX_ERRORS)
    report = io_import.import_catalog(io.BytesIO((header + rows).encode()), "csv")
    assert len(report.errors) == MAX_ERRORS
    assert "đã dừng kiểm tra ở dòng này" in report.errors[-1].message


@pytest.mark.parametrize("size", [1, io_xlsx.BLANK_ROWS_END - 1])
def test_a_short_blank_run_does_not_end_the_table(db_session, size):
    workbook, codes = _catalog()
    _drop_procedures()

    def gap(xml: str) -> str:
        # Every row after the third moves down by ``size``.
        return re.sub(r'r="([A-Z]*)(\d+)"',
                      lambda m: f'r="{m[1]}{int(m[2]) + size * (int(m[2]) > 3)}"', xml)

    report, _peak = _measured(_edit(workbook, SHEET, gap))
    assert report.errors == [] and set(report.created) == codes
    db.session.rollback()
