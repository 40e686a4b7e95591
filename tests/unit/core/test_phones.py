"""Phone numbers as people type them, stored in one form (issue 12, citizens: phones)."""

import pytest

from portal.core.phones import canonical_phone, is_phone


@pytest.mark.parametrize("typed", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", " 0912 345 678 ",
    "+84 912 345 678", "+84912345678", "84912345678", "84 912 345 678", "(+84) 912 345 678",
    "+84 (0) 912 345 678", "0084 912 345 678", "+84-912-345-678",
])
def test_a_mobile_typed_any_usual_way_is_one_number(typed):
    assert canonical_phone(typed) == "0912345678"
    assert is_phone(canonical_phone(typed))


def test_a_landline_keeps_its_area_code():
    assert canonical_phone("0255 382 0000") == "02553820000"
    assert canonical_phone("+84 255 382 0000") == "02553820000"
    assert is_phone("02553820000")


@pytest.mark.parametrize("typed", [
    "", "abc", "12", "0912 345 67", "091234567890", "912345678", "+1 415 555 0100",
    "+84 abc", "0912３45678", "+84 91234567",
])
def test_what_is_not_a_number_stays_refused(typed):
    assert not is_phone(canonical_phone(typed))


def test_none_and_blank():
    assert canonical_phone(None) == "" and not is_phone(None) and not is_phone("")
