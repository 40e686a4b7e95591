"""Statuses imported in bulk from the carrier's CSV export (docs/delivery.md, "CSV").

One line per status: ``so_hieu,trang_thai,ngay,ghi_chu`` (tracking number, status, date,
note), UTF-8 with or without a BOM, comma- or semicolon-separated, a header line first.
Statuses: ``da_phat`` (delivered), ``phat_khong_thanh_cong`` (a failed attempt),
``chuyen_hoan`` (returned to the centre). Dates ``dd/mm/yyyy`` or ``dd/mm/yyyy HH:MM``,
Viet Nam time. All or nothing: every line is checked and applied in file order; if any line
is refused, every refusal is reported with its line number and nothing is kept (the route's
unit of work rolls the applied lines back)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.calendar import VN_TZ
from portal.core.i18n import lazy_text as _l
from portal.delivery import operations as ops
from portal.delivery import queries, s10

HEADER = ("so_hieu", "trang_thai", "ngay", "ghi_chu")
STATUSES = {"da_phat": ops.deliver, "phat_khong_thanh_cong": ops.fail,
            "chuyen_hoan": ops.return_to_centre}
MAX_BYTES = 2_000_000
MAX_LINES = 5_000


class ImportRefused(ops.DeliveryError):
    """Some lines were refused: ``problems`` lists them, each starting with its line."""

    def __init__(self, problems: list[str]):
        super().__init__(_l("Không nhập được tệp: %(count)s lỗi. Không trạng thái nào được ghi.",
                            count=len(problems)), "file")
        self.problems = problems


@dataclass(frozen=True)
class Line:
    number: int
    tracking: str
    status: str
    at: datetime
    note: str


def _date(text: str) -> datetime | None:
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    return None


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([str(_l("Tệp không phải văn bản UTF-8 (hãy xuất CSV UTF-8)."))]) \
            from None
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]


def parse(data: bytes, now: datetime) -> list[Line]:
    if len(data) > MAX_BYTES:
        raise ImportRefused([str(_l("Tệp quá lớn (tối đa 2 MB)."))])
    rows = _rows(data)
    if not rows or tuple(c.strip().lower() for c in rows[0][1][:4]) != HEADER:
        raise ImportRefused([str(_l("Dòng 1: dòng tiêu đề phải là %(header)s.",
                                    header=",".join(HEADER)))])
    if len(rows) - 1 > MAX_LINES:
        raise ImportRefused([str(_l("Tệp có quá %(n)s dòng.", n=MAX_LINES))])
    lines, problems = [], []
    for number, row in rows[1:]:
        cells = [c.strip() for c in row] + [""] * 4
        tracking, status, when, note = s10.normalise(cells[0]), cells[1].lower(), cells[2], \
            cells[3]
        at = _date(when)
        if not s10.is_valid(tracking):
            problems.append(str(_l("Dòng %(n)s: số hiệu “%(v)s” không hợp lệ.", n=number,
                                   v=cells[0][:20])))
        elif status not in STATUSES:
            problems.append(str(_l("Dòng %(n)s: trạng thái “%(v)s” không hợp lệ (dùng da_phat, "
                                   "phat_khong_thanh_cong hoặc chuyen_hoan).", n=number,
                                   v=cells[1][:30])))
        elif at is None:
            problems.append(str(_l("Dòng %(n)s: ngày “%(v)s” không hợp lệ (dạng ngày/tháng/năm).",
                                   n=number, v=when[:30])))
        elif at > now:
            problems.append(str(_l("Dòng %(n)s: ngày %(v)s ở tương lai.", n=number, v=when)))
        elif len(note) > 500:
            problems.append(str(_l("Dòng %(n)s: ghi chú quá dài (tối đa 500 ký tự).", n=number)))
        else:
            lines.append(Line(number, tracking, status, at, note))
    if problems:
        raise ImportRefused(problems)
    if not lines:
        raise ImportRefused([str(_l("Tệp không có dòng trạng thái nào."))])
    return lines


def import_statuses(data: bytes, user: Any, now: datetime) -> int:
    """Apply every line of the carrier's file, or refuse them all (``ImportRefused``)."""
    lines = parse(data, now)
    found = queries.by_tracking_numbers(user, {line.tracking for line in lines})
    problems = []
    for line in lines:
        shipment = found.get(line.tracking)
        if shipment is None:
            problems.append(str(_l("Dòng %(n)s: không có bưu gửi số hiệu %(v)s của cơ quan bạn "
                                   "phục vụ.", n=line.number, v=line.tracking)))
            continue
        # The carrier's dates may be days without a time: judged by the day, and never
        # recorded before the dispatch (days in transit are never negative).
        posted = shipment.dispatched_at
        if posted is not None and line.at.date() < posted.astimezone(VN_TZ).date():
            problems.append(str(_l("Dòng %(n)s: ngày trước ngày giao bưu chính.",
                                   n=line.number)))
            continue
        try:
            STATUSES[line.status](shipment, user, max(line.at, posted or line.at), line.note)
        except ops.DeliveryError as error:
            problems.append(str(_l("Dòng %(n)s: %(why)s", n=line.number, why=str(error))))
    if problems:
        raise ImportRefused(problems)
    return len(lines)
