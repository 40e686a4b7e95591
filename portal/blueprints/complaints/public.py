"""Public feedback pages (/phan-anh): anyone submits (signed in or not), gets a reference,
follows it with the reference and the phone or e-mail given (or the signed link of the answer
message), says whether the answer settled the matter; the published answers, searchable;
a signed-in citizen's own items."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from portal.blueprints.complaints import bp
from portal.blueprints.complaints.forms import HONEYPOT, LookupForm, SettleForm, SubmitForm
from portal.calendar.overrides import current_calendar
from portal.core.errors import too_many
from portal.core.frame import refused, unit_of_work
from portal.core.htmx import render_page_or_partial
from portal.core.models import utcnow
from portal.core.pagination import page_number
from portal.core.security import client_address
from portal.core.throttle import Throttled
from portal.core.uploads import accepts_files
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints import queries
from portal.feedback.complaints.models import ComplaintChannel, ComplaintTopic

PUBLIC_PAGE_SIZE = 10
SESSION_KEY = "feedback_reference"


def _config():
    return current_app.config["PORTAL"]


def _anyone(**_args) -> None:
    """The upload guard's rule for the public form: anyone may send files with it; the rate
    limit and the size limits apply in the view (core/uploads.py, ``anonymous``)."""


def _prefilled() -> SubmitForm:
    form = SubmitForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.contact_name.data = current_user.full_name
        form.contact_phone.data = getattr(current_user, "phone", "") or ""
        form.contact_email.data = current_user.email
    if request.method == "GET" and request.args.get("ma"):
        form.dossier_code.data = request.args["ma"][:40]
    return form


def _page(form: SubmitForm, status: int = 200):
    return render_template("complaints/submit.html", form=form,
                           max_files=ops.MAX_FILES, max_mb=ops.MAX_FILE_BYTES // (1024 * 1024),
                           max_text=ops.MAX_TEXT), status


def data_from(form: SubmitForm, channel: ComplaintChannel) -> ops.ComplaintData:
    return ops.ComplaintData(topic=ComplaintTopic(form.topic.data), text=form.text.data,
                            contact_name=form.contact_name.data,
                            contact_phone=form.contact_phone.data or "",
                            contact_email=form.contact_email.data or "",
                            dossier_code=form.dossier_code.data or "", channel=channel)


def _uploads():
    try:
        return [f for f in request.files.getlist("files") if f.filename]
    except RequestEntityTooLarge:
        return None


def _throttled(form: SubmitForm, decision):
    return too_many("complaints/submit.html", decision,
                    _("Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại "
                      "sau %(n)s phút.", n=decision.retry_after_minutes),
                    form=form, max_files=ops.MAX_FILES, max_text=ops.MAX_TEXT,
                    max_mb=ops.MAX_FILE_BYTES // (1024 * 1024))


def _refusal(form: SubmitForm, uploads):
    """The answer to a submission refused before anything is written (docs/feedback.md,
    "Spam limits"): the honeypot filled, too many or too large files, an invalid form, or
    the address over its hourly limit. None: it may go ahead."""
    if request.form.get(HONEYPOT):  # a robot: refused, nothing stored
        form.form_errors.append(_("Không gửi được phản ánh. Vui lòng tải lại trang và thử lại."))
        return _page(form, 422)
    if uploads is None or len(uploads) > ops.MAX_FILES:
        form.validate()
        form.form_errors.append(_("Chỉ được đính kèm tối đa %(n)s tệp, mỗi tệp không quá "
                                  "%(mb)s MB.", n=ops.MAX_FILES,
                                  mb=ops.MAX_FILE_BYTES // (1024 * 1024)))
        return _page(form, 422)
    if not form.validate():
        return _page(form, 422)
    try:
        ops.count_submission(client_address(), _config())
    except Throttled as refusal:
        return _throttled(form, refusal.decision)
    return None


@bp.route("/phan-anh/gui", methods=["GET", "POST"])
@accepts_files(_anyone, anonymous=True)
def submit():
    form = _prefilled()
    if request.method == "GET":
        return _page(form)
    uploads = _uploads()
    if (refusal := _refusal(form, uploads)) is not None:
        return refusal
    try:
        with unit_of_work():
            item = ops.submit(data_from(form, ComplaintChannel.ONLINE), now=utcnow(),
                              calendar=current_calendar(),
                              answer_days=_config().feedback_answer_days,
                              user=current_user if current_user.is_authenticated else None)
            for upload in uploads:
                ops.attach(item, upload.stream, upload.filename,
                           current_app.extensions["storage"])
    except ops.ComplaintError as error:
        return refused(error, form, lambda status: _page(form, status))
    session[SESSION_KEY] = item.reference
    return redirect(url_for("complaints.submitted"), 303)


@bp.get("/phan-anh/da-gui")
def submitted():
    """The confirmation: the reference to follow the item with (kept in the session of the
    browser that sent it, so the page names no one else's)."""
    item = queries.by_reference(session.get(SESSION_KEY, ""))
    if item is None:
        return redirect(url_for("complaints.submit"), 303)
    return render_template("complaints/submitted.html", item=item)


def _found(form: LookupForm):
    token = request.args.get("t", "")[:64]
    asked = "ma" in request.args and ("lien_he" in request.args or token)
    if not asked:
        return None, 200
    if not (token and form.ma.validate(form) or not token and form.validate()):
        return None, 422
    with unit_of_work():  # a success gives back its counted attempt
        item = ops.look_up(form.ma.data, contact=form.lien_he.data or "", token=token,
                           address=client_address(), config=_config(),
                           secret=current_app.config["SECRET_KEY"])
    return item, 200 if item else 404


@bp.get("/phan-anh/tra-cuu")
def lookup():
    form = LookupForm(request.args)
    try:
        item, status = _found(form)
    except Throttled as refusal:
        return too_many("complaints/lookup.html", refusal.decision,
                        _("Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau "
                          "%(n)s phút.", n=refusal.decision.retry_after_minutes),
                        form=form, item=None, settle=None, not_found=False)
    settle = None
    if item is not None:
        settle = SettleForm(formdata=None, ma=item.reference, t=ops.lookup_token(
            item.reference, current_app.config["SECRET_KEY"]))
    response = render_template("complaints/lookup.html", form=form, item=item, settle=settle,
                               not_found=status == 404)
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/phan-anh/tra-cuu/y-kien")
def settle():
    """The citizen's word on the answer, from the lookup page (the form carries the signed
    token of the item it was shown for)."""
    form = SettleForm()
    reference = (form.ma.data or "").strip().upper()
    if not ops.token_matches(reference, form.t.data or "", current_app.config["SECRET_KEY"]):
        abort(404)
    item = queries.by_reference(reference)
    if item is None:
        abort(404)
    if form.validate():
        try:
            with unit_of_work():
                ops.record_settlement(item, form.settled.data == "yes", utcnow())
        except ops.ComplaintError:
            abort(409)
    return redirect(url_for("complaints.lookup", ma=reference, t=form.t.data), 303)


@bp.get("/phan-anh/cong-khai")
def published():
    q = request.args.get("q", "")[:200]
    page = queries.public_page(q, page_number(request.args.get("page")), PUBLIC_PAGE_SIZE)
    return render_page_or_partial("complaints/published.html", "complaints/_published.html",
                                  page=page, q=q)


@bp.get("/phan-anh/cua-toi")
@login_required
def mine():
    return render_template("complaints/mine.html", items=queries.own_items(current_user))


@bp.get("/phan-anh/cua-toi/<int:feedback_id>")
@login_required
def my_item(feedback_id: int):
    item = queries.get_own(feedback_id, current_user)
    if item is None:
        abort(404)
    return render_template("complaints/my_item.html", item=item, settle=SettleForm(
        formdata=None, ma=item.reference,
        t=ops.lookup_token(item.reference, current_app.config["SECRET_KEY"])))
