"""How many SMS a text costs (3GPP TS 23.038): GSM-7 when every character is in the GSM
7-bit default alphabet (its basic table, or its extension table at two septets each, after an
escape), else UCS-2. Vietnamese with diacritics is UCS-2 (vn-one-stop.md: 70 characters in
one SMS, 67 per part of a long one); plain GSM-7 is 160, 153 per part (the user data header
of a concatenated SMS takes 6 bytes: 7 septets, 3 UCS-2 characters)."""

from __future__ import annotations

from dataclasses import dataclass

# The basic character set (TS 23.038 §6.2.1), in table order; \x1b (the escape) excluded.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# The extension table (§6.2.1.1): each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the limit that applies: single or per part

    @property
    def characters(self) -> int:
        return self.units


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _parts(sizes: list[int], single: int, part: int) -> tuple[int, int]:
    """Parts needed for characters of the given sizes: a character (an escape pair, a UTF-16
    surrogate pair) is never split across two parts, so a part may end a unit short."""
    total = sum(sizes)
    if total <= single:
        return (1 if total else 0), single
    parts, room = 1, part
    for size in sizes:
        if size > room:
            parts, room = parts + 1, part
        room -= size
    return parts, part


def sms_length(text: str) -> SmsLength:
    """The encoding, length and number of parts of ``text`` as one SMS (long ones are sent
    as a concatenated message)."""
    if is_gsm7(text):
        sizes = [2 if c in GSM7_EXTENSION else 1 for c in text]
        segments, per = _parts(sizes, GSM7_SINGLE, GSM7_PART)
        return SmsLength("GSM-7", sum(sizes), segments, per)
    # UCS-2 on the wire is UTF-16: a character beyond the BMP (an emoji) takes two units.
    sizes = [2 if ord(c) > 0xFFFF else 1 for c in text]
    segments, per = _parts(sizes, UCS2_SINGLE, UCS2_PART)
    return SmsLength("UCS-2", sum(sizes), segments, per)
