"""The statistics table as files (issue #5): CSV (UTF-8 with a byte-order mark, so Excel
opens Vietnamese text correctly) and XLSX (openpyxl, the layout's two header rows merged as
on the page). Both are written from the ``Sheet`` the page shows, so the numbers are the
same. ``gettext`` translates the column headings into the reader's language; agency names
stay as published. Texts are written through ``core.spreadsheet``, so an agency name that
begins like a formula stays text in both files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from portal.core import spreadsheet
from portal.stats.figures import CELL_LABELS
from portal.stats.sheet import Sheet

Translate = Callable[..., str]  # flask_babel.gettext: (msgid, **variables)


def column_titles(sheet: Sheet, _: Translate) -> list[str]:
    """One heading per cell: "group – cell", or the group alone when it has one cell."""
    titles = []
    for group, cells in sheet.layout.groups:
        for cell in cells:
            titles.append(_(group) if len(cells) == 1 else f"{_(group)} – {_(CELL_LABELS[cell])}")
    return titles


def flat_rows(sheet: Sheet, _: Translate) -> list[list[object]]:
    """Header, then [group number, no., agency, numbers…] per agency, a subtotal per
    section when there are several, and the total."""
    cells = sheet.layout.cells
    out: list[list[object]] = [[_("Nhóm"), _("STT"), _("Cơ quan"), *column_titles(sheet, _)]]
    for section in sheet.sections:
        for number, row in enumerate(section.rows, start=1):
            out.append([section.number, number, row.agency.name, *(row[c] for c in cells)])
        if section.subtotal is not None:
            out.append([section.number, "", _("Cộng %(group)s", group=_(section.label)),
                        *(section.subtotal[c] for c in cells)])
    out.append(["", "", _("Tổng cộng"), *(sheet.total[c] for c in cells)])
    return out


def csv_bytes(sheet: Sheet, _: Translate) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(
        spreadsheet.csv_row(row) for row in flat_rows(sheet, _))
    return text.getvalue().encode("utf-8-sig")


def _page_setup(ws, top: int) -> None:
    """Printed as the PDF is: A4 landscape, every column on the page's width (as many pages
    down as it takes), the two header rows repeated at the top of every page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # no limit on the number of pages down
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top + 1}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def xlsx_bytes(sheet: Sheet, _: Translate, heading: list[str]) -> bytes:
    """The workbook: ``heading`` lines (issuer, title, period), the two header rows, the
    sections with their subtotals, the total; printed on A4 landscape (``_page_setup``).
    Small (one line per agency): built in memory."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    cells = sheet.layout.cells
    width = 2 + len(cells)
    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Thống kê")[:31]
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for line, text in enumerate(heading, start=1):
        spreadsheet.put(ws, line, 1, text).font = bold
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        ws.cell(line, 1).alignment = Alignment(horizontal="center")
    top = len(heading) + 2

    def put(row: int, column: int, value: object, *, strong: bool = False) -> None:
        item = spreadsheet.put(ws, row, column, value)
        item.border = box
        if strong:
            item.font = bold

    # Two header rows: "No." and "Agency" span both, as does a group of one cell.
    for column, title in ((1, _("STT")), (2, _("Cơ quan"))):
        put(top, column, title, strong=True)
        put(top + 1, column, None)
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    column = 3
    for group, group_cells in sheet.layout.groups:
        put(top, column, _(group), strong=True)
        for offset, cell in enumerate(group_cells):
            if offset:
                put(top, column + offset, None)
            put(top + 1, column + offset,
                None if len(group_cells) == 1 else _(CELL_LABELS[cell]), strong=True)
        if len(group_cells) == 1:
            ws.merge_cells(start_row=top, start_column=column, end_row=top + 1,
                           end_column=column)
        else:
            ws.merge_cells(start_row=top, start_column=column, end_row=top,
                           end_column=column + len(group_cells) - 1)
        column += len(group_cells)
    for row in (top, top + 1):
        for col in range(1, width + 1):
            ws.cell(row, col).alignment = centre

    line = top + 2

    def numbers(row, *, strong: bool = False) -> None:
        for offset, cell in enumerate(cells):
            put(line, 3 + offset, row[cell], strong=strong)
            ws.cell(line, 3 + offset).number_format = "#,##0"

    several = len(sheet.sections) > 1
    for section in sheet.sections:
        if several:
            put(line, 1, section.number, strong=True)
            put(line, 2, _(section.label), strong=True)
            line += 1
        for number, row in enumerate(section.rows, start=1):
            put(line, 1, number)
            put(line, 2, row.agency.name)
            numbers(row)
            line += 1
        if section.subtotal is not None:
            put(line, 1, None)
            put(line, 2, _("Cộng %(group)s", group=section.number), strong=True)
            numbers(section.subtotal, strong=True)
            line += 1
    put(line, 1, None)
    put(line, 2, _("Tổng cộng"), strong=True)
    numbers(sheet.total, strong=True)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.freeze_panes = ws.cell(top + 2, 3)
    _page_setup(ws, top)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
