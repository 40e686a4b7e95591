"""The statistics pages (/thong-ke, issue #5): the table in layout A or B, the dossiers behind
every number, the table's exports (XLSX, CSV, PDF and its printable page), the charts and
the annual figures. Routes only: definitions in ``portal.stats.figures``, the table as shown
in ``portal.stats.sheet``, which agencies a reader sees in ``portal.stats.access``.

Every page takes the same plain GET form (``params``): period, agency group, layout."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import abort, g, make_response, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from portal.accounts import policy
from portal.blueprints.stats import bp
from portal.blueprints.stats.params import PRESETS, Choice, read_choice, read_target
from portal.calendar import VN_TZ
from portal.core.formatting import vn_number
from portal.core.htmx import is_partial_request, render_page_or_partial
from portal.core.http import content_disposition
from portal.core.pagination import page_number, paginate
from portal.core.pdf import pdf_response
from portal.dossiers.models import Channel, Dossier
from portal.stats import access, charts, exports, trends
from portal.stats.annual import annual as annual_figures
from portal.stats.comparison import published_note
from portal.stats.figures import LAYOUTS, Cell, Period, dossiers_query, table
from portal.stats.sheet import (
    CELL_DEFINITIONS,
    CELL_TITLES,
    GROUP_LABELS,
    build_sheet,
    in_group,
    share_permille,
    vn_share,
)

PAGE_SIZE = 50
# The report's stylesheets, handed to WeasyPrint as text: the official documents' page and
# grid, and the statistics section of the portal's stylesheet.
REPORT_CSS = [Path(__file__).resolve().parents[2] / "static" / "css" / name
              for name in ("documents.css", "portal.css")]
CHANNEL_COLOURS = {Channel.ONLINE: charts.PALETTE[0], Channel.COUNTER: charts.PALETTE[1],
                   Channel.POSTAL: charts.PALETTE[2]}


@bp.app_context_processor
def _statistics_link():
    # base.html shows "Thống kê" to those who may read it (asked only when drawn).
    def may_read_statistics() -> bool:
        return (current_user.is_authenticated and current_user.can_use_staff_area()
                and policy.may_read_statistics(current_user))

    return {"may_read_statistics": may_read_statistics}


@bp.app_template_filter("vn_share")
def _vn_share(part: int, whole: int) -> str:
    return vn_share(part, whole)


def _today() -> date:
    return datetime.now(VN_TZ).date()


def _context(choice: Choice) -> dict:
    return {"choice": choice, "presets": PRESETS, "groups": GROUP_LABELS, "layouts": LAYOUTS,
            "today": choice.today, "cell_titles": CELL_TITLES, "Cell": Cell,
            "scope_label": _scope_label(choice.group)}


def _scope_label(group: str) -> str:
    """What the tables are of: the group for the supervisor, who reads every agency; for a
    leader, the names of their own agencies (a group's name would claim agencies they do
    not see)."""
    if not policy.is_supervisor(current_user):
        names = [a.name for a in in_group(access.readable_agencies(current_user), group)]
        if names:
            return ", ".join(names)
    return gettext(GROUP_LABELS[group]) if group in GROUP_LABELS else ""


def _status(choice: Choice) -> int:
    return 422 if choice.errors else 200


# --- the table -------------------------------------------------------------------------------

@bp.get("/", endpoint="index")
def index():
    choice = read_choice(request.args, _today())
    sheet = note = None
    if not choice.errors:
        sheet = build_sheet(choice.period, choice.layout, choice.group,
                            access.readable_agencies(current_user))
        note = published_note(sheet)
    return render_page_or_partial("stats/index.html", "stats/_results.html", sheet=sheet,
                                  note=note, oob=is_partial_request(),
                                  **_context(choice)), _status(choice)


def _report_context(choice: Choice) -> dict:
    readable = access.readable_agencies(current_user)
    sheet = build_sheet(choice.period, choice.layout, choice.group, readable)
    issuer = None if policy.is_supervisor(current_user) else [a.name for a in readable]
    return {"sheet": sheet, "issuer": issuer, "printed_on": choice.today, **_context(choice)}


def _filename(choice: Choice, extension: str) -> str:
    period = choice.period
    return (f"thong-ke-{choice.group}-mau-{choice.layout.key}-"
            f"{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}")


@bp.get("/ban-in", endpoint="printable")
def printable():
    choice = read_choice(request.args, _today())
    if choice.errors:
        abort(404)
    return render_template("stats/report.html", pdf=False,
                           pdf_url=url_for("stats.export", fmt="pdf", **choice.period_args()),
                           back_url=url_for("stats.index", **choice.form_args()),
                           **_report_context(choice))


@bp.get("/bang.<any(xlsx, csv, pdf):fmt>", endpoint="export")
def export(fmt: str):
    choice = read_choice(request.args, _today())
    if choice.errors:
        abort(404)
    context = _report_context(choice)
    if fmt == "pdf":
        html = render_template("stats/report.html", pdf=True, **context)
        return pdf_response(html, _filename(choice, "pdf"),
                            [path.read_text(encoding="utf-8") for path in REPORT_CSS],
                            kind="attachment")
    if fmt == "csv":
        response = make_response(exports.csv_bytes(context["sheet"], gettext))
        response.mimetype = "text/csv"
        response.charset = "utf-8"
    else:
        heading = [", ".join(context["issuer"]) if context["issuer"] else
                   gettext("Trung tâm Phục vụ hành chính công tỉnh Quảng Ngãi"),
                   gettext("Tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính"),
                   gettext(choice.layout.title), _period_line(choice.period)]
        response = make_response(exports.xlsx_bytes(context["sheet"], gettext, heading))
        response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = content_disposition("attachment",
                                                                  _filename(choice, fmt))
    return response


def _period_line(period: Period) -> str:
    return gettext("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s",
                   start=f"{period.start:%d/%m/%Y}", end=f"{period.end:%d/%m/%Y}")


# --- the dossiers behind a number -------------------------------------------------------------

def _may_open(dossier: Dossier) -> bool:
    """The staff workspace opens for the supervisor and the agency's own officers."""
    return (policy.is_supervisor(current_user)
            or dossier.agency_id in policy.served_agency_ids(current_user))


@bp.get("/ho-so", endpoint="dossiers")
def dossiers():
    target = read_target(request.args, access.readable_agencies(current_user), _today())
    if target is None:
        abort(404)
    query = dossiers_query(target.period, target.cell, target.agency_ids).options(
        selectinload(Dossier.procedure_version))
    page = paginate(query, page_number(request.args.get("page")), PAGE_SIZE)
    args = {k: request.args[k] for k in ("tu", "den", "o", "nhom", "co-quan", "mau")
            if request.args.get(k)}
    scope = target.agency.name if target.agency else gettext(GROUP_LABELS[target.group])
    back = {k: v for k, v in args.items() if k in ("tu", "den", "nhom", "mau")}
    return render_template("stats/dossiers.html", target=target, page=page, args=args,
                           scope=scope, may_open=_may_open, back_args=back,
                           title=gettext(CELL_TITLES[target.cell]),
                           definition=gettext(CELL_DEFINITIONS[target.cell]))


# --- charts -----------------------------------------------------------------------------------

def _rate_text(value: float | None) -> str:
    if value is None:
        return gettext("chưa có hồ sơ giải quyết")
    permille = round(value * 1000)
    return f"{permille // 10},{permille % 10} %"


def _charts(rates: list[tuple[str, int | None]], months: list) -> dict[str, Markup]:
    """The three charts: on-time rate per agency, intake per month and channel, pending and
    overdue at each month's end."""
    labels = [m.label for m in months]
    return {
        "rate": charts.horizontal_bars(
            "chart-rate", gettext("Tỷ lệ giải quyết đúng hạn theo cơ quan"),
            gettext("Tỷ lệ hồ sơ giải quyết đúng hạn trên tổng số hồ sơ đã giải quyết trong "
                    "kỳ, mỗi cơ quan một thanh; số liệu ở bảng ngay dưới."),
            [(name, None if p is None else p / 1000) for name, p in rates], _rate_text),
        "intake": charts.stacked_columns(
            "chart-intake", gettext("Hồ sơ tiếp nhận theo tháng và hình thức nộp"),
            gettext("Số hồ sơ tiếp nhận mỗi tháng, chia theo trực tuyến, trực tiếp tại quầy "
                    "và qua bưu chính; số liệu ở bảng ngay dưới."), labels,
            [charts.Series(gettext(c.label), [m.received[c] for m in months],
                           CHANNEL_COLOURS[c]) for c in Channel], vn_number),
        "overdue": charts.lines(
            "chart-overdue", gettext("Hồ sơ đang giải quyết và quá hạn vào cuối mỗi tháng"),
            gettext("Số hồ sơ chưa giải quyết xong và số hồ sơ quá hạn tại thời điểm cuối mỗi "
                    "tháng; số liệu ở bảng ngay dưới."), labels,
            [charts.Series(gettext("Đang giải quyết"), [m.pending for m in months],
                           charts.PALETTE[0]),
             charts.Series(gettext("Quá hạn"), [m.overdue for m in months],
                           charts.PALETTE[3])], vn_number),
    }


@bp.get("/bieu-do", endpoint="charts")
def charts_page():
    choice = read_choice(request.args, _today(), with_layout=False)
    context = _context(choice)
    if choice.errors:
        return render_template("stats/charts.html", **context), 422
    agencies = in_group(access.readable_agencies(current_user), choice.group)
    counted = table(choice.period, agencies, (Cell.RESOLVED, Cell.ON_TIME))
    rates = [(row.agency.name, share_permille(row[Cell.ON_TIME], row[Cell.RESOLVED]))
             for row in counted.rows]
    months = trends.monthly(choice.period, agencies)
    svg = _charts(rates, months)
    return render_template("stats/charts.html", svg=svg, counted=counted, months=months,
                           channels=list(Channel), truncated=len(months) < len(
                               trends.months_of(choice.period)), **context)


# --- the annual figures -----------------------------------------------------------------------

@bp.get("/so-lieu-nam", endpoint="annual")
def annual():
    choice = read_choice(request.args, _today(), with_layout=False)
    context = _context(choice)
    if choice.errors:
        return render_template("stats/annual.html", figures=None, **context), 422
    agencies = in_group(access.readable_agencies(current_user), choice.group)
    figures = annual_figures(choice.period, agencies)
    return render_template("stats/annual.html", figures=figures,
                           link_args=choice.period_args(), **context)


def cell_url(period_args: dict, cell: Cell, agency_id: int | None = None,
             group: str | None = None) -> str:
    """The list behind one number. A national table links some twenty thousand numbers:
    the list's address and the period's part of the query are built once per page (what
    ``url_for`` would give, its arguments in another order), each number adds its own."""
    key = tuple(period_args.items())
    prefixes = g.setdefault("stats_cell_url_prefixes", {})
    if key not in prefixes:
        common = {k: v for k, v in period_args.items() if k not in ("o", "co-quan", "nhom")}
        prefixes[key] = f"{url_for('stats.dossiers')}?{urlencode(common)}&"
    url = f"{prefixes[key]}o={cell.value}"  # a cell's name: [a-z_]
    if agency_id is not None:
        url += f"&co-quan={int(agency_id)}"
    if group is not None or "nhom" in period_args:
        url += "&nhom=" + quote(period_args["nhom"] if group is None else group, safe="")
    return url


def cell_number(value: int, links: bool, period_args: dict, cell: Cell,
                agency_id: int | None = None, group: str | None = None) -> Markup:
    """One number of the table: a link to its list, except 0 (and except in print). Python,
    not a template macro: a national table draws some twenty thousand."""
    text = vn_number(value)
    if not (links and value):
        return Markup(text)
    return Markup('<a href="{}">{}</a>').format(cell_url(period_args, cell, agency_id, group),
                                                text)


@bp.context_processor
def _helpers():
    return {"cell_url": cell_url, "cell_number": cell_number}
