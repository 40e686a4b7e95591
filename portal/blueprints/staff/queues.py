"""Officers' queues: the dashboard (/can-bo/) and one queue (/can-bo/hang-doi), with active
search (htmx; a plain GET form without JavaScript). The centre's supervisor sees every
agency's queues, read-only."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from portal.accounts import policy
from portal.blueprints.staff import bp
from portal.calendar.overrides import current_calendar
from portal.core.htmx import render_page_or_partial
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.workflow import queries
from portal.workflow.queries import Queue

# Vietnamese URLs (?loai=…) for the queues.
QUEUE_SLUGS = {
    Queue.RECEPTION: "cho-tiep-nhan", Queue.NEW: "moi", Queue.MINE: "cua-toi",
    Queue.DUE_SOON: "sap-den-han", Queue.OVERDUE: "qua-han",
    Queue.WAITING_APPLICANT: "cho-cong-dan", Queue.WAITING_AGENCY: "cho-co-quan-khac",
    Queue.RESULT_READY: "co-ket-qua", Queue.CONSULTATIONS: "xin-y-kien",
    Queue.WITHDRAWAL: "de-nghi-rut", Queue.INTER_AGENCY_IN: "lien-thong-den",
}
BY_SLUG = {slug: queue for queue, slug in QUEUE_SLUGS.items()}


def _int_arg(name: str) -> int | None:
    return parse_int(request.args.get(name, ""))


def _chosen_agency(agencies):
    """The agency asked for (?agency=), else the first; one the user may not open → 404."""
    wanted = _int_arg("agency")
    if wanted is None:
        return agencies[0] if agencies else None
    found = next((a for a in agencies if a.id == wanted), None)
    if found is None:
        abort(404)
    return found


@bp.get("/")
def dashboard():
    agencies = queries.agencies_for(current_user)
    agency = _chosen_agency(agencies)
    counts, queue_list = {}, []
    if agency is not None:
        queue_list = queries.queues_for(policy.roles_in(current_user, agency.id))
        counts = queries.queue_counts(agency.id, queue_list, current_user, utcnow(),
                                      current_calendar())
    # Each button only for whom it opens (issue 18): intake for the agency's counter officers.
    receives = agency is not None and agency.id in policy.counter_agency_ids(current_user)
    return render_template("staff/dashboard.html", agencies=agencies, agency=agency,
                           queues=queue_list, counts=counts, slugs=QUEUE_SLUGS,
                           read_only=not policy.served_agency_ids(current_user),
                           receives=receives)


@bp.get("/hang-doi")
def queue():
    agencies = queries.agencies_for(current_user)
    agency = _chosen_agency(agencies)
    if agency is None:
        abort(404)
    available = queries.queues_for(policy.roles_in(current_user, agency.id))
    chosen = BY_SLUG.get(request.args.get("loai", ""))
    if chosen is None:
        chosen = available[0] if available else Queue.OVERDUE
    q = request.args.get("q", "")[:100]
    now = utcnow()
    page = queries.queue_page(agency.id, chosen, current_user, now, current_calendar(), q,
                              page_number(request.args.get("page")),
                              current_app.config["PORTAL"].catalog_page_size)
    ids = [d.id for d in page.items]
    answer_due = (queries.consultation_due(agency.id, ids) if chosen is Queue.CONSULTATIONS
                  else queries.leg_due(agency.id, ids) if chosen is Queue.INTER_AGENCY_IN
                  else {})
    args = {"agency": agency.id, "loai": QUEUE_SLUGS[chosen], "q": q or None}
    return render_page_or_partial(
        "staff/queue.html", "staff/_queue_rows.html", agencies=agencies, agency=agency,
        queues=available, queue=chosen, slugs=QUEUE_SLUGS, page=page, q=q, now=now,
        args={k: v for k, v in args.items() if v}, answer_due=answer_due,
        read_only=not policy.served_agency_ids(current_user))


@bp.get("/tim-kiem")
def search():
    """The desk's one search box: any dossier of the officer's agencies (every agency for the
    supervisor), finished ones and walk-ins included, by code, name, CCCD or phone."""
    q = request.args.get("q", "")[:100]
    page = queries.search_dossiers(current_user, q, page_number(request.args.get("page")),
                                   current_app.config["PORTAL"].catalog_page_size)
    return render_page_or_partial(
        "staff/search.html", "staff/_search_results.html", q=q.strip(), page=page,
        now=utcnow(), args={"q": q} if q else {},
        many_agencies=policy.is_supervisor(current_user)
        or len(policy.served_agency_ids(current_user)) > 1)
