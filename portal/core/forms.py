"""Form pieces shared by every blueprint (issue #10, items 13 and 16).

- ``VersionedForm``: a form that changes a dossier carries the dossier's version as the user
  saw it (optimistic locking, docs/workflow.md). The version is required: a POST without it
  could not tell a stale page from a fresh one and would overwrite a colleague's action
  unnoticed, so it is refused with a Vietnamese message and nothing changes.
- ``fits(column)``: the ``Length`` validator of a text field stored in ``column``, so a form
  never accepts more than the column holds (PostgreSQL refuses the row, and the refusal was a
  500 page; SQLite silently stores it); ``too_long(n)`` for text kept in an unbounded column.
  Both answer in Vietnamese. ``stripped`` / ``without_spaces`` normalise what is typed before
  it is checked, stored or compared with what is already registered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import InstrumentedAttribute
from wtforms import HiddenField
from wtforms.validators import Length, ValidationError

from portal.core.numbers import parse_int

VERSION_MISSING = _l("Biểu mẫu không cho biết phiên bản hồ sơ bạn đã xem nên thao tác chưa "
                     "được thực hiện. Vui lòng tải lại trang, kiểm tra hồ sơ rồi thao tác lại.")

# Length fills in the numbers.
TOO_LONG = _l("Nội dung quá dài: tối đa %(max)d ký tự (bạn đã nhập %(length)d ký tự).")


class VersionedForm(FlaskForm):
    """A form that changes a dossier: ``lock_version`` is the dossier's version as shown."""

    lock_version = HiddenField()

    def validate_lock_version(self, field) -> None:
        if parse_int(field.data, low=1) is None:
            raise ValidationError(VERSION_MISSING)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.lock_version.errors:
            # The field is hidden: its refusal is the form's, shown above the form.
            self.form_errors.extend(self.lock_version.errors)
            self.lock_version.errors = []
        return valid

    def keep_version(self, shown: int) -> None:
        """Before the refused form is shown again with the dossier as it is now: a missing
        version becomes that dossier's, so sending the form again is a deliberate act on
        what the page shows (a version that was given stays, and still detects a
        conflict)."""
        if parse_int(self.lock_version.data, low=1) is None:
            self.lock_version.data = str(shown)

    def expected_version(self) -> int:
        """The version the user saw (only after a successful ``validate``)."""
        version = parse_int(self.lock_version.data, low=1)
        if version is None:
            raise ValueError("expected_version() before a successful validate()")
        return version


def stripped(value):
    """A field filter: surrounding blanks are never part of a name, an address or an
    e-mail (and must not make two equal values look different)."""
    return value.strip() if isinstance(value, str) else value


def without_spaces(value):
    """A field filter for numbers people type in groups (ID number, tax code, phone):
    "4300 123 456" and " 4300123456 " are the tax code 4300123456."""
    return "".join(value.split()) if isinstance(value, str) else value


def column_length(column: InstrumentedAttribute) -> int:
    """The declared length of a ``String(n)`` model attribute."""
    length = getattr(column.property.columns[0].type, "length", None)
    if not length:
        raise ValueError(f"{column} has no length")
    return length


def fits(column: InstrumentedAttribute, max: int | None = None) -> Length:  # noqa: A002
    """``Length(max=…)`` for a field stored in ``column``: the column's length, or ``max``
    when the form is stricter. The message names the limit, in Vietnamese."""
    limit = column_length(column) if max is None else min(max, column_length(column))
    return too_long(limit, column)


def too_long(limit: int, column: InstrumentedAttribute | None = None) -> Length:
    """``Length(max=limit)`` with the Vietnamese message (``column``, if any, is recorded so a
    test can check the limit against it)."""
    validator = Length(max=limit, message=TOO_LONG)
    validator.column = column
    return validator
