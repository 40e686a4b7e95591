"""Decision 766's online-payment indicator (/thong-ke/thanh-toan, issue 14): per agency and
period, the share of fee-bearing dossiers paid online among those paid; every count opens
the list of its dossiers. Definitions in ``portal.payments.statistics``."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from portal.blueprints.stats import bp
from portal.blueprints.stats.pages import _context, _may_open, _today
from portal.blueprints.stats.params import read_choice
from portal.core.numbers import parse_int
from portal.core.pagination import page_number, paginate
from portal.payments import statistics
from portal.stats import access
from portal.stats.sheet import in_group

PAGE_SIZE = 50


@bp.get("/thanh-toan", endpoint="online_payment")
def online_payment():
    choice = read_choice(request.args, _today(), with_layout=False)
    context = _context(choice)
    if choice.errors:
        return render_template("stats/online_payment.html", rows=None, **context), 422
    agencies = in_group(access.readable_agencies(current_user), choice.group)
    rows, total = statistics.table(choice.period, agencies)
    link = {"ky": "tuy-chon", "tu": choice.period.start.strftime("%d/%m/%Y"),
            "den": choice.period.end.strftime("%d/%m/%Y"), "nhom": choice.group}
    return render_template("stats/online_payment.html", rows=rows, total=total, link=link,
                           measures=list(statistics.Measure), labels=statistics.LABELS,
                           **context)


@bp.get("/thanh-toan/ho-so", endpoint="online_payment_dossiers")
def online_payment_dossiers():
    choice = read_choice(request.args, _today(), with_layout=False)
    try:
        measure = statistics.Measure(request.args.get("o", ""))
    except ValueError:
        abort(404)
    readable = in_group(access.readable_agencies(current_user), choice.group)
    agency_id = parse_int(request.args.get("co-quan", ""))
    if request.args.get("co-quan") and agency_id is None:
        abort(404)
    among = [a for a in readable if agency_id is None or a.id == agency_id]
    if choice.errors or not among:
        abort(404)
    page = paginate(statistics.dossiers(choice.period, measure, [a.id for a in among]),
                    page_number(request.args.get("page")), PAGE_SIZE)
    args = {k: request.args[k] for k in ("ky", "tu", "den", "nhom", "o", "co-quan")
            if request.args.get(k)}
    return render_template("stats/online_payment_dossiers.html", page=page, args=args,
                           title=statistics.LABELS[measure], may_open=_may_open,
                           scope=among[0].name if agency_id else None, **_context(choice))
