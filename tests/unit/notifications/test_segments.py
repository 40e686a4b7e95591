"""SMS length in GSM-7 / UCS-2 segments (3GPP TS 23.038; vn-one-stop.md: Vietnamese with
diacritics is UCS-2, 70 characters in one SMS and 67 per part; GSM-7 160 and 153)."""

from __future__ import annotations

import pytest

from portal.notifications.segments import sms_length


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    # The extension table costs two septets each: 80 euro signs fill one SMS.
    ("€" * 80, "GSM-7", 160, 1),
    ("€" * 81, "GSM-7", 162, 2),
    ("{[~]}|^\\", "GSM-7", 16, 1),
    # Basic-table letters outside ASCII stay GSM-7.
    ("Ñoño è à ü Ø Δ", "GSM-7", 14, 1),
    # One Vietnamese letter makes the whole text UCS-2.
    ("Hồ sơ", "UCS-2", 5, 1),
    ("ồ" * 70, "UCS-2", 70, 1),
    ("ồ" * 71, "UCS-2", 71, 2),
    ("ồ" * 134, "UCS-2", 134, 2),
    ("ồ" * 135, "UCS-2", 135, 3),
    # Characters of neither table: UCS-2 (a backtick, a straight apostrophe is GSM-7).
    ("a`b", "UCS-2", 3, 1),
    ("it's", "GSM-7", 4, 1),
    # Beyond the BMP: two UTF-16 units.
    ("😀" * 35, "UCS-2", 70, 1),
])
def test_length_and_segments(text, encoding, units, segments):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_an_escape_pair_is_never_split_across_two_parts():
    # 152 plain characters then a euro: the pair cannot fit in the first part's last septet.
    text = "a" * 152 + "€" + "a" * 5
    assert sms_length(text).units == 159 and sms_length(text).segments == 1
    text = "a" * 152 + "€" + "a" * 10  # 164 septets: two parts, the pair moves to the second
    assert sms_length(text).segments == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).segments == 3  # 152 | 2+151 | 1


def test_the_shipped_vietnamese_sms_stay_gsm7():
    from portal.notifications.defaults import EVENTS
    from portal.notifications.message_templates import ENV

    for event in EVENTS.values():
        text = ENV.from_string(event.texts["vi"].sms_text).render(**event.samples())
        assert sms_length(text).encoding == "GSM-7", (event.key, text)
