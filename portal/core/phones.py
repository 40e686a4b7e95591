"""Vietnamese phone numbers as people type them, and the one form in which they are stored.

People write a number in groups ("0912 345 678", "0912.345.678", "0912-345-678") and often in
its international form ("+84 912 345 678", "84912345678", "(+84) 912…"). All of these are the
same number, and it is stored once, in the national form ``0xxxxxxxxx`` (10 digits for a
mobile, 11 for a landline with its area code 02x), so that a search, the lookup's "last four
digits" and an SMS gateway see one spelling. What counts as a valid number is unchanged from
the forms' former rule: 0 followed by 9 or 10 digits (formerly also "+84" followed by them)."""

from __future__ import annotations

import re

# Spaces, dots, dashes, brackets and slashes people put between the groups.
_SEPARATORS = re.compile(r"[\s.\-()/]")
# [0-9], not \d: Python's \d also takes other scripts' digits.
_NATIONAL = re.compile(r"0[0-9]{9,10}")
_COUNTRY_CODE = "84"


def canonical_phone(typed: str | None) -> str:
    """The number in its stored form: separators dropped, "+84" / "0084" / "84" replaced by
    the leading 0 ("+84 912 345 678" → "0912345678"; "+84 0912…" too). Anything that is not
    a number comes back with only its separators dropped, for ``is_phone`` to refuse."""
    number = _SEPARATORS.sub("", typed or "")
    if number.startswith("+" + _COUNTRY_CODE):
        rest = number[3:]
    elif number.startswith("00" + _COUNTRY_CODE):
        rest = number[4:]
    elif number.startswith(_COUNTRY_CODE) and len(number) in (11, 12):
        # No national number begins with 8 (they begin with 0), so "84…" of a mobile's or a
        # landline's length can only be the country code written without its "+".
        rest = number[2:]
    else:
        return number
    if not rest.isascii() or not rest.isdigit():
        return number
    return rest if rest.startswith("0") else "0" + rest


def is_phone(number: str | None) -> bool:
    """Whether ``number`` (already canonical) is a Vietnamese phone number."""
    return bool(number) and _NATIONAL.fullmatch(number) is not None
