"""Public pages: home, the procedure catalog with active search, procedure pages, language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from portal.blueprints.downloads import stream_stored
from portal.blueprints.public import bp
from portal.blueprints.public.forms import LookupForm
from portal.calendar.overrides import current_calendar
from portal.catalog import queries
from portal.catalog.models import OnlineLevel, ProcedureDocument
from portal.core.errors import too_many
from portal.core.frame import unit_of_work
from portal.core.htmx import is_partial_request
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.core.redirects import safe_redirect_target
from portal.core.security import client_address
from portal.core.throttle import Decision, Throttled
from portal.dossiers.lookup import look_up
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.workflow import obligations


def _int_arg(name: str) -> int | None:
    return parse_int(request.args.get(name, ""))


def _catalog_filter() -> queries.CatalogFilter:
    level = request.args.get("level", "")
    agency_id, field_id = _int_arg("agency"), _int_arg("field")
    if agency_id and field_id and field_id not in {f.id for f in queries.fields_of(agency_id)}:
        field_id = None  # the agency changed: a field of another agency no longer applies
    return queries.CatalogFilter(
        q=request.args.get("q", "")[:200],
        agency_id=agency_id,
        field_id=field_id,
        level=OnlineLevel(level) if level in OnlineLevel._value2member_map_ else None,
    )


@bp.get("/")
def home():
    agencies = queries.active_agencies()
    counts = queries.published_counts_by_agency()
    return render_template("public/home.html", agencies=agencies, counts=counts,
                           total=sum(counts.values()), lookup_form=LookupForm(formdata=None))


@bp.get("/thu-tuc")
def catalog():
    filters = _catalog_filter()
    page = queries.search_catalog(filters, page=page_number(request.args.get("page")),
                                  size=current_app.config["PORTAL"].catalog_page_size)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if is_partial_request():  # active search: the results list alone, no filter options
        return render_template("public/_results.html", page=page, args=args)
    return render_template(
        "public/catalog.html", filters=filters, page=page, args=args,
        agencies=queries.active_agencies(), fields=queries.fields_of(filters.agency_id),
        levels=list(OnlineLevel),
    )


@bp.get("/thu-tuc/linh-vuc")
def field_options():
    """The field <option>s for the chosen agency (htmx refreshes the select)."""
    agency_id = _int_arg("agency")
    return render_template("public/_field_options.html", fields=queries.fields_of(agency_id),
                           filters=queries.CatalogFilter(agency_id=agency_id))


@bp.get("/thu-tuc/<code>")
def procedure(code: str):
    version = queries.published_by_code(code)
    if version is None:
        abort(404)
    return render_template("public/procedure.html", version=version,
                           procedure=version.procedure)


@bp.get("/thu-tuc/<code>/giay-to/<int:document_id>/<kind>")
def document_file(code: str, document_id: int, kind: str):
    """Download a requirement's form template or sample dossier (public, published only)."""
    version = queries.published_by_code(code)
    document = db.session.get(ProcedureDocument, document_id)
    if version is None or document is None or document.version_id != version.id:
        abort(404)
    key, filename = {
        "mau": (document.template_key, document.template_filename),
        "ho-so-mau": (document.sample_key, document.sample_filename),
    }.get(kind, (None, None))
    if not key:
        abort(404)
    return _stream(key, filename or "tep")


def _stream(key: str, filename: str):
    mimetype = "application/pdf" if filename.lower().endswith(".pdf") else (
        "application/octet-stream")
    return stream_stored(key, filename=filename, mimetype=mimetype)


@dataclass(frozen=True)
class LookupAnswer:
    """What one lookup request found: the dossier (or None), the status of the answer, and
    the throttle's decision when the client failed too often (429)."""

    form: LookupForm
    dossier: Dossier | None = None
    status: int = 200
    throttled: Decision | None = None


def look_up_request() -> LookupAnswer:
    """The lookup of ``?ma=&so=`` (or the QR's ``t``), shared by the page and its JSON
    answer (api.py): the same second factor, the same throttle, the same counters."""
    form = LookupForm(request.args)
    token = request.args.get("t", "")[:64]
    # The first visit, or a link naming only the code (the apologies page): just the form.
    asked = "ma" in request.args and ("so" in request.args or token)
    if not asked:
        return LookupAnswer(form)
    if not (token and form.ma.validate(form) or not token and form.validate()):
        return LookupAnswer(form, status=422)
    try:
        with unit_of_work():  # a success gives back its counted attempt
            dossier = look_up(form.ma.data, digits=(form.so.data or "").strip(),
                              token=token, address=client_address(),
                              config=current_app.config["PORTAL"],
                              secret=current_app.config["SECRET_KEY"])
    except Throttled as refusal:
        return LookupAnswer(form, status=429, throttled=refusal.decision)
    return LookupAnswer(form, dossier, 200 if dossier else 404)


def throttled_message(decision: Decision) -> str:
    return _("Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau %(n)s phút.",
             n=decision.retry_after_minutes)


@bp.get("/tra-cuu")
def lookup():
    """Public lookup: procedure, state and appointment — nothing personal — for the code and a
    second factor (the 4 digits, or the receipt QR's token ``t``); see portal.dossiers.lookup.
    Any failure reads exactly like an unknown code."""
    answer = look_up_request()
    if answer.throttled is not None:
        return _private(too_many("public/lookup.html", answer.throttled,
                                 throttled_message(answer.throttled), form=answer.form,
                                 dossier=None, not_found=False, clock=None))
    clock = (obligations.paused_clock(answer.dossier, current_calendar())
             if answer.dossier else None)
    return _private((render_template("public/lookup.html", form=answer.form,
                                     dossier=answer.dossier, clock=clock,
                                     not_found=answer.status == 404), answer.status))


def _private(result):
    """The answer says what a dossier is and where it stands: no shared cache may keep it."""
    response = make_response(result)
    response.headers["Cache-Control"] = "no-store"
    return response


APOLOGIES_PAGE_SIZE = 20


@bp.get("/xin-loi")
def apologies():
    """The agencies' apologies for overdue dossiers (form 04), newest first. Public, so it
    names the dossier by its code and never the applicant."""
    from portal.workflow.queries import apologies_page

    page = apologies_page(page_number(request.args.get("page")), APOLOGIES_PAGE_SIZE)
    return render_template("public/apologies.html", page=page)


@bp.get("/co-quan")
def agencies():
    return render_template("public/agencies.html", agencies=queries.active_agencies(),
                           counts=queries.published_counts_by_agency())


@bp.post("/ngon-ngu")
def set_language():
    locale = request.form.get("locale", "vi")
    session["locale"] = locale if locale in ("vi", "en") else "vi"
    return redirect(safe_redirect_target(request.form.get("next"), url_for("public.home")), 303)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: answer with the SVG icon the
    pages link (every current browser draws an SVG favicon) instead of a 404."""
    response = current_app.send_static_file("favicon.svg")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. Touches nothing else (see /readyz)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Readiness: the database, the object storage and the queue answer; 503 naming the part
    that does not (portal/core/health.py)."""
    from portal.core.health import readiness

    checks = readiness(current_app.extensions["storage"], current_app.extensions["tasks"].huey,
                       current_app.config["PORTAL"])
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            "checks": {part: "ok" if ok else "failed" for part, ok in checks.items()}}
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}




@bp.get("/metrics")
def metrics():
    """Prometheus metrics for the monitoring network only (portal/core/metrics.py): anyone
    else gets the 404 page, as for a path that does not exist."""
    from portal.core import metrics as portal_metrics

    if not portal_metrics.allowed():
        abort(404)
    return portal_metrics.scrape()
