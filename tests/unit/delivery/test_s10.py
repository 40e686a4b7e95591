"""UPU S10 tracking numbers: known identifiers, and the check digit as a property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.delivery import s10

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
serials = st.text(alphabet="0123456789", min_size=8, max_size=8)


@pytest.mark.parametrize("value", ["EB123456785VN", "eb123456785vn", "EB 1234 5678 5 VN",
                                   "RR473124829GB", "CP000000005VN"])
def test_known_valid(value):
    assert s10.is_valid(value)


@pytest.mark.parametrize("value", ["", "EB123456784VN", "EB12345678VN", "E1123456785VN",
                                   "EB1234567850VN", "EB123456785V1", "123456785",
                                   "EB-123456785-VN", "EB123456785"])
def test_known_invalid(value):
    assert not s10.is_valid(value)


def test_check_digit_special_cases():
    # sum mod 11 == 1 → c = 10 → 0; sum mod 11 == 0 → c = 11 → 5.
    assert s10.check_digit("00000000") == 5
    assert s10.check_digit("12345678") == 5
    serial = next(f"{n:08d}" for n in range(10**5) if _residue(f"{n:08d}") == 1)
    assert s10.check_digit(serial) == 0


@given(letters, serials, letters)
def test_a_computed_check_digit_validates(service, serial, country):
    assert s10.is_valid(s10.make(service, serial, country))


def _residue(serial: str) -> int:
    return sum(int(d) * w for d, w in zip(serial, s10.WEIGHTS, strict=True)) % 11


@given(letters, serials, letters, st.integers(0, 8), st.integers(1, 9))
def test_any_single_digit_change_fails(service, serial, country, position, shift):
    """Any one digit changed (serial or check digit) makes the identifier invalid — except
    the one blind spot of the standard itself: a residue of 0 (c = 11) and one of 6 (c = 5)
    both give the check digit 5, so a change moving the weighted sum between them passes.
    The check digit detects every other single-digit change (11 is prime and no weight is a
    multiple of it, so the residue always moves)."""
    value = s10.make(service, serial, country)
    digits = list(value[2:11])
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = value[:2] + "".join(digits) + value[11:]
    blind_spot = position < 8 and {_residue(serial), _residue("".join(digits[:8]))} == {0, 6}
    assert s10.is_valid(changed) is blind_spot


def test_the_standards_blind_spot_is_real():
    # 00000000 (residue 0) and 90000000 (72, residue 6) both carry the check digit 5.
    assert s10.is_valid("EB000000005VN") and s10.is_valid("EB900000005VN")
