"""UPU S10 item identifiers (the tracking numbers of VNPost's registered and EMS items):
two service letters, an eight-digit serial, a check digit and the two-letter country code,
e.g. ``EB123456785VN``. UPU standard S10: the check digit is computed over the serial with
the weights 8 6 4 2 3 5 9 7; c = 11 − (sum mod 11), where 10 gives 0 and 11 gives 5."""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_PATTERN = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")


def check_digit(serial: str) -> int:
    """The S10 check digit of an eight-digit serial."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial has eight digits")
    c = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def normalise(text: str) -> str:
    """What an officer typed or a scanner sent: spaces removed, upper case."""
    return "".join((text or "").split()).upper()


def is_valid(text: str) -> bool:
    """True for a well-formed S10 identifier whose check digit matches."""
    value = normalise(text)
    if not _PATTERN.fullmatch(value):
        return False
    return check_digit(value[2:10]) == int(value[10])


def make(service: str, serial: str, country: str = "VN") -> str:
    """The identifier for a serial, with its check digit (demo data, tests)."""
    return f"{service}{serial}{check_digit(serial)}{country}"
