"""VietQR: the EMVCo merchant-presented QR of a bank transfer through NAPAS 247
(docs/payments.md "VietQR").

A payload is a string of TLV objects — a 2-digit tag, a 2-digit length, the value — in
ascending tag order:

    00 "01"                       payload format indicator
    01 "12" | "11"                dynamic (an amount is given) | static
    38 { 00 "A000000727"          NAPAS's application id
         01 { 00 BIN, 01 account }  the beneficiary bank's 6-digit BIN and the account
         02 "QRIBFTTA" }          transfer to an account (QRIBFTTC: to a card)
    53 "704"                      currency: VND
    54 amount                     whole dong, only in a dynamic QR
    58 "VN"
    59 merchant name              optional, ASCII
    62 { 08 purpose }             the transfer note the bank shows on the statement
    63 CRC                        CRC-16/CCITT-FALSE over everything before it, "6304" included

The transfer note is what the statement import (statement.py) matches on, so it must reach
the statement intact: banks accept ASCII only and many drop punctuation, and NAPAS limits the
purpose to 25 characters. ``transfer_note`` therefore strips Vietnamese accents (đ -> d), keeps
letters, digits and single spaces only, and ``payload`` refuses a note longer than 25
characters instead of cutting it (a cut dossier code would match nothing). A dossier code such
as ``000.00.17.H48-261207-0001`` becomes ``0000017H482612070001`` (20 characters); the
statement matcher finds it with or without its dots and dashes.
"""

from __future__ import annotations

import re
import unicodedata

import segno

NAPAS_AID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"
SERVICE_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY = "VN"
NOTE_MAX = 25
MERCHANT_NAME_MAX = 25
_NESTED = {"38", "62"}
_NESTED_IN_38 = {"01"}


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR)
    of the UTF-8 bytes of ``data``, as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def ascii_text(text: str) -> str:
    """Vietnamese accents stripped ("Lệ phí hộ tịch Đà Nẵng" -> "Le phi ho tich Da Nang")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def transfer_note(text: str) -> str:
    """``text`` as a bank transfer note: ASCII letters, digits and single spaces only."""
    kept = re.sub(r"[^A-Za-z0-9 ]+", "", ascii_text(text))
    return re.sub(r" {2,}", " ", kept).strip()


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def payload(*, bin: str, account: str, amount_vnd: int | None, note: str,  # noqa: A002
            merchant_name: str | None = None) -> str:
    """The VietQR payload of a transfer to ``account`` at the bank ``bin``.

    ``amount_vnd`` None makes a static QR (the payer types the amount); ``note`` goes through
    transfer_note and must then hold 1 to 25 characters. ValueError on anything malformed."""
    if not (len(bin) == 6 and bin.isdigit()):
        raise ValueError("the bank BIN must be 6 digits")
    if not (account.isascii() and account.isalnum() and 0 < len(account) <= 19):
        raise ValueError("the account must be 1 to 19 letters or digits")
    if amount_vnd is not None and (isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int)
                                   or not 0 < amount_vnd < 10**13):
        raise ValueError("the amount must be a positive whole number of dong")
    clean_note = transfer_note(note)
    if not clean_note or len(clean_note) > NOTE_MAX:
        raise ValueError(f"the transfer note must hold 1 to {NOTE_MAX} letters, digits or "
                         f"spaces, not {clean_note!r}")
    beneficiary = _tlv("00", bin) + _tlv("01", account)
    merchant = (_tlv("00", NAPAS_AID) + _tlv("01", beneficiary)
                + _tlv("02", SERVICE_ACCOUNT))
    parts = [_tlv("00", "01"), _tlv("01", "11" if amount_vnd is None else "12"),
             _tlv("38", merchant), _tlv("53", CURRENCY_VND)]
    if amount_vnd is not None:
        parts.append(_tlv("54", str(amount_vnd)))
    parts.append(_tlv("58", COUNTRY))
    if merchant_name:
        name = re.sub(r"[^A-Za-z0-9 .,&()-]+", "", ascii_text(merchant_name)).strip()
        parts.append(_tlv("59", name.upper()[:MERCHANT_NAME_MAX]))
    parts.append(_tlv("62", _tlv("08", clean_note)))
    body = "".join(parts) + "6304"
    return body + crc16(body)


def _parse(data: str, nested: set[str], nested_in_38: set[str] | None = None) -> dict:
    fields: dict = {}
    position = 0
    while position < len(data):
        head = data[position:position + 4]
        if len(head) < 4 or not head.isdigit():
            raise ValueError(f"malformed TLV at position {position}")
        tag, length = head[:2], int(head[2:])
        value = data[position + 4:position + 4 + length]
        if len(value) != length:
            raise ValueError(f"field {tag} is shorter than its length {length}")
        if tag in fields:
            raise ValueError(f"field {tag} appears twice")
        if tag in nested:
            fields[tag] = _parse(value, nested_in_38 if tag == "38" and nested_in_38 else set())
        else:
            fields[tag] = value
        position += 4 + length
    return fields


def decode(payload: str) -> dict:
    """The TLV fields of a VietQR payload by tag, 38 (with its 01) and 62 nested:
    ``{"00": "01", "01": "12", "38": {"00": "A000000727", "01": {"00": BIN, "01": account},
    "02": "QRIBFTTA"}, "53": "704", "54": "1500000", "58": "VN", "62": {"08": note},
    "63": "ABCD"}``. Raises ValueError when the CRC is wrong or the TLV malformed."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("the payload does not end with a CRC field (6304....)")
    if crc16(payload[:-4]) != payload[-4:].upper():
        raise ValueError("the payload's CRC does not match its content")
    return _parse(payload, _NESTED, _NESTED_IN_38)


def qr_svg(payload: str, title: str = "Mã VietQR chuyển khoản") -> str:
    """The QR code as inline SVG (no style attribute: CSP-clean), named for screen readers."""
    svg = segno.make(payload, error="m").svg_inline(scale=4, title=title, svgclass="vietqr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def qr_data_uri(payload: str) -> str:
    """The QR code as an SVG data URI, for an <img> (as the dossier pages render theirs)."""
    return segno.make(payload, error="m").svg_data_uri(scale=4)
