"""The agency's tracking book (*sổ theo dõi hồ sơ*, Circular 01/2018/TT-VPCP form 06): every
dossier the agency received in a period, one line each, as a page, a PDF or an XLSX file.

The period is in local dates (a dossier received at 23:30 on the 31st, Viet Nam time, is in
that month's book even though it is the next day in UTC). The book is a Vietnamese legal
register: its texts are not translated."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core.pagination import Page, paginate
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.workflow.models import DossierStep

COLUMNS = ("STT", "Mã hồ sơ", "Nội dung (thủ tục)", "Số bộ hồ sơ", "Tên chủ hồ sơ",
           "Địa chỉ", "Số điện thoại", "Ngày nhận hồ sơ", "Cán bộ tiếp nhận",
           "Ngày hẹn trả kết quả", "Số lần chuyển giao", "Lần chuyển giao cuối",
           "Ngày có kết quả", "Ngày trả kết quả", "Người nhận kết quả", "Ghi chú")


@dataclass(frozen=True)
class Period:
    """Received from ``start`` to ``end``, both included, in local (Viet Nam) dates."""

    start: date | None = None
    end: date | None = None

    @property
    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[from, until) as aware datetimes."""
        low = datetime.combine(self.start, time(0), VN_TZ) if self.start else None
        high = (datetime.combine(self.end + timedelta(days=1), time(0), VN_TZ)
                if self.end else None)
        return low, high

    @property
    def label(self) -> str:
        if self.start and self.end:
            return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"
        if self.start:
            return f"Từ ngày {self.start:%d/%m/%Y}"
        if self.end:
            return f"Đến ngày {self.end:%d/%m/%Y}"
        return "Toàn bộ"


@dataclass(frozen=True)
class BookLine:
    """One line of the book, in the order of form 06's columns."""

    number: int
    dossier_id: int
    code: str
    content: str
    sets: int
    owner_name: str
    owner_address: str
    owner_phone: str
    received_at: datetime | None
    officer: str
    appointment_at: datetime | None
    handovers: int
    last_handover: str
    result_at: datetime | None
    returned_at: datetime | None
    returned_to: str
    notes: str


def book_query(agency_id: int, period: Period) -> Select:
    """The agency's received dossiers in the period, in the order they were received."""
    low, high = period.bounds
    query = (select(Dossier)
             .where(Dossier.agency_id == agency_id, Dossier.received_at.is_not(None))
             .options(selectinload(Dossier.received_by),
                      selectinload(Dossier.steps).selectinload(DossierStep.holder))
             .order_by(Dossier.received_at, Dossier.id))
    if low is not None:
        query = query.where(Dossier.received_at >= low)
    if high is not None:
        query = query.where(Dossier.received_at < high)
    return query


def _notes(dossier: Dossier) -> str:
    notes = [dossier.state.label]
    if dossier.result_issued and dossier.due_at:
        notes.append("trễ hạn" if dossier.finished_at > dossier.due_at else "đúng hạn")
    if dossier.new_appointment_at is not None:
        notes.append("có phiếu xin lỗi, hẹn lại")
    return "; ".join(notes)


def line_of(dossier: Dossier, number: int) -> BookLine:
    # The counter's own reception step is not a handover; the ones after it are.
    handovers = dossier.steps[1:] if len(dossier.steps) > 1 else []
    last = handovers[-1] if handovers else None
    last_text = ""
    if last is not None:
        holder = last.holder.full_name if last.holder else "chưa phân công"
        last_text = f"{last.name} – {holder}"
    return BookLine(
        number=number, dossier_id=dossier.id, code=dossier.code or "",
        content=dossier.procedure_version.name, sets=1, owner_name=dossier.applicant_name,
        owner_address=dossier.applicant_address, owner_phone=dossier.applicant_phone,
        received_at=dossier.received_at,
        officer=dossier.received_by.full_name if dossier.received_by else "",
        appointment_at=dossier.appointment_at, handovers=len(handovers),
        last_handover=last_text,
        result_at=dossier.finished_at if dossier.result_issued else None,
        returned_at=dossier.returned_at, returned_to=dossier.returned_to,
        notes=_notes(dossier))


def book_page(agency_id: int, period: Period, number: int, size: int = 50) -> Page:
    """One page of the book; the line numbers run on across pages."""
    page = paginate(book_query(agency_id, period), number, size)
    first = (page.number - 1) * page.size + 1
    return dataclasses.replace(
        page, items=[line_of(d, first + i) for i, d in enumerate(page.items)])


def iter_lines(agency_id: int, period: Period, chunk: int = 500,
               limit: int | None = None) -> Iterator[BookLine]:
    """Every line of the book, read ``chunk`` dossiers at a time (a server-side cursor on
    PostgreSQL), each dossier dropped from the session once written: a year's book does not
    sit in memory."""
    query = book_query(agency_id, period)
    if limit is not None:
        query = query.limit(limit)
    result = db.session.scalars(query.execution_options(yield_per=chunk))
    try:
        for number, dossier in enumerate(result, start=1):
            yield line_of(dossier, number)
            db.session.expunge(dossier)
    finally:
        result.close()


def _naive_local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write the local wall-clock time.
    return value.astimezone(VN_TZ).replace(tzinfo=None) if value else None


def write_xlsx(lines: Iterable[BookLine], agency: Agency, period: Period, out: IO[bytes]) -> int:
    """Write the book as an XLSX workbook (openpyxl write-only mode: rows go straight to
    the file). Returns the number of lines written. Every text is written as text, never a
    formula (core.spreadsheet): the applicant types the name, address and phone."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from portal.core.spreadsheet import write_only_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("So theo doi ho so")
    for width, letter in zip((6, 20, 40, 8, 24, 30, 14, 17, 22, 17, 10, 30, 17, 17, 24, 30),
                             "ABCDEFGHIJKLMNOP", strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)

    def strong(text: str) -> WriteOnlyCell:
        return write_only_cell(sheet, text, font=bold)

    def text(value):
        return write_only_cell(sheet, value)

    def when(value: datetime | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_naive_local(value))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell

    sheet.append([strong(agency.name)])
    sheet.append([strong("SỔ THEO DÕI HỒ SƠ")])
    sheet.append([text(f"Ngày nhận hồ sơ: {period.label}")])
    sheet.append([strong(title) for title in COLUMNS])
    count = 0
    for line in lines:
        sheet.append([line.number, text(line.code), text(line.content), line.sets,
                      text(line.owner_name), text(line.owner_address), text(line.owner_phone),
                      when(line.received_at), text(line.officer), when(line.appointment_at),
                      line.handovers, text(line.last_handover), when(line.result_at),
                      when(line.returned_at), text(line.returned_to), text(line.notes)])
        count += 1
    workbook.save(out)
    return count
