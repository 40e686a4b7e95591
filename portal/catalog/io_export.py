"""Exporting the catalog as CSV or XLSX (docs/catalog-format.md), streamed row by row so that
the whole catalog (≈1,400 procedures) never sits in memory as one document."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from portal.catalog.io_format import CHOICES, COLUMNS, rows_of
from portal.catalog.models import Agency, Procedure, ProcedureVersion, VersionStatus
from portal.catalog.operations import ProcedureData, data_of
from portal.core.spreadsheet import csv_row, write_only_cell
from portal.extensions import db

FORMATS = ("xlsx", "csv")
SHEET = "danh_muc"
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
BATCH = 200
WIDTHS = {"loai": 10, "ma_thu_tuc": 14, "ma_co_quan": 12, "ma_linh_vuc": 12, "ten": 60,
          "ket_qua": 40, "can_cu_phap_ly": 50, "trinh_tu": 50, "ghi_chu_thay_doi": 30,
          "mau_don": 20, "ghi_chu": 40}


def export_query(include_drafts: bool = False) -> Select:
    """One version per procedure: the published one, or with include_drafts the draft where
    there is one. Procedures with neither (only taken down) are left out."""
    published = ProcedureVersion.id == Procedure.published_version_id
    if include_drafts:
        draft = aliased(ProcedureVersion)
        has_draft = exists().where(draft.procedure_id == Procedure.id,
                                   draft.status == VersionStatus.DRAFT)
        chosen = or_(ProcedureVersion.status == VersionStatus.DRAFT,
                     and_(published, ~has_draft))
    else:
        chosen = published
    return (
        select(ProcedureVersion)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == Procedure.agency_id)
        .where(chosen)
        .order_by(Agency.position, Agency.code, Procedure.code)
        .options(
            contains_eager(ProcedureVersion.procedure).contains_eager(Procedure.agency),
            selectinload(ProcedureVersion.documents),
            selectinload(ProcedureVersion.fees),
            selectinload(ProcedureVersion.steps),
            selectinload(ProcedureVersion.chain),
        )
    )


def procedures_for_export(include_drafts: bool = False) -> Iterator[ProcedureData]:
    query = export_query(include_drafts).execution_options(yield_per=BATCH)
    for version in db.session.scalars(query):
        yield data_of(version)


def export_filename(fmt: str, include_drafts: bool, day: date) -> str:
    suffix = "-gom-ban-nhap" if include_drafts else ""
    return f"danh-muc-thu-tuc-{day.isoformat()}{suffix}.{fmt}"


# --- CSV -------------------------------------------------------------------------------------

def csv_chunks(procedures: Iterable[ProcedureData]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads Vietnamese), comma-separated, RFC 4180 quoting; a
    cell Excel would run as a formula gets a leading apostrophe (core.spreadsheet), which the
    importer removes again."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for count, data in enumerate(procedures, 1):
        for row in rows_of(data):
            writer.writerow(csv_row(str(value) for value in row))
        if count % 50 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------

def _validation(column: str, values: Iterable[str]) -> DataValidation:
    """A drop-down of the allowed codes, so that an editor in Excel picks instead of typing."""
    letter = get_column_letter(COLUMNS.index(column) + 1)
    rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                          showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                          error="Hãy chọn một giá trị trong danh sách.")
    rule.add(f"{letter}2:{letter}1048576")
    return rule


def write_xlsx(procedures: Iterable[ProcedureData], out: BinaryIO) -> None:
    """One sheet, frozen bold header; openpyxl's write-only mode keeps memory flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 13)
    for column, options in [("loai", ["thu_tuc", "giay_to", "phi", "buoc", "lien_thong"]),
                            *CHOICES.items()]:
        if column == "don_vi_thoi_han":  # a lien_thong row's share may be a percentage
            options = [*options, "phan_tram"]
        sheet.data_validations.append(_validation(column, options))
    bold = Font(bold=True)
    sheet.append([write_only_cell(sheet, column, font=bold) for column in COLUMNS])
    lines = 1
    for data in procedures:
        for row in rows_of(data):
            # Text cells, never formulas (core.spreadsheet); the characters XML cannot hold
            # are dropped, as the importer refuses them.
            sheet.append([write_only_cell(sheet, value) for value in row])
            lines += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{lines}"
    workbook.save(out)


def write_catalog(out: BinaryIO, fmt: str, include_drafts: bool = False) -> int:
    """Write the whole catalog to a binary file; returns the number of procedures."""
    count = 0

    def counted() -> Iterator[ProcedureData]:
        nonlocal count
        for data in procedures_for_export(include_drafts):
            count += 1
            yield data

    if fmt == "csv":
        for chunk in csv_chunks(counted()):
            out.write(chunk)
    else:
        write_xlsx(counted(), out)
    return count
