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
from wtforms.validators import Email, Optional, Regexp, ValidationError

from portal.blueprints.auth.forms import EmptyForm, required
from portal.core.forms import VersionedForm, fits, stripped, without_spaces
from portal.dossiers.models import Dossier, ReturnMethod

__all__ = ["ApplicantForm", "EmptyForm", "ReturnForm", "StartForm", "SupplementForm",
           "WithdrawForm"]

PHONE = Regexp(r"^(0|\+84)\d{9,10}$", message=_l("Số điện thoại không hợp lệ, ví dụ: 0912345678."))


class StartForm(FlaskForm):
    """Who the dossier is for: the user or one of their organisations (choices set per user)."""

    on_behalf = RadioField(_l("Bạn nộp hồ sơ với tư cách"), default="self",
                           validate_choice=True)


class ApplicantForm(FlaskForm):
    """The applicant as the dossier records them (limits: the dossier's columns)."""

    name = StringField(_l("Họ và tên (hoặc tên tổ chức)"), filters=[stripped],
                       validators=[required(_l("họ và tên")), fits(Dossier.applicant_name)])
    id_number = StringField(_l("Số định danh cá nhân hoặc mã số thuế"),
                            filters=[without_spaces], validators=[
        required(_l("số định danh hoặc mã số thuế")),
        Regexp(r"^(\d{12}|\d{10}(-\d{3})?)$",
               message=_l("Nhập số định danh 12 chữ số hoặc mã số thuế 10 chữ số.")),
        fits(Dossier.applicant_id_number)])
    phone = TelField(_l("Số điện thoại"), filters=[without_spaces], validators=[
        required(_l("số điện thoại")), PHONE, fits(Dossier.applicant_phone)])
    email = EmailField(_l("E-mail"), filters=[stripped], validators=[
        Optional(), Email(message=_l("Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn."),
                          check_deliverability=False), fits(Dossier.applicant_email)])
    address = StringField(_l("Địa chỉ"), filters=[stripped], validators=[
        required(_l("địa chỉ")), fits(Dossier.applicant_address)])
    representative = StringField(_l("Người đại diện (nếu nộp cho tổ chức)"), filters=[stripped],
                                 validators=[Optional(), fits(Dossier.representative)])


class ReturnForm(FlaskForm):
    return_method = RadioField(
        _l("Bạn muốn nhận kết quả bằng cách nào?"),
        choices=[SelectChoice(m.value, _l(m.label)) for m in ReturnMethod],
        validators=[required(_l("cách nhận kết quả"))])
    recipient = StringField(_l("Người nhận"), filters=[stripped],
                            validators=[fits(Dossier.postal_recipient)])
    phone = TelField(_l("Số điện thoại người nhận"), filters=[without_spaces],
                     validators=[fits(Dossier.postal_phone)])
    province = StringField(_l("Tỉnh, thành phố"), filters=[stripped],
                           validators=[fits(Dossier.postal_province)])
    district = StringField(_l("Quận, huyện"), filters=[stripped],
                           validators=[fits(Dossier.postal_district)])
    ward = StringField(_l("Phường, xã"), filters=[stripped],
                       validators=[fits(Dossier.postal_ward)])
    street = StringField(_l("Số nhà, đường, thôn, xóm"), filters=[stripped],
                         validators=[fits(Dossier.postal_street)])

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
    reason = TextAreaField(_l("Lý do rút hồ sơ"), validators=[
        required(_l("lý do rút hồ sơ")), fits(Dossier.withdrawal_reason)])

    def validate_reason(self, field):
        if len((field.data or "").strip()) < 5:
            raise ValidationError(_l("Vui lòng nêu rõ lý do rút hồ sơ."))


class SupplementForm(VersionedForm):
    """"Gửi hồ sơ bổ sung": the papers are already uploaded; this sends them. The version of
    the dossier the applicant looked at travels with it (optimistic locking, required)."""
