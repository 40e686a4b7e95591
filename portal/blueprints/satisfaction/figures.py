"""The satisfaction figures (/thong-ke/hai-long): for any period, the totals, each criterion's
average, Appendix 2's table by agency (also as XLSX), by counter and by officer, and the
anonymous comments; the ratings behind them with their dossiers (/thong-ke/hai-long/danh-gia).

Who reads what (``accounts.policy``): the supervisor every agency, a leader their agencies
(both with the drill-down to ratings and dossiers); any other officer only their own
figures and the comments about them, anonymous — no rating, dossier or rater is shown."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from io import BytesIO

from flask import abort, make_response, render_template, request
from flask_babel import gettext
from flask_login import current_user

from portal.accounts import policy
from portal.blueprints.satisfaction import bp
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core import spreadsheet
from portal.core.http import content_disposition
from portal.core.i18n import N_
from portal.core.numbers import parse_int
from portal.core.pagination import page_number, paginate
from portal.extensions import login_manager
from portal.feedback import figures
from portal.feedback.models import CRITERIA, Overall
from portal.stats.figures import Period, agencies

PAGE_SIZE = 50


@dataclass
class Reader:
    agencies: list[Agency]
    scope: figures.Scope
    drill_down: bool  # leaders and the supervisor see the ratings and their dossiers


def _reader() -> Reader:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not current_user.can_use_staff_area():
        abort(403)
    if policy.is_supervisor(current_user):
        return Reader(agencies(), figures.Scope(), True)
    led = policy.led_agency_ids(current_user)
    if led:
        return Reader(agencies(ids=led), figures.Scope(frozenset(led)), True)
    if policy.served_agency_ids(current_user):
        return Reader([], figures.Scope(officer_id=current_user.id), False)
    abort(403)


def _today() -> date:
    return datetime.now(VN_TZ).date()


def _period() -> tuple[Period, str | None]:
    today = _today()
    year = today.year + 1 if (today.month, today.day) >= (12, 15) else today.year
    default = Period.report_year(year)
    try:
        start = date.fromisoformat(request.args.get("tu", "").strip()[:10] or
                                   default.start.isoformat())
        end = date.fromisoformat(request.args.get("den", "").strip()[:10] or
                                 min(default.end, today).isoformat())
        return Period(start, end), None
    except ValueError:
        return Period(default.start, min(default.end, today)), gettext(
            "Ngày không hợp lệ hoặc ngày kết thúc trước ngày bắt đầu: trang hiện năm báo "
            "cáo hiện tại.")


def _narrowed(reader: Reader) -> figures.Scope:
    """The reader's scope, narrowed to the agency, counter or officer asked for (an agency
    they do not read is 404)."""
    scope = reader.scope
    if not reader.drill_down:
        return scope
    agency_id = parse_int(request.args.get("co-quan", ""))
    if agency_id is not None:
        if agency_id not in {a.id for a in reader.agencies}:
            abort(404)
        scope = replace(scope, agency_ids=frozenset({agency_id}))
    counter_id = parse_int(request.args.get("quay", ""))
    officer_id = parse_int(request.args.get("can-bo", ""))
    return replace(scope, counter_id=counter_id, officer_id=officer_id)


def _args(period: Period, **extra) -> dict:
    args = {"tu": period.start.isoformat(), "den": period.end.isoformat()}
    for key in ("co-quan", "quay", "can-bo"):
        if request.args.get(key):
            args[key] = request.args[key]
    return {**args, **{k: v for k, v in extra.items() if v is not None}}


@bp.get("/thong-ke/hai-long")
def figures_page():
    reader = _reader()
    period, error = _period()
    scope = _narrowed(reader)
    start, end = period.start_at, period.end_at
    numbers = figures.summary(start, end, scope, reader.agencies, gettext("Tổng cộng"))
    context = {
        "reader": reader, "period": period, "error": error, "criteria": CRITERIA,
        "total": numbers.total, "by_agency": numbers.by_agency if reader.drill_down else [],
        "by_counter": numbers.by_counter if reader.drill_down else [],
        "by_officer": numbers.by_officer if reader.drill_down else [],
        "comments": figures.comments(start, end, scope),
        "args": _args(period),
    }
    return render_template("satisfaction/figures.html", **context)


@bp.get("/thong-ke/hai-long/danh-gia")
def rating_list():
    reader = _reader()
    if not reader.drill_down:
        abort(403)
    period, _error = _period()
    try:
        overall = Overall(request.args["muc"]) if request.args.get("muc") else None
    except ValueError:
        overall = None
    query = figures.ratings_with_dossiers(period.start_at, period.end_at, _narrowed(reader),
                                          overall)
    page = paginate(query, page_number(request.args.get("page")), PAGE_SIZE)
    return render_template("satisfaction/ratings.html", page=page, period=period,
                           criteria=CRITERIA, args=_args(period, muc=request.args.get("muc")))


@bp.get("/thong-ke/hai-long.xlsx")
def figures_xlsx():
    reader = _reader()
    if not reader.drill_down:
        abort(403)
    period, _error = _period()
    scope = _narrowed(reader)
    rows = figures.by_agency(period.start_at, period.end_at, scope, reader.agencies)
    total = figures.total(period.start_at, period.end_at, scope, gettext("Tổng cộng"))
    response = make_response(_workbook(period, rows, total))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"phu-luc-2-hai-long-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")
    return response


APPENDIX_2_HEADER = (
    N_("STT"), N_("Cơ quan"), N_("Tổng số lượt đánh giá"), N_("Rất hài lòng"), N_("Hài lòng"),
    N_("Không hài lòng"), N_("Rất hài lòng và hài lòng"),
    N_("Tỷ lệ rất hài lòng và hài lòng (%)"))


def appendix_2_rows(rows, total) -> list[list]:
    """Appendix 2's lines: number, agency, counts and the share as a percentage (2 places)."""
    lines = []
    for n, row in enumerate([*rows, total], start=1):
        share = round(100 * row.share, 2) if row.share is not None else None
        lines.append([n if row is not total else "", row.label, row.count,
                      row.very_satisfied, row.satisfied, row.dissatisfied,
                      row.satisfied_or_better, share])
    return lines


def _workbook(period: Period, rows, total) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Phụ lục 2")[:31]
    bold = Font(bold=True)
    spreadsheet.put(sheet, 1, 1, gettext("PHỤ LỤC 2")).font = bold
    spreadsheet.put(sheet, 2, 1, gettext(
        "KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG CỦA TỔ CHỨC, CÁ NHÂN")).font = bold
    spreadsheet.put(sheet, 3, 1, gettext("Từ ngày %(start)s đến ngày %(end)s",
                                         start=f"{period.start:%d/%m/%Y}",
                                         end=f"{period.end:%d/%m/%Y}"))
    for column, title in enumerate(APPENDIX_2_HEADER, start=1):
        spreadsheet.put(sheet, 5, column, gettext(title)).font = bold
    for offset, line in enumerate(appendix_2_rows(rows, total)):
        for column, value in enumerate(line, start=1):
            spreadsheet.put(sheet, 6 + offset, column, value)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
