"""Forms of the online submission steps; messages in Vietnamese (GOV.UK: one question a step)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Optional, ValidationError

from portal.blueprints.forms import (
    EmptyForm,
    ReturnForm,
    id_number_field,
    phone_field,
    required,
)
from portal.core.forms import VersionedForm, fits, stripped
from portal.dossiers.models import Dossier

__all__ = ["ApplicantForm", "EmptyForm", "ReturnForm", "StartForm", "SupplementForm",
           "WithdrawForm"]


class StartForm(FlaskForm):
    """Who the dossier is for: the user or one of their organisations (choices set per user)."""

    on_behalf = RadioField(_l("Bạn nộp hồ sơ với tư cách"), default="self",
                           validate_choice=True, invalid_choice_message=_l(
                               "Vui lòng chọn người nộp hồ sơ trong danh sách."))


class ApplicantForm(FlaskForm):
    """The applicant as the dossier records them (limits: the dossier's columns)."""

    name = StringField(_l("Họ và tên (hoặc tên tổ chức)"), filters=[stripped],
                       validators=[required(_l("họ và tên")), fits(Dossier.applicant_name)])
    id_number = id_number_field(_l("Số định danh cá nhân hoặc mã số thuế"),
                                Dossier.applicant_id_number,
                                required(_l("số định danh hoặc mã số thuế")), tax_code=True)
    phone = phone_field(_l("Số điện thoại"), Dossier.applicant_phone,
                        required(_l("số điện thoại")))
    email = EmailField(_l("E-mail"), filters=[stripped], validators=[
        Optional(), Email(message=_l("Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn."),
                          check_deliverability=False), fits(Dossier.applicant_email)])
    address = StringField(_l("Địa chỉ"), filters=[stripped], validators=[
        required(_l("địa chỉ")), fits(Dossier.applicant_address)])
    representative = StringField(_l("Người đại diện (nếu nộp cho tổ chức)"), filters=[stripped],
                                 validators=[Optional(), fits(Dossier.representative)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Lý do rút hồ sơ"), validators=[
        required(_l("lý do rút hồ sơ")), fits(Dossier.withdrawal_reason)])

    def validate_reason(self, field):
        if len((field.data or "").strip()) < 5:
            raise ValidationError(_l("Vui lòng nêu rõ lý do rút hồ sơ."))


class SupplementForm(VersionedForm):
    """"Gửi hồ sơ bổ sung": the papers are already uploaded; this sends them. The version of
    the dossier the applicant looked at travels with it (optimistic locking, required)."""
