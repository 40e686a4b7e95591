"""The catalog exchange format: rows ↔ ProcedureData, and every error located by line and column.
Pure: no database, no files."""

import csv
import io
from datetime import time
from pathlib import Path

import pytest

from portal.catalog.io_format import (
    COLUMNS,
    REQUIRED_COLUMNS,
    RowError,
    parse_table,
    rows_of,
    token,
)
from portal.catalog.models import ApplicantType, DocumentForm, OnlineLevel, StepRole, TimeUnit
from portal.catalog.operations import DocumentData, FeeData, ProcedureData, StepData

PROCEDURE = {"loai": "thu_tuc", "ma_thu_tuc": "1.004583", "ma_co_quan": "VPDK",
             "ma_linh_vuc": "DD", "ten": "Đăng ký thế chấp quyền sử dụng đất",
             "muc_do": "toan_trinh", "doi_tuong": "ca_hai", "thoi_han": "0",
             "don_vi_thoi_han": "trong_ngay", "gio_chot": "15:00"}
DOCUMENT = {"loai": "giay_to", "ma_thu_tuc": "1.004583", "ten": "Phiếu yêu cầu đăng ký",
            "hinh_thuc": "ban_chinh", "so_luong": "1", "bat_buoc": "co", "mau_don": "Mẫu 01/ĐK"}
FEE = {"loai": "phi", "ma_thu_tuc": "1.004583", "ten": "Lệ phí đăng ký", "muc_thu": "80.000"}
STEP = {"loai": "buoc", "ma_thu_tuc": "1.004583", "ten": "Tiếp nhận", "vai_tro": "mot_cua",
        "so_gio": "1"}


def table(*rows: dict) -> list[list[str]]:
    return [list(COLUMNS)] + [[row.get(column, "") for column in COLUMNS] for row in rows]


def messages(rows) -> list[str]:
    return [str(error) for error in parse_table(rows).errors]


def sample() -> ProcedureData:
    return ProcedureData(
        code="2.000488", agency_code="STP", field_code="LLTP",
        name="Cấp Phiếu lý lịch tư pháp cho công dân", online_level=OnlineLevel.PARTIAL,
        applicant=ApplicantType.CITIZEN, time_amount=10, time_unit=TimeUnit.DAYS,
        cutoff=None, inter_agency=True, on_the_spot=False, result="Phiếu lý lịch tư pháp",
        legal_basis="Luật Lý lịch tư pháp 2009;\nThông tư 244/2016/TT-BTC",
        description="- Bước 1: nộp hồ sơ\n- Bước 2: nhận kết quả", change_note="Sửa phí",
        documents=[DocumentData("Tờ khai", DocumentForm.ORIGINAL, 1, True, "Mẫu 03/2013"),
                   DocumentData("CCCD", DocumentForm.CERTIFIED_COPY, 2, False, "")],
        fees=[FeeData("Phí cung cấp thông tin", 200000, "Miễn cho người có công"),
              FeeData("Phí sinh viên", 0, "")],
        steps=[StepData("Tiếp nhận", StepRole.COUNTER, 4),
               StepData("Trình ký", StepRole.COMMITTEE, 8)])


def test_rows_of_then_parse_gives_back_the_same_procedure():
    data = sample()
    rows = list(rows_of(data))
    assert [r[0] for r in rows] == ["thu_tuc", "giay_to", "giay_to", "phi", "phi", "buoc", "buoc"]
    assert all(len(r) == len(COLUMNS) and r[1] == "2.000488" for r in rows)
    parsed = parse_table([list(COLUMNS)] + [[str(v) for v in r] for r in rows])
    assert parsed.errors == []
    assert [p.line for p in parsed.procedures] == [2]
    assert parsed.procedures[0].data == data


def test_a_valid_table_with_two_procedures_and_blank_lines():
    second = dict(PROCEDURE, ma_thu_tuc="1.000001", ten="Thủ tục thứ hai", thoi_han="5",
                  don_vi_thoi_han="ngay", gio_chot="", lien_thong="co")
    rows = table(PROCEDURE, DOCUMENT, {}, FEE, STEP, second,
                 dict(DOCUMENT, ma_thu_tuc="1.000001"))
    parsed = parse_table(rows)
    assert parsed.errors == []
    first, other = (p.data for p in parsed.procedures)
    assert [p.line for p in parsed.procedures] == [2, 7]
    assert first.cutoff == time(15, 0) and first.time_unit is TimeUnit.SAME_DAY
    assert first.fees == [FeeData("Lệ phí đăng ký", 80000, "")]
    assert first.steps == [StepData("Tiếp nhận", StepRole.COUNTER, 1)]
    assert first.inter_agency is False and other.inter_agency is True
    assert other.time_amount == 5 and other.cutoff is None and other.fees == []


@pytest.mark.parametrize("text, amount", [("1.500.000", 1500000), ("1500000", 1500000),
                                          ("0", 0), ("80.000", 80000)])
def test_fee_amounts_accept_plain_and_vietnamese_grouped_numbers(text, amount):
    parsed = parse_table(table(PROCEDURE, DOCUMENT, dict(FEE, muc_thu=text)))
    assert parsed.procedures[0].data.fees[0].amount == amount


@pytest.mark.parametrize("text", ["1,5", "1.5", "-100", "1.50.000", "abc", "", "9999999999"])
def test_bad_fee_amounts_are_refused(text):
    assert messages(table(PROCEDURE, DOCUMENT, dict(FEE, muc_thu=text)))[0].startswith(
        "Dòng 4, cột muc_thu: ")


def test_codes_compare_without_case_or_accents():
    assert token("Toàn trình") == "toan_trinh" and token("  Có ") == "co"
    row = dict(PROCEDURE, muc_do="Một phần", doi_tuong="DOANH_NGHIEP", lien_thong="Có")
    data = parse_table(table(row, dict(DOCUMENT, hinh_thuc="Bản sao chứng thực"))
                       ).procedures[0].data
    assert data.online_level is OnlineLevel.PARTIAL and data.applicant is ApplicantType.BUSINESS
    assert data.inter_agency is True
    assert data.documents[0].form is DocumentForm.CERTIFIED_COPY


def test_cell_errors_name_the_line_and_column_as_excel_shows_them():
    rows = table(PROCEDURE, DOCUMENT,
                 dict(PROCEDURE, ma_thu_tuc="1.000002", muc_do="muc4", thoi_han="ba",
                      gio_chot="25:00", lien_thong="maybe"),
                 dict(DOCUMENT, ma_thu_tuc="1.000002", so_luong="0", hinh_thuc="ban_goc"),
                 dict(STEP, ma_thu_tuc="1.000002", vai_tro="", so_gio="-1"))
    assert messages(rows) == [
        "Dòng 4, cột muc_do: giá trị “muc4” không hợp lệ; dùng toan_trinh, mot_phan hoặc "
        "truc_tiep",
        "Dòng 4, cột thoi_han: giá trị “ba” không hợp lệ; cần một số nguyên từ 0 trở lên",
        "Dòng 4, cột gio_chot: giá trị “25:00” không hợp lệ; ghi giờ dạng HH:MM, ví dụ 15:00",
        "Dòng 4, cột lien_thong: giá trị “maybe” không hợp lệ; dùng co hoặc khong",
        "Dòng 5, cột hinh_thuc: giá trị “ban_goc” không hợp lệ; dùng ban_chinh, ban_sao hoặc "
        "ban_sao_chung_thuc",
        "Dòng 5, cột so_luong: giá trị “0” không hợp lệ; cần một số nguyên từ 1 trở lên",
        "Dòng 6, cột vai_tro: không được để trống; dùng mot_cua, chuyen_vien, lanh_dao, "
        "buu_dien hoặc ubnd_tinh",
        "Dòng 6, cột so_gio: giá trị “-1” không hợp lệ; cần một số nguyên từ 0 trở lên",
    ]
    assert [p.line for p in parse_table(rows).procedures] == [2]  # only the good one


def test_cross_row_rules():
    rows = table(
        DOCUMENT,  # 2: before any procedure
        PROCEDURE,  # 3
        dict(FEE, ma_thu_tuc="1.999999"),  # 4: another procedure's code
        dict(STEP, ma_thu_tuc=""),  # 5: no code
        dict(PROCEDURE, ten="Trùng mã"),  # 6: duplicate code
        DOCUMENT,  # 7
        {"loai": "ghi_chu", "ten": "?"},  # 8: unknown record type
        dict(FEE, muc_do="toan_trinh"),  # 9: a column a fee does not use
    )
    assert messages(rows) == [
        "Dòng 2, cột loai: dòng giay_to phải đứng sau dòng thu_tuc của thủ tục đó",
        "Dòng 4, cột ma_thu_tuc: mã “1.999999” khác mã “1.004583” của dòng thu_tuc đứng trước",
        "Dòng 5, cột ma_thu_tuc: không được để trống; ghi mã của thủ tục đứng trước",
        "Dòng 6, cột ma_thu_tuc: mã thủ tục “1.004583” đã có ở dòng 3",
        "Dòng 8, cột loai: giá trị “ghi_chu” không hợp lệ; dùng thu_tuc, giay_to, phi, buoc, "
        "lien_thong hoặc mien_phi",
        "Dòng 9, cột muc_do: cột này không dùng cho dòng loại phi; hãy để trống",
    ]


def test_procedure_rules_are_reported_on_the_procedure_line():
    rows = table(PROCEDURE, FEE,  # no document
                 dict(PROCEDURE, ma_thu_tuc="1.000003", thoi_han="2"),
                 dict(DOCUMENT, ma_thu_tuc="1.000003"))
    assert messages(rows) == [
        "Dòng 2: Thủ tục phải có ít nhất một thành phần hồ sơ.",
        "Dòng 4: Thủ tục giải quyết trong ngày phải có thời hạn bằng 0.",
    ]


def test_required_cells_lengths_and_control_characters():
    rows = table(dict(PROCEDURE, ten="", ma_co_quan="X" * 17, ket_qua="bell\x07"), DOCUMENT)
    assert messages(rows) == [
        "Dòng 2, cột ket_qua: chứa ký tự điều khiển không in được; hãy xóa ký tự đó",
        "Dòng 2, cột ma_co_quan: dài 17 ký tự, tối đa 16 ký tự",
        "Dòng 2, cột ten: không được để trống",
    ]


def test_header_must_hold_exactly_the_format_columns():
    rows = table(PROCEDURE, DOCUMENT)
    rows[0] = [c for c in rows[0] if c != "so_gio"] + ["cot_la", "ten"]
    assert messages(rows) == [
        "Dòng 1, cột cot_la: cột không có trong định dạng danh mục",
        "Dòng 1, cột ten: cột bị lặp lại",
        "Dòng 1, cột so_gio: thiếu cột này ở dòng tiêu đề",
    ]
    assert messages([]) == ["Dòng 1: tệp không có dòng tiêu đề; hãy xuất một tệp mẫu từ cổng "
                            "rồi điền vào đó"]


def test_columns_may_come_in_any_order_and_short_rows_are_padded():
    header = list(reversed(COLUMNS))
    rows = [header] + [[row.get(c, "") for c in header] for row in (PROCEDURE, DOCUMENT)]
    parsed = parse_table(rows)
    assert parsed.errors == [] and parsed.procedures[0].data.code == "1.004583"
    rows = table(PROCEDURE, DOCUMENT)
    rows[2] = rows[2][:COLUMNS.index("mau_don") + 1]  # a CSV writer may drop empty tail cells
    assert parse_table(rows).procedures[0].data.documents[0].template_label == "Mẫu 01/ĐK"


def test_row_error_text():
    assert str(RowError(17, "muc_do", "x")) == "Dòng 17, cột muc_do: x"
    assert str(RowError(3, "", "y")) == "Dòng 3: y"


def test_the_documented_example_is_a_valid_file():
    text = (Path(__file__).parents[3] / "docs" / "catalog-format.md").read_text("utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    rows = list(csv.reader(io.StringIO(example, newline="")))
    # Written before the payment columns (issue 14), which are optional: it still reads.
    assert all(len(row) == len(REQUIRED_COLUMNS) for row in rows)
    parsed = parse_table(rows)
    assert parsed.errors == []
    first, second = (p.data for p in parsed.procedures)
    assert first.fees[0].amount == 200000 and len(first.steps) == 3
    assert second.cutoff == time(15, 0) and second.on_the_spot is True


def test_the_inter_agency_chain_goes_out_and_back_as_lien_thong_rows():
    from portal.catalog.models import ShareUnit
    from portal.catalog.operations import ChainData

    data = sample()
    data.chain = [ChainData("STC", 5), ChainData("VPUBND", 30, ShareUnit.PERCENT)]
    rows = list(rows_of(data))
    assert [r[0] for r in rows][-2:] == ["lien_thong", "lien_thong"]
    assert [(r[2], r[7], r[8]) for r in rows[-2:]] == [("STC", 5, "ngay"),
                                                       ("VPUBND", 30, "phan_tram")]
    parsed = parse_table([list(COLUMNS)] + [[str(v) for v in r] for r in rows])
    assert parsed.errors == [] and parsed.procedures[0].data == data


def test_a_lien_thong_row_is_checked():
    link = {"loai": "lien_thong", "ma_thu_tuc": "1.004583", "ma_co_quan": "STC",
            "thoi_han": "0", "don_vi_thoi_han": "gio", "ten": "Sở Tài chính"}
    found = messages(table({**PROCEDURE, "lien_thong": "co"}, DOCUMENT, link))
    assert "Dòng 4, cột ten: cột này không dùng cho dòng loại lien_thong; hãy để trống" in found
    assert any("Dòng 4, cột thoi_han" in m for m in found)
    assert any("Dòng 4, cột don_vi_thoi_han" in m and "phan_tram" in m for m in found)
    # A chain on a procedure that is not inter-agency is refused at its line.
    plain = messages(table(PROCEDURE, DOCUMENT, {**link, "ten": "", "thoi_han": "3",
                                                  "don_vi_thoi_han": ""}))
    assert plain == ["Dòng 2: Chỉ khai báo cơ quan liên thông cho thủ tục liên thông."]


def test_typed_fees_exemptions_and_payment_at_submission_go_out_and_back():
    """Issue 14: the optional payment columns and the mien_phi rows."""
    from portal.catalog.models import FeeBasis, FeeKind

    data = ProcedureData(
        code="2.000635", agency_code="STP", field_code="HT", name="Cấp bản sao trích lục",
        online_level=OnlineLevel.PARTIAL, applicant=ApplicantType.CITIZEN, time_amount=0,
        time_unit=TimeUnit.SAME_DAY, documents=[DocumentData("Tờ khai")],
        fees=[FeeData("Phí cấp bản sao", 8000, "", FeeKind.FEE, FeeBasis.PER_UNIT, "bản"),
              FeeData("Lệ phí", 10000, "", FeeKind.CHARGE)],
        exemptions=["Hộ nghèo"], payment_due_at_submission=True)
    rows = [list(COLUMNS), *([str(cell) for cell in row] for row in rows_of(data))]
    parsed = parse_table(rows)
    assert parsed.errors == [] and parsed.procedures[0].data == data
