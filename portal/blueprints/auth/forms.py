"""Account forms; messages in Vietnamese."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Optional,
    Regexp,
    ValidationError,
)

from portal import addresses
from portal.accounts.models import Organisation, User
from portal.blueprints.address_fields import AddressFields
from portal.blueprints.forms import (
    PASSWORD_MAX,
    EmptyForm,
    email_field,
    id_number_field,
    phone_field,
    required,
    strong_password,
    valid_email,
)
from portal.core.forms import fits, stripped, too_long, without_spaces

__all__ = ["ChangePasswordForm", "ChannelsForm", "CodeForm", "EmptyForm", "ForgotPasswordForm",
           "InvitedRegisterForm",
           "LoginForm", "MemberForm", "ProfileForm", "RegisterForm", "ResetPasswordForm",
           "TotpForm", "WorkMailForm"]


class RegisterForm(FlaskForm):
    account_type = RadioField(_l("Bạn đăng ký với tư cách"), default="citizen",
                              choices=[SelectChoice("citizen", _l("Công dân")),
                                       SelectChoice("business", _l("Tổ chức, doanh nghiệp"))])
    full_name = StringField(_l("Họ và tên"), filters=[stripped],
                            validators=[required(_l("họ và tên")), fits(User.full_name)])
    id_number = id_number_field(_l("Số định danh cá nhân (CCCD)"), User.id_number,
                                required(_l("số định danh cá nhân")))
    phone = phone_field(_l("Số điện thoại"), User.phone, required(_l("số điện thoại")))
    email = email_field(_l("E-mail"), required(_l("e-mail")), valid_email())
    # No Optional() here: it would stop the business-only checks below.
    organisation_name = StringField(_l("Tên tổ chức, doanh nghiệp"), filters=[stripped],
                                    validators=[fits(Organisation.name)])
    tax_code = StringField(_l("Mã số thuế"), filters=[without_spaces],
                           validators=[fits(Organisation.tax_code)])
    organisation_address = StringField(_l("Địa chỉ trụ sở"), filters=[stripped],
                                       validators=[Optional(), fits(Organisation.address)])
    password = PasswordField(_l("Mật khẩu"), validators=strong_password())
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        required(_l("lại mật khẩu")), EqualTo("password", message=_l("Hai mật khẩu không khớp.")),
        too_long(PASSWORD_MAX)])
    accept = BooleanField(_l("Tôi cam đoan thông tin trên là đúng sự thật"), validators=[
        DataRequired(message=_l("Bạn cần xác nhận thông tin là đúng sự thật."))])

    def validate_tax_code(self, field):
        if self.account_type.data != "business":
            return
        if not field.data:
            raise ValidationError(_l("Vui lòng nhập mã số thuế của doanh nghiệp."))
        if not re.fullmatch(r"\d{10}(-\d{3})?", field.data.strip()):
            raise ValidationError(_l("Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, gạch ngang, "
                                     "3 chữ số)."))

    def validate_organisation_name(self, field):
        if self.account_type.data == "business" and not (field.data or "").strip():
            raise ValidationError(_l("Vui lòng nhập tên tổ chức, doanh nghiệp."))


class LoginForm(FlaskForm):
    email = email_field(_l("E-mail"), required(_l("e-mail")))
    password = PasswordField(_l("Mật khẩu"),
                             validators=[required(_l("mật khẩu")), too_long(PASSWORD_MAX)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"))


class TotpForm(FlaskForm):
    code = StringField(_l("Mã xác thực 6 chữ số"), validators=[
        required(_l("mã xác thực")), Regexp(r"^\s*\d{3}\s?\d{3}\s*$",
                                        message=_l("Mã xác thực gồm 6 chữ số.")),
        too_long(20)])


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("E-mail đã đăng ký"), required(_l("e-mail")), valid_email())


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=strong_password())
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        required(_l("lại mật khẩu")), EqualTo("password", message=_l("Hai mật khẩu không khớp.")),
        too_long(PASSWORD_MAX)])


class MemberForm(FlaskForm):
    """The manager's invitation: the address the link is mailed to."""

    email = email_field(_l("E-mail người được mời"), required(_l("e-mail")), valid_email())


class InvitedRegisterForm(FlaskForm):
    """A new account for an invited person: the e-mail is the invitation's (opening the
    mailed link proved it), the rest as a citizen registers."""

    full_name = StringField(_l("Họ và tên"), filters=[stripped],
                            validators=[required(_l("họ và tên")), fits(User.full_name)])
    id_number = id_number_field(_l("Số định danh cá nhân (CCCD)"), User.id_number,
                                required(_l("số định danh cá nhân")))
    phone = phone_field(_l("Số điện thoại"), User.phone, required(_l("số điện thoại")))
    password = PasswordField(_l("Mật khẩu"), validators=strong_password())
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        required(_l("lại mật khẩu")), EqualTo("password", message=_l("Hai mật khẩu không khớp.")),
        too_long(PASSWORD_MAX)])
    accept = BooleanField(_l("Tôi cam đoan thông tin trên là đúng sự thật"), validators=[
        DataRequired(message=_l("Bạn cần xác nhận thông tin là đúng sự thật."))])


class ProfileForm(AddressFields):
    """What a person may change on their own account. The e-mail (their login) and the ID
    number (their identity, checked once at registration) are shown, not edited here. The
    address is chosen from the official list (``AddressFields``; optional)."""

    full_name = StringField(_l("Họ và tên"), filters=[stripped],
                            validators=[required(_l("họ và tên")), fits(User.full_name)])
    phone = phone_field(_l("Số điện thoại"), User.phone)  # required or not: validate_phone

    def __init__(self, *args, phone_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Applicants are called about their dossiers: they registered with a number and keep
        # one; a staff account may have none.
        self.phone_required = phone_required
        if phone_required:
            self.phone.flags.required = True

    def validate_phone(self, field):
        if self.phone_required and not field.data:
            raise ValidationError(_l("Vui lòng nhập %(what)s.", what=_l("số điện thoại")))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid or not self.has_address():
            return valid
        return self.address_problems(street_required=False)

    def place(self) -> tuple[str, str, str] | None:
        """The address chosen, for ``accounts.operations.update_profile``; None if none."""
        return self.address_codes() if self.has_address() else None

    @staticmethod
    def initial(user) -> dict:
        return {"province_code": user.address_province_code or addresses.DEFAULT_PROVINCE,
                "ward_code": user.address_ward_code, "street": user.address_street}


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        required(_l("mật khẩu hiện tại")), too_long(PASSWORD_MAX)])
    password = PasswordField(_l("Mật khẩu mới"), validators=strong_password())
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        required(_l("lại mật khẩu mới")),
        EqualTo("password", message=_l("Hai mật khẩu không khớp.")), too_long(PASSWORD_MAX)])


class ChannelsForm(FlaskForm):
    """How the person is told about their dossiers (issue 13): at least one channel."""

    notify_email = BooleanField(_l("E-mail"))
    notify_sms = BooleanField(_l("Tin nhắn SMS"))
    notify_zalo = BooleanField(_l("Zalo"))
    language = RadioField(_l("Ngôn ngữ của thông báo"), default="vi",
                          choices=[SelectChoice("vi", "Tiếng Việt"),
                                   SelectChoice("en", "English")])


class CodeForm(FlaskForm):
    code = StringField(_l("Mã xác minh 6 chữ số"), validators=[
        required(_l("mã xác minh")), Regexp(r"^\s*\d{3}\s?\d{3}\s*$",
                                        message=_l("Mã xác minh gồm 6 chữ số.")),
        too_long(20)])


class WorkMailForm(FlaskForm):
    """The staff's choice of the periodic jobs' e-mails (docs/jobs.md)."""

    reminders = BooleanField(_l("Thư nhắc việc mỗi ngày làm việc"))
    digests = BooleanField(_l("Báo cáo giám sát hằng ngày"))
