"""Counter officer: walk-in and postal intake, scanning the papers, reception, on-the-spot
resolution and handing over the result (issue #4).

Every route: load (a dossier of the officer's agency, else 404) → authorise → validate → one
operation → commit once → respond. The rules live in ``portal.workflow.intake`` and
``portal.workflow.actions``; ``Forbidden`` answers 403, any other ``WorkflowError`` is shown
on the form with the state unchanged, and a lost optimistic lock (``Conflict`` before, or
``StaleDataError`` at the commit) shows the conflict message on the refreshed form."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BuildError
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Optional

from portal.accounts.models import Role
from portal.blueprints.address_fields import profile_address
from portal.blueprints.downloads import send_dossier_file
from portal.blueprints.forms import (
    EmptyForm,
    ReturnForm,
    id_number_field,
    phone_field,
    required,
    upload_settings,
)
from portal.blueprints.guards import require_role, role_required
from portal.blueprints.staff import bp, get_dossier_or_404
from portal.calendar.overrides import current_calendar
from portal.catalog.models import DocumentForm
from portal.core.forms import VersionedForm, fits, stripped, too_long
from portal.core.frame import refused, show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.uploads import accepts_files
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import ALLOWED_TYPES, UploadLimits, type_names
from portal.dossiers.models import Channel, Dossier, DossierFile, FileKind, ReturnMethod
from portal.workflow import actions as wf
from portal.workflow import intake, papers
from portal.workflow.queries import get_dossier_for_staff

counter_required = role_required(Role.COUNTER_OFFICER)


# --- forms --------------------------------------------------------------------------------

class IntakeForm(ReturnForm):
    """The procedure, the applicant (an account found, or details typed in), the channel and
    how the result goes back. The return-method fields and their checks are the online
    filing's (``ReturnForm``)."""

    version_id = RadioField(_l("Thủ tục"), validate_choice=False,
                            validators=[required(_l("thủ tục (chọn trong danh sách)"))])
    person_id = RadioField(_l("Tài khoản của người nộp"), validate_choice=False, default="")
    name = StringField(_l("Họ và tên (hoặc tên tổ chức)"), filters=[stripped],
                       validators=[fits(Dossier.applicant_name)])
    id_number = id_number_field(_l("Số định danh cá nhân hoặc mã số thuế"),
                                Dossier.applicant_id_number, Optional(), tax_code=True)
    applicant_phone = phone_field(_l("Số điện thoại"), Dossier.applicant_phone, Optional())
    email = EmailField(_l("E-mail"), filters=[stripped], validators=[
        Optional(), Email(message=_l("Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn."),
                          check_deliverability=False), fits(Dossier.applicant_email)])
    address = StringField(_l("Địa chỉ"), filters=[stripped],
                          validators=[fits(Dossier.applicant_address)])
    channel = RadioField(_l("Hình thức tiếp nhận"), default=Channel.COUNTER.value, choices=[
        SelectChoice(Channel.COUNTER.value, _l("Trực tiếp tại quầy")),
        SelectChoice(Channel.POSTAL.value, _l("Qua dịch vụ bưu chính"))],
        validators=[required(_l("hình thức tiếp nhận"))])
    return_method = RadioField(
        _l("Người nộp nhận kết quả bằng cách nào?"), default=ReturnMethod.COUNTER.value,
        choices=[SelectChoice(m.value, _l(m.label)) for m in ReturnMethod],
        validators=[required(_l("cách nhận kết quả"))])
    note = TextAreaField(_l("Ghi chú của cán bộ tiếp nhận"),
                         validators=[Optional(), too_long(2000)])
    envelope_tracking = StringField(
        _l("Số hiệu bưu gửi trên phong bì (nếu nhận qua bưu chính)"), filters=[stripped],
        validators=[Optional(), too_long(20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})

    # The domain reports errors by its field names; the form's differ only for the phone.
    DOMAIN_FIELDS = {"phone": "applicant_phone"}
    # Needed when no account is chosen (a chosen account fills the blanks): checked here
    # with the rest, so every error shows at once (issue 18), in the domain's words.
    APPLICANT_NEEDS = (("name", _l("họ và tên (hoặc tên tổ chức)")),
                       ("id_number", _l("số định danh hoặc mã số thuế")),
                       ("applicant_phone", _l("số điện thoại")))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.person_id.data or self.picking_address:
            return valid
        for name, what in self.APPLICANT_NEEDS:
            if not (self[name].data or "").strip() and not self[name].errors:
                self[name].errors.append(_l("Vui lòng nhập %(what)s.", what=what))
                valid = False
        return valid

    def applicant(self) -> dossier_ops.ApplicantData:
        return dossier_ops.ApplicantData(
            name=self.name.data or "", id_number=self.id_number.data or "",
            phone=self.applicant_phone.data or "", email=self.email.data or "",
            address=self.address.data or "")


class LockedForm(VersionedForm):
    """A workflow action on the version of the dossier the officer saw (required)."""


class ReceiveForm(LockedForm):
    """Reception at the counter, with the papers handed in (``paper-<id>`` and
    ``paper-<id>-quantity``, read by ``_posted_papers``) and, when a mandatory paper is
    missing, the officer's confirmation."""

    confirm_missing = BooleanField(
        _l("Tôi xác nhận tiếp nhận khi còn thiếu giấy tờ bắt buộc (đã hướng dẫn người nộp bổ "
           "sung)"))


class ResolveForm(LockedForm):
    result_note = TextAreaField(_l("Kết quả giải quyết (số giấy chứng nhận, văn bản…)"),
                                validators=[required(_l("kết quả giải quyết")),
                                            fits(Dossier.result_note)])
    collected_by = StringField(_l("Người nhận kết quả"), validators=[fits(Dossier.returned_to)])
    # The e-result, as approval takes it (issue 18): the same list of types as the check.
    result = FileField(_l("Tệp kết quả điện tử (không bắt buộc)"),
                       description=_l("Nhận tệp %(types)s.", types=type_names()),
                       render_kw={"accept": ",".join(ALLOWED_TYPES)})


class HandOverForm(LockedForm):
    method = RadioField(_l("Hình thức trả kết quả"), choices=[
        SelectChoice(ReturnMethod.COUNTER.value, _l("Trả tại quầy")),
        SelectChoice(ReturnMethod.POSTAL.value, _l("Chuyển cho bưu chính"))],
        validators=[required(_l("hình thức trả kết quả"))])
    # Recorded together in Dossier.returned_to (300): "<name>, giấy tờ tùy thân số <id>".
    collector_name = StringField(_l("Họ và tên người nhận kết quả"),
                                 validators=[too_long(200)])
    collector_id = StringField(_l("Số CCCD hoặc giấy tờ tùy thân của người nhận"),
                               validators=[too_long(40)])
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        needed = (("collector_name", _l("họ và tên người nhận kết quả")),
                  ("collector_id", _l("số giấy tờ tùy thân của người nhận")))
        if self.method.data == ReturnMethod.POSTAL.value:
            # The postal officer records the tracking number on the shipment (issue 15).
            needed = ()
        for name, what in needed:
            if not (self[name].data or "").strip():
                self[name].errors.append(_l("Vui lòng nhập %(what)s.", what=what))
                valid = False
        return valid


# --- helpers ------------------------------------------------------------------------------

def _dossier_or_404(dossier_id: int) -> Dossier:
    """A dossier of an agency the officer works for; any other is "not found"."""
    return get_dossier_or_404(dossier_id, own_agency=True)


def _workspace_url(dossier_id: int) -> str:
    return url_for("staff.workspace", dossier_id=dossier_id)


def _storage():
    return current_app.extensions["storage"]


def _act(form: LockedForm, run: Callable[[wf.Context], object]) -> wf.WorkflowError | None:
    """Run one workflow action and commit; the refusal to show, if any (state unchanged)."""
    ctx = wf.Context(current_user, utcnow(), current_calendar(), form.expected_version())
    try:
        with unit_of_work():
            run(ctx)
    except wf.Forbidden:
        abort(403)
    except wf.WorkflowError as error:
        return error
    except StaleDataError:  # another officer's commit came first
        return wf.Conflict(wf.CONFLICT_MESSAGE)
    return None


def _refused(template: str, form: LockedForm, dossier: Dossier, error: wf.WorkflowError,
             **context):
    show_refusal(form, error)
    if isinstance(error, wf.Conflict):
        form.lock_version.data = str(dossier.lock_version)  # the refreshed state
    return render_template(template, form=form, dossier=dossier, **context), (
        409 if isinstance(error, wf.Conflict) else 422)


def _receipt_link(dossier: Dossier) -> str | None:
    if "staff.document" not in current_app.view_functions:
        return None
    try:
        return url_for("staff.document", dossier_id=dossier.id, form="01")
    except BuildError:
        return None


# --- walk-in and postal intake --------------------------------------------------------------

@bp.get("/tiep-nhan", endpoint="intake")
@counter_required
def intake_start():
    """The counter's entry point (linked from the officer's dashboard)."""
    return redirect(url_for("staff.intake_new"), 303)


@bp.route("/tiep-nhan/moi", methods=["GET", "POST"])
@counter_required
def intake_new():
    """The intake form. Its two searches post the whole form back ("tim"), so nothing typed
    is lost; every error is listed at once (issue 18)."""
    form = IntakeForm()
    lists = _intake_lists(form)
    _postal_from_account(form)
    if request.method == "GET" or "tim" in request.form or form.picking_address:
        return _intake_page(form, lists, status=200)
    valid = form.validate_on_submit()
    version = intake.published_version(parse_int(form.version_id.data or "") or 0)
    if version is None and form.version_id.data and not form.version_id.errors:
        form.version_id.errors.append(_("Vui lòng chọn thủ tục trong danh sách."))
    if not valid or version is None:
        return _intake_page(form, lists)
    try:
        with unit_of_work():
            dossier = intake.create_intake(version, current_user, _intake_data(form),
                                           current_calendar(), utcnow())
    except wf.WorkflowError as error:
        return refused(error, form, lambda status: _intake_page(form, lists),
                       aliases=IntakeForm.DOMAIN_FIELDS)
    flash(_("Đã tạo hồ sơ %(code)s. Ghi nhận giấy tờ đã nhận, quét giấy tờ rồi tiếp nhận.",
            code=dossier.code), "success")
    return redirect(url_for("staff.intake_files", dossier_id=dossier.id), 303)


def _intake_lists(form: IntakeForm) -> dict:
    """The procedures and accounts the form offers: the searches' matches (from the query
    string, or from the form posted back), and whatever was chosen before searching again."""
    source = request.form if request.method == "POST" else request.args
    procedure_q, person_q = source.get("tt", ""), source.get("nguoi", "")
    found = intake.intake_procedures(current_user, procedure_q)
    procedures = list(found.items)
    chosen = intake.intake_version(current_user, parse_int(form.version_id.data or "") or 0)
    if chosen is not None and chosen not in procedures:
        procedures.insert(0, chosen)
    people = intake.search_people(person_q)
    person = intake.applicant_account(parse_int(form.person_id.data or "") or 0)
    if person is not None and person not in people:
        people.insert(0, person)
    form.version_id.choices = [(str(v.id), v.name) for v in procedures]
    form.person_id.choices = [("", _("Chưa có tài khoản"))] + [(str(p.id), p.full_name)
                                                               for p in people]
    if request.method == "GET" and len(procedures) == 1:
        form.version_id.data = str(procedures[0].id)
    return dict(procedures=procedures, matches=found.total, people=people,
                procedure_q=procedure_q, person_q=person_q)


def _postal_from_account(form: IntakeForm) -> None:
    """A chosen account fills the blanks (as for the applicant's details): the postal return
    address left empty is the account's profile address (issue 15), the recipient and phone
    its name and number."""
    person = intake.applicant_account(parse_int(form.person_id.data or "") or 0)
    if request.method != "POST" or person is None or not form.postal:
        return
    form.offer_address(profile_address(person))
    form.recipient.data = form.recipient.data or person.full_name
    form.phone.data = form.phone.data or person.phone


def _intake_data(form: IntakeForm) -> intake.Intake:
    """What the counter typed: the applicant (their account, if one was chosen), the channel
    and how the result goes back."""
    person = intake.applicant_account(parse_int(form.person_id.data or "") or 0)
    return intake.Intake(channel=form.channel.data, applicant=form.applicant(),
                         return_method=form.return_method.data, postal=form.postal_address(),
                         person=person, note=form.note.data or "",
                         envelope_tracking=form.envelope_tracking.data or "")


def _intake_page(form: IntakeForm, lists: dict, status: int | None = None):
    if status is None:
        status = 422 if form.errors or form.form_errors else 200
    return render_template("staff/intake/new.html", form=form, **lists), status


def _render_files(dossier: Dossier, errors: dict | None = None, status: int = 200,
                  receive_form: ReceiveForm | None = None,
                  resolve_form: ResolveForm | None = None,
                  handed: list[papers.Handed] | None = None,
                  problems: list[papers.PapersRefused] | None = None):
    """The scan page; ``handed`` (the papers just posted, when refused) is shown instead of
    the record, so nothing typed is lost."""
    version = str(dossier.lock_version)
    receive_form = receive_form or ReceiveForm(formdata=None, lock_version=version)
    if resolve_form is None and dossier.procedure_version.on_the_spot:
        resolve_form = ResolveForm(formdata=None, lock_version=version,
                                   collected_by=dossier.applicant_name)
    rows = papers.paper_rows(dossier, handed)
    return render_template("staff/intake/files.html", dossier=dossier, errors=errors or {},
                           receive_form=receive_form, resolve_form=resolve_form,
                           paper_rows=rows, missing=papers.missing_in(rows),
                           paper_errors={p.field: str(p) for p in problems or []},
                           document_forms=list(DocumentForm), cancel_form=EmptyForm(),
                           **upload_settings(current_app.config)), status


def _posted_papers(dossier: Dossier) -> list[papers.Handed]:
    """The papers as the officer set them on the form (a document not on it is left as
    recorded)."""
    return [papers.Handed(d.id, request.form.get(f"paper-{d.id}", ""),
                          parse_int(request.form.get(f"paper-{d.id}-quantity", "")))
            for d in dossier.procedure_version.documents if f"paper-{d.id}" in request.form]


def _scanned_or_redirect(dossier_id: int):
    dossier = _dossier_or_404(dossier_id)
    if not intake.is_being_scanned(dossier):
        return dossier, redirect(_workspace_url(dossier.id), 303)
    return dossier, None


def _may_scan_into(dossier_id: int) -> None:
    """The upload guard's rule, before a scan is read: a counter officer (second factor done)
    of the dossier's agency."""
    require_role(Role.COUNTER_OFFICER)
    _dossier_or_404(dossier_id)


@bp.route("/tiep-nhan/<int:dossier_id>/giay-to", methods=["GET", "POST"])
@accepts_files(_may_scan_into, stage=True)
@counter_required
def intake_files(dossier_id: int):
    """The scan page: one upload area per required paper, then "Tiếp nhận" or, for an
    on-the-spot procedure, "Giải quyết ngay"."""
    dossier, elsewhere = _scanned_or_redirect(dossier_id)
    if elsewhere is not None:
        return elsewhere
    if request.method == "GET":
        return _render_files(dossier)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    raw = request.form.get("requirement", "")
    requirement_id = parse_int(raw)
    area = requirement_id if requirement_id is not None else "other"
    if requirement_id is not None and requirement_id not in {
            d.id for d in dossier.procedure_version.documents}:
        abort(404)
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        return _render_files(dossier, {area: _("Vui lòng chọn ít nhất một tệp để tải lên.")},
                             422)
    with unit_of_work():
        added, error = _add_scans(dossier, requirement_id, uploads)
    if error:
        return _render_files(dossier, {area: error}, 422)
    flash(_("Đã tải lên %(n)s tệp.", n=added), "success")
    return redirect(url_for("staff.intake_files", dossier_id=dossier.id,
                            _anchor=f"req-{area}"), 303)


def _add_scans(dossier: Dossier, requirement_id: int | None,
               uploads: list) -> tuple[int, str | None]:
    """Add the scans in order: (how many were added, the refusal that stopped the rest).
    The files before a refused one are kept."""
    limits = UploadLimits.from_config(current_app.config["PORTAL"])
    for added, item in enumerate(uploads):
        try:
            dossier_ops.add_file(dossier, requirement_id, item.stream, item.filename,
                                 current_user, _storage(), limits)
        except dossier_ops.DossierError as refusal:
            return added, str(refusal)
    return len(uploads), None


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(error):
    """The body is refused before the view runs (the CSRF check reads the form first)."""
    from portal.core.errors import render_error

    if request.endpoint != "staff.intake_files" or not current_user.is_authenticated:
        return render_error(413)
    dossier = get_dossier_for_staff(current_user, request.view_args["dossier_id"],
                                    own_agency=True)
    if dossier is None or not intake.is_being_scanned(dossier):
        return render_error(413)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("Tệp quá lớn: mỗi lần tải lên tối đa %(mb)s MB. Vui lòng chọn tệp nhỏ hơn hoặc "
                "tải từng tệp một.", mb=max(1, limit // (1024 * 1024)))
    return _render_files(dossier, {"form": message}, 413)


def _file_or_404(dossier: Dossier, file_id: int) -> DossierFile:
    for item in dossier.files:
        if item.id == file_id:
            return item
    abort(404)


@bp.post("/tiep-nhan/<int:dossier_id>/tep/<int:file_id>/xoa")
@counter_required
def intake_remove_file(dossier_id: int, file_id: int):
    dossier, elsewhere = _scanned_or_redirect(dossier_id)
    if elsewhere is not None:
        return elsewhere
    item = _file_or_404(dossier, file_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = item.original_name
    try:
        with unit_of_work():
            key = dossier_ops.remove_file(dossier, item.id)
    except dossier_ops.DossierError as refusal:
        flash(str(refusal), "error")
    else:
        dossier_ops.discard_objects(_storage(), [key])
        flash(_("Đã xóa tệp %(name)s.", name=name), "success")
    return redirect(url_for("staff.intake_files", dossier_id=dossier_id), 303)


@bp.get("/tiep-nhan/<int:dossier_id>/tep/<int:file_id>")
@counter_required
def intake_file(dossier_id: int, file_id: int):
    """A scanned paper, shown in the browser when it is a PDF or an image."""
    return send_dossier_file(_file_or_404(_dossier_or_404(dossier_id), file_id))


@bp.post("/tiep-nhan/<int:dossier_id>/giay-to-da-nhan")
@counter_required
def intake_papers(dossier_id: int):
    """Save the papers handed in (original or copy, how many), scanned or not."""
    dossier, elsewhere = _scanned_or_redirect(dossier_id)
    if elsewhere is not None:
        return elsewhere
    form, handed = ReceiveForm(), _posted_papers(dossier)
    problems = papers.check_papers(dossier, handed)
    if not form.validate_on_submit() or problems:
        form.keep_version(dossier.lock_version)
        return _render_files(dossier, status=422, receive_form=form, handed=handed,
                             problems=problems)
    with unit_of_work():
        papers.record_papers(dossier, handed, current_user, utcnow())
    flash(_("Đã lưu giấy tờ người nộp đã giao."), "success")
    return redirect(url_for("staff.intake_files", dossier_id=dossier.id,
                            _anchor="papers-title"), 303)


@bp.post("/tiep-nhan/<int:dossier_id>/tiep-nhan")
@counter_required
def intake_receive(dossier_id: int):
    dossier = _dossier_or_404(dossier_id)
    form, handed = ReceiveForm(), _posted_papers(dossier)
    problems = papers.check_papers(dossier, handed)
    if not form.validate_on_submit() or problems:  # nothing changed; every problem shown
        form.keep_version(dossier.lock_version)
        return _render_files(dossier, status=422, receive_form=form, handed=handed,
                             problems=problems)
    error = _act(form, lambda ctx: intake.receive_at_counter(
        dossier, ctx, handed, bool(form.confirm_missing.data)))
    if error is None:
        return redirect(url_for("staff.intake_done", dossier_id=dossier.id), 303)
    show_refusal(form, error)
    if not intake.is_being_scanned(dossier):  # received meanwhile: show where it is
        flash(str(error), "error")
        return redirect(_workspace_url(dossier.id), 303)
    form.lock_version.data = str(dossier.lock_version)
    return _render_files(dossier, status=409 if isinstance(error, wf.Conflict) else 422,
                         receive_form=form, handed=handed)


@bp.post("/tiep-nhan/<int:dossier_id>/huy")
@counter_required
def intake_cancel(dossier_id: int):
    """Cancel a mistaken intake not yet received: its scans are deleted from storage."""
    dossier, elsewhere = _scanned_or_redirect(dossier_id)
    if elsewhere is not None:
        flash(_("Hồ sơ đã được tiếp nhận nên không thể hủy."), "error")
        return elsewhere
    if not EmptyForm().validate_on_submit():
        abort(400)
    code = dossier.code
    try:
        with unit_of_work():
            keys = intake.cancel_intake(dossier, current_user)
    except wf.Forbidden:
        abort(403)
    dossier_ops.discard_objects(_storage(), keys)
    flash(_("Đã hủy hồ sơ %(code)s và xóa các bản quét của hồ sơ.", code=code), "success")
    return redirect(url_for("staff.intake_new"), 303)


@bp.get("/tiep-nhan/<int:dossier_id>/da-tiep-nhan")
@counter_required
def intake_done(dossier_id: int):
    """The result-collection note: code, appointment, how the result comes back, and the
    receipt (form 01) to print for the applicant."""
    dossier = _dossier_or_404(dossier_id)
    if dossier.received_at is None:
        return redirect(url_for("staff.intake_files", dossier_id=dossier.id), 303)
    return render_template("staff/intake/done.html", dossier=dossier,
                           receipt_url=_receipt_link(dossier),
                           workspace_url=_workspace_url(dossier.id))


# --- on-the-spot resolution and handing over -----------------------------------------------

def _attach_result(dossier: Dossier, form: ResolveForm) -> None:
    """The e-result chosen on the on-the-spot form, stored in the same unit of work."""
    upload = request.files.get(form.result.name)
    if upload is None or not upload.filename:
        return
    limits = UploadLimits.from_config(current_app.config["PORTAL"])
    dossier_ops.add_file(dossier, None, upload.stream, upload.filename, current_user,
                         current_app.extensions["storage"], limits, kind=FileKind.RESULT)


def _resolve(dossier: Dossier, form: ResolveForm, ctx: wf.Context) -> None:
    try:
        _attach_result(dossier, form)
    except dossier_ops.DossierError as refusal:  # the file's type or size, next to its field
        raise wf.WorkflowError(refusal.message, form.result.name) from refusal
    wf.resolve_on_the_spot(dossier, ctx, form.result_note.data, form.collected_by.data or "")


@bp.route("/ho-so/<int:dossier_id>/giai-quyet-ngay", methods=["GET", "POST"])
@accepts_files(_may_scan_into)
@counter_required
def resolve_on_the_spot(dossier_id: int):
    dossier = _dossier_or_404(dossier_id)
    form = ResolveForm(data=None if request.method == "POST" else {
        "lock_version": str(dossier.lock_version), "collected_by": dossier.applicant_name})
    if form.validate_on_submit():
        error = _act(form, lambda ctx: _resolve(dossier, form, ctx))
        if error is None:
            flash(_("Đã giải quyết và trả kết quả ngay cho hồ sơ %(code)s.", code=dossier.code),
                  "success")
            return redirect(_workspace_url(dossier.id), 303)
        return _refused("staff/intake/resolve.html", form, dossier, error)
    form.keep_version(dossier.lock_version)
    return render_template("staff/intake/resolve.html", form=form, dossier=dossier), (
        422 if form.errors else 200)


@bp.route("/ho-so/<int:dossier_id>/tra-ket-qua", methods=["GET", "POST"])
@counter_required
def hand_over(dossier_id: int):
    dossier = _dossier_or_404(dossier_id)
    method = dossier.return_method or ReturnMethod.COUNTER
    form = HandOverForm(data=None if request.method == "POST" else {
        "lock_version": str(dossier.lock_version), "method": method.value,
        "collector_name": dossier.applicant_name if method is ReturnMethod.COUNTER else ""})
    if form.validate_on_submit():
        if form.method.data == ReturnMethod.COUNTER.value:
            # Recorded data, not UI text: always in Vietnamese (the event says "trả cho …").
            collected = (f"{form.collector_name.data.strip()}, giấy tờ tùy thân số "
                         f"{form.collector_id.data.strip()}")
        else:
            collected = ""
        error = _act(form, lambda ctx: wf.hand_over(dossier, ctx, form.method.data, collected))
        if error is None:
            flash(_("Đã chuyển kết quả hồ sơ %(code)s cho bưu chính.", code=dossier.code)
                  if collected == "" else _("Đã trả kết quả hồ sơ %(code)s.", code=dossier.code),
                  "success")
            return redirect(_workspace_url(dossier.id), 303)
        return _refused("staff/intake/hand_over.html", form, dossier, error)
    form.keep_version(dossier.lock_version)
    return render_template("staff/intake/hand_over.html", form=form, dossier=dossier), (
        422 if form.errors else 200)
