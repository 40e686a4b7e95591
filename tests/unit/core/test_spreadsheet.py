"""core.spreadsheet: user text written to CSV and XLSX stays text (issue 10, item 7)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from portal.core.spreadsheet import csv_cell, csv_row, csv_unguard, put, write_only_cell
from portal.workflow import tracking_book as book

DANGEROUS = ['=HYPERLINK("http://evil.example","Bấm vào đây")', "+1+1", "-2+3", "@SUM(A1)",
             "\t=1+1", "\r=1+1"]
HARMLESS = ["Nguyễn Văn A", "0905 111 222", "", "1-2", "a=b"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_prefixes_what_a_spreadsheet_would_run(text):
    assert csv_cell(text) == "'" + text
    assert csv_unguard(csv_cell(text)) == text


@pytest.mark.parametrize("text", [*HARMLESS, "'quoted", "''twice"])
def test_csv_round_trip_is_exact(text):
    """What the catalog import relies on: unguard(guard(x)) == x for every text, including
    one that starts with an apostrophe of its own."""
    assert csv_unguard(csv_cell(text)) == text
    if not text.startswith("'"):
        assert csv_cell(text) == text


def test_csv_leaves_numbers_dates_and_none_alone():
    assert csv_row([-5, 1.5, None, date(2025, 3, 1), "=1"]) == [-5, 1.5, None,
                                                               date(2025, 3, 1), "'=1"]


def test_csv_file_parses_back_with_the_apostrophe():
    out = io.StringIO()
    csv.writer(out).writerows([csv_row(DANGEROUS)])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        "'" + text for text in DANGEROUS]


def _reload(workbook: Workbook):
    out = io.BytesIO()
    workbook.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


def test_write_only_cells_are_text_with_quote_prefix():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    bold = Font(bold=True)
    sheet.append([write_only_cell(sheet, text) for text in DANGEROUS + HARMLESS[:2]]
                 + [write_only_cell(sheet, 7), write_only_cell(sheet, "=tiêu đề", font=bold)])
    cells = list(_reload(workbook).iter_rows())[0]
    for cell, text in zip(cells, DANGEROUS, strict=False):
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == text.replace("\r", "\n")  # XML reads a bare CR as LF
    assert [c.quotePrefix for c in cells[6:8]] == [False, False]
    assert cells[8].value == 7 and cells[8].data_type == "n"
    assert cells[9].value == "=tiêu đề" and cells[9].data_type == "s" and cells[9].font.b


def test_put_on_an_ordinary_sheet():
    workbook = Workbook()
    for column, value in enumerate([*DANGEROUS, "Sở Tư pháp", 12], start=1):
        put(workbook.active, 1, column, value)
    cells = list(_reload(workbook).iter_rows())[0]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:6])
    assert cells[6].value == "Sở Tư pháp" and not cells[6].quotePrefix
    assert cells[7].value == 12


def test_characters_xml_cannot_hold_are_dropped_not_a_crash():
    workbook = Workbook()
    cell = put(workbook.active, 1, 1, "Nguyễn\x01 Văn\x0b A\x1f")
    assert cell.value == "Nguyễn Văn A"


def test_tracking_book_writer_with_a_pasted_control_character():
    """An applicant name with a control character (pasted from another program) used to
    make openpyxl refuse the whole book."""
    line = book.BookLine(
        number=1, dossier_id=1, code="000.00.01.H48-250312-0001", content="=1+1", sets=1,
        owner_name="=HYPERLINK(\"http://evil.example\")\x02", owner_address="@x",
        owner_phone="+84", received_at=datetime(2025, 3, 12, 2, 0), officer="-cb",
        appointment_at=None, handovers=0, last_handover="", result_at=None, returned_at=None,
        returned_to="\t=1", notes="Đã tiếp nhận")
    out = io.BytesIO()
    assert book.write_xlsx([line], SimpleNamespace(name="=Sở"), book.Period(), out) == 1
    rows = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    values = {cell.value: cell for row in rows for cell in row if isinstance(cell.value, str)}
    for text in ("=Sở", "=1+1", '=HYPERLINK("http://evil.example")', "@x", "+84", "-cb",
                 "\t=1"):
        assert values[text].data_type == "s" and values[text].quotePrefix, text
