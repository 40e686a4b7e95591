"""Cells written from user data into files that people open in Excel or LibreOffice: the
tracking book, the statistics table and the catalog export (issue 10, item 7).

A text that starts with "=", "+", "-" or "@" is run as a formula when a spreadsheet opens a
CSV file, or when openpyxl is handed it for an XLSX cell (OWASP "CSV injection"): an
applicant who calls himself ``=HYPERLINK("http://…";"Bấm vào đây")`` would put a live link
in the officer's tracking book. Tab and CR start a formula in some spreadsheets too. Every
export writes its cells through this module, so that such a text stays text:

- CSV: a leading apostrophe, which spreadsheets hide and treat as "this is text"; a text that
  already starts with one gets another, so ``csv_unguard`` (used by the catalog import) gives
  back exactly what was written.
- XLSX: a string cell (``data_type = "s"``, never a formula) with the ``quotePrefix`` style,
  so that the text stays text even when someone edits the cell; the value is unchanged.
  Characters XML cannot hold (C0 controls other than tab, LF, CR) are dropped, since openpyxl
  refuses them and an applicant's pasted text may contain them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_GUARD = "'"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


# --- CSV -------------------------------------------------------------------------------------

def csv_cell(value: Any) -> Any:
    """A value for ``csv.writer``: text that a spreadsheet would run is prefixed with an
    apostrophe; numbers, dates and None are left alone."""
    if not isinstance(value, str):
        return value
    return _CSV_GUARD + value if value.startswith((*FORMULA_START, _CSV_GUARD)) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def csv_unguard(text: str) -> str:
    """The text ``csv_cell`` was given (for reading an exported file back in)."""
    return text[1:] if text.startswith(_CSV_GUARD) else text


# --- XLSX ------------------------------------------------------------------------------------

def xlsx_text(text: str) -> str:
    """``text`` without the characters an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _as_text(cell):
    cell.data_type = "s"  # openpyxl made "=…" a formula; a string cell is never evaluated
    if looks_like_formula(cell.value):
        cell.quotePrefix = True
    return cell


def write_only_cell(sheet, value: Any, *, font=None) -> Any:
    """A value for ``sheet.append`` in openpyxl's write-only mode: a text becomes a string
    cell (see the module's docstring); anything else is returned as is, unless ``font`` is
    given, which needs a cell."""
    if isinstance(value, str):
        cell = _as_text(WriteOnlyCell(sheet, value=xlsx_text(value)))
    elif font is not None:
        cell = WriteOnlyCell(sheet, value=value)
    else:
        return value
    if font is not None:
        cell.font = font
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``sheet.cell(row, column, value)`` for an ordinary (not write-only) worksheet, a text
    kept as text."""
    if isinstance(value, str):
        return _as_text(sheet.cell(row, column, xlsx_text(value)))
    return sheet.cell(row, column, value)
