"""Forms of the organisation, users and calendar administration; messages in Vietnamese."""

from __future__ import annotations

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
    TelField,
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
from portal.blueprints.forms import email_field, required, strong_password, valid_email
from portal.calendar import DurationUnit
from portal.calendar.models import CalendarOverride
from portal.catalog.models import Agency, AgencyKind, Counter, Field
from portal.catalog.org_operations import UNIT_CODE
from portal.core.forms import fits, without_spaces
from portal.core.numbers import parse_int

AGENCY_KIND_LABELS = {
    AgencyKind.DEPARTMENT: "Sở, ban, ngành",
    AgencyKind.LAND: "Đất đai (Văn phòng đăng ký, Phòng Tài nguyên)",
    AgencyKind.OFFICE: "Đơn vị khác",
    AgencyKind.COMMITTEE: "Văn phòng UBND",
}
UNIT_LABELS = {
    DurationUnit.DAYS: "ngày làm việc",
    DurationUnit.HOURS: "giờ làm việc",
    DurationUnit.SAME_DAY: "trong ngày",
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
    invalid_message = "Vui lòng nhập một số nguyên, ví dụ: 5."


class VietnameseDateField(_VietnameseParsing, DateField):
    invalid_message = "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm."


class VietnameseTimeField(_VietnameseParsing, TimeField):
    invalid_message = "Giờ không hợp lệ; hãy nhập theo dạng giờ:phút, ví dụ 15:00."


def whole_number(what: str, low: int, high: int) -> list:
    return [InputRequired(message=f"Vui lòng nhập {what}."),
            NumberRange(min=low, max=high,
                        message=f"{what.capitalize()} phải từ {low} đến {high}.")]


# --- agencies, fields, counters ---------------------------------------------------------------

class AgencyForm(FlaskForm):
    code = StringField("Mã cơ quan", filters=[_upper], validators=[
        required("mã cơ quan"),
        Regexp(r"^[A-Z0-9]{2,16}$", message="Mã cơ quan gồm 2–16 chữ cái không dấu hoặc chữ số, "
                                            "ví dụ: STP."), fits(Agency.code)])
    unit_code = StringField("Mã định danh đơn vị", filters=[_upper], validators=[
        required("mã định danh đơn vị"),
        Regexp(UNIT_CODE.pattern, message="Mã định danh đơn vị phải theo mẫu 000.00.17.H48 "
                                          "(Thông tư 10/2016/TT-BTTTT)."),
        fits(Agency.unit_code)])
    name = StringField("Tên cơ quan", filters=[_strip],
                       validators=[required("tên cơ quan"), fits(Agency.name)])
    name_en = StringField("Tên tiếng Anh", filters=[_strip], validators=[Optional(),
                                                                        fits(Agency.name_en)])
    kind = SelectField("Loại cơ quan", choices=choices(AGENCY_KIND_LABELS.items()),
                       validate_choice=False)
    position = WholeNumberField("Thứ tự hiển thị", default=0,
                            validators=whole_number("thứ tự hiển thị", 0, 9999))
    active = BooleanField("Đang hoạt động (hiển thị trên cổng)", default=True)

    def validate_kind(self, field):
        if field.data not in AgencyKind._value2member_map_:
            raise ValidationError("Vui lòng chọn loại cơ quan.")


class FieldForm(FlaskForm):
    code = StringField("Mã lĩnh vực", filters=[_upper], validators=[
        required("mã lĩnh vực"),
        Regexp(r"^[A-Z0-9_]{1,32}$", message="Mã lĩnh vực gồm chữ cái không dấu, chữ số hoặc "
                                             "dấu gạch dưới, tối đa 32 ký tự."),
        fits(Field.code)])
    name = StringField("Tên lĩnh vực", filters=[_strip],
                       validators=[required("tên lĩnh vực"), fits(Field.name)])


class FieldRenameForm(FlaskForm):
    name = StringField("Tên lĩnh vực", filters=[_strip],
                       validators=[required("tên lĩnh vực"), fits(Field.name)])


class CounterForm(FlaskForm):
    number = WholeNumberField("Số quầy", validators=whole_number("số quầy", 1, 999))
    name = StringField("Tên quầy", filters=[_strip], validators=[Optional(), fits(Counter.name)])
    agency_id = SelectField("Cơ quan", coerce=_optional_int, validate_choice=False,
                            validators=[DataRequired(message="Vui lòng chọn cơ quan.")])
    active = BooleanField("Đang hoạt động", default=True)


# --- users ------------------------------------------------------------------------------------

class StaffForm(FlaskForm):
    full_name = StringField("Họ và tên", filters=[_strip],
                            validators=[required("họ và tên"), fits(User.full_name)])
    email = email_field("E-mail", required("e-mail"), valid_email())
    phone = TelField("Số điện thoại", filters=[without_spaces], validators=[
        Optional(),
        Regexp(r"^(0|\+84)\d{9,10}$", message="Số điện thoại không hợp lệ, ví dụ: 0912345678."),
        fits(User.phone)])
    password = PasswordField("Mật khẩu tạm thời", validators=strong_password())


class GrantRoleForm(FlaskForm):
    role = SelectField("Vai trò", choices=choices([("", "— Chọn vai trò —"),
                                                    *((r.value, r.label) for r in Role)]),
                       validate_choice=False, validators=[
                           DataRequired(message="Vui lòng chọn vai trò.")])
    agency = SelectField("Cơ quan", coerce=_optional_int, validate_choice=False)

    def validate_agency(self, field):
        raw = (field.raw_data or [""])[0].strip()
        offered = {choice.value for choice in field.choices or ()}
        if raw and (field.data is None or str(field.data) not in offered):
            raise ValidationError(UNKNOWN_AGENCY)

    def validate_role(self, field):
        if field.data and field.data not in Role._value2member_map_:
            raise ValidationError("Vai trò không hợp lệ.")


class SetActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message="Yêu cầu không hợp lệ.")])


# --- calendar ---------------------------------------------------------------------------------

class OverrideForm(FlaskForm):
    day = VietnameseDateField("Ngày", validators=[
        InputRequired(message="Vui lòng nhập ngày (ngày/tháng/năm).")])
    note = StringField("Ghi chú (căn cứ, lý do)", filters=[_strip],
                       validators=[Optional(), fits(CalendarOverride.note)])


class DeadlineForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token (and the URL can be shared)."""

    class Meta:
        csrf = False

    start_date = VietnameseDateField("Ngày nhận hồ sơ", validators=[
        InputRequired(message="Vui lòng nhập ngày nhận.")])
    start_time = VietnameseTimeField("Giờ nhận", validators=[
        InputRequired(message="Vui lòng nhập giờ nhận.")])
    # Checked in validate_amount: an empty amount is right for "same day", wrong otherwise.
    amount = WholeNumberField("Thời hạn", default=1)
    unit = SelectField("Đơn vị", choices=choices(UNIT_LABELS.items()), default="days",
                       validate_choice=False)
    cutoff = VietnameseTimeField("Giờ chốt nhận trong ngày (nếu có)", validators=[Optional()])

    def validate_unit(self, field):
        if field.data not in DurationUnit._value2member_map_:
            raise ValidationError("Vui lòng chọn đơn vị thời hạn.")

    def validate_amount(self, field):
        if self.unit.data == DurationUnit.SAME_DAY:
            return
        if not field.data or field.data < 0:
            raise ValidationError("Vui lòng nhập thời hạn lớn hơn 0 (hoặc chọn “trong ngày”).")
        if field.data > 1000:
            raise ValidationError("Thời hạn tối đa là 1000.")
