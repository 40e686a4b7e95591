"""The reconciliation page (/thu-phi/doi-soat, issue 14, docs/payments.md "Reconciliation"):
per agency and day (or any period), what was asked, what came in by each method, what went
back and what is still to settle; every figure opens the list behind it; the XLSX export.
The bank's collection officer and the supervisor see every agency, counter officers and
leaders their own (``policy.reconciliation_agency_ids``).

Unmatched statement lines (docs/payments.md "Unmatched statement lines") follow the same
rule by the agency of the dossier a line names; a line naming none is seen by the readers of
every agency (the bank's collection officer, the supervisor) when they look at all agencies.
Marking a line resolved is for the people who import statements
(``policy.collection_agency_ids``: the bank's collection officer every line, a counter
officer the lines of their agencies); a leader or the supervisor only reads."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.accounts import policy
from portal.blueprints.payments import bp
from portal.blueprints.payments.forms import ResolveLineForm
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core import spreadsheet
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.pagination import page_number, paginate
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments import reconcile
from portal.payments import reconciliation as recon
from portal.payments.models import StatementLineRecord
from portal.stats.figures import Period, agencies

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _readable() -> list[Agency]:
    """The agencies the signed-in user reconciles; 403 for anyone else."""
    if not current_user.can_use_staff_area() or not policy.may_reconcile(current_user):
        abort(403)
    ids = policy.reconciliation_agency_ids(current_user)
    return agencies() if ids is None else agencies(ids=ids)


def _day(raw: str, default: date) -> date:
    raw = raw.strip()
    if not raw:
        return default
    value = (datetime.strptime(raw, "%d/%m/%Y").date() if "/" in raw
             else date.fromisoformat(raw))
    if value.year < 2000 or value.year > 2100:
        raise ValueError("out of range")
    return value


def _choice() -> tuple[dict[str, str], Period | None, str | None]:
    """The period asked for (today by default) as typed, the period, and the error."""
    today = datetime.now(VN_TZ).date()
    typed = {"tu": request.args.get("tu", "")[:10], "den": request.args.get("den", "")[:10]}
    try:
        start = _day(typed["tu"], today)
        end = _day(typed["den"], start if typed["tu"] else today)
        return typed, Period(start, end), None
    except ValueError:
        return typed, None, _("Vui lòng nhập ngày theo dạng ngày/tháng/năm, ngày kết thúc "
                              "không trước ngày bắt đầu.")


def _among(readable: list[Agency]) -> tuple[list[Agency], Agency | None]:
    """The agencies asked for: one (``co-quan``, 404 unless the user reconciles it) or all."""
    raw = request.args.get("co-quan", "")
    if not raw:
        return readable, None
    agency_id = parse_int(raw)
    chosen = next((a for a in readable if a.id == agency_id), None)
    if chosen is None:
        abort(404)
    return [chosen], chosen


def _untied(agency: Agency | None) -> bool:
    """Statement lines tied to no agency count for a reader of every agency viewing all."""
    return agency is None and policy.reconciliation_agency_ids(current_user) is None


def _may_resolve_lines() -> bool:
    return policy.may_collect_payments(current_user)


def _args(period: Period, agency: Agency | None) -> dict[str, str]:
    args = {"tu": period.start.isoformat(), "den": period.end.isoformat()}
    if agency is not None:
        args["co-quan"] = str(agency.id)
    return args


@bp.get("/thu-phi/doi-soat")
@login_required
def reconciliation():
    readable = _readable()
    among, agency = _among(readable)
    typed, period, error = _choice()
    if period is None:
        return render_template("payments/reconciliation.html", typed=typed, error=error,
                               readable=readable, agency=agency, period=None), 422
    rows, total = recon.table(period, among, untied=_untied(agency))
    return render_template("payments/reconciliation.html", typed=typed, error=None,
                           readable=readable, agency=agency, period=period, rows=rows,
                           total=total, figures=list(recon.Figure), labels=recon.LABELS,
                           args=_args(period, agency))


@bp.get("/thu-phi/doi-soat/<figure>")
@login_required
def reconciliation_list(figure: str):
    readable = _readable()
    try:
        chosen = recon.Figure(figure)
    except ValueError:
        abort(404)
    among, agency = _among(readable)
    _, period, error = _choice()
    if period is None:
        abort(404)
    query = recon.listing(chosen, period, [a.id for a in among], untied=_untied(agency))
    if chosen is recon.Figure.UNMATCHED:
        query = query.options(selectinload(StatementLineRecord.statement_import),
                              selectinload(StatementLineRecord.imported_by))
    page = paginate(query, page_number(request.args.get("page")), PAGE_SIZE)
    names = {a.id: a.name for a in among}
    return render_template("payments/reconciliation_list.html", page=page, figure=chosen,
                           title=recon.LABELS[chosen], kind=recon.KIND[chosen],
                           codes=recon.dossier_codes(page.items), names=names, agency=agency,
                           period=period, args=_args(period, agency),
                           may_refund=bool(policy.counter_agency_ids(current_user)),
                           may_resolve=_may_resolve_lines())


@bp.get("/thu-phi/doi-soat.xlsx")
@login_required
def reconciliation_export():
    readable = _readable()
    among, agency = _among(readable)
    _, period, error = _choice()
    if period is None:
        abort(404)
    rows, total = recon.table(period, among, untied=_untied(agency))
    response = make_response(_xlsx(period, rows, total))
    response.mimetype = XLSX
    response.headers["Content-Disposition"] = (
        f'attachment; filename="doi-soat-{period.start.isoformat()}-{period.end.isoformat()}'
        '.xlsx"')
    return response


def _back_args() -> dict[str, str]:
    """The list's period and agency, carried through the resolve page and back."""
    return {key: request.args[key][:10] for key in ("tu", "den", "co-quan")
            if request.args.get(key)}


def _line_or_404(line_id: int) -> StatementLineRecord:
    """A kept statement line the signed-in user may resolve: 403 for anyone who does not
    import statements, 404 for a line of another agency (or of none, for a counter
    officer)."""
    _readable()
    if not _may_resolve_lines():
        abort(403)
    agencies = policy.collection_agency_ids(current_user)
    line = db.session.get(StatementLineRecord, line_id)
    if line is None or (agencies is not None and line.agency_id not in agencies):
        abort(404)
    return line


@bp.route("/thu-phi/doi-soat/dong-sao-ke/<int:line_id>", methods=["GET", "POST"])
@login_required
def resolve_statement_line(line_id: int):
    """"Đánh dấu đã xử lý": once, with a note saying what was done (refunded, matched by
    hand to a dossier, returned to the bank…)."""
    line = _line_or_404(line_id)
    form = ResolveLineForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                done = reconcile.resolve(line.id, form.note.data, utcnow(), current_user,
                                         policy.collection_agency_ids(current_user))
                if done is None:
                    abort(404)
        except ops.PaymentError as error:
            db.session.refresh(line)
            show_refusal(form, error)
        else:
            flash(_("Đã đánh dấu đã xử lý dòng sao kê %(reference)s.",
                    reference=done.reference), "success")
            return redirect(url_for("payments.reconciliation_list", figure="unmatched",
                                    **_back_args()), 303)
    return render_template("payments/statement_line.html", line=line, form=form,
                           back=_back_args()), 422 if form.errors or form.form_errors else 200


def _xlsx(period: Period, rows: list[recon.Row], total: recon.Row) -> bytes:
    """One sheet: the heading, then per agency each figure's count and amount (whole đồng,
    number cells), the total row last."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Đối soát")[:31]
    bold = Font(bold=True)
    spreadsheet.put(ws, 1, 1, _("Đối soát thu phí, lệ phí")).font = bold
    spreadsheet.put(ws, 2, 1, _("Từ ngày %(start)s đến ngày %(end)s",
                                start=period.start.strftime("%d/%m/%Y"),
                                end=period.end.strftime("%d/%m/%Y")))
    header = [_("Cơ quan")]
    for figure in recon.Figure:
        header += [_("%(figure)s: số khoản", figure=_(recon.LABELS[figure])),
                   _("%(figure)s: số tiền (đồng)", figure=_(recon.LABELS[figure]))]
    header.append(_("Thực thu (đồng)"))
    for column, text in enumerate(header, start=1):
        spreadsheet.put(ws, 4, column, text).font = bold
    for line, row in enumerate([*rows, total], start=5):
        spreadsheet.put(ws, line, 1, row.agency.name if row.agency else _("Tổng cộng"))
        column = 2
        for figure in recon.Figure:
            spreadsheet.put(ws, line, column, row.counts[figure])
            spreadsheet.put(ws, line, column + 1, row.amounts[figure])
            column += 2
        spreadsheet.put(ws, line, column, row.collected)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
