"""One small form per workflow action (issue #4). Each carries the dossier's version as the
officer saw it, and is refused without it (optimistic locking, ``core.forms.VersionedForm``).
The action functions check the contents and answer in
Vietnamese; these forms only parse what they need (dates, choices, the e-result file).

Several forms share a page, so each is prefixed with its action's name (unique field ids).
CSRF: the app-wide CSRFProtect checks every POST; the templates put the token in each form."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portal.blueprints.forms import required
from portal.calendar import VN_TZ
from portal.calendar.engine import Deadline
from portal.core.formatting import local_date, local_datetime
from portal.core.forms import VersionedForm, fits, stripped, too_long
from portal.core.models import utcnow
from portal.dossiers.files import ALLOWED_TYPES, type_names
from portal.dossiers.models import Dossier
from portal.workflow import obligations
from portal.workflow.models import DossierStep
from portal.workflow.transitions import Action


class ActionForm(VersionedForm):
    class Meta:
        csrf = False  # CSRFProtect checks the request's token (one per page, not per form)

    action: Action = Action.RECEIVE
    # A form that is a button alone sits on the workspace itself; any other is loaded when
    # the officer picks its action (rendering every form on every view costs too much).
    button_only = False
    multipart = False  # it carries a file (the e-result, the tax notice, a receipt)
    chosen_name = ""  # see ApproveForm

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.action.value)
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict:
        """The keyword arguments of the action function, taken from the form."""
        return {}


# What the action functions accept (actions._text): longer text is refused on the form.
TEXT_LIMIT = 2000
NOTE_LIMIT = 500


def _text_area(label, hint_rows: int = 3, limit=TEXT_LIMIT):
    """``limit``: a number, or the ``fits(column)`` validator of where the text is kept."""
    length = limit if isinstance(limit, Length) else too_long(limit)
    return TextAreaField(label, render_kw={"rows": hint_rows}, validators=[length])


class ReceiveForm(ActionForm):
    action = Action.RECEIVE
    button_only = True

    def arguments(self) -> dict:
        # A paper dossier missing a mandatory paper is received only on the counter's page,
        # which asks for the confirmation (issue 18); this button never confirms it.
        return {"confirm_missing": False}


class TakeForm(ActionForm):
    action = Action.TAKE
    button_only = True


def _irreversible(label):
    """The tick an action that cannot be undone asks for (issue 18): without it the form is
    refused next to the box (422) and nothing changes. Works without JavaScript."""
    return BooleanField(label, validators=[DataRequired(
        _l("Hãy đánh dấu ô xác nhận: thao tác này không hoàn tác được."))])


class ConfirmWithdrawalForm(ActionForm):
    action = Action.CONFIRM_WITHDRAWAL
    sure = _irreversible(_l("Tôi xác nhận cho rút hồ sơ (không hoàn tác được)"))


class _ItemsReasonForm(ActionForm):
    items = _text_area(_l("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)"), 4)
    reason = _text_area(_l("Lý do"))

    def arguments(self) -> dict:
        return {"items": self.items.data or "", "reason": self.reason.data or ""}


class RequestCompletionForm(_ItemsReasonForm):
    action = Action.REQUEST_COMPLETION


class RequestSupplementForm(_ItemsReasonForm):
    action = Action.REQUEST_SUPPLEMENT


class _ReasonForm(ActionForm):
    reason = _text_area(_l("Lý do"))

    def arguments(self) -> dict:
        return {"reason": self.reason.data or ""}


class RefuseReceptionForm(_ReasonForm):
    action = Action.REFUSE_RECEPTION
    sure = _irreversible(_l("Tôi xác nhận từ chối tiếp nhận hồ sơ (không hoàn tác được)"))


class RefuseForm(_ReasonForm):
    action = Action.REFUSE
    sure = _irreversible(_l("Tôi xác nhận từ chối giải quyết hồ sơ (không hoàn tác được)"))


class StopForm(_ReasonForm):
    action = Action.STOP
    sure = _irreversible(_l("Tôi xác nhận dừng giải quyết hồ sơ (không hoàn tác được)"))


class _NoteForm(ActionForm):
    note = _text_area(_l("Nội dung"), 2, NOTE_LIMIT)

    def arguments(self) -> dict:
        return {"note": self.note.data or ""}


class SupplementForm(_NoteForm):
    action = Action.SUPPLEMENT
    note = _text_area(_l("Giấy tờ bổ sung đã nhận tại quầy"), 2, NOTE_LIMIT)


class RecordInterAgencyResultForm(ActionForm):
    """The receiving agency's result (liên thông): a note, and a file if there is one."""

    multipart = True

    action = Action.RECORD_INTER_AGENCY_RESULT
    result = _text_area(_l("Kết quả xử lý của cơ quan"), 3)
    result_file = FileField(_l("Tệp kết quả (không bắt buộc)"),
                            description=_l("Nhận tệp %(types)s.", types=type_names()),
                            render_kw={"accept": ",".join(ALLOWED_TYPES)})

    def arguments(self) -> dict:
        return {"result": self.result.data or ""}


class InterAgencyReturnedForm(_NoteForm):
    action = Action.INTER_AGENCY_RETURNED
    note = _text_area(_l("Ghi chú khi chuyển trả (không bắt buộc)"), 2, NOTE_LIMIT)


class InterAgencyOnwardForm(_NoteForm):
    action = Action.INTER_AGENCY_ONWARD
    note = _text_area(_l("Nội dung chuyển tiếp (không bắt buộc)"), 2, NOTE_LIMIT)
    confirmed = BooleanField(_l("Tôi đã đọc cảnh báo và vẫn chuyển liên thông"))
    needs_confirmation = False

    def arguments(self) -> dict:
        return {"note": self.note.data or "", "confirmed": bool(self.confirmed.data)}


def parse_amount(value: str | None) -> int | None:
    """"1.500.000", "1 500 000" or "1500000 đ" → 1500000; None when it is not a whole
    number of đồng."""
    text = (value or "").strip().lower()
    for unit in ("đồng", "đ", "₫", "vnd"):
        text = text.removesuffix(unit)
    digits = text.replace(".", "").replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _file_check(required_message=None):
    """An upload's problems, found before anything is stored, with the other fields'."""
    def check(form, field) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            if required_message is not None:
                raise ValidationError(required_message)
            return
        problem = obligations.file_problem(upload.stream, upload.filename)
        if problem:
            raise ValidationError(problem)
    if required_message is not None:
        check.field_flags = {"required": True}  # the asterisk next to the label
    return check


def _upload(label, required_message=None):
    return FileField(label, description=_l("Nhận tệp %(types)s.", types=type_names()),
                     render_kw={"accept": ",".join(ALLOWED_TYPES)},
                     validators=[_file_check(required_message)])


class RequestObligationForm(ActionForm):
    """The financial obligation as data (issue 18): every field is checked at once, the file
    too, before anything is stored."""

    action = Action.REQUEST_OBLIGATION
    multipart = True
    amount = StringField(_l("Số tiền phải nộp (đồng)"), filters=[stripped],
                         validators=[DataRequired(_l("Vui lòng nhập số tiền phải nộp.")),
                                     too_long(30)],
                         description=_l("Số nguyên, ví dụ 1.500.000."),
                         render_kw={"inputmode": "numeric", "autocomplete": "off"})
    payee = StringField(_l("Cơ quan thu"), filters=[stripped],
                        description=_l("Ví dụ: Chi cục Thuế khu vực …"),
                        validators=[required(_l("cơ quan thu (nơi nhận tiền)")),
                                    too_long(obligations.PAYEE_LIMIT)])
    pay_to = TextAreaField(_l("Nơi nộp, số tài khoản nhận tiền"), render_kw={"rows": 2},
                           validators=[DataRequired(_l("Vui lòng ghi nơi nộp hoặc số tài "
                                                       "khoản nhận tiền.")),
                                       too_long(obligations.PAY_TO_LIMIT)])
    due_on = DateField(_l("Hạn nộp"), validators=[
        InputRequired(message=_l("Vui lòng chọn hạn nộp (ngày/tháng/năm)."))])
    notice = _upload(_l("Thông báo nộp thuế (tệp)"),
                     _l("Vui lòng đính kèm tệp thông báo nộp thuế."))

    def validate_amount(self, field) -> None:
        amount = parse_amount(field.data)
        if amount is None or amount <= 0:
            raise ValidationError(_l("Số tiền phải là số nguyên dương (đơn vị đồng), ví dụ "
                                     "1.500.000."))
        if amount > obligations.MAX_AMOUNT:
            raise ValidationError(_l("Số tiền quá lớn; vui lòng kiểm tra lại."))

    def validate_due_on(self, field) -> None:
        today = obligations.local_today(utcnow())
        if field.data is not None and field.data < today:
            raise ValidationError(_l("Hạn nộp phải từ hôm nay trở đi."))

    def propose(self, proposal: date) -> None:
        """The calendar's deadline: the value of a blank form, and the hint."""
        if self.due_on.data is None and not self.is_submitted():
            self.due_on.data = proposal
        self.due_on.description = _("Đề xuất: %(day)s (%(days)s ngày kể từ hôm nay, dời sang "
                                    "ngày làm việc kế tiếp nếu là ngày nghỉ).",
                                    day=local_date(proposal),
                                    days=obligations.PAY_WITHIN_DAYS)

    def arguments(self) -> dict:
        return {"terms": obligations.Terms(parse_amount(self.amount.data), self.payee.data or "",
                                           self.pay_to.data or "", self.due_on.data)}


class ObligationFulfilledForm(ActionForm):
    action = Action.OBLIGATION_FULFILLED
    multipart = True
    paid_on = DateField(_l("Ngày người nộp đã nộp tiền"), validators=[
        InputRequired(message=_l("Vui lòng chọn ngày nộp tiền."))])
    note = _text_area(_l("Số biên lai, chứng từ (không bắt buộc)"), 1, obligations.NOTE_LIMIT)
    receipt = _upload(_l("Tệp biên lai, chứng từ (không bắt buộc)"))

    def validate_paid_on(self, field) -> None:
        if field.data is not None and field.data > obligations.local_today(utcnow()):
            raise ValidationError(_l("Ngày nộp không được sau hôm nay."))

    def fill_today(self) -> None:
        if self.paid_on.data is None and not self.is_submitted():
            self.paid_on.data = obligations.local_today(utcnow())

    def arguments(self) -> dict:
        return {"note": self.note.data or "", "paid_on": self.paid_on.data}


class ForwardInterAgencyForm(_NoteForm):
    action = Action.FORWARD_INTER_AGENCY
    agency_id = SelectField(_l("Chuyển đến cơ quan"), choices=[], coerce=int,
                            validate_choice=False)
    note = _text_area(_l("Nội dung chuyển liên thông"), 2, NOTE_LIMIT)
    confirmed = BooleanField(_l("Tôi đã đọc cảnh báo và vẫn chuyển liên thông"))
    # Set when the action asked for a confirmation: the checkbox is shown from then on.
    needs_confirmation = False

    def set_destinations(self, chain, default) -> None:
        """The agencies of the procedure's chain, each with its share; the next by default."""
        self.agency_id.choices = [(c.agency_id, _l("%(agency)s (%(share)s %(unit)s)",
                                                  agency=c.agency.name, share=c.share,
                                                  unit=_l(c.share_unit.label)))
                                  for c in chain]
        if self.agency_id.data is None and default is not None:
            self.agency_id.data = default.agency_id

    def arguments(self) -> dict:
        return {"note": self.note.data or "", "confirmed": bool(self.confirmed.data),
                "agency_id": self.agency_id.data}


class _HolderChoice(ActionForm):
    def set_people(self, people) -> None:
        field = self._holder_field()
        field.choices = [("", _l("— Chọn cán bộ —"))] + [(str(u.id), u.full_name)
                                                           for u in people]
        self._people = {str(u.id): u for u in people}

    def _holder_field(self) -> SelectField:
        raise NotImplementedError

    def chosen(self):
        return getattr(self, "_people", {}).get(self._holder_field().data or "")


class AssignForm(_HolderChoice):
    action = Action.ASSIGN
    assignee = SelectField(_l("Phân công cho"), choices=[], validate_choice=False)

    def _holder_field(self) -> SelectField:
        return self.assignee

    def validate_assignee(self, field) -> None:
        if self.chosen() is None:
            raise ValidationError(_l("Vui lòng chọn cán bộ được phân công."))

    def arguments(self) -> dict:
        return {"assignee": self.chosen()}


class CompleteStepForm(_HolderChoice):
    action = Action.COMPLETE_STEP
    note = _text_area(_l("Ý kiến xử lý"), 2, fits(DossierStep.note))
    next_holder = SelectField(_l("Người xử lý bước tiếp theo (không bắt buộc)"), choices=[],
                              validate_choice=False)

    def _holder_field(self) -> SelectField:
        return self.next_holder

    def arguments(self) -> dict:
        return {"note": self.note.data or "", "next_holder": self.chosen()}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestConsultationForm(ActionForm):
    action = Action.REQUEST_CONSULTATION
    agencies = MultiCheckboxField(_l("Cơ quan được xin ý kiến"), choices=[], coerce=int,
                                  validate_choice=False)
    question = _text_area(_l("Nội dung xin ý kiến"), 3)
    due_date = DateField(_l("Hạn trả lời (đến 17:00 ngày)"), validators=[
        InputRequired(message=_l("Vui lòng chọn hạn trả lời."))])

    def set_agencies(self, agencies) -> None:
        self.agencies.choices = [(a.id, a.name) for a in agencies]
        self._agencies = {a.id: a for a in agencies}

    def arguments(self) -> dict:
        chosen = [self._agencies[i] for i in (self.agencies.data or []) if i in self._agencies]
        return {"agencies": chosen, "question": self.question.data or "",
                "due_at": datetime.combine(self.due_date.data, time(17, 0), VN_TZ)}


class AnswerConsultationForm(ActionForm):
    action = Action.ANSWER_CONSULTATION
    consultation_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    answer = _text_area(_l("Ý kiến của cơ quan"), 3)

    def arguments(self) -> dict:
        return {"consultation_id": self.consultation_id.data, "answer": self.answer.data or ""}


class ApproveForm(ActionForm):
    action = Action.APPROVE
    multipart = True
    # The hint and the picker's filter are the list the upload check reads
    # (``dossiers.files.ALLOWED_TYPES``, through ``operations.add_file``): one list.
    result = FileField(_l("Tệp kết quả điện tử"),
                       description=_l("Nhận tệp %(types)s.", types=type_names()),
                       render_kw={"accept": ",".join(ALLOWED_TYPES)})
    # The name of the file chosen in a refused post: a browser never fills a file input
    # again, so the form says which file to choose again (issue 12).
    chosen_name = ""
    result_note = _text_area(_l("Số, ký hiệu văn bản kết quả (không bắt buộc)"), 1,
                             fits(Dossier.result_note))

    def arguments(self) -> dict:
        return {"result_note": self.result_note.data or ""}


class ApologiseForm(ActionForm):
    action = Action.APOLOGISE
    reason = _text_area(_l("Lý do quá hạn"))
    new_date = DateField(_l("Ngày hẹn trả mới"), validators=[
        InputRequired(message=_l("Vui lòng chọn ngày hẹn mới."))])
    new_time = TimeField(_l("Giờ hẹn (giờ Việt Nam)"), default=time(16, 0), validators=[
        InputRequired(message=_l("Vui lòng chọn giờ hẹn."))])

    def arguments(self) -> dict:
        return {"reason": self.reason.data or "",
                "new_appointment_at": datetime.combine(self.new_date.data, self.new_time.data,
                                                       VN_TZ)}

    def propose(self, proposal: Deadline, *, fill: bool) -> None:
        """The calendar's proposal (workflow.appointments) as the hint, and as the values of
        a blank form."""
        local = proposal.due.astimezone(VN_TZ)
        if fill:
            self.new_date.data, self.new_time.data = local.date(), local.time()
        work = (proposal.duration.label_en() if str(get_locale()) == "en"
                else proposal.duration.label_vi())
        self.new_date.description = _("Đề xuất: %(at)s, tức là từ bây giờ cộng %(work)s mà các "
                                    "bước còn lại của quy trình cần (không tính ngày nghỉ và "
                                    "ngoài giờ làm việc). Ngày hẹn phải trong giờ làm việc.",
                                    at=local_datetime(proposal.due), work=work)


FORMS: dict[Action, type[ActionForm]] = {form.action: form for form in (
    ReceiveForm, RequestCompletionForm, RefuseReceptionForm, TakeForm, AssignForm,
    CompleteStepForm, RequestSupplementForm, SupplementForm, RequestConsultationForm,
    AnswerConsultationForm, ForwardInterAgencyForm, InterAgencyReturnedForm,
    RequestObligationForm, ObligationFulfilledForm, ApproveForm, RefuseForm, StopForm,
    ConfirmWithdrawalForm, ApologiseForm,
    RecordInterAgencyResultForm, InterAgencyOnwardForm)}
