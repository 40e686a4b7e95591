"""The applicant's side of agency processing (issue #4, "Citizen side"): the dossier page
(state, appointment, apology, public timeline, notices, e-result), answering a completion or
supplement request, and asking to withdraw.

The papers themselves go through the upload areas (uploads.py, stored as
FileKind.SUPPLEMENT while a request is open); "Gửi hồ sơ bổ sung" then runs one workflow
action: ``resubmit`` before reception, ``supplement`` during processing. The engine checks
the rest (who, which state, at least one new file, the version the applicant saw)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.forms import SupplementForm, WithdrawForm
from portal.blueprints.citizen.routes import get_dossier_or_404
from portal.blueprints.downloads import send_stored_file
from portal.blueprints.forms import EmptyForm
from portal.blueprints.lookup_links import lookup_qr
from portal.calendar.overrides import current_calendar
from portal.core.frame import refused, unit_of_work
from portal.core.htmx import htmx_redirect, is_partial_request
from portal.core.models import utcnow
from portal.delivery import queries as delivery_queries
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.models import Dossier, DossierState
from portal.workflow import actions as wf
from portal.workflow import obligations
from portal.workflow.documents import NOTICE_KINDS, notice_for

# The citizen's printable copy of each notice: its form's address (templates/documents/).
NOTICE_FORM = {kind: form for form, kinds in NOTICE_KINDS.items() for kind in kinds}


def _conflict_message() -> str:
    return _("Hồ sơ vừa được cập nhật (bởi cán bộ xử lý hoặc ở một cửa sổ khác) trước khi "
             "yêu cầu của bạn đến. Trang đã được tải lại với trạng thái mới nhất; vui lòng "
             "kiểm tra rồi thao tác lại.")


@bp.context_processor
def _needs_action():
    """``needs_action()`` for "Hồ sơ của tôi" (citizen/_needs_action.html): the dossiers
    waiting for the applicant, each with its open request for papers (None for a result to
    collect)."""
    def needs_action() -> list[tuple[Dossier, object]]:
        return [(d, notice_for(d, "02") if d.awaits_supplement else obligations.current(d))
                for d in queries.needing_action(current_user)]

    return {"needs_action": needs_action}


def page_context(dossier: Dossier, **extra) -> dict:
    """What the dossier page and its supplement partial show."""
    timeline = sorted((e for e in dossier.events if e.public), key=lambda e: (e.at, e.id))
    notices = [(n, NOTICE_FORM[n.kind]) for n in dossier.notices if n.kind in NOTICE_FORM]
    context = {
        "dossier": dossier, "timeline": timeline, "notices": notices,
        "overdue": dossier.is_overdue(utcnow()),
        "apology": notice_for(dossier, "04") if dossier.new_appointment_at else None,
        # The open request for papers (form 02): the latest one, since each opens a round.
        "paper_request": notice_for(dossier, "02") if dossier.awaits_supplement else None,
        "supplement_form": SupplementForm(formdata=None,
                                          lock_version=str(dossier.lock_version)),
        "supplement_error": None, "supplement_error_area": None,
        "withdraw_form": WithdrawForm(formdata=None),
        "message": None,
        # The financial obligation (issue 18): at the top while it is owed.
        "obligation": obligations.current(dossier),
        "owes": obligations.owed(dossier),
        "clock": obligations.paused_clock(dossier, current_calendar()),
        "today": obligations.local_today(utcnow()),
        # The result's way by post (issue 15): each shipment with its statuses.
        "shipments": delivery_queries.shipments_of_dossier(dossier),
        "receipt_form": EmptyForm(formdata=None),
    }
    context.update(extra)
    return context


def render_page(dossier: Dossier, status: int = 200, **extra):
    return render_template("citizen/dossier.html", qr=lookup_qr(dossier),
                           **page_context(dossier, **extra)), status


@bp.get("/<int:dossier_id>")
def dossier(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    if dossier.is_draft:
        return redirect(url_for("citizen.review", dossier_id=dossier.id), 303)
    return render_page(dossier)


@bp.get("/<int:dossier_id>/nghia-vu/<int:file_id>")
def obligation_file(dossier_id: int, file_id: int):
    """The tax notice (or the receipt) of one of the applicant's obligations (issue 18)."""
    item = obligations.file_of(get_dossier_or_404(dossier_id), file_id)
    if item is None:
        abort(404)
    return send_stored_file(item)


@bp.post("/<int:dossier_id>/bo-sung")
def send_supplement(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    form = SupplementForm()
    if dossier.is_draft:
        abort(404)
    if not form.validate_on_submit():  # no version: refused next to the button, unchanged
        return _refused(dossier, form)
    # Before reception the completed dossier goes back to the counter (resubmit); during
    # processing the supplement resumes the clock. Any other state: the engine refuses.
    answer = wf.resubmit if dossier.state is DossierState.NEEDS_COMPLETION else wf.supplement
    ctx = wf.Context(current_user, utcnow(), current_calendar(), form.expected_version())
    try:
        with unit_of_work():
            answer(dossier, ctx)
    except (wf.WorkflowError, StaleDataError) as refusal:  # e.g. no file added in this round
        about_files = getattr(refusal, "field", None) == "files"
        return refused(refusal, form, lambda status: _refused(
            get_dossier_or_404(dossier_id), form, about_files=about_files),
            lambda: _refreshed(dossier_id))
    flash(_sent_message(answer), "success")
    return htmx_redirect("citizen.dossier", dossier_id=dossier_id)


def _sent_message(answer) -> str:
    if answer is wf.resubmit:
        return _("Đã gửi lại hồ sơ đã bổ sung, hoàn thiện. Cơ quan sẽ kiểm tra và tiếp nhận.")
    return _("Đã gửi hồ sơ bổ sung. Cơ quan tiếp tục giải quyết; ngày hẹn trả kết quả đã "
             "được tính lại.")


def _first_area(dossier: Dossier) -> str:
    """The id of the first upload area of the request for papers (citizen/_requirement.html):
    where "attach a file first" sends the applicant."""
    documents = dossier.procedure_version.documents
    return f"req-{documents[0].id}" if documents else "req-other"


def _refused(dossier: Dossier, form: SupplementForm, *, about_files: bool = False):
    """The answer refused, state unchanged (422): an error summary at the top of the request
    whose link jumps to the field — the first upload area when no file was added (the area
    marked invalid, the message beside it), else the send button (the message beside it)."""
    message = " ".join(str(e) for e in form.form_errors)
    extra = {"supplement_error": message,
             "supplement_error_area": _first_area(dossier) if about_files else None}
    if is_partial_request():
        return render_template("citizen/_supplement.html", **page_context(dossier, **extra)), 422
    return render_page(dossier, 422, **extra)


def _refreshed(dossier_id: int):
    """The fresh page with the conflict message: the whole page, since the request for
    papers may be over (htmx follows HX-Redirect and shows the message as a flash)."""
    if is_partial_request():
        flash(_conflict_message(), "warning")
        return htmx_redirect("citizen.dossier", dossier_id=dossier_id)
    return render_page(get_dossier_or_404(dossier_id), 409,
                       message=("warning", _conflict_message()))


@bp.post("/<int:dossier_id>/rut")
def withdraw(dossier_id: int):
    dossier = get_dossier_or_404(dossier_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.request_withdrawal(dossier, current_user, form.reason.data.strip())
        except ops.DossierError as error:
            flash(str(error), "error")
        else:
            flash(_("Đã gửi yêu cầu rút hồ sơ. Cán bộ sẽ xác nhận và thông báo cho bạn."),
                  "success")
            return redirect(url_for("citizen.dossier", dossier_id=dossier.id), 303)
    return render_page(dossier, 422, withdraw_form=form)
