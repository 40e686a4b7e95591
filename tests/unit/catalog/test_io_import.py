"""Catalog import and export against the database (SQLite and PostgreSQL): round trips in CSV
and XLSX, all-or-nothing imports, versioning, and the `flask catalog` commands."""

import csv
import io

import factories
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError

from portal.catalog import demo, io_export, io_import
from portal.catalog import operations as ops
from portal.catalog.demo_data import PROCEDURES
from portal.catalog.models import (
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ProcedureStep,
    ProcedureVersion,
    VersionStatus,
)
from portal.extensions import db

TRICKY = ("=HYPERLINK(\"http://x\")", "- Bước 1: nộp hồ sơ;\n- Bước 2: \"nhận\" kết quả, ký",
          "+84 255", "@ghi chú", "'trích dẫn'")


def export(fmt: str, include_drafts: bool = False) -> bytes:
    out = io.BytesIO()
    io_export.write_catalog(out, fmt, include_drafts)
    return out.getvalue()


def run_import(content: bytes, fmt: str, **options) -> io_import.ImportReport:
    return io_import.import_catalog(io.BytesIO(content), fmt, **options)


def snapshot() -> dict:
    """Each procedure's published version (else its latest) as data, by code."""
    db.session.expire_all()
    return {p.code: ops.data_of(p.published_version or p.latest)
            for p in db.session.scalars(select(Procedure))}


def version_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcedureVersion))


def empty_catalog() -> None:
    """Remove every procedure but keep agencies and fields: the target of a fresh import."""
    db.session.execute(update(Procedure).values(published_version_id=None))
    for model in (ProcedureDocument, ProcedureFee, ProcedureStep, ProcedureVersion, Procedure):
        db.session.execute(delete(model))
    db.session.commit()


def catalog() -> dict:
    first, second = factories.agency("STP", "Sở Tư pháp"), factories.agency("VPDK")
    factories.published_procedure(second, code="1.004583")
    factories.published_procedure(first, code="2.000488", name=TRICKY[0], legal_basis=TRICKY[1],
                                  result=TRICKY[2], description=TRICKY[3],
                                  change_note=TRICKY[4],
                                  fees=[ops.FeeData("Phí", 1500000, TRICKY[1]),
                                        ops.FeeData("Lệ phí", 0, "")])
    factories.published_procedure(first, code="1.000010", cutoff=None, time_amount=12,
                                  time_unit=ops.TimeUnit.HOURS, fees=[], inter_agency=True)
    db.session.commit()
    return {"first": first, "second": second}


def edit_csv(content: bytes, change) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    rows = change(rows) or rows
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def set_fee(code: str, amount: str):
    def change(rows):
        column = rows[0].index("muc_thu")
        row = next(r for r in rows if r[0] == "phi" and r[1] == code)
        row[column] = amount
    return change


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_an_empty_catalog(db_session, fmt):
    catalog()
    before = snapshot()
    content = export(fmt)
    empty_catalog()
    report = run_import(content, fmt, publish=True)
    db.session.commit()
    assert report.errors == [] and sorted(report.created) == sorted(before)
    assert sorted(report.published) == sorted(before)
    assert snapshot() == before
    assert before["2.000488"].name == TRICKY[0] and before["2.000488"].change_note == TRICKY[4]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_demo_catalog_imports_through_an_exported_file(db_session, fmt):
    demo.seed_agencies()
    demo.seed_catalog(len(PROCEDURES))
    db.session.commit()
    before = snapshot()
    content = export(fmt)
    empty_catalog()
    report = run_import(content, fmt, publish=True)
    db.session.commit()
    assert report.errors == [] and len(report.published) == len(PROCEDURES)
    after = snapshot()
    assert after == before
    for raw in PROCEDURES:
        assert after[raw["code"]] == demo.procedure_data(raw), raw["code"]


def test_export_order_drafts_and_format_details(db_session):
    ids = catalog()
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.000010"))
    with db.session.no_autoflush:  # draft_for_edit's lazy loads would flush the empty draft
        draft = ops.draft_for_edit(procedure, None)
    data = ops.data_of(draft)
    data.name = "Tên trong bản nháp"
    ops.update_draft(draft, data)
    ops.create_procedure(factories.procedure_data(ids["second"], code="9.000001"), None)
    db.session.commit()
    codes = [r[1] for r in csv.reader(io.StringIO(export("csv").decode("utf-8-sig")))
             if r[0] == "thu_tuc"]
    assert codes == ["1.000010", "2.000488", "1.004583"]  # agency position, then code
    with_drafts = export("csv", include_drafts=True).decode("utf-8-sig")
    assert "Tên trong bản nháp" in with_drafts and "9.000001" in with_drafts
    assert with_drafts.count("thu_tuc,1.000010,") == 1  # the draft instead, not as well
    content = export("csv")
    assert content.startswith(b"\xef\xbb\xbfloai,ma_thu_tuc,")
    assert "Tên trong bản nháp" not in content.decode("utf-8-sig")
    assert "\"'=HYPERLINK(\"\"http://x\"\")\"" in content.decode("utf-8-sig")
    assert ",'- Bước 1" not in content.decode() and "\"'- Bước 1" in content.decode()
    workbook = load_workbook(io.BytesIO(export("xlsx")))
    sheet = workbook["danh_muc"]
    assert workbook.sheetnames == ["danh_muc"] and sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "loai" and sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width == 60
    name = next(row[4] for row in sheet.iter_rows() if row[1].value == "2.000488")
    assert name.value == TRICKY[0] and name.data_type == "s"  # text, not a live formula
    assert sheet.max_row == 16


def test_reimport_of_an_unchanged_catalog_changes_nothing(db_session):
    catalog()
    versions = version_count()
    report = run_import(export("xlsx"), "xlsx", publish=True)
    db.session.commit()
    assert len(report.unchanged) == 3 and report.created == report.updated == []
    assert report.published == [] and version_count() == versions
    assert "3 không đổi" in report.summary()


def test_a_changed_fee_makes_a_new_draft_and_never_touches_the_published_version(db_session):
    catalog()
    content = edit_csv(export("csv"), set_fee("1.004583", "95.000"))
    report = run_import(content, "csv")
    db.session.commit()
    assert report.updated == ["1.004583"] and len(report.unchanged) == 2
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004583"))
    old, new = procedure.versions
    assert old.status is VersionStatus.PUBLISHED and [f.amount for f in old.fees] == [80000]
    assert new.status is VersionStatus.DRAFT and [f.amount for f in new.fees] == [95000]
    assert procedure.published_version is old
    # The same file again with publishing: the identical draft is published, nothing else.
    again = run_import(content, "csv", publish=True)
    db.session.commit()
    assert again.updated == [] and again.published == ["1.004583"]
    assert new.status is VersionStatus.PUBLISHED and old.status is VersionStatus.SUPERSEDED
    assert [f.amount for f in old.fees] == [80000]


def test_a_changed_fee_with_publish_publishes_the_new_version(db_session):
    catalog()
    content = edit_csv(export("csv"), set_fee("1.004583", "1.500.000"))
    report = run_import(content, "csv", publish=True)
    db.session.commit()
    assert report.updated == report.published == ["1.004583"]
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004583"))
    assert procedure.published_version.number == 2
    assert [f.amount for f in procedure.published_version.fees] == [1500000]
    assert [f.amount for f in procedure.versions[0].fees] == [80000]


def test_bad_rows_are_reported_by_excel_line_and_nothing_is_half_imported(db_session):
    catalog()
    content = export("csv")
    before, versions = snapshot(), version_count()

    def damage(rows):
        header = rows[0]
        rows[1][header.index("muc_do")] = "muc4"  # line 2: the first procedure, 1.000010
        line_12 = next(r for r in rows if r[0] == "thu_tuc" and r[1] == "1.004583")
        line_12[header.index("ma_linh_vuc")] = "XX"
        new = rows[5][:]  # line 6 (2.000488) and its document, copied as a new procedure
        new[1:3] = ["5.000001", "KHONGCO"]
        rows.extend([new, [c.replace("2.000488", "5.000001") for c in rows[6]]])

    report = run_import(edit_csv(content, damage), "csv", publish=True)
    assert [str(e) for e in report.errors] == [
        "Dòng 2, cột muc_do: giá trị “muc4” không hợp lệ; dùng toan_trinh, mot_phan hoặc "
        "truc_tiep",
        "Dòng 12, cột ma_linh_vuc: cơ quan VPDK không có lĩnh vực mã “XX”",
        "Dòng 17, cột ma_co_quan: không có cơ quan mã “KHONGCO”",
    ]
    assert report.created == report.updated == report.published == []
    db.session.rollback()
    assert snapshot() == before and version_count() == versions
    # Into an empty catalog: still nothing, not even the procedures without an error.
    empty_catalog()
    assert run_import(edit_csv(content, damage), "csv", publish=True).errors
    db.session.rollback()
    assert version_count() == 0


def test_line_numbers_count_records_not_physical_lines(db_session):
    catalog()  # 2.000488 has multi-line cells before the fee row damaged below
    content = edit_csv(export("csv"), set_fee("1.004583", "tám mươi"))
    report = run_import(content, "csv")
    assert [(e.line, e.column) for e in report.errors] == [(14, "muc_thu")]


def test_an_existing_code_cannot_move_to_another_agency(db_session):
    catalog()

    def move(rows):
        row = next(r for r in rows if r[0] == "thu_tuc" and r[1] == "1.004583")
        row[2] = "STP"
        row[3] = "LV1"

    report = run_import(edit_csv(export("csv"), move), "csv")
    assert [e.column for e in report.errors] == ["ma_co_quan"]
    assert "thuộc cơ quan VPDK" in report.errors[0].message


def test_a_database_failure_mid_import_rolls_everything_back(app, monkeypatch, tmp_path):
    with app.app_context():
        catalog()
        path = tmp_path / "danh-muc.csv"
        path.write_bytes(edit_csv(edit_csv(export("csv"), set_fee("1.004583", "99")),
                                  set_fee("2.000488", "1.000")))
        before, versions = snapshot(), version_count()
    calls = []
    real_publish = ops.publish

    def publish_then_fail(version, user_id):
        calls.append(version.procedure.code)
        if len(calls) == 2:  # the first procedure is already written and published
            raise OperationalError("UPDATE procedure", {}, RuntimeError("connection lost"))
        real_publish(version, user_id)

    monkeypatch.setattr(ops, "publish", publish_then_fail)
    result = app.test_cli_runner().invoke(args=["catalog", "import", str(path), "--publish"])
    assert result.exit_code == 1 and "không có thay đổi nào được ghi" in result.output
    assert calls == ["2.000488", "1.004583"]
    with app.app_context():
        assert snapshot() == before and version_count() == versions


def test_cli_export_and_import(app, tmp_path):
    with app.app_context():
        catalog()
    runner = app.test_cli_runner()
    xlsx, csv_path = tmp_path / "dm.xlsx", tmp_path / "dm.csv"
    result = runner.invoke(args=["catalog", "export", str(xlsx)])
    assert result.exit_code == 0 and "Đã xuất 3 thủ tục" in result.output
    result = runner.invoke(args=["catalog", "export", str(csv_path), "--format", "csv",
                                 "--include-drafts"])
    assert result.exit_code == 0 and csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    with app.app_context():
        before = snapshot()
        empty_catalog()
    dry = runner.invoke(args=["catalog", "import", str(xlsx), "--dry-run", "--publish"])
    assert dry.exit_code == 0, dry.output
    assert "chưa ghi gì" in dry.output and "3 thủ tục mới" in dry.output
    assert "sẽ công bố 3" in dry.output
    with app.app_context():
        assert version_count() == 0
    done = runner.invoke(args=["catalog", "import", str(xlsx), "--publish"])
    assert done.exit_code == 0 and "đã công bố 3" in done.output
    with app.app_context():
        assert snapshot() == before
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_path.read_bytes().replace(b"toan_trinh", b"muc4", 1))
    failed = runner.invoke(args=["catalog", "import", str(bad)])
    assert failed.exit_code == 1 and "Dòng " in failed.output and "muc4" in failed.output
    other = tmp_path / "dm.txt"
    other.write_text("x")
    assert runner.invoke(args=["catalog", "import", str(other)]).exit_code == 1


def test_files_from_excel_and_unreadable_files(db_session):
    catalog()
    content = export("csv").decode("utf-8-sig")
    before = snapshot()
    # Excel with Vietnamese regional settings saves "CSV" with semicolons.
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(csv.reader(io.StringIO(content, newline="")))
    report = run_import(out.getvalue().encode("utf-8"), "csv")
    assert report.errors == [] and len(report.unchanged) == 3
    with pytest.raises(io_import.ImportFileError, match="UTF-8"):
        run_import(content.encode("cp1258", errors="replace"), "csv")
    with pytest.raises(io_import.ImportFileError, match="không phải là tệp Excel"):
        run_import(b"PK\x03\x04 not really a zip", "xlsx")
    with pytest.raises(io_import.ImportFileError, match="không phải là tệp Excel"):
        run_import(content.encode("utf-8"), "xlsx")  # a CSV under an .xlsx name
    with pytest.raises(io_import.ImportFileError, match=r"\(\.xls\) không được hỗ trợ"):
        run_import(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx")
    # A workbook under a .csv name is read as what it is.
    assert len(run_import(export("xlsx"), "csv").unchanged) == 3
    with pytest.raises(io_import.ImportFileError, match="10 MB"):
        run_import(b"x" * (io_import.MAX_IMPORT_BYTES + 1), "csv")
    db.session.rollback()
    assert snapshot() == before
