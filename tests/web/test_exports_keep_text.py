"""No export runs what a user typed (issue 10, item 7).

A dossier whose applicant, address, phone, procedure, officer, recipient and agency all
begin with a character a spreadsheet takes as the start of a formula is exported through
every route that writes a spreadsheet: the tracking book (form 06) XLSX, the statistics
table's XLSX and CSV, the catalog's XLSX and CSV. Each text must come out as text: a string
cell (never a formula) in XLSX, a leading apostrophe in CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import factories
import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.core.spreadsheet import FORMULA_START
from portal.extensions import db
from portal.workflow import actions as wf

WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
PERIOD = "tu=2025-03-01&den=2025-03-31"

# What each field holds, after the prefix under test.
TEXTS = {
    "agency": 'HYPERLINK("http://evil.example/sở","Sở Tư pháp")',
    "procedure": "SUM(1+1)*cmd|' /C calc'!A0",
    "applicant": 'HYPERLINK("http://evil.example","Nguyễn Văn A")',
    "address": "1+2 Quang Trung",
    "phone": "0905+1",
    "officer": "Cán bộ+1",
    "recipient": "Người nhận-1",
}


def _spreadsheet_text(text: str) -> str:
    # XML turns a bare CR into LF when the file is read back (XML 1.0 §2.11).
    return text.replace("\r", "\n")


@pytest.fixture(params=["=", "+", "-", "@", "\t", "\r"],
                ids=["equals", "plus", "minus", "at", "tab", "cr"])
def prefix(request) -> str:
    return request.param


@pytest.fixture
def world(app, prefix):
    with app.app_context():
        agency = factories.agency("STP", prefix + TEXTS["agency"])
        version = factories.published_procedure(agency, name=prefix + TEXTS["procedure"])
        counter = factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn")
        counter.full_name = prefix + TEXTS["officer"]
        factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn")
        factories.staff(Role.ADMIN, None, "quantri@example.vn")
        dossier = factories.submitted_dossier(version, now=WED_0900)
        dossier.applicant_name = prefix + TEXTS["applicant"]
        dossier.applicant_address = prefix + TEXTS["address"]
        dossier.applicant_phone = prefix + TEXTS["phone"]
        wf.receive(dossier, wf.Context(counter, WED_0900, current_calendar()))
        dossier.returned_to = prefix + TEXTS["recipient"]
        db.session.commit()
        # As stored: the catalog trims its names, so a leading tab or CR may be gone there.
        stored = {"agency": agency.name, "procedure": version.name,
                  "applicant": dossier.applicant_name, "address": dossier.applicant_address,
                  "phone": dossier.applicant_phone, "officer": counter.full_name,
                  "recipient": dossier.returned_to}
        assert stored["applicant"].startswith(prefix)  # every prefix reaches some export
        return {"agency_id": agency.id, **stored}


def _xlsx_cells(data: bytes) -> dict[str, object]:
    """Every non-empty cell of every sheet: value -> cell; none may be a formula."""
    workbook = load_workbook(io.BytesIO(data))
    cells = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    cells[cell.value] = cell
    return cells


def _assert_text_cells(cells, world, *keys: str) -> None:
    for key in keys:
        value = _spreadsheet_text(world[key])
        assert value in cells, (key, value, sorted(cells))
        assert cells[value].data_type == "s", key
        # Kept as text even when someone edits the cell in Excel.
        assert cells[value].quotePrefix == value.startswith(FORMULA_START + ("\n",)), key


def _assert_csv_text(fields: set[str], text: str) -> None:
    if text.startswith(FORMULA_START):
        assert "'" + text in fields and text not in fields
    else:
        assert text in fields


def _csv_fields(data: bytes) -> set[str]:
    return {field for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            for field in row}


def test_the_tracking_book_xlsx(signed_in, world):
    response = signed_in("motcua@example.vn").get(
        f"/can-bo/so-theo-doi.xlsx?agency={world['agency_id']}&{PERIOD}")
    assert response.status_code == 200
    _assert_text_cells(_xlsx_cells(response.data), world, "agency", "procedure", "applicant",
                       "address", "phone", "officer", "recipient")


def test_the_statistics_xlsx_and_csv(signed_in, world):
    client = signed_in("giamsat@example.vn")
    workbook = client.get(f"/thong-ke/bang.xlsx?{PERIOD}")
    assert workbook.status_code == 200
    _assert_text_cells(_xlsx_cells(workbook.data), world, "agency")
    table = client.get(f"/thong-ke/bang.csv?{PERIOD}")
    assert table.status_code == 200
    _assert_csv_text(_csv_fields(table.data), world["agency"])


def test_the_catalog_xlsx_and_csv(signed_in, world):
    client = signed_in("quantri@example.vn")
    workbook = client.get("/quan-tri/danh-muc/xuat?format=xlsx")
    assert workbook.status_code == 200
    _assert_text_cells(_xlsx_cells(workbook.data), world, "procedure")
    table = client.get("/quan-tri/danh-muc/xuat?format=csv")
    assert table.status_code == 200
    _assert_csv_text(_csv_fields(table.data), world["procedure"])
