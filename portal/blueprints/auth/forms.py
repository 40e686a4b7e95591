"""Account forms; messages in Vietnamese."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

REQUIRED = "Vui lòng nhập {}."


def required(what: str) -> DataRequired:
    return DataRequired(message=REQUIRED.format(what))


def valid_email():
    return Email(message="Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn.",
                 check_deliverability=False)


def strong_password():
    return [required("mật khẩu"),
            Length(min=10, max=128, message="Mật khẩu phải có từ 10 đến 128 ký tự.")]


class EmptyForm(FlaskForm):
    """Button-only POSTs still carry the CSRF token."""


class RegisterForm(FlaskForm):
    account_type = RadioField("Bạn đăng ký với tư cách", default="citizen",
                              choices=[SelectChoice("citizen", "Công dân"),
                                       SelectChoice("business", "Tổ chức, doanh nghiệp")])
    full_name = StringField("Họ và tên", validators=[required("họ và tên"), Length(max=200)])
    id_number = StringField("Số định danh cá nhân (CCCD)", validators=[
        required("số định danh cá nhân"),
        Regexp(r"^\d{12}$", message="Số định danh cá nhân gồm đúng 12 chữ số.")])
    phone = TelField("Số điện thoại", validators=[
        required("số điện thoại"),
        Regexp(r"^(0|\+84)\d{9,10}$", message="Số điện thoại không hợp lệ, ví dụ: 0912345678.")])
    email = EmailField("E-mail", validators=[required("e-mail"), valid_email()])
    # No Optional() here: it would stop the business-only checks below.
    organisation_name = StringField("Tên tổ chức, doanh nghiệp", validators=[Length(max=300)])
    tax_code = StringField("Mã số thuế")
    organisation_address = StringField("Địa chỉ trụ sở", validators=[Optional(), Length(max=300)])
    password = PasswordField("Mật khẩu", validators=strong_password())
    confirm = PasswordField("Nhập lại mật khẩu", validators=[
        required("lại mật khẩu"), EqualTo("password", message="Hai mật khẩu không khớp.")])
    accept = BooleanField("Tôi cam đoan thông tin trên là đúng sự thật", validators=[
        DataRequired(message="Bạn cần xác nhận thông tin là đúng sự thật.")])

    def validate_tax_code(self, field):
        if self.account_type.data != "business":
            return
        if not field.data:
            raise ValidationError("Vui lòng nhập mã số thuế của doanh nghiệp.")
        if not re.fullmatch(r"\d{10}(-\d{3})?", field.data.strip()):
            raise ValidationError("Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, gạch ngang, "
                                  "3 chữ số).")

    def validate_organisation_name(self, field):
        if self.account_type.data == "business" and not (field.data or "").strip():
            raise ValidationError("Vui lòng nhập tên tổ chức, doanh nghiệp.")


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[required("e-mail")])
    password = PasswordField("Mật khẩu", validators=[required("mật khẩu")])
    remember = BooleanField("Ghi nhớ đăng nhập trên thiết bị này")


class TotpForm(FlaskForm):
    code = StringField("Mã xác thực 6 chữ số", validators=[
        required("mã xác thực"), Regexp(r"^\s*\d{3}\s?\d{3}\s*$",
                                        message="Mã xác thực gồm 6 chữ số.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail đã đăng ký", validators=[required("e-mail"), valid_email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Mật khẩu mới", validators=strong_password())
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        required("lại mật khẩu"), EqualTo("password", message="Hai mật khẩu không khớp.")])


class MemberForm(FlaskForm):
    email = EmailField("E-mail của thành viên", validators=[required("e-mail"), valid_email()])
