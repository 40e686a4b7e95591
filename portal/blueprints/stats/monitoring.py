"""The centre's monitoring dashboard (/thong-ke/giam-sat, issue #5): overdue and due-today
dossiers per agency and the five watch lists, as of now; the page polls itself every minute
(htmx) and is a plain page with a reload link without JavaScript. Each list's full, paginated
version is /thong-ke/giam-sat/<list>. The blueprint's guard lets in the centre's supervisor
(every agency) and agency leaders (their own agencies); the definitions live in
``portal.stats.monitoring``."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from portal.accounts import policy
from portal.blueprints.stats import bp
from portal.calendar.overrides import current_calendar
from portal.core.htmx import render_page_or_partial
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.feedback.complaints.queries import overdue_count
from portal.stats import access
from portal.stats import monitoring as mon
from portal.stats.monitoring import Watch

WATCH_SLUGS = {
    Watch.OVERDUE: "qua-han-chua-xin-loi",
    Watch.SUPPLEMENT: "yeu-cau-bo-sung-muon",
    Watch.CONSULTATION: "xin-y-kien-qua-han",
    Watch.STEPS: "buoc-xu-ly-theo-can-bo",
    Watch.INTER_AGENCY: "lien-thong-sat-han",
    Watch.STOPPED_LATE: "dung-khi-qua-han",
    Watch.LATE_LEGS: "lien-thong-tre-han",
}
BY_SLUG = {slug: watch for watch, slug in WATCH_SLUGS.items()}
BOARD_ROWS = 10  # rows of each list on the dashboard
LIST_ROWS = 50  # rows per page of a full list
POLL_SECONDS = 60


def _int_arg(name: str) -> int | None:
    return parse_int(request.args.get(name, ""))


def _scope():
    """The agencies the reader may see, the one chosen (?agency=, else all: another
    agency's id → 404) and the period (?ky=7|30 days)."""
    readable = access.readable_agencies(current_user)
    wanted = _int_arg("agency")
    chosen = None
    if wanted is not None:
        chosen = next((a for a in readable if a.id == wanted), None)
        if chosen is None:
            abort(404)
    days = _int_arg("ky")
    if days not in mon.PERIOD_CHOICES:
        days = mon.DEFAULT_PERIOD_DAYS
    shown = [chosen] if chosen else readable
    scope = mon.Scope(tuple(a.id for a in shown), utcnow(), current_calendar(), days)
    args = {"agency": chosen.id if chosen else None,
            "ky": days if days != mon.DEFAULT_PERIOD_DAYS else None}
    return readable, chosen, shown, scope, {k: v for k, v in args.items() if v}


def _context(readable, chosen, scope, args) -> dict:
    return dict(agencies=readable, chosen=chosen, scope=scope, args=args, slugs=WATCH_SLUGS,
                period_choices=mon.PERIOD_CHOICES, poll_seconds=POLL_SECONDS,
                supplement_days=mon.SUPPLEMENT_MAX_DAYS,
                inter_agency_days=mon.INTER_AGENCY_MIN_DAYS)


def _feedback_overdue(chosen, scope) -> int:
    """Feedback unanswered past its due time (issue 16): every item for the supervisor's
    whole board (the unrouted ones too), else the agencies shown."""
    every = chosen is None and policy.is_supervisor(current_user)
    return overdue_count(None if every else list(scope.agency_ids), scope.now)


@bp.get("/giam-sat")
def monitoring():
    readable, chosen, shown, scope, args = _scope()
    board = mon.board(scope, shown, BOARD_ROWS)
    return render_page_or_partial("stats/monitoring.html", "stats/_monitoring_board.html",
                                  board=board, feedback_overdue=_feedback_overdue(chosen, scope),
                                  **_context(readable, chosen, scope, args))


@bp.get("/giam-sat/<slug>")
def monitoring_list(slug: str):
    watch = BY_SLUG.get(slug)
    if watch is None:
        abort(404)
    readable, chosen, _shown, scope, args = _scope()
    page = mon.watch_page(watch, scope, page_number(request.args.get("page")), LIST_ROWS)
    return render_page_or_partial("stats/monitoring_list.html", "stats/_monitoring_list.html",
                                  watch=watch, page=page,
                                  **_context(readable, chosen, scope, args))
