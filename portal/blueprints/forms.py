"""Form pieces several areas share: the CSRF-only ``EmptyForm``, the Vietnamese
``required`` / e-mail / password validators, ``phone_field`` (every phone number of every
form: typed in groups or with +84, stored as 0xxxxxxxxx), ``id_number_field`` (a CCCD, or a
CCCD or tax code), ``ReturnForm`` (how the applicant collects the result), which the online
submission asks and the counter's intake extends, and ``upload_settings`` for the upload
areas (``templates/macros/uploads.html``).

They live beside the areas rather than in ``core/forms.py`` because they bind to the models'
columns (``User.email``, ``Dossier.postal_*``), and ``core`` imports no domain package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import InstrumentedAttribute
from wtforms import EmailField, RadioField, SelectChoice, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from portal import addresses
from portal.accounts.models import User
from portal.blueprints.address_fields import AddressFields
from portal.core.forms import column_length, fits, stripped, without_spaces
from portal.core.phones import canonical_phone, is_phone
from portal.dossiers import files
from portal.dossiers.models import Dossier, ReturnMethod
from portal.dossiers.operations import PostalAddress


class PhoneNumber:
    """The validator of a number already put in its stored form by ``phone_number``; an empty
    field is left to ``required`` / ``Optional``."""

    message = _l("Số điện thoại không hợp lệ. Nhập 10 chữ số bắt đầu bằng 0 (số cố định: "
                 "11 chữ số, có mã vùng), ví dụ: 0912 345 678 hoặc +84 912 345 678.")

    def __call__(self, form, field) -> None:
        if field.data and not is_phone(field.data):
            raise ValidationError(self.message)


PHONE = PhoneNumber()


def phone_number(value):
    """A field filter: "0912 345 678", "0912.345.678" and "+84 912 345 678" are all
    0912345678 (``core.phones``), before the number is checked, stored or searched for."""
    return canonical_phone(value) if isinstance(value, str) else value


def phone_field(label, column: InstrumentedAttribute, *validators) -> TelField:
    """A phone number stored in ``column``: ``validators`` (``required(…)`` or
    ``Optional()``) first, then the number's own check and the column's length."""
    return TelField(label, filters=[phone_number],
                    validators=[*validators, PHONE, fits(column)])


def required(what) -> DataRequired:
    return DataRequired(message=_l("Vui lòng nhập %(what)s.", what=what))


def valid_email():
    return Email(message=_l("Địa chỉ e-mail không hợp lệ, ví dụ: ten@example.vn."),
                 check_deliverability=False)


PASSWORD_MAX = 128


def strong_password():
    return [required(_l("mật khẩu")),
            Length(min=10, max=PASSWORD_MAX,
                   message=_l("Mật khẩu phải có từ 10 đến 128 ký tự."))]


def email_field(label, *validators) -> EmailField:
    """An e-mail as typed: blanks around it dropped; at most what ``User.email`` holds
    (the operations compare it case-folded)."""
    return EmailField(label, filters=[stripped], validators=[*validators, fits(User.email)])


# A CCCD (personal identification number) is 12 digits; a tax code 10, or 10 + "-" + 3 for a
# branch. People type them in groups; ``without_spaces`` drops the spaces before the check.
# Each check has its HTML ``pattern`` (the same rule with those spaces allowed; browsers anchor
# it) and a ``maxlength`` that leaves room for the spaces.
CCCD = Regexp(r"^\d{12}$", message=_l("Số định danh cá nhân gồm đúng 12 chữ số."))
CCCD_PATTERN = r"\s*(\d\s*){12}"
CCCD_TYPED_LENGTH = 15  # 12 digits in four groups of three
CCCD_OR_TAX_CODE = Regexp(r"^(\d{12}|\d{10}(-\d{3})?)$",
                          message=_l("Nhập số định danh 12 chữ số hoặc mã số thuế 10 chữ số."))
CCCD_OR_TAX_CODE_PATTERN = r"\s*((\d\s*){12}|(\d\s*){10}(-\s*(\d\s*){3})?)"


def id_number_field(label, column: InstrumentedAttribute, *validators,
                    tax_code: bool = False) -> StringField:
    """A CCCD stored in ``column`` (with ``tax_code``: a CCCD or a tax code), ``validators``
    (``required(…)`` or ``Optional()``) first. A CCCD's input brings up the phone's numeric
    keypad and is not filled in from the browser's memory; one that also takes a tax code
    keeps the full keyboard, since an iPhone's numeric keypad has no "-" for a branch's code
    (the page sets ``autocomplete`` where it helps)."""
    if tax_code:
        check, render_kw = CCCD_OR_TAX_CODE, {"pattern": CCCD_OR_TAX_CODE_PATTERN,
                                              "maxlength": column_length(column)}
    else:
        check, render_kw = CCCD, {"pattern": CCCD_PATTERN, "maxlength": CCCD_TYPED_LENGTH,
                                  "inputmode": "numeric", "autocomplete": "off"}
    return StringField(label, filters=[without_spaces], render_kw=render_kw,
                       validators=[*validators, check, fits(column)])


class EmptyForm(FlaskForm):
    """Button-only POSTs still carry the CSRF token."""


class ReturnForm(AddressFields):
    """How the applicant collects the result; by post, the recipient and the address (a
    province and ward from the official list: ``address_fields``)."""

    return_method = RadioField(
        _l("Bạn muốn nhận kết quả bằng cách nào?"),
        choices=[SelectChoice(m.value, _l(m.label)) for m in ReturnMethod],
        validators=[required(_l("cách nhận kết quả"))])
    recipient = StringField(_l("Người nhận"), filters=[stripped],
                            validators=[fits(Dossier.postal_recipient)])
    # Checked in validate(), only when the result goes by post.
    phone = TelField(_l("Số điện thoại người nhận"), filters=[phone_number],
                     validators=[fits(Dossier.postal_phone)])

    POSTAL_FIELDS = ("recipient", "phone")

    @property
    def postal(self) -> bool:
        return self.return_method.data == ReturnMethod.POSTAL.value

    def postal_address(self) -> PostalAddress | None:
        if not self.postal:
            return None
        province_code, ward_code, street = self.address_codes()
        return PostalAddress(self.recipient.data or "", self.phone.data or "", "", "", "",
                             street, province_code=province_code, ward_code=ward_code)

    def validate(self, extra_validators=None) -> bool:
        if self.picking_address:
            return False  # the no-JavaScript "Chọn": the page again, with the wards
        valid = super().validate(extra_validators)
        if not self.postal:
            return valid
        for name in self.POSTAL_FIELDS:
            field = self[name]
            if not (field.data or "").strip():
                field.errors.append(_l("Vui lòng nhập %(what)s để nhận kết quả qua bưu chính.",
                                       what=field.label.text.lower()))
                valid = False
        if self.phone.data and not is_phone(self.phone.data):
            self.phone.errors.append(PHONE.message)
            valid = False
        return self.address_problems(street_required=True) and valid

    @staticmethod
    def initial(dossier: Dossier, default_address: tuple[str, str, str] | None = None) -> dict:
        """The form's first values for a dossier: its postal address, else the applicant's
        profile address (``default_address``: province code, ward code, street) as the
        default for postal return (issue 15)."""
        province_code, ward_code, street = (
            (dossier.postal_province_code, dossier.postal_ward_code, dossier.postal_street)
            if dossier.postal_ward_code else default_address or ("", "", ""))
        return {"return_method": dossier.return_method.value if dossier.return_method else None,
                "recipient": dossier.postal_recipient or dossier.applicant_name,
                "phone": dossier.postal_phone or dossier.applicant_phone,
                "province_code": province_code or addresses.DEFAULT_PROVINCE,
                "ward_code": ward_code, "street": street}


def upload_settings(config) -> dict:
    """What an upload area shows (``macros/uploads.html``): the types it takes and the limits,
    in words, from the configuration (``Config.max_file_bytes``, ``max_dossier_bytes``)."""
    limits = files.UploadLimits.from_config(config)
    return {"upload_types": files.ALLOWED_TYPES, "upload_accept": ",".join(files.ALLOWED_TYPES),
            "upload_rules": {"types": files.type_names(),
                             "per_file": files.whole_megabytes(limits.max_file),
                             "per_dossier": files.whole_megabytes(limits.max_dossier)}}
