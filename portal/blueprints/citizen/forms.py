"""Forms of the online submission steps; messages in Vietnamese (GOV.UK: one question a step)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, Regexp, ValidationError

from portal.blueprints.auth.forms import EmptyForm, required
from portal.core.forms import VersionedForm
from portal.dossiers.models import ReturnMethod

__all__ = ["ApplicantForm", "EmptyForm", "ReturnForm", "StartForm", "SupplementForm",
           "WithdrawForm"]

PHONE = Regexp(r"^(0|\+84)\d{9,10}$", message=_l("Số điện thoại không hợp lệ, ví dụ: 0912345678."))


class StartForm(FlaskForm):
    """Who the dossier is for: the user or one of their organisations (choices set per user)."""

    on_behalf = RadioField(_l("Bạn nộp hồ sơ với tư cách"), default="self",
                           validate_choice=True)


class ApplicantForm(FlaskForm):
    name = StringField(_l("Họ và tên (hoặc tên tổ chức)"),
                       validators=[required(_l("họ và tên")), Length(max=200)])
    id_number = StringField(_l("Số định danh cá nhân hoặc mã số thuế"), validators=[
        required(_l("số định danh hoặc mã số thuế")),
        Regexp(r"^(\d{12}|\d{10}(-\d{3})?)$",
               message=_l("Nhập số định danh 12 chữ số hoặc mã số thuế 10 chữ số."))])
    phone = TelField(_l("Số điện thoại"), validators=[required(_l("số điện thoại")), PHONE])
    email = EmailField(_l("E-mail"), validators=[
        Optional(), Email(message=_l("Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn."),
                          check_deliverability=False)])
    address = StringField(_l("Địa chỉ"), validators=[required(_l("địa chỉ")), Length(max=300)])
    representative = StringField(_l("Người đại diện (nếu nộp cho tổ chức)"),
                                 validators=[Optional(), Length(max=200)])


class ReturnForm(FlaskForm):
    return_method = RadioField(
        _l("Bạn muốn nhận kết quả bằng cách nào?"),
        choices=[SelectChoice(m.value, _l(m.label)) for m in ReturnMethod],
        validators=[required(_l("cách nhận kết quả"))])
    recipient = StringField(_l("Người nhận"), validators=[Length(max=200)])
    phone = TelField(_l("Số điện thoại người nhận"), validators=[Length(max=20)])
    province = StringField(_l("Tỉnh, thành phố"), validators=[Length(max=100)])
    district = StringField(_l("Quận, huyện"), validators=[Length(max=100)])
    ward = StringField(_l("Phường, xã"), validators=[Length(max=100)])
    street = StringField(_l("Số nhà, đường, thôn, xóm"), validators=[Length(max=300)])

    POSTAL_FIELDS = ("recipient", "phone", "province", "district", "ward", "street")

    @property
    def postal(self) -> bool:
        return self.return_method.data == ReturnMethod.POSTAL.value

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.postal:
            return valid
        for name in self.POSTAL_FIELDS:
            field = self[name]
            if not (field.data or "").strip():
                field.errors.append(_l("Vui lòng nhập %(what)s để nhận kết quả qua bưu chính.",
                                       what=field.label.text.lower()))
                valid = False
        if self.phone.data and not PHONE.regex.match(self.phone.data.strip()):
            self.phone.errors.append(PHONE.message)
            valid = False
        return valid


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Lý do rút hồ sơ"),
                           validators=[required(_l("lý do rút hồ sơ")), Length(max=500)])

    def validate_reason(self, field):
        if len((field.data or "").strip()) < 5:
            raise ValidationError(_l("Vui lòng nêu rõ lý do rút hồ sơ."))


class SupplementForm(VersionedForm):
    """"Gửi hồ sơ bổ sung": the papers are already uploaded; this sends them. The version of
    the dossier the applicant looked at travels with it (optimistic locking, required)."""
