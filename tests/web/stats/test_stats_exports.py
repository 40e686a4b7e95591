"""The table's exports: XLSX (opens with openpyxl, the same numbers, the two header rows
merged), CSV (UTF-8 with a byte-order mark, parses), PDF (WeasyPrint) and the printable
page they share, each named after its period."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from stats_helpers import table_rows, values
from werkzeug.http import parse_options_header

Q = "tu=2019-01-01&den=2019-01-31"
JUSTICE_A = [11, 1, 2, 8, 7, 5, 2, 4, 2, 1, 1, 1, 1]
TOTAL_A = [15, 2, 2, 11, 10, 7, 3, 5, 2, 1, 2, 1, 1]


def test_csv_has_a_bom_and_the_tables_numbers(as_, world):
    response = as_("supervisor").get(f"/thong-ke/bang.csv?{Q}")
    assert response.mimetype == "text/csv"
    assert parse_options_header(response.headers["Content-Disposition"]) == (
        "attachment", {"filename": "thong-ke-tat-ca-mau-A-20190101-20190131.csv"})
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Nhóm", "STT", "Cơ quan"] and len(rows[0]) == 3 + 13
    by_name = {row[2]: [int(v) for v in row[3:]] for row in rows[1:]}
    assert by_name["Sở Tư pháp"] == JUSTICE_A
    assert by_name["Tổng cộng"] == TOTAL_A
    assert by_name["Cộng Các sở, ban, ngành"] == [13, 2, 2, 9, 9, 6, 3, 4, 2, 1, 1, 1, 1]


def test_xlsx_opens_and_has_the_same_numbers_as_the_page(as_, world):
    client = as_("supervisor")
    for layout in ("A", "B"):
        page = table_rows(client.get(f"/thong-ke/?{Q}&mau={layout}").get_data(as_text=True))
        response = client.get(f"/thong-ke/bang.xlsx?{Q}&mau={layout}")
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert f"thong-ke-tat-ca-mau-{layout}-20190101-20190131.xlsx" in response.headers[
            "Content-Disposition"]
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = {row[1]: list(row[2:]) for row in sheet.iter_rows(values_only=True)
                if row[1] is not None}
        for name in ("Sở Tư pháp", "Sở Tài chính", "Văn phòng UBND tỉnh", "Cộng I",
                     "Tổng cộng"):
            assert rows[name] == values(page[name]), (layout, name)
        assert sheet["A1"].value == "Trung tâm Phục vụ hành chính công tỉnh Quảng Ngãi"
        assert any("01/01/2019" in str(c.value) for c in sheet["A"] if c.value)
        assert len(sheet.merged_cells.ranges) > 6  # the header rows' groups


def test_pdf_and_the_printable_page(as_, world):
    client = as_("supervisor")
    pdf = client.get(f"/thong-ke/bang.pdf?{Q}&mau=B")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "thong-ke-tat-ca-mau-B-20190101-20190131.pdf" in pdf.headers["Content-Disposition"]
    printable = client.get(f"/thong-ke/ban-in?{Q}").get_data(as_text=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printable
    assert "TRUNG TÂM PHỤC VỤ" in printable
    assert "Kỳ báo cáo: từ ngày 01/01/2019 đến ngày 31/01/2019" in printable
    rows = table_rows(printable)
    assert values(rows["Sở Tư pháp"]) == JUSTICE_A and values(rows["Tổng cộng"]) == TOTAL_A
    table = printable.split("<table class=\"grid", 1)[1]
    assert "<a " not in table  # no links on paper
    assert 'href="/thong-ke/bang.pdf?' in printable


def test_a_leaders_report_is_headed_by_their_agency(as_, world):
    printable = as_("leader").get(f"/thong-ke/ban-in?{Q}").get_data(as_text=True)
    assert "SỞ TƯ PHÁP" in printable and "TRUNG TÂM PHỤC VỤ" not in printable
    workbook = load_workbook(io.BytesIO(as_("leader").get(f"/thong-ke/bang.xlsx?{Q}").data))
    assert workbook.active["A1"].value == "Sở Tư pháp"


def test_xlsx_prints_on_a4_landscape_fit_to_width_with_the_header_rows_repeated(as_, world):
    response = as_("supervisor").get(f"/thong-ke/bang.xlsx?{Q}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    # The two header rows ("STT" / "Cơ quan" span both) repeat on every printed page.
    header = next(c.row for c in sheet["A"] if c.value == "STT")
    assert sheet.print_title_rows == f"${header}:${header + 1}"
    assert sheet.cell(header + 1, 3).value  # the second header row (cell labels)
