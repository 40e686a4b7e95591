"""Forms of the procedure catalog editor; every message in Vietnamese.

Documents, fees and steps are repeated row groups (FieldList of FormField). A row whose
name and numbers are all blank is ignored, so the page can always offer blank rows."""

from __future__ import annotations

import re
from datetime import time
from types import SimpleNamespace

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from portal.blueprints.forms import required
from portal.catalog import queries as catalog_queries
from portal.catalog.models import (
    Agency,
    ApplicantType,
    DocumentForm,
    FeeBasis,
    FeeKind,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ProcedureFeeExemption,
    ProcedureStep,
    ProcedureVersion,
    ShareUnit,
    StepRole,
    TimeUnit,
)
from portal.catalog.operations import (
    ChainData,
    DocumentData,
    FeeData,
    ProcedureData,
    StepData,
)
from portal.core.forms import fits, too_long
from portal.core.i18n import N_
from portal.core.numbers import MAX_ID, parse_int
from portal.dossiers import files

BLANK_ROWS = 2
LONG_TEXT = 20_000  # legal basis, steps of the procedure: unbounded columns, bounded forms
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
TIME_UNITS = {TimeUnit.DAYS: N_("Ngày làm việc"), TimeUnit.HOURS: N_("Giờ làm việc"),
              TimeUnit.SAME_DAY: N_("Trong ngày")}
INVALID_CHOICE = _l("Lựa chọn không hợp lệ.")
NOT_A_NUMBER = _l("Vui lòng nhập một số nguyên.")


def options(pairs, placeholder: str | None = None) -> list[SelectChoice]:
    found = [SelectChoice("", placeholder)] if placeholder else []
    return found + [SelectChoice(str(value), label) for value, label in pairs]


class ChoiceField(SelectField):
    """A select with Vietnamese refusals (WTForms ships no Vietnamese catalogue), whose
    placeholder option ("— Chọn … —", value "") is never a valid answer."""

    def __init__(self, label=None, validators=None, message=INVALID_CHOICE, **kwargs):
        kwargs.setdefault("coerce", str)
        super().__init__(label, validators, invalid_value_message=message,
                         invalid_choice_message=message, **kwargs)
        self.type = "SelectField"  # macros/forms.html styles selects by this name

    def pre_validate(self, form):
        if not self.process_errors and self.data in (None, ""):
            raise ValidationError(self.invalid_choice_message)
        super().pre_validate(form)


class NumberField(IntegerField):
    """A whole number; blank means None, anything else that is not a number is refused."""

    def __init__(self, label=None, validators=None, message=NOT_A_NUMBER, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        if _THOUSANDS.fullmatch(text):  # 80.000 is how 80 000 đồng is written in Vietnam
            text = text.replace(".", "")
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None
        if abs(self.data) > MAX_ID:  # the INTEGER column holds no more
            self.data = None
            raise ValueError(gettext("Số quá lớn: tối đa %(max)s.",
                                     max=f"{MAX_ID:,}".replace(",", ".")))


def _int(value) -> int | None:
    return parse_int(value)


class Needed:
    """Required, in Vietnamese. Quiet after a "not a number" error (one message is enough).
    Row fields pass flag=False: a blank row is skipped, so its inputs are not "required"."""

    def __init__(self, what: str, flag: bool = True):
        self.message = _l("Vui lòng nhập %(what)s.", what=what)
        self.field_flags = {"required": True} if flag else {}

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(self.message)


def _blank_or_invalid_stops(form, field) -> None:
    """For optional numbers: nothing more to check when blank or not a number."""
    if field.process_errors or field.data is None:
        raise StopValidation()


def _not_negative(what: str) -> NumberRange:
    return NumberRange(min=0, message=_l("%(what)s không được âm.", what=what))


class _Row(Form):
    """A row is blank when its name and numbers are empty; blank rows are not validated."""

    numbers: tuple[str, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and all(
            self[n].data is None and not self[n].process_errors for n in self.numbers)

    def validate(self, extra_validators=None):
        if self.is_blank:
            return True
        return super().validate(extra_validators)


class DocumentRow(_Row):
    numbers = ("quantity",)
    name = StringField(_l("Tên giấy tờ"), validators=[Needed(_l("tên giấy tờ"), flag=False),
                                                       fits(ProcedureDocument.name)])
    copy_type = ChoiceField(_l("Loại bản"),
                            choices=options((f.value, _l(f.label)) for f in DocumentForm),
                            default=DocumentForm.ORIGINAL.value)
    quantity = NumberField(_l("Số lượng"), validators=[
        _blank_or_invalid_stops,
        NumberRange(min=1, message=_l("Số lượng giấy tờ phải từ 1 trở lên."))])
    mandatory = BooleanField(_l("Bắt buộc"), default=True)
    template_label = StringField(_l("Ký hiệu mẫu đơn (nếu có)"),
                                 validators=[fits(ProcedureDocument.template_label)])


class FeeRow(_Row):
    numbers = ("amount",)
    name = StringField(_l("Khoản thu"), validators=[
        Needed(_l("tên khoản phí, lệ phí"), flag=False), fits(ProcedureFee.name)])
    amount = NumberField(_l("Mức thu (đồng)"), validators=[
        Needed(_l("mức thu"), flag=False), _not_negative(_l("Mức phí, lệ phí"))])
    note = StringField(_l("Ghi chú"), validators=[fits(ProcedureFee.note)])
    kind = ChoiceField(_l("Loại khoản thu"),
                       choices=options((k.value, _l(k.label)) for k in FeeKind),
                       default=FeeKind.FEE.value)
    basis = ChoiceField(_l("Cách tính"),
                        choices=options((b.value, _l(b.label)) for b in FeeBasis),
                        default=FeeBasis.PER_DOSSIER.value)
    unit_label = StringField(_l("Đơn vị tính (nếu tính theo bản)"),
                             validators=[fits(ProcedureFee.unit_label)])


class ExemptionRow(_Row):
    name = StringField(_l("Đối tượng được miễn"), validators=[
        fits(ProcedureFeeExemption.name)])


class StepRow(_Row):
    numbers = ("hours",)
    name = StringField(_l("Nội dung bước"), validators=[Needed(_l("nội dung bước"), flag=False),
                                                         fits(ProcedureStep.name)])
    role = ChoiceField(_l("Người thực hiện"),
                       choices=options((r.value, _l(r.label)) for r in StepRole),
                       default=StepRole.SPECIALIST.value)
    hours = NumberField(_l("Số giờ làm việc"), validators=[
        Needed(_l("số giờ của bước"), flag=False), _not_negative(_l("Thời gian của bước xử lý"))])


def _agency_choices() -> list[SelectChoice]:
    return options(((a.code, a.name) for a in catalog_queries.all_agencies()),
                   gettext("— Chọn cơ quan —"))


class ChainRow(_Row):
    """One agency of the inter-agency chain, in order, with its share of the legal time."""

    numbers = ("share",)
    agency_code = ChoiceField(_l("Cơ quan liên thông"), choices=_agency_choices)
    share = NumberField(_l("Thời gian của cơ quan"), validators=[
        Needed(_l("thời gian của cơ quan liên thông"), flag=False),
        NumberRange(min=1, message=_l("Thời gian của cơ quan liên thông phải lớn hơn 0."))])
    share_unit = ChoiceField(_l("Tính theo"),
                             choices=options((u.value, _l(u.label)) for u in ShareUnit),
                             default=ShareUnit.DAYS.value)

    @property
    def is_blank(self) -> bool:
        return not self.agency_code.data and self.share.data is None \
            and not self.share.process_errors


class ProcedureForm(FlaskForm):
    """The content of a version. Code and agency belong to the procedure: see NewProcedureForm."""

    version_id = HiddenField()  # the draft the form was opened on (stale-form check)
    field_id = ChoiceField(_l("Lĩnh vực"), coerce=_int,
                           message=_l("Vui lòng chọn lĩnh vực của cơ quan."))
    name = TextAreaField(_l("Tên thủ tục"), validators=[required(_l("tên thủ tục")),
                                                       fits(ProcedureVersion.name)])
    online_level = ChoiceField(_l("Mức độ dịch vụ công trực tuyến"),
                               choices=options((x.value, _l(x.label)) for x in OnlineLevel))
    applicant = ChoiceField(_l("Đối tượng thực hiện"),
                            choices=options((x.value, _l(x.label)) for x in ApplicantType))
    time_amount = NumberField(_l("Thời hạn giải quyết"), validators=[
        Needed(_l("thời hạn giải quyết (0 nếu giải quyết trong ngày)")),
        _not_negative(_l("Thời hạn giải quyết"))])
    time_unit = ChoiceField(_l("Đơn vị thời hạn"),
                            choices=options((k.value, _l(v)) for k, v in TIME_UNITS.items()))
    cutoff = StringField(_l("Giờ chốt nhận hồ sơ (không bắt buộc)"), validators=[
        Optional(), Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$",
                           message=_l("Giờ chốt nhận hồ sơ có dạng GG:PP, ví dụ 15:00.")),
        too_long(5)])
    inter_agency = BooleanField(_l("Liên thông (chuyển hồ sơ qua các cơ quan khác)"))
    on_the_spot = BooleanField(_l("Giải quyết ngay tại quầy"))
    payment_due_at_submission = BooleanField(
        _l("Nộp phí, lệ phí ngay khi nộp hồ sơ (trước khi tiếp nhận)"))
    result = StringField(_l("Kết quả thực hiện"), validators=[fits(ProcedureVersion.result)])
    legal_basis = TextAreaField(_l("Căn cứ pháp lý"), validators=[too_long(LONG_TEXT)])
    description = TextAreaField(_l("Trình tự thực hiện"), validators=[too_long(LONG_TEXT)])
    change_note = StringField(_l("Ghi chú thay đổi của phiên bản"),
                              validators=[fits(ProcedureVersion.change_note)])
    documents = FieldList(FormField(DocumentRow))
    fees = FieldList(FormField(FeeRow))
    exemptions = FieldList(FormField(ExemptionRow))
    steps = FieldList(FormField(StepRow))
    chain = FieldList(FormField(ChainRow))

    def set_fields(self, fields) -> None:
        self.field_id.choices = options(((f.id, f.name) for f in fields),
                                        gettext("— Chọn lĩnh vực —"))

    def add_blank_rows(self, count: int = BLANK_ROWS) -> None:
        for rows in (self.documents, self.fees, self.exemptions, self.steps, self.chain):
            for _ in range(count):
                rows.append_entry()

    def to_data(self, code: str, agency: Agency) -> ProcedureData:
        chosen = next(f for f in agency.fields if f.id == self.field_id.data)
        hour, _, minute = (self.cutoff.data or "").partition(":")
        return ProcedureData(
            code=code, agency_code=agency.code, field_code=chosen.code, name=self.name.data,
            online_level=OnlineLevel(self.online_level.data),
            applicant=ApplicantType(self.applicant.data), time_amount=self.time_amount.data,
            time_unit=TimeUnit(self.time_unit.data),
            cutoff=time(int(hour), int(minute)) if minute else None,
            inter_agency=self.inter_agency.data, on_the_spot=self.on_the_spot.data,
            result=self.result.data or "", legal_basis=self.legal_basis.data or "",
            description=self.description.data or "", change_note=self.change_note.data or "",
            documents=[DocumentData(r.name.data, DocumentForm(r.copy_type.data),
                                    r.quantity.data or 1, r.mandatory.data,
                                    r.template_label.data or "")
                       for r in _filled(self.documents)],
            fees=[FeeData(r.name.data, r.amount.data, r.note.data or "", FeeKind(r.kind.data),
                          FeeBasis(r.basis.data), r.unit_label.data or "")
                  for r in _filled(self.fees)],
            exemptions=[r.name.data for r in _filled(self.exemptions)],
            payment_due_at_submission=self.payment_due_at_submission.data,
            steps=[StepData(r.name.data, StepRole(r.role.data), r.hours.data)
                   for r in _filled(self.steps)],
            chain=[ChainData(r.agency_code.data, r.share.data, ShareUnit(r.share_unit.data))
                   for r in _filled(self.chain)],
        )


class NewProcedureForm(ProcedureForm):
    agency_id = ChoiceField(_l("Cơ quan thực hiện"), coerce=_int,
                            message=_l("Vui lòng chọn cơ quan."))
    code = StringField(_l("Mã thủ tục"), validators=[
        required(_l("mã thủ tục")), fits(Procedure.code),
        Regexp(r"^\s*[0-9A-Za-z][0-9A-Za-z.\-]*\s*$",
               message=_l("Mã thủ tục chỉ gồm chữ không dấu, chữ số, dấu chấm và gạch ngang, "
                          "ví dụ 1.004583."))])

    def set_agencies(self, agencies) -> None:
        self.agency_id.choices = options(((a.id, a.name) for a in agencies),
                                         gettext("— Chọn cơ quan —"))


def _filled(rows: FieldList) -> list:
    return [entry.form for entry in rows if not entry.form.is_blank]


def form_data_of(version: ProcedureVersion) -> dict:
    """What an edit form starts from: the draft's own content."""
    return {
        "version_id": str(version.id), "field_id": version.field_id, "name": version.name,
        "online_level": version.online_level.value, "applicant": version.applicant.value,
        "time_amount": version.time_amount, "time_unit": version.time_unit.value,
        "cutoff": version.cutoff.strftime("%H:%M") if version.cutoff else "",
        "inter_agency": version.inter_agency, "on_the_spot": version.on_the_spot,
        "result": version.result, "legal_basis": version.legal_basis,
        "description": version.description, "change_note": version.change_note,
        "documents": [{"name": d.name, "copy_type": d.form.value, "quantity": d.quantity,
                       "mandatory": d.mandatory, "template_label": d.template_label}
                      for d in version.documents],
        "fees": [{"name": f.name, "amount": f.amount, "note": f.note, "kind": f.kind.value,
                  "basis": f.basis.value, "unit_label": f.unit_label} for f in version.fees],
        "exemptions": [{"name": e.name} for e in version.exemptions],
        "payment_due_at_submission": version.payment_due_at_submission,
        "steps": [{"name": s.name, "role": s.role.value, "hours": s.hours}
                  for s in version.steps],
        "chain": [{"agency_code": c.agency.code, "share": c.share,
                   "share_unit": c.share_unit.value} for c in version.chain],
    }


def error_summary_view(form: FlaskForm) -> SimpleNamespace:
    """Flatten nested row errors so macros/forms.html error_summary links to each input."""
    flat: dict[str, list[str]] = {}

    def walk(errors, prefix: str) -> None:
        if isinstance(errors, dict):
            for name, value in errors.items():
                walk(value, f"{prefix}-{name}" if prefix and name else name or prefix)
        elif errors and isinstance(errors[0], dict | list | tuple):  # a FieldList's entries
            for index, value in enumerate(errors):
                walk(value, f"{prefix}-{index}")
        elif errors:  # messages (plain or lazily translated strings)
            flat.setdefault(prefix, []).extend(errors)

    walk(form.errors, "")
    return _Summary(flat)


class _Summary(SimpleNamespace):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors=errors)

    def __contains__(self, name) -> bool:
        return bool(name)

    def __getitem__(self, name) -> SimpleNamespace:
        return SimpleNamespace(id=name)


# --- form template and sample-dossier uploads ---------------------------------------------

# The content decides what a file is, as for dossier uploads (dossiers.files.detect_type:
# magic bytes, and which parts a zip holds), so a program renamed to .pdf is refused; the
# stored name then takes the type's extension (issue 10, item 14: a PDF sent as "mau.bat"
# is published as "mau.pdf").
TEMPLATE_TYPES = (files.PDF, files.DOC, files.DOCX, files.ODT, files.XLSX)
TEMPLATE_EXTENSIONS = {ext for kind in TEMPLATE_TYPES for ext in files.EXTENSIONS[kind]}
KIND_LABELS = {"template": N_("mẫu đơn"), "sample": N_("hồ sơ mẫu")}


class DocumentFilesForm(FlaskForm):
    template = FileField(_l("Tệp mẫu đơn, tờ khai"))
    sample = FileField(_l("Tệp hồ sơ mẫu (đã điền)"))

    def chosen(self) -> dict[str, object]:
        return {kind: self[kind].data for kind in KIND_LABELS
                if self[kind].data and self[kind].data.filename}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.chosen():
            self.template.errors.append(
                gettext("Vui lòng chọn tệp mẫu đơn hoặc tệp hồ sơ mẫu để tải lên."))
            return False
        for kind, upload in self.chosen().items():
            problem = file_problem(upload, KIND_LABELS[kind])
            if problem:
                self[kind].errors.append(problem)
                valid = False
        return valid


def extension_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def template_type(upload) -> str | None:
    """The upload's MIME type from its content, if a form template may be of that type."""
    head = files.read_head(upload.stream)
    upload.stream.seek(0)
    return files.detect_type(head, upload.filename or "", TEMPLATE_TYPES)


def stored_name(upload, content_type: str) -> str:
    """The name citizens download the file under: cleaned, with the type's extension."""
    return files.name_for_type(clean_filename(upload.filename), content_type)


def file_problem(upload, label: str) -> str | None:
    head = upload.stream.read(1)
    upload.stream.seek(0)
    if not head:
        return gettext("Tệp %(kind)s “%(name)s” rỗng (0 byte).", kind=gettext(label),
                       name=clean_filename(upload.filename))
    if template_type(upload) is None:
        extension = extension_of(upload.filename)
        if extension not in TEMPLATE_EXTENSIONS:
            return gettext("Tệp %(kind)s phải là PDF, DOC, DOCX, ODT hoặc XLSX.",
                           kind=gettext(label))
        return gettext("Nội dung tệp %(kind)s không phải tệp %(type)s thật; không chấp nhận tệp "
                       "đổi đuôi.", kind=gettext(label), type=extension.upper())
    return None


def clean_filename(filename: str) -> str:
    """The name shown to citizens on download: no path, no control characters, not too long."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    if len(name) > 150:
        stem, _, extension = name.rpartition(".")
        name = f"{stem[:140]}.{extension[:8]}"
    return name or "tep"
