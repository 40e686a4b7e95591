"""Importing a catalog file (docs/catalog-format.md): all or nothing.

Everything is read and checked first (cells, cross-row rules, codes against the database);
only a file without a single error is written, and then only by flushing through the catalog
operations, so the caller's one commit (or rollback) decides for the whole file.
A published version is never changed: an edited procedure gets a new draft version."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.catalog import io_xlsx
from portal.catalog import operations as ops
from portal.catalog.io_format import ParsedProcedure, RowError, parse_table
from portal.catalog.io_xlsx import MAX_COLUMNS
from portal.catalog.models import Agency, Procedure, ProcedureVersion, VersionStatus
from portal.core.formatting import vn_number
from portal.core.i18n import LazyText, lazy_join
from portal.core.i18n import lazy_text as _l
from portal.core.spreadsheet import csv_unguard
from portal.extensions import db

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX is a zip: refuse "zip bombs"
# Rows of the table, blank ones inside it included (the whole catalog of 1,402 procedures is
# 13,517 rows). Rows are read one at a time; what stays in memory is the parsed procedures.
MAX_ROWS = 50_000
TOO_LARGE_HINT = _l("Bảng danh mục chỉ gồm 28 cột A–AB và các dòng thủ tục; hãy chép bảng sang "
                    "một tệp Excel mới (chỉ dán giá trị) rồi nhập lại.")
SHOWN_ERRORS = 200
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


class ImportFileError(ops.CatalogError):
    """The file cannot be read at all (wrong type, encoding, size); nothing was checked."""


@dataclass
class ImportReport:
    publish: bool = False
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[:SHOWN_ERRORS]

    def summary(self) -> str:
        counts = _l("%(created)s thủ tục mới, %(updated)s cập nhật (phiên bản nháp mới), "
                    "%(unchanged)s không đổi", created=len(self.created),
                    updated=len(self.updated), unchanged=len(self.unchanged))
        if self.dry_run:
            published = (_l("; sẽ công bố %(count)s", count=len(self.published))
                         if self.publish else "")
            return str(_l("Tệp hợp lệ, chưa ghi gì. Nếu nhập: %(counts)s%(published)s.",
                          counts=counts, published=published))
        published = _l("; đã công bố %(count)s", count=len(self.published)) if self.publish else ""
        return str(_l("Đã nhập danh mục: %(counts)s%(published)s.", counts=counts,
                      published=published))


# --- reading files ---------------------------------------------------------------------------

def _text(value) -> str:
    """A cell as the text the format expects, whatever type Excel stored it as."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "co" if value else "khong"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, time):  # a gio_chot that Excel turned into a time
        return value.strftime("%H:%M")
    return str(value)


def _read_csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_l("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: "
                                 "“CSV UTF-8 (Comma delimited)”).")) from error
    first = text.split("\n", 1)[0]
    # Excel with Vietnamese regional settings saves "CSV" with semicolons.
    delimiter = ";" if ";" in first and "," not in first else ","
    try:
        for count, row in enumerate(csv.reader(io.StringIO(text, newline=""),
                                               delimiter=delimiter, strict=True), 1):
            if count > MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            # Undo the export's guard against formulas (core.spreadsheet.csv_cell); only the
            # format's columns are read, as in a workbook.
            yield [csv_unguard(cell) for cell in row[:MAX_COLUMNS]]
    except csv.Error as error:
        raise ImportFileError(_l("Tệp CSV không đúng chuẩn (RFC 4180): %(error)s.",
                                 error=error)) from error


def _too_many_rows() -> LazyText:
    return _l("Tệp có hơn %(count)s dòng; hãy chia thành nhiều tệp.", count=vn_number(MAX_ROWS))


def _read_xlsx(data: bytes) -> Iterator[list[str]]:
    """The table's rows, streamed within the bounds of io_xlsx (docs/catalog-format.md)."""
    refused = ImportFileError(_l("Tệp không phải là tệp Excel .xlsx hợp lệ."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as error:
        raise refused from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_l("Tệp Excel quá lớn khi giải nén."))
    rows = io_xlsx.table_rows(data, "danh_muc", max_rows=MAX_ROWS)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except io_xlsx.WorkbookTooLarge as error:
            raise ImportFileError(lazy_join([error.args[0], TOO_LARGE_HINT])) from error
        except Exception as error:  # openpyxl raises many types for a damaged file
            raise refused from error
        yield [_text(v) for v in values]


def read_rows(stream: BinaryIO, fmt: str) -> Iterator[list[str]]:
    """The file's rows as text cells, header first, one at a time (never all in memory). The
    content decides, not only the name: an .xlsx saved under a .csv name is still read as a
    workbook (DESIGN.md §5). A file that cannot be read at all raises ImportFileError, at
    once or while its rows are read."""
    data = stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_l("Tệp vượt quá 10 MB."))
    if fmt not in ("xlsx", "csv"):
        raise ImportFileError(_l("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_l("Tệp Excel 97–2003 (.xls) không được hỗ trợ; hãy mở bằng Excel và "
                                 "lưu lại dưới dạng .xlsx."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if fmt == "xlsx":
        raise ImportFileError(_l("Tệp không phải là tệp Excel .xlsx hợp lệ."))
    return _read_csv(data)


def format_of(filename: str) -> str | None:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return extension if extension in ("xlsx", "csv") else None


# --- checking against the database -----------------------------------------------------------

def _existing(codes: list[str]) -> dict[str, Procedure]:
    """The procedures the file names, with every version's children loaded in a few queries."""
    versions = selectinload(Procedure.versions)
    options = [versions.selectinload(ProcedureVersion.documents),
               versions.selectinload(ProcedureVersion.fees),
               versions.selectinload(ProcedureVersion.steps),
               versions.selectinload(ProcedureVersion.chain)]
    found: dict[str, Procedure] = {}
    for start in range(0, len(codes), 500):  # keep IN lists well under parameter limits
        query = select(Procedure).where(Procedure.code.in_(codes[start:start + 500]))
        found.update((p.code, p) for p in db.session.scalars(query.options(*options)))
    return found


def _check_codes(items: list[ParsedProcedure], existing: dict[str, Procedure]) -> list[RowError]:
    agencies = {a.code: a for a in db.session.scalars(
        select(Agency).options(selectinload(Agency.fields)))}
    errors = []
    for item in items:
        data, line = item.data, item.line
        agency = agencies.get(data.agency_code)
        procedure = existing.get(data.code)
        if agency is None:
            errors.append(RowError(line, "ma_co_quan",
                                   f"không có cơ quan mã “{data.agency_code}”"))
        elif data.field_code not in {f.code for f in agency.fields}:
            errors.append(RowError(line, "ma_linh_vuc", f"cơ quan {agency.code} không có lĩnh "
                                                         f"vực mã “{data.field_code}”"))
        for link in data.chain:  # the inter-agency chain: other agencies that exist
            if link.agency_code not in agencies or link.agency_code == data.agency_code:
                errors.append(RowError(line, "ma_co_quan", f"chuỗi liên thông: không có cơ quan "
                                       f"khác mã “{link.agency_code}”"))
        if procedure is not None and agency is not None and procedure.agency_id != agency.id:
            errors.append(RowError(line, "ma_co_quan", f"thủ tục {data.code} thuộc cơ quan "
                                   f"{procedure.agency.code}; tệp nhập không chuyển được thủ "
                                   f"tục sang cơ quan khác"))
    return errors


def _same_content(a: ops.ProcedureData, b: ops.ProcedureData) -> bool:
    """The change note describes a version; a different note alone is no new version."""
    return replace(a, change_note="") == replace(b, change_note="")


def _action(data: ops.ProcedureData, procedure: Procedure | None) -> str:
    if procedure is None:
        return CREATE
    return UNCHANGED if _same_content(data, ops.data_of(procedure.latest)) else UPDATE


# --- the import ------------------------------------------------------------------------------

def import_catalog(stream: BinaryIO, fmt: str, *, publish: bool = False, dry_run: bool = False,
                   user_id: int | None = None) -> ImportReport:
    """Check the whole file; if it has no error and this is no dry run, write it (flushed, not
    committed). Raises ImportFileError when the file cannot be read at all."""
    report = ImportReport(publish=publish, dry_run=dry_run)
    parsed = parse_table(read_rows(stream, fmt))
    existing = _existing([item.data.code for item in parsed.procedures])
    report.errors = sorted(parsed.errors + _check_codes(parsed.procedures, existing),
                           key=lambda error: error.line)
    if report.errors:
        return report
    by_action = {CREATE: report.created, UPDATE: report.updated, UNCHANGED: report.unchanged}
    for item in parsed.procedures:
        code, procedure = item.data.code, existing.get(item.data.code)
        action = _action(item.data, procedure)
        by_action[action].append(code)
        if dry_run:
            draft_waiting = procedure is not None and procedure.latest.is_editable
            if publish and (action != UNCHANGED or draft_waiting):
                report.published.append(code)
            continue
        version = _write(item.data, procedure, action, user_id)
        # An identical draft is published too: "import, review, import again with publish".
        if publish and version.status is VersionStatus.DRAFT:
            ops.publish(version, user_id)
            report.published.append(code)
    return report


def _write(data: ops.ProcedureData, procedure: Procedure | None, action: str,
           user_id: int | None) -> ProcedureVersion:
    if action == CREATE:
        return ops.create_procedure(data, user_id)
    if action == UNCHANGED:
        return procedure.latest
    # draft_for_edit adds the empty version before filling it; an autoflush on the way (a lazy
    # load) would insert it half-filled. The children are preloaded, but stay safe.
    with db.session.no_autoflush:
        version = ops.draft_for_edit(procedure, user_id)
    ops.update_draft(version, data)
    return version
