"""The address piece every form that takes an address shares (issue 15): a province and a
ward from the official list (``portal.addresses``) and the street and house number.

- With JavaScript (htmx): choosing a province swaps the ward select for that province's
  wards, and typing in the search box above it narrows them, accents optional ("tran phu"
  finds "Phường Trần Phú"); both ask ``GET /dia-chi/phuong-xa`` (``public.ward_options``).
- Without it: the province select is a plain select with a "Chọn" button (``PICK``) that
  posts the whole form back; the form comes back with the province's wards (narrowed by the
  search box, if anything is typed there), every other answer as typed and no error shown:
  ``validate`` says no without a message, so the route renders the page again (200).

The fields keep one name in every form (``province_code``, ``ward_query``, ``ward_code``,
``street``) so the endpoint and ``templates/macros/address.html`` serve them all."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField

from portal import addresses
from portal.core.forms import stripped, too_long

PICK = "chon_dia_chi"  # the no-JavaScript "Chọn" button's name
STREET_MAX = 300  # User.address_street and Dossier.postal_street


def _province_choices() -> list[tuple[str, str]]:
    return [("", _("— Chọn tỉnh, thành phố —"))] + [
        (p.code, p.full_name) for p in addresses.provinces()]


class AddressFields(FlaskForm):
    """Mixed into a form that takes an address; call ``address_problems`` from its
    ``validate`` (required or not is the form's business)."""

    province_code = SelectField(_l("Tỉnh, thành phố"), validate_choice=False,
                                default=addresses.DEFAULT_PROVINCE)
    ward_query = SearchField(_l("Tìm phường, xã (gõ có dấu hoặc không dấu)"),
                             filters=[stripped], validators=[too_long(100)])
    ward_code = SelectField(_l("Phường, xã, đặc khu"), validate_choice=False)
    street = StringField(_l("Số nhà, đường, thôn, xóm"), filters=[stripped],
                         validators=[too_long(STREET_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province_code.choices = _province_choices()
        self.ward_code.choices = ward_choices(self.province_code.data, self.ward_query.data,
                                              self.ward_code.data)

    @property
    def picking_address(self) -> bool:
        """The no-JavaScript "Chọn" button was pressed: show the wards, save nothing."""
        return request.method == "POST" and PICK in request.form

    def validate(self, extra_validators=None) -> bool:
        if self.picking_address:
            return False  # no error: the page comes back with the province's wards
        return super().validate(extra_validators)

    def has_address(self) -> bool:
        """Anything typed or chosen beyond the preselected province."""
        return bool(self.ward_code.data or self.street.data)

    def address_problems(self, *, street_required: bool) -> bool:
        """Check the province, the ward (of that province) and the street; put each message
        next to its field (every one at once). True when all is well."""
        valid = True
        try:
            addresses.check(self.province_code.data, self.ward_code.data)
        except addresses.AddressError as error:
            self[error.field].errors.append(error.message)
            valid = False
        if street_required and not self.street.data and not self.street.errors:
            self.street.errors.append(_l("Vui lòng nhập số nhà, đường, thôn, xóm."))
            valid = False
        return valid

    def offer_address(self, place: tuple[str, str, str] | None) -> None:
        """Fill a blank address with ``place`` (province code, ward code, street), e.g. the
        applicant's profile address; an address already typed or chosen is kept."""
        if place is None or self.has_address():
            return
        self.province_code.data, self.ward_code.data, self.street.data = place
        self.ward_code.choices = ward_choices(self.province_code.data, self.ward_query.data,
                                              self.ward_code.data)

    def address_codes(self) -> tuple[str, str, str]:
        return (self.province_code.data or "", self.ward_code.data or "",
                self.street.data or "")


def ward_choices(province_code: str | None, query: str | None,
                 chosen: str | None) -> list[tuple[str, str]]:
    """The ward select's options: the province's wards matching the search box, and the ward
    already chosen even when the search would hide it (it stays chosen)."""
    province = addresses.province(province_code)
    found = list(addresses.search_wards(province_code, query))
    current = addresses.ward(chosen)
    if current is not None and province is not None \
            and current.province_code == province.code and current not in found:
        found.insert(0, current)
    if province is None:
        first = _("— Chọn tỉnh, thành phố trước —")
    elif not found:
        first = _("Không có phường, xã phù hợp — sửa ô tìm kiếm")
    else:
        first = _("— Chọn phường, xã (%(n)s) —", n=len(found))
    return [("", first)] + [(w.code, w.name) for w in found]


class WardOptionsForm(AddressFields):
    """What the htmx endpoint reads from its query string (no CSRF: a GET of public data)."""

    class Meta:
        csrf = False


def profile_address(user) -> tuple[str, str, str] | None:
    """The person's profile address from the list (province code, ward code, street), the
    default of a postal return; None when their profile has none (or only old text)."""
    if user is None or not getattr(user, "address_ward_code", ""):
        return None
    return user.address_province_code, user.address_ward_code, user.address_street
