"""Forms of the organisation, users and calendar administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from portal.accounts.models import Role, User
from portal.accounts.operations import UNKNOWN_AGENCY
from portal.blueprints.forms import (
    email_field,
    phone_field,
    required,
    strong_password,
    valid_email,
)
from portal.calendar import DurationUnit
from portal.calendar.models import CalendarOverride
from portal.catalog.models import Agency, AgencyKind, Counter, Field
from portal.catalog.org_operations import UNIT_CODE
from portal.core.forms import fits
from portal.core.i18n import N_
from portal.core.numbers import parse_int

AGENCY_KIND_LABELS = {
    AgencyKind.DEPARTMENT: N_("Sở, ban, ngành"),
    AgencyKind.LAND: N_("Đất đai (Văn phòng đăng ký, Phòng Tài nguyên)"),
    AgencyKind.OFFICE: N_("Đơn vị khác"),
    AgencyKind.COMMITTEE: N_("Văn phòng UBND"),
}
UNIT_LABELS = {
    DurationUnit.DAYS: N_("ngày làm việc"),
    DurationUnit.HOURS: N_("giờ làm việc"),
    DurationUnit.SAME_DAY: N_("trong ngày"),
}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    """Select values to ids; anything else (or a number no row can have) is "nothing chosen"
    (the validators then speak)."""
    return parse_int(value)


class _VietnameseParsing:
    """WTForms has no Vietnamese catalogue: say in Vietnamese that a value could not be read.

    An empty value is left to InputRequired/Optional so it gets one message, not two."""

    invalid_message = ""

    def process_formdata(self, valuelist):
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


class WholeNumberField(_VietnameseParsing, IntegerField):
    invalid_message = _l("Vui lòng nhập một số nguyên, ví dụ: 5.")


class VietnameseDateField(_VietnameseParsing, DateField):
    invalid_message = _l("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")


class VietnameseTimeField(_VietnameseParsing, TimeField):
    invalid_message = _l("Giờ không hợp lệ; hãy nhập theo dạng giờ:phút, ví dụ 15:00.")


def whole_number(what: str, label: str, low: int, high: int) -> list:
    """``what`` inside a sentence, ``label`` at its start: "thứ tự hiển thị", "Thứ tự…"."""
    return [InputRequired(message=_l("Vui lòng nhập %(what)s.", what=what)),
            NumberRange(min=low, max=high,
                        message=_l("%(label)s phải từ %(low)s đến %(high)s.", label=label,
                                   low=low, high=high))]


# --- agencies, fields, counters ---------------------------------------------------------------

class AgencyForm(FlaskForm):
    code = StringField(_l("Mã cơ quan"), filters=[_upper], validators=[
        required(_l("mã cơ quan")),
        Regexp(r"^[A-Z0-9]{2,16}$", message=_l("Mã cơ quan gồm 2–16 chữ cái không dấu hoặc chữ "
                                               "số, ví dụ: STP.")), fits(Agency.code)])
    unit_code = StringField(_l("Mã định danh đơn vị"), filters=[_upper], validators=[
        required(_l("mã định danh đơn vị")),
        Regexp(UNIT_CODE.pattern, message=_l("Mã định danh đơn vị phải theo mẫu 000.00.17.H48 "
                                             "(Thông tư 10/2016/TT-BTTTT).")),
        fits(Agency.unit_code)])
    name = StringField(_l("Tên cơ quan"), filters=[_strip],
                       validators=[required(_l("tên cơ quan")), fits(Agency.name)])
    name_en = StringField(_l("Tên tiếng Anh"), filters=[_strip], validators=[Optional(),
                                                                            fits(Agency.name_en)])
    kind = SelectField(_l("Loại cơ quan"),
                       choices=choices((k, _l(v)) for k, v in AGENCY_KIND_LABELS.items()),
                       validate_choice=False)
    position = WholeNumberField(_l("Thứ tự hiển thị"), default=0, validators=whole_number(
        _l("thứ tự hiển thị"), _l("Thứ tự hiển thị"), 0, 9999))
    active = BooleanField(_l("Đang hoạt động (hiển thị trên cổng)"), default=True)

    def validate_kind(self, field):
        if field.data not in AgencyKind._value2member_map_:
            raise ValidationError(_l("Vui lòng chọn loại cơ quan."))


class FieldForm(FlaskForm):
    code = StringField(_l("Mã lĩnh vực"), filters=[_upper], validators=[
        required(_l("mã lĩnh vực")),
        Regexp(r"^[A-Z0-9_]{1,32}$", message=_l("Mã lĩnh vực gồm chữ cái không dấu, chữ số hoặc "
                                                "dấu gạch dưới, tối đa 32 ký tự.")),
        fits(Field.code)])
    name = StringField(_l("Tên lĩnh vực"), filters=[_strip],
                       validators=[required(_l("tên lĩnh vực")), fits(Field.name)])


class FieldRenameForm(FlaskForm):
    name = StringField(_l("Tên lĩnh vực"), filters=[_strip],
                       validators=[required(_l("tên lĩnh vực")), fits(Field.name)])


class CounterForm(FlaskForm):
    number = WholeNumberField(_l("Số quầy"),
                              validators=whole_number(_l("số quầy"), _l("Số quầy"), 1, 999))
    name = StringField(_l("Tên quầy"), filters=[_strip],
                       validators=[Optional(), fits(Counter.name)])
    agency_id = SelectField(_l("Cơ quan"), coerce=_optional_int, validate_choice=False,
                            validators=[DataRequired(message=_l("Vui lòng chọn cơ quan."))])
    active = BooleanField(_l("Đang hoạt động"), default=True)


# --- users ------------------------------------------------------------------------------------

class StaffForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), filters=[_strip],
                            validators=[required(_l("họ và tên")), fits(User.full_name)])
    email = email_field(_l("E-mail"), required(_l("e-mail")), valid_email())
    phone = phone_field(_l("Số điện thoại"), User.phone, Optional())
    password = PasswordField(_l("Mật khẩu tạm thời"), validators=strong_password())


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=choices([("", _l("— Chọn vai trò —")),
                                                       *((r.value, _l(r.label)) for r in Role)]),
                       validate_choice=False, validators=[
                           DataRequired(message=_l("Vui lòng chọn vai trò."))])
    agency = SelectField(_l("Cơ quan"), coerce=_optional_int, validate_choice=False)

    def validate_agency(self, field):
        raw = (field.raw_data or [""])[0].strip()
        offered = {choice.value for choice in field.choices or ()}
        if raw and (field.data is None or str(field.data) not in offered):
            raise ValidationError(UNKNOWN_AGENCY)

    def validate_role(self, field):
        if field.data and field.data not in Role._value2member_map_:
            raise ValidationError(_l("Vai trò không hợp lệ."))


class SetActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message=_l("Yêu cầu không hợp lệ."))])


# --- calendar ---------------------------------------------------------------------------------

class OverrideForm(FlaskForm):
    day = VietnameseDateField(_l("Ngày"), validators=[
        InputRequired(message=_l("Vui lòng nhập ngày (ngày/tháng/năm)."))])
    note = StringField(_l("Ghi chú (căn cứ, lý do)"), filters=[_strip],
                       validators=[Optional(), fits(CalendarOverride.note)])


class DeadlineForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token (and the URL can be shared)."""

    class Meta:
        csrf = False

    start_date = VietnameseDateField(_l("Ngày nhận hồ sơ"), validators=[
        InputRequired(message=_l("Vui lòng nhập ngày nhận."))])
    start_time = VietnameseTimeField(_l("Giờ nhận"), validators=[
        InputRequired(message=_l("Vui lòng nhập giờ nhận."))])
    # Checked in validate_amount: an empty amount is right for "same day", wrong otherwise.
    amount = WholeNumberField(_l("Thời hạn"), default=1)
    unit = SelectField(_l("Đơn vị"), choices=choices((k, _l(v)) for k, v in UNIT_LABELS.items()),
                       default="days", validate_choice=False)
    cutoff = VietnameseTimeField(_l("Giờ chốt nhận trong ngày (nếu có)"), validators=[Optional()])

    def validate_unit(self, field):
        if field.data not in DurationUnit._value2member_map_:
            raise ValidationError(_l("Vui lòng chọn đơn vị thời hạn."))

    def validate_amount(self, field):
        if self.unit.data == DurationUnit.SAME_DAY:
            return
        if not field.data or field.data < 0:
            raise ValidationError(_l("Vui lòng nhập thời hạn lớn hơn 0 (hoặc chọn “trong ngày”)."))
        if field.data > 1000:
            raise ValidationError(_l("Thời hạn tối đa là 1000."))
