"""The shape shared by the statistics tabs that count a few measures per agency and period
and open each count's dossiers (the postal tab, the online-payment tab): the table page and
the list page. A tab gives its templates and its domain module, which defines ``Measure``,
``LABELS``, a table function ``(period, agencies) -> (rows, total)`` and
``dossiers(period, measure, agency_ids)``."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from flask import abort, render_template, request
from flask_login import current_user

from portal.blueprints.stats.pages import _context, _may_open, _today
from portal.blueprints.stats.params import read_choice
from portal.core.numbers import parse_int
from portal.core.pagination import page_number, paginate
from portal.stats import access
from portal.stats.sheet import in_group

PAGE_SIZE = 50


def table_page(template: str, module: ModuleType, table: Callable):
    choice = read_choice(request.args, _today(), with_layout=False)
    context = _context(choice)
    if choice.errors:
        return render_template(template, rows=None, **context), 422
    agencies = in_group(access.readable_agencies(current_user), choice.group)
    rows, total = table(choice.period, agencies)
    link = {"ky": "tuy-chon", "tu": choice.period.start.strftime("%d/%m/%Y"),
            "den": choice.period.end.strftime("%d/%m/%Y"), "nhom": choice.group}
    return render_template(template, rows=rows, total=total, link=link,
                           measures=list(module.Measure), labels=module.LABELS, **context)


def dossiers_page(template: str, module: ModuleType):
    choice = read_choice(request.args, _today(), with_layout=False)
    try:
        measure = module.Measure(request.args.get("o", ""))
    except ValueError:
        abort(404)
    readable = in_group(access.readable_agencies(current_user), choice.group)
    agency_id = parse_int(request.args.get("co-quan", ""))
    if request.args.get("co-quan") and agency_id is None:
        abort(404)
    among = [a for a in readable if agency_id is None or a.id == agency_id]
    if choice.errors or not among:
        abort(404)
    page = paginate(module.dossiers(choice.period, measure, [a.id for a in among]),
                    page_number(request.args.get("page")), PAGE_SIZE)
    args = {k: request.args[k] for k in ("ky", "tu", "den", "nhom", "o", "co-quan")
            if request.args.get(k)}
    return render_template(template, page=page, args=args, title=module.LABELS[measure],
                           may_open=_may_open, scope=among[0].name if agency_id else None,
                           **_context(choice))
