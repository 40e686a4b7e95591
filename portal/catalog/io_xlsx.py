"""The catalog table from an XLSX file, with memory and work bounded by the table, not by the
file's claims (docs/catalog-format.md; issue 10, item 15).

An XLSX is zipped XML, and zipped XML is cheap to inflate: a 45 KB file with one cell at
XFD1048576, or thousands of empty formatted rows, cost +321 MiB and 9 s, because the reader
went wherever the sheet said. Now:

1. ``check_structure``: before openpyxl sees the file, every XML part is streamed once through
   expat (constant memory) and refused if its shape could make openpyxl hold a large tree at
   once: an element nested deeper than MAX_DEPTH; a row with more than MAX_ROW_CELLS cells;
   any element but the lists of rows and of shared strings with more than MAX_CHILDREN
   children or MAX_SUBTREE elements below it; more than MAX_RECORDS rows in a sheet or
   strings in the shared-string table;
   any other part (styles, theme, workbook…) above MAX_PART_ELEMENTS elements, since openpyxl
   builds those whole.
2. ``table_rows``: openpyxl's read-only (streaming) mode; the dimension the sheet declares is
   ignored; only the format's columns (A–AB) are read; the table ends at the first run of
   BLANK_ROWS_END blank rows; more than ``max_rows`` rows is refused. Rows are yielded one by
   one, never kept.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from portal.catalog.io_format import COLUMNS
from portal.core.formatting import vn_number
from portal.core.i18n import lazy_text as _l

MAX_COLUMNS = len(COLUMNS)  # the table's 28 columns, A–AB: nothing to the right is read
BLANK_ROWS_END = 100  # this many blank rows in a row end the table
MAX_DEPTH = 32  # OOXML parts nest about 8 deep
# Cells written in one row, formatted empty ones included. The table has 24; Excel writes a
# cell only where there is a value or a format of its own, so 1,024 (to column AMJ) leaves
# room for formatting well to the right of the table.
MAX_ROW_CELLS = 1_024
MAX_CHILDREN = 16_384  # children of any other element (Excel's column limit)
MAX_SUBTREE = 65_536  # elements below one row (cells, values, rich-text runs)
MAX_RECORDS = 100_000  # rows in a sheet, formatted blank ones included; shared strings
MAX_PART_ELEMENTS = 20_000  # a whole styles, theme or workbook part (real ones: < 5,000)

# The containers openpyxl streams, element by element (the rest it builds whole).
_STREAMED = {"sheetData", "sst"}
_LIMITS = {"sheetData": MAX_RECORDS, "sst": MAX_RECORDS, "row": MAX_ROW_CELLS}
_DATA_ROOTS = {"worksheet", "sst"}


class WorkbookTooLarge(Exception):
    """The workbook's structure is beyond the bounds; the message is Vietnamese."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Shape:
    """Expat handlers that count, per open element, its children and (by the running total
    at its start) its descendants. O(depth) memory, O(1) work per element."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.total = 0
        self.open: list[list] = []  # [local name, children, total at start, limited?]
        self.data_part = False

    def start(self, name: str, _attributes) -> None:
        local = _local(name)
        if not self.open:
            self.data_part = local in _DATA_ROOTS
        elif self.open[-1][1] >= _LIMITS.get(self.open[-1][0], MAX_CHILDREN):
            parent = self.open[-1][0]
            if parent == "sheetData":
                raise WorkbookTooLarge(_l("Trang tính có hơn %(count)s dòng (kể cả dòng trống đã "
                                          "định dạng).", count=vn_number(MAX_RECORDS)))
            if parent == "row":
                raise WorkbookTooLarge(_l("Một dòng của trang tính có hơn %(count)s ô (kể cả ô "
                                          "trống đã định dạng).",
                                          count=vn_number(MAX_ROW_CELLS)))
            raise WorkbookTooLarge(_l("Phần “%(part)s” của tệp có cấu trúc quá lớn.",
                                      part=self.part))
        else:
            self.open[-1][1] += 1
        if len(self.open) >= MAX_DEPTH:
            raise WorkbookTooLarge(_l("Phần “%(part)s” của tệp lồng quá sâu.", part=self.part))
        self.total += 1
        if not self.data_part and self.total > MAX_PART_ELEMENTS:
            raise WorkbookTooLarge(_l("Phần “%(part)s” của tệp quá lớn (định dạng, kiểu ô…).",
                                      part=self.part))
        # The root of a data part and its streamed list are bounded by MAX_RECORDS instead.
        limited = not (len(self.open) == 0 and self.data_part) and local not in _STREAMED
        self.open.append([local, 0, self.total, limited])

    def end(self, _name: str) -> None:
        local, _children, at_start, limited = self.open.pop()
        if limited and self.total - at_start > MAX_SUBTREE:
            raise WorkbookTooLarge(
                _l("Một dòng của trang tính chứa quá nhiều phần tử.") if local == "row"
                else _l("Phần “%(part)s” chứa quá nhiều phần tử.", part=self.part))


def check_structure(archive: zipfile.ZipFile) -> None:
    """Raise WorkbookTooLarge if a part of the package is shaped beyond the bounds above.
    Parts that are not XML (images…) are skipped: openpyxl refuses the file if it needs one."""
    for item in archive.infolist():
        shape = _Shape(item.filename)
        parser = expat.ParserCreate()
        parser.StartElementHandler = shape.start
        parser.EndElementHandler = shape.end
        with archive.open(item) as part:
            try:
                while chunk := part.read(64 * 1024):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except expat.ExpatError:
                continue


def _blank(values: tuple) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip())
               for value in values)


def table_rows(data: bytes, sheet_name: str, *, max_rows: int) -> Iterator[tuple]:
    """The cell values of the table's rows (header first), MAX_COLUMNS wide, as openpyxl
    reads them; a blank row inside the table comes as ``()``. Raises WorkbookTooLarge past
    ``max_rows`` rows, and whatever openpyxl raises for a damaged file."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_structure(archive)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = workbook.sheetnames
        sheet = workbook[sheet_name] if sheet_name in names else workbook.worksheets[0]
        # Some writers declare a wrong size (too small, or A1:XFD1048576): read what is there.
        sheet.reset_dimensions()
        rows = blank_run = 0
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if _blank(values):
                blank_run += 1
                if blank_run >= BLANK_ROWS_END:
                    return  # the end of the table; nothing below it is read
                continue
            rows += blank_run + 1
            if rows > max_rows:
                raise WorkbookTooLarge(_l("Tệp có hơn %(count)s dòng; hãy chia thành nhiều tệp.",
                                          count=vn_number(max_rows)))
            yield from [()] * blank_run
            blank_run = 0
            yield values
    finally:
        workbook.close()
