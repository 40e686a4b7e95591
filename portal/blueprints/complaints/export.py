"""The feedback figures as an XLSX file: one sheet by agency, one by topic, each counted by
state and timeliness; every text cell through ``core.spreadsheet`` (never a formula)."""

from __future__ import annotations

import io

from flask import make_response
from flask_babel import gettext as _

from portal.core import spreadsheet
from portal.core.http import content_disposition
from portal.feedback.complaints.models import ComplaintState, Timeliness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(book, title: str, rows, first: str, heading: str) -> None:
    sheet = book.create_sheet(title)
    spreadsheet.put(sheet, 1, 1, heading)
    titles = [first, _("Tổng số"), *[_(s.label) for s in ComplaintState],
              *[_(t.label) for t in Timeliness]]
    for column, text in enumerate(titles, start=1):
        spreadsheet.put(sheet, 3, column, text)
    for number, row in enumerate(rows, start=4):
        label = _(row.label) if row.label else _("Chưa chuyển cơ quan")
        values = [label, row.total, *[row.states[s] for s in ComplaintState],
                  *[row.timeliness[t] for t in Timeliness]]
        for column, value in enumerate(values, start=1):
            spreadsheet.put(sheet, number, column, value)


def figures_workbook(period, figures, title: str):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    heading = _("%(title)s từ %(start)s đến %(end)s", title=title,
                start=period.start.strftime("%d/%m/%Y"), end=period.end.strftime("%d/%m/%Y"))
    _sheet(book, _("Theo cơ quan"), figures.by_agency, _("Cơ quan"), heading)
    _sheet(book, _("Theo chủ đề"), figures.by_topic, _("Chủ đề"), heading)
    buffer = io.BytesIO()
    book.save(buffer)
    response = make_response(buffer.getvalue())
    response.mimetype = XLSX
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"phan-anh-kien-nghi-{period.start.isoformat()}-{period.end.isoformat()}"
        ".xlsx")
    return response
