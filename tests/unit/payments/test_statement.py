"""Bank statement import (portal/payments/statement.py): CSV and XLSX in the documented
layout, every bad line named in Vietnamese and nothing imported then, and the matching of
transfer notes to the codes due — exact, short, excess, duplicate, unknown."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from portal.payments import statement
from portal.payments.statement import LineKind, StatementError, StatementLine

CODE = "000.00.17.H48-261207-0001"
OTHER = "000.00.17.H48-261207-0002"
PAID = "000.00.03.H48-261130-0007"

CSV = """Ngày;Số tiền;Nội dung;Mã giao dịch
07/12/2026;1.500.000;MBVCB.1234 HS 0000017H482612070001 NGUYEN VAN A;FT26341000001
07/12/2026;200000;Chuyen tien;FT26341000002

08/12/2026 09:15:00;"1.500.000,00";ck hs 000.00.17.h48 261207 0002;FT26342000003
"""


def test_csv_with_semicolons_a_header_and_a_blank_line():
    lines = statement.parse(CSV.encode(), "saoke.csv")
    assert lines == [
        StatementLine(2, date(2026, 12, 7), 1_500_000,
                      "MBVCB.1234 HS 0000017H482612070001 NGUYEN VAN A", "FT26341000001"),
        StatementLine(3, date(2026, 12, 7), 200_000, "Chuyen tien", "FT26341000002"),
        StatementLine(5, date(2026, 12, 8), 1_500_000, "ck hs 000.00.17.h48 261207 0002",
                      "FT26342000003"),
    ]


def test_a_first_line_mentioning_a_date_is_still_a_line():
    lines = statement.parse("07/12/2026;1.000;Nộp phí ngày 07/12;FT1\n".encode(), "s.csv")
    assert [x.reference for x in lines] == ["FT1"]


def test_csv_with_a_bom_commas_and_no_header():
    data = ("\ufeff2026-12-07,\"1,500,000\",Lệ phí hồ sơ 000.00.17.H48-261207-0001,FT1\n"
            "07-12-2026,1500000,,FT2\n").encode()
    lines = statement.parse(data, "SAOKE.CSV")
    assert [(x.line_no, x.booked_on, x.amount_vnd, x.reference) for x in lines] == [
        (1, date(2026, 12, 7), 1_500_000, "FT1"), (2, date(2026, 12, 7), 1_500_000, "FT2")]
    assert lines[0].description == "Lệ phí hồ sơ 000.00.17.H48-261207-0001"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_date_and_number_cells():
    data = _xlsx([["Ngày", "Số tiền", "Nội dung", "Mã giao dịch"],
                  [datetime(2026, 12, 7, 10, 30), 1500000, f"HS {CODE}", "FT1"],
                  ["08/12/2026", "750.000", "HS 0000017H482612070002", 123456]])
    lines = statement.parse(data, "saoke.xlsx")
    assert [(x.line_no, x.booked_on, x.amount_vnd, x.reference) for x in lines] == [
        (2, date(2026, 12, 7), 1_500_000, "FT1"), (3, date(2026, 12, 8), 750_000, "123456")]


def test_every_bad_line_is_named_and_nothing_is_imported():
    data = ("Ngày;Số tiền;Nội dung;Mã giao dịch\n"
            "07/12/2026;1.500.000;HS 1;FT1\n"
            "31/02/2026;1.500.000;HS 2;FT2\n"
            "07/12/2026;-50.000;HS 3;FT3\n"
            "07/12/2026;1.500.000;HS 4\n"
            "07/12/2026;1.5;HS 5;\n").encode()
    with pytest.raises(StatementError) as refused:
        statement.parse(data, "saoke.csv")
    problems = [(line, str(message)) for line, message in refused.value.problems]
    assert [line for line, _ in problems] == [3, 4, 5, 6, 6]
    assert problems[0][1] == "Ngày không hợp lệ: “31/02/2026” (dd/mm/yyyy)."
    assert problems[1][1].startswith("Số tiền không hợp lệ: “-50.000”")
    assert problems[2][1].startswith("Cần 4 cột (ngày, số tiền, nội dung, mã giao dịch)")
    assert problems[4][1] == "Thiếu mã giao dịch của ngân hàng."


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "saoke.csv", "Tệp không có dòng giao dịch nào."),
    (b"Ngay;So tien;Noi dung;Ma\n", "saoke.csv", "Tệp không có dòng giao dịch nào."),
    ("07/12/2026;1.000;Lệ phí;FT1\n".encode("cp1258", errors="replace"), "saoke.csv",
     "Tệp CSV phải được lưu với bảng mã UTF-8."),
    (b"PK\x03\x04 not really a workbook", "saoke.xlsx", "Tệp XLSX không mở được."),
    (b"%PDF-1.7", "saoke.pdf", "Chỉ nhận sao kê dạng tệp CSV hoặc XLSX."),
])
def test_unreadable_files_are_refused_with_a_reason(data, filename, message):
    with pytest.raises(StatementError) as refused:
        statement.parse(data, filename)
    assert [str(m) for _, m in refused.value.problems] == [message]


@pytest.mark.parametrize(("text", "amount"), [
    ("1.500.000", 1_500_000), ("1500000", 1_500_000), ("1,500,000", 1_500_000),
    ("1 500 000", 1_500_000), ("1.500.000 ₫", 1_500_000), ("1.500.000,00", 1_500_000),
    ("1500000.00", 1_500_000), ("+2.000", 2_000), (1_500_000, 1_500_000), (1.5e6, 1_500_000),
])
def test_amounts_the_vietnamese_way_and_others(text, amount):
    assert statement.parse_amount(text) == amount


@pytest.mark.parametrize("text", ["1.50", "-100", "0", "1.5000", "abc", "", 1.5, "1 5", True])
def test_amounts_that_are_not_whole_positive_dong(text):
    with pytest.raises(ValueError):
        statement.parse_amount(text)


@given(st.integers(1, 10**12))
def test_grouped_amounts_read_back(amount):
    grouped = f"{amount:,}"
    assert statement.parse_amount(grouped.replace(",", ".")) == amount
    assert statement.parse_amount(grouped) == amount
    assert statement.parse_amount(str(amount)) == amount


def _line(n: int, amount: int, description: str, reference: str | None = None):
    return StatementLine(n, date(2026, 12, 7), amount, description, reference or f"FT{n}")


def test_lines_are_classified_against_the_amounts_due():
    expected = {CODE: 1_500_000, OTHER: 500_000}
    lines = [
        _line(1, 1_500_000, "MBVCB.1 hs 0000017h482612070001 nguyen van a"),  # matched
        _line(2, 1_500_000, "HS 000.00.17.H48-261207-0001 lan 2"),  # duplicate (matched above)
        _line(3, 400_000, "000 00 17 H48 261207 0002"),  # short
        _line(4, 600_000, "000.00.17.H48-261207-0002"),  # excess
        _line(5, 90_000, f"phi {PAID}"),  # duplicate (already paid)
        _line(6, 90_000, "chuyen tien an trua"),  # unknown
        _line(7, 2_000_000, f"{CODE} va {OTHER}"),  # unknown: two codes
        _line(8, 1_500_000, "lai", reference="ft1"),  # duplicate: the reference of line 1
        _line(9, 1_500_000, "HS 000.00.17.H48-261207-9999"),  # unknown code
    ]
    result = statement.match(lines, expected, already_paid={PAID})
    assert [(m.line.line_no, m.kind, m.code) for m in result.lines] == [
        (1, LineKind.MATCHED, CODE), (2, LineKind.DUPLICATE, CODE), (3, LineKind.SHORT, OTHER),
        (4, LineKind.EXCESS, OTHER), (5, LineKind.DUPLICATE, PAID), (6, LineKind.UNKNOWN, None),
        (7, LineKind.UNKNOWN, None), (8, LineKind.DUPLICATE, None),
        (9, LineKind.UNKNOWN, None)]
    assert result.lines[2].difference_vnd == -100_000
    assert result.lines[3].difference_vnd == 100_000
    assert [m.line.line_no for m in result.matched] == [1]
    assert len(result.to_resolve) == 8


def test_a_reference_imported_before_is_a_duplicate():
    result = statement.match([_line(1, 1_500_000, CODE, reference="FT9")], {CODE: 1_500_000},
                             seen_references={"ft9"})
    assert result.lines[0].kind is LineKind.DUPLICATE


def test_a_short_transfer_does_not_settle_the_code():
    result = statement.match([_line(1, 1_000, CODE), _line(2, 1_500_000, CODE)],
                             {CODE: 1_500_000})
    assert [m.kind for m in result.lines] == [LineKind.SHORT, LineKind.MATCHED]


def test_the_10000th_code_of_a_day_is_not_the_1000th():
    """From the 10,000th dossier of an agency's day the number has five digits: the 1,000th's
    code is the start of the 10,000th's, which the line names (docs/dossiers.md)."""
    thousandth, ten_thousandth = "000.00.17.H48-261207-1000", "000.00.17.H48-261207-10000"
    expected = {thousandth: 50_000, ten_thousandth: 70_000}
    result = statement.match([_line(1, 70_000, f"hs {ten_thousandth} nop phi"),
                              _line(2, 50_000, f"HS {thousandth.replace('-', ' ')}")], expected)
    assert [(m.kind, m.code) for m in result.lines] == [(LineKind.MATCHED, ten_thousandth),
                                                       (LineKind.MATCHED, thousandth)]


def _mangle(code: str, data) -> str:
    """The code as a bank may pass it on: case changed, dots/dashes dropped or spaced."""
    out = []
    for ch in code:
        if ch in ".-":
            out.append(data.draw(st.sampled_from(["", " ", ch, "  "])))
        else:
            out.append(ch.lower() if data.draw(st.booleans()) else ch)
    return "".join(out)


@given(st.data(), st.text(alphabet="ABCXYZ abcxyz:/", max_size=12),
       st.text(alphabet="ABCXYZ abcxyz:/", max_size=12))
def test_the_code_is_found_however_the_bank_mangles_it(data, before, after):
    description = before + " " + _mangle(CODE, data) + " " + after
    result = statement.match([_line(1, 1_500_000, description)],
                             {CODE: 1_500_000, OTHER: 1_500_000})
    assert (result.lines[0].kind, result.lines[0].code) == (LineKind.MATCHED, CODE)


@given(st.lists(st.tuples(st.sampled_from([CODE, OTHER, PAID, "none"]),
                          st.sampled_from([1_000, 1_500_000, 2_000_000]),
                          st.sampled_from(["FT1", "FT2", "FT3", "FT4", "FT5"])), max_size=12))
def test_no_code_is_ever_matched_twice_nor_a_reference_counted_twice(rows):
    lines = [_line(n, amount, f"HS {code}", ref) for n, (code, amount, ref) in enumerate(rows)]
    result = statement.match(lines, {CODE: 1_500_000, OTHER: 2_000_000}, already_paid={PAID})
    matched = [m.code for m in result.matched]
    assert len(matched) == len(set(matched)) and PAID not in matched
    counted = [m.line.reference for m in result.lines if m.kind is not LineKind.DUPLICATE]
    assert len(counted) == len(set(counted))
    assert len(result.lines) == len(lines)
