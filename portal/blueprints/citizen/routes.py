"""My dossiers, the submission steps (each saves the draft), review, submit, delete. The
submitted dossier's own page (progress, requests for papers, withdrawal) is in progress.py.

Every route: load (visible dossiers only, else 404) → validate → one operation → commit once →
respond. Business rules live in portal.dossiers.operations."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Organisation
from portal.blueprints.address_fields import profile_address
from portal.blueprints.citizen import bp
from portal.blueprints.citizen.forms import (
    ApplicantForm,
    EmptyForm,
    ReturnForm,
    StartForm,
)
from portal.calendar.overrides import current_calendar
from portal.catalog import queries as catalog_queries
from portal.catalog.models import ApplicantType
from portal.core.formatting import money
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.pagination import page_number
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.completeness import Step, missing
from portal.dossiers.models import Dossier, ReturnMethod
from portal.extensions import db
from portal.payments import operations as payment_ops

PAGE_SIZE = 20


def get_dossier_or_404(dossier_id: int) -> Dossier:
    """The one loader: a dossier the current user may see (own or organisation's), else 404."""
    dossier = queries.get_dossier_for(current_user, dossier_id)
    if dossier is None:
        abort(404)
    return dossier


def get_draft_or_404(dossier_id: int) -> Dossier:
    """A draft for the steps; a submitted dossier cannot be edited, so its steps do not exist."""
    dossier = get_dossier_or_404(dossier_id)
    if not dossier.is_draft:
        abort(404)
    return dossier


# Where each step with answers is filled in (the gaps of portal.dossiers.completeness).
STEP_ENDPOINTS = {Step.APPLICANT: "citizen.step_applicant",
                  Step.DOCUMENTS: "citizen.step_documents",
                  Step.RETURN: "citizen.step_return"}


bp.add_app_template_global(missing, "dossier_missing")


@bp.app_template_global()
def gap_url(dossier: Dossier, gap) -> str:
    """The page and place a missing item is filled in (the review page's list links there)."""
    return url_for(STEP_ENDPOINTS[gap.step], dossier_id=dossier.id, _anchor=gap.field)


@bp.app_template_global()
def resume_url(dossier: Dossier) -> str:
    """"Tiếp tục": the first step with something missing, else the review page."""
    step = missing(dossier).first_incomplete_step
    endpoint = STEP_ENDPOINTS[step] if step else "citizen.review"
    return url_for(endpoint, dossier_id=dossier.id)


def _next_step(dossier: Dossier, endpoint: str):
    """"Lưu nháp" leaves for the list; a change made from the review page returns there."""
    flash(_("Đã lưu bản nháp."), "success")
    if request.form.get("action") == "draft":
        return redirect(url_for("citizen.dossiers"), 303)
    if request.args.get("tu") == "kiem-tra":
        endpoint = "citizen.review"
    return redirect(url_for(endpoint, dossier_id=dossier.id), 303)


def _save_step(dossier: Dossier, form: FlaskForm, template: str, next_endpoint: str,
               save: Callable[[], object]):
    """A step's form, valid, is saved in one unit of work and the citizen moves on; a refusal
    is shown on the form and the step again (422)."""
    if form.validate_on_submit():
        try:
            with unit_of_work():
                save()
        except ops.DossierError as error:
            show_refusal(form, error)
        else:
            return _next_step(dossier, next_endpoint)
    return render_template(template, dossier=dossier, form=form), (
        422 if form.errors or form.form_errors else 200)


@bp.get("")
def dossiers():
    drafts = queries.dossiers_of(current_user, "draft", 1, 50)
    submitted = queries.dossiers_of(current_user, "submitted",
                                    page_number(request.args.get("page")), PAGE_SIZE)
    return render_template("citizen/dossiers.html", drafts=drafts, submitted=submitted,
                           delete_form=EmptyForm())


def _applicant_choices(version) -> tuple[list[tuple[str, str]], str | None]:
    """Who may file for this procedure, and who is chosen to begin with (issue 18): a
    business-only procedure offers only the user's organisations, the one preselected when
    there is exactly one (several: the user chooses; none: the page says what to do)."""
    person = ("self", _("Cá nhân: %(name)s", name=current_user.full_name))
    organisations = [(str(o.id), _("Tổ chức: %(name)s (MST %(tax)s)", name=o.name,
                                   tax=o.tax_code)) for o in current_user.organisations]
    if version.applicant is ApplicantType.BUSINESS:
        return organisations, organisations[0][0] if len(organisations) == 1 else None
    if version.applicant is ApplicantType.CITIZEN:
        return [person], "self"
    return [person, *organisations], "self"


@bp.route("/moi/<code>", methods=["GET", "POST"])
def start(code: str):
    version = catalog_queries.published_by_code(code)
    if version is None or not version.online_level.is_online:
        abort(404)
    form = StartForm()
    form.on_behalf.choices, preselected = _applicant_choices(version)
    if request.method == "GET":
        form.on_behalf.data = preselected
    if form.validate_on_submit():
        organisation = (None if form.on_behalf.data == "self"
                        else db.session.get(Organisation, int(form.on_behalf.data)))
        try:
            with unit_of_work():
                dossier = ops.start_dossier(version, current_user, organisation)
        except ops.DossierError as error:
            show_refusal(form, error)
        else:
            return redirect(url_for("citizen.step_applicant", dossier_id=dossier.id), 303)
    # Issue 12: "Bắt đầu" made a new draft every time; a draft of this procedure is offered
    # first (a new one may still be started, e.g. for an organisation).
    drafts = queries.drafts_of_procedure(current_user, version.procedure_id)
    return render_template("citizen/start.html", form=form, version=version, drafts=drafts,
                           business_only=version.applicant is ApplicantType.BUSINESS), (
        422 if form.errors or form.form_errors else 200)


@bp.route("/<int:dossier_id>/nguoi-nop", methods=["GET", "POST"])
def step_applicant(dossier_id: int):
    dossier = get_draft_or_404(dossier_id)
    form = ApplicantForm(data=None if request.method == "POST" else {
        "name": dossier.applicant_name, "id_number": dossier.applicant_id_number,
        "phone": dossier.applicant_phone, "email": dossier.applicant_email,
        "address": dossier.applicant_address, "representative": dossier.representative})
    return _save_step(dossier, form, "citizen/applicant.html", "citizen.step_documents",
                      lambda: ops.update_applicant(dossier, ops.ApplicantData(
                          name=form.name.data, id_number=form.id_number.data,
                          phone=form.phone.data, email=form.email.data or "",
                          address=form.address.data,
                          representative=form.representative.data or "")))


@bp.route("/<int:dossier_id>/giay-to", methods=["GET", "POST"])
def step_documents(dossier_id: int):
    dossier = get_draft_or_404(dossier_id)
    form = EmptyForm()
    if form.validate_on_submit():  # files are saved as they arrive; this only moves on
        gaps = missing(dossier).in_step(Step.DOCUMENTS)
        if gaps:  # a draft may lack papers, but the citizen is told which, now
            flash(_("Bản nháp còn thiếu giấy tờ bắt buộc, cần bổ sung trước khi nộp: "
                    "%(names)s.", names="; ".join(gap.subject for gap in gaps)), "warning")
        return _next_step(dossier, "citizen.step_return")
    return render_template("citizen/documents.html", dossier=dossier, form=form, errors={})


@bp.route("/<int:dossier_id>/nhan-ket-qua", methods=["GET", "POST"])
def step_return(dossier_id: int):
    dossier = get_draft_or_404(dossier_id)
    form = ReturnForm(data=None if request.method == "POST" else ReturnForm.initial(
        dossier, profile_address(current_user)))
    return _save_step(dossier, form, "citizen/return.html", "citizen.review",
                      lambda: ops.set_return_method(
                          dossier, ReturnMethod(form.return_method.data), form.postal_address()))


@bp.get("/<int:dossier_id>/kiem-tra")
def review(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    if not dossier.is_draft:
        return redirect(url_for("citizen.dossier", dossier_id=dossier.id), 303)
    return render_template("citizen/review.html", dossier=dossier, form=EmptyForm(),
                           missing=missing(dossier))


@bp.post("/<int:dossier_id>/nop")
def submit(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    confirmation = redirect(url_for("citizen.dossier", dossier_id=dossier.id), 303)
    if not dossier.is_draft:  # a double click or a resent form: show what the first did
        return confirmation
    try:
        with unit_of_work():
            now = utcnow()
            payment_ops.require_exemption_proof(dossier)
            ops.submit(dossier, current_user, current_calendar(), now)
            # Issue 14: fees due at submission → the dossier waits for payment.
            payment_ops.request_at_submission(dossier, now, current_user)
    except StaleDataError:  # the other click won the optimistic lock
        return confirmation
    except (ops.DossierError, payment_ops.PaymentError) as error:
        db.session.refresh(dossier)
        if not dossier.is_draft:
            return confirmation
        # Back to the review page (303: a refresh does not post again), which lists every
        # missing item with a link to its step.
        flash(str(error), "error")
        return redirect(url_for("citizen.review", dossier_id=dossier.id), 303)
    flash(_("Đã nộp hồ sơ thành công."), "success")
    if (due := payment_ops.open_request_of(dossier)) is not None:
        flash(_("Hồ sơ đang chờ thanh toán %(amount)s; hồ sơ được tiếp nhận sau khi thanh "
                "toán.", amount=money(due.amount)), "warning")
        return redirect(url_for("payments.pay", request_id=due.id), 303)
    return confirmation


@bp.post("/<int:dossier_id>/xoa")
def delete(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    try:
        with unit_of_work():
            keys = ops.delete_draft(dossier)
    except ops.DossierError as error:
        flash(str(error), "error")
        return redirect(url_for("citizen.dossier", dossier_id=dossier_id), 303)
    ops.discard_objects(current_app.extensions["storage"], keys)
    flash(_("Đã xóa bản nháp và các tệp đính kèm."), "success")
    return redirect(url_for("citizen.dossiers"), 303)
