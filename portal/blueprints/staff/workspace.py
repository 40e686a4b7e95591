"""The dossier workspace (/can-bo/ho-so/<id>): everything about one dossier, its files
viewable in the browser, and the actions the officer may take now.

What is drawn on demand, to keep the page cheap (≤ 50 ms with a long history, see
docs/benchmarks.md): the history shows its latest HISTORY_SHOWN events, the whole of it is
/can-bo/ho-so/<id>/lich-su; an action whose form has fields is a link to
/can-bo/ho-so/<id>/thao-tac/<action>, which htmx swaps for the form (without JavaScript the
same address is the workspace with that form open). Buttons alone stay on the page.

Every action is one POST to /can-bo/ho-so/<id>/<action>: load (visible, else 404) → may this
user take this action at all (else 403) → parse the form → one workflow function → commit
once. A refusal re-renders the workspace with the message next to the form (422); a
concurrent change (the version the officer saw is gone) rolls back and shows the fresh
dossier with the conflict message. htmx posts get the workspace fragment back; plain posts
are redirected (success) or get the whole page."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from portal.blueprints.downloads import send_dossier_file, send_stored_file
from portal.blueprints.staff import bp, get_dossier_or_404
from portal.blueprints.staff.forms import FORMS, ActionForm
from portal.calendar.overrides import current_calendar
from portal.catalog import queries as catalog_queries
from portal.core.forms import too_long
from portal.core.frame import refused, unit_of_work
from portal.core.htmx import htmx_redirect, is_partial_request
from portal.core.i18n import lazy_text as _l
from portal.core.models import utcnow
from portal.core.refusal import Refusal
from portal.core.uploads import accepts_files
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import AGENCY_OUTPUT, Dossier, DossierFile, FileKind
from portal.extensions import db
from portal.payments import fees
from portal.payments import operations as payment_ops
from portal.workflow import actions as wf
from portal.workflow import appointments, inter_agency, obligations, papers, queries
from portal.workflow.models import InterAgencyLeg
from portal.workflow.plan import process_rows
from portal.workflow.transitions import (
    RARE_ACTIONS,
    Action,
    Actor,
    actors_for,
    allowed_actions,
)

# Actions offered elsewhere: the counter's hand-over and on-the-spot resolution (intake),
# and the applicant's own resubmission.
ELSEWHERE = {Action.HAND_OVER, Action.RESOLVE_ON_THE_SPOT, Action.RESUBMIT}
# The applicant's submission and withdrawal request: never listed on this page.
ACTION_PATH = "<any(" + ", ".join(a.value for a in FORMS) + "):action>"
HISTORY_SHOWN = 30  # the latest events on the workspace; the whole history on demand


def _actors(dossier: Dossier) -> frozenset[Actor]:
    """The officer's capacities on ``dossier`` (``actors_for``: the roles, and the open
    consultations), computed once per request: the upload guard, the route, the action and
    the page all ask. An action gives the dossier a new version, and the page drawn after it
    asks again (answering a consultation can end the capacity it was answered in)."""
    known = g.setdefault("actors", {})
    key = (dossier.id, dossier.lock_version)
    if key not in known:
        known[key] = actors_for(current_user, dossier)
    return known[key]


@bp.teardown_request
def _forget_actors(_error: BaseException | None) -> None:
    # ``g`` outlives the request when a test holds the application context.
    g.pop("actors", None)


def _storage():
    return current_app.extensions["storage"]


def _user():
    return current_user._get_current_object()


# --- reading ------------------------------------------------------------------------------

def _file_groups(dossier: Dossier) -> list[tuple[str, list[DossierFile]]]:
    """The applicant's files under each required document (every version), then extras."""
    groups = []
    for requirement in dossier.procedure_version.documents:
        files = [f for f in dossier.files
                 if f.requirement_id == requirement.id and f.kind not in AGENCY_OUTPUT]
        groups.append((requirement.name, files))
    extra = [f for f in dossier.files if f.requirement_id is None and f.kind not in AGENCY_OUTPUT]
    if extra:
        groups.append((_("Giấy tờ khác"), extra))
    return groups


def _prepare(form: ActionForm, dossier: Dossier) -> None:
    """The choices a form offers for this dossier."""
    if form.action in (Action.ASSIGN, Action.COMPLETE_STEP):
        form.set_people(queries.agency_staff(dossier.agency_id))
    elif form.action is Action.REQUEST_CONSULTATION:
        form.set_agencies([a for a in catalog_queries.all_agencies()
                           if a.id != dossier.agency_id])
    elif form.action is Action.ANSWER_CONSULTATION and not form.consultation_id.data:
        asked = queries.open_consultations_for(current_user, dossier)
        form.consultation_id.data = asked[0].id if asked else None
    elif form.action is Action.FORWARD_INTER_AGENCY:
        form.set_destinations(inter_agency.chain_of(dossier),
                              inter_agency.default_destination(dossier))
    elif form.action is Action.APOLOGISE:
        form.propose(appointments.proposed_appointment(dossier, current_calendar(), utcnow()),
                     fill=form.new_date.data is None)
    elif form.action is Action.REQUEST_OBLIGATION:
        form.propose(obligations.proposed_due_on(current_calendar(), utcnow()))
    elif form.action is Action.OBLIGATION_FULFILLED:
        form.fill_today()


def _blank_form(dossier: Dossier, action: Action) -> ActionForm:
    form = FORMS[action](formdata=None, lock_version=dossier.lock_version)
    _prepare(form, dossier)
    return form


def _elsewhere(dossier: Dossier) -> set[Action]:
    """ELSEWHERE, and the reception of a paper dossier still at the counter: its own page
    records the papers handed in and asks to confirm any missing (issue 18)."""
    return ELSEWHERE | ({Action.RECEIVE} if papers.at_the_counter(dossier) else set())


def _forms(dossier: Dossier, actions: list[Action], posted: ActionForm | None,
           opened: Action | None) -> dict[Action, ActionForm]:
    """The forms drawn on the page: buttons alone, the form the officer opened, the form just
    posted (with its errors). Every other action is a link that loads its form."""
    forms = {}
    for action in actions:
        if action in _elsewhere(dossier):
            continue
        if posted is not None and posted.action is action:
            forms[action] = posted
        elif action is opened or FORMS[action].button_only:
            forms[action] = _blank_form(dossier, action)
    return forms


def _history(dossier: Dossier, whole: bool) -> dict:
    events = dossier.events if whole else dossier.events[-HISTORY_SHOWN:]
    return dict(events=events, event_count=len(dossier.events),
                people=queries.users_by_id(e.actor_id for e in events))


def _render(dossier: Dossier, posted: ActionForm | None = None, message=None,
            status: int = 200, opened: Action | None = None, whole_history: bool = False):
    now = utcnow()
    actions = [a for a in allowed_actions(current_user, dossier, now, actors=_actors(dossier))
               if a in wf.FUNCTIONS]  # the applicant's own actions are not on this page
    forms = _forms(dossier, actions, posted, opened)
    if posted is not None and posted.action not in forms and message is None:
        # The action is no longer offered (the state moved on): say why at the top.
        errors = [*posted.form_errors, *(e for f in posted for e in f.errors)]
        message = ("error", " ".join(str(e) for e in errors))
    context = dict(
        dossier=dossier, now=now, overdue=dossier.is_overdue(now),
        actions=[a for a in actions if a not in RARE_ACTIONS],
        rare_actions=[a for a in actions if a in RARE_ACTIONS],
        # The group is open when the action the officer opened or posted is in it.
        rare_open=bool({opened, posted and posted.action} & RARE_ACTIONS),
        apology_owed=appointments.apology_owed(dossier, now),
        obligations=getattr(dossier, "obligations", []),
        clock=obligations.paused_clock(dossier, current_calendar()),
        today=obligations.local_today(now),
        forms=forms,
        on_demand={a for a in actions if a not in forms and a not in _elsewhere(dossier)},
        file_groups=_file_groups(dossier), message=message, open_step=wf.open_step(dossier),
        process=process_rows(dossier),
        asked_of_me=queries.open_consultations_for(current_user, dossier),
        legs=dossier.legs, holding_leg=inter_agency.open_leg(dossier),
        held_by_me=Actor.RECEIVER in _actors(dossier),
        read_only=not (_actors(dossier) - {Actor.APPLICANT}),
        claim=fees.claim_of(dossier), may_decide_exemption=Actor.COUNTER in _actors(dossier),
        **_history(dossier, whole_history))
    template = "staff/_workspace.html" if is_partial_request() else "staff/workspace.html"
    return render_template(template, **context), status


@bp.get("/ho-so/<int:dossier_id>")
def workspace(dossier_id: int):
    return _render(get_dossier_or_404(dossier_id))


@bp.get("/ho-so/<int:dossier_id>/lich-su")
def history(dossier_id: int):
    """The whole history: the list alone for htmx, else the workspace showing all of it."""
    dossier = get_dossier_or_404(dossier_id)
    if not is_partial_request():
        return _render(dossier, whole_history=True)
    return render_template("staff/_history.html", dossier=dossier, **_history(dossier, True))


@bp.get("/ho-so/<int:dossier_id>/thao-tac/" + ACTION_PATH)
def action_form(dossier_id: int, action: str):
    """One action's form: alone for htmx (swapped in where its link was), else the workspace
    with that form open."""
    dossier = get_dossier_or_404(dossier_id, applicant=True)  # the action's message
    chosen = Action(action)
    if not _actors(dossier) & chosen.transition.actors:
        abort(403)
    if chosen not in allowed_actions(current_user, dossier, utcnow(), actors=_actors(dossier)):
        # The dossier moved on since the page was drawn: show it as it is now.
        moved = ("warning", _("Thao tác “%(action)s” không còn thực hiện được ở trạng thái "
                              "hiện tại của hồ sơ.", action=_(chosen.label)))
        if not is_partial_request():
            return _render(dossier, message=moved, status=409)
        body, _status = _render(dossier, message=moved)
        return body, 200, {"HX-Retarget": "#workspace", "HX-Reswap": "outerHTML"}
    if not is_partial_request():
        return _render(dossier, opened=chosen)
    return render_template("staff/_action.html", dossier=dossier, action=chosen,
                           form=_blank_form(dossier, chosen))


@bp.get("/ho-so/<int:dossier_id>/tep/<int:file_id>")
def view_file(dossier_id: int, file_id: int):
    dossier = get_dossier_or_404(dossier_id)
    item = next((f for f in dossier.files if f.id == file_id), None)
    if item is None:
        abort(404)
    return send_dossier_file(item)


@bp.get("/ho-so/<int:dossier_id>/nghia-vu/<int:file_id>")
def obligation_file(dossier_id: int, file_id: int):
    """A tax notice or receipt of the dossier's financial obligations (issue 18)."""
    item = obligations.file_of(get_dossier_or_404(dossier_id), file_id)
    if item is None:
        abort(404)
    return send_stored_file(item)


# --- acting -------------------------------------------------------------------------------

def _attach_result(dossier: Dossier, form: ActionForm) -> None:
    """Approve's e-result, stored before the approval in the same transaction."""
    upload = request.files.get(form.result.name)
    if upload is None or not upload.filename:
        return  # approve() refuses unless a result was attached earlier
    limits = UploadLimits.from_config(current_app.config["PORTAL"])
    ops.add_file(dossier, None, upload.stream, upload.filename, _user(), _storage(), limits,
                 kind=FileKind.RESULT)


def _attach_leg_file(dossier: Dossier, form: ActionForm) -> None:
    """The receiving agency's result file (liên thông), stored before its result is recorded
    in the same transaction, which links it to the leg."""
    upload = request.files.get(form.result_file.name)
    if upload is None or not upload.filename:
        return
    limits = UploadLimits.from_config(current_app.config["PORTAL"])
    ops.add_file(dossier, None, upload.stream, upload.filename, _user(), _storage(), limits,
                 kind=FileKind.INTER_AGENCY)


# The obligation's files (issue 18): the form field and the kind it is stored as.
OBLIGATION_UPLOADS = {Action.REQUEST_OBLIGATION: ("notice", obligations.ObligationFileKind.NOTICE),
                      Action.OBLIGATION_FULFILLED: ("receipt",
                                                    obligations.ObligationFileKind.RECEIPT)}


def _attach(dossier: Dossier, chosen: Action, form: ActionForm) -> dict:
    """Store the file the action carries, inside the unit of work (a refusal deletes it
    again); the keyword argument that hands it to the action."""
    if chosen is Action.APPROVE:
        _attach_result(dossier, form)
    elif chosen is Action.RECORD_INTER_AGENCY_RESULT:
        _attach_leg_file(dossier, form)
    if chosen not in OBLIGATION_UPLOADS:
        return {}
    name, kind = OBLIGATION_UPLOADS[chosen]
    upload = request.files.get(form[name].name)
    if upload is None or not upload.filename:
        return {}
    limits = UploadLimits.from_config(current_app.config["PORTAL"])
    return {name: obligations.store_file(dossier.id, kind, upload.stream, upload.filename,
                                         _user().id, _storage(), limits)}


def _chosen_name(form: ActionForm) -> str:
    """The name of the file a refused post carried (a browser never fills a file input
    again, so the form says which file to choose again)."""
    names = [upload.filename for f in form if f.type == "FileField"
             if (upload := request.files.get(f.name)) is not None and upload.filename]
    return (names[0] if names else "")[:200]


def _fresh(dossier_id: int, message: str, status: int):
    """After a rollback: the dossier as it now is, with the message on top."""
    db.session.expire_all()
    dossier = get_dossier_or_404(dossier_id)
    if not is_partial_request():
        return _render(dossier, message=("warning", message), status=status)
    # htmx swaps only 2xx and 422 responses (base.html): the fresh view must be shown.
    return _render(dossier, message=("warning", message), status=200)


def _refused(dossier_id: int, form: ActionForm, error: Exception):
    """Rolled back: 403, the fresh dossier (409), or the message next to the form (422)."""
    form.needs_confirmation = isinstance(error, wf.NeedsConfirmation)
    stale = str(error) if isinstance(error, wf.Conflict) else wf.CONFLICT_MESSAGE
    return refused(error, form, lambda status: _render(
        get_dossier_or_404(dossier_id), posted=form, status=status),
        lambda: _fresh(dossier_id, stale, 409))


def _dossier_and_action_or_403(dossier_id: int, action: str) -> tuple[Dossier, Action]:
    """A dossier the officer sees and an action one of their roles may take on it. Also the
    upload guard's rule (approve carries the e-result), run before the body is read."""
    if not current_user.can_use_staff_area():
        abort(403)  # the second factor first
    dossier = get_dossier_or_404(dossier_id, applicant=True)  # the action's message
    chosen = Action(action)
    if not _actors(dossier) & chosen.transition.actors:
        abort(403)  # e.g. the supervisor, read-only everywhere
    return dossier, chosen


@bp.post("/ho-so/<int:dossier_id>/" + ACTION_PATH)
@accepts_files(_dossier_and_action_or_403)
def act(dossier_id: int, action: str):
    dossier, chosen = _dossier_and_action_or_403(dossier_id, action)
    form = FORMS[chosen]()
    _prepare(form, dossier)
    if form.multipart:
        form.chosen_name = _chosen_name(form)
    if not form.validate():  # e.g. no version: refused next to the form, nothing changed
        form.keep_version(dossier.lock_version)
        return _render(dossier, posted=form, status=422)
    ctx = wf.Context(_user(), utcnow(), current_calendar(), form.expected_version(),
                     actors=_actors(dossier))
    try:
        with unit_of_work():
            files = _attach(dossier, chosen, form)
            wf.FUNCTIONS[chosen](dossier, ctx, **form.arguments(), **files)
    except (Refusal, StaleDataError) as refusal:  # stale: two officers at once
        return _refused(dossier_id, form, refusal)
    return _done(dossier_id, chosen, dossier.agency_id)


def _done(dossier_id: int, chosen: Action, agency_id: int):
    """The workspace with the outcome; or, when the officer no longer sees the dossier (their
    agency sent an inter-agency dossier back or on), their queue "Liên thông đến"."""
    done = _("Đã thực hiện: %(action)s.", action=_(chosen.label))
    fresh = queries.get_dossier_for_staff(current_user, dossier_id)
    if fresh is None:
        leg = db.session.scalar(db.select(InterAgencyLeg).where(
            InterAgencyLeg.dossier_id == dossier_id, InterAgencyLeg.returned_by_id ==
            current_user.id).order_by(InterAgencyLeg.id.desc()).limit(1))
        flash(done, "success")
        return htmx_redirect("staff.queue", agency=leg.agency_id if leg else agency_id,
                             loai="lien-thong-den")
    if is_partial_request():
        return _render(fresh, message=("success", done))
    flash(done, "success")
    return redirect(url_for("staff.workspace", dossier_id=dossier_id), 303)


# --- the fee exemption claim (issue 14) -------------------------------------------------------

class ExemptionDecisionForm(FlaskForm):
    decision = SelectField(choices=[SelectChoice("confirm", "confirm"),
                                    SelectChoice("reject", "reject")],
                           validators=[InputRequired()])
    reason = TextAreaField(_l("Lý do không xác nhận"), validators=[Optional(), too_long(500)])


def _exemption_claim_or_403(dossier_id: int):
    """A dossier of the officer's agency (else 404) with its exemption claim, decided by its
    counter officer (else 403)."""
    if not current_user.can_use_staff_area():
        abort(403)
    dossier = get_dossier_or_404(dossier_id, own_agency=True, applicant=True)
    if Actor.COUNTER not in _actors(dossier):
        abort(403)
    claim = fees.claim_of(dossier)
    if claim is None:
        abort(404)
    return dossier, claim


@bp.post("/ho-so/<int:dossier_id>/mien-phi")
def decide_exemption(dossier_id: int):
    """Confirm the claimed exemption (phí and lệ phí waived) or reject it with a reason (the
    full amount is due; the applicant is told)."""
    dossier, _claim = _exemption_claim_or_403(dossier_id)
    form = ExemptionDecisionForm()
    if not form.validate():
        return _render(dossier, message=("error", _("Vui lòng chọn xác nhận hoặc không xác "
                                                      "nhận.")), status=422)
    confirmed = form.decision.data == "confirm"
    try:
        with unit_of_work():
            payment_ops.decide_exemption(dossier, confirmed, form.reason.data or "", utcnow(),
                                         _user())
    except payment_ops.PaymentError as error:
        return _render(get_dossier_or_404(dossier_id), message=("error", str(error)),
                       status=422)
    done = (_("Đã xác nhận miễn phí, lệ phí.") if confirmed else
            _("Đã không xác nhận miễn phí, lệ phí; người nộp được thông báo nộp đủ phí, lệ phí."))
    if is_partial_request():
        return _render(get_dossier_or_404(dossier_id), message=("success", done))
    flash(done, "success")
    return redirect(url_for("staff.workspace", dossier_id=dossier_id), 303)
