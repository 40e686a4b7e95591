"""VietQR payloads (portal/payments/vietqr.py) against published example strings, CRC
included: real payloads issued by payOS (a NAPAS VietQR provider) and published in public
code, built again byte for byte and decoded back; the NAPAS static examples decoded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.payments import vietqr

# Dynamic QRs (amount, note) as payOS issued them: MB Bank (970422) and BVBank (970418)
# virtual accounts. Our encoder must produce exactly these strings.
PAYOS_MB = ("00020101021238570010A000000727012700069704220113VQRQACLNP26800208QRIBFTTA"
            "530370454061000005802VN62270823Thanh toan don hang ABC6304CE4C")
PAYOS_BVBANK = ("00020101021238590010A000000727012900069704180115V3CAS62627239240208QRIBFTTA"
                "530370454063750005802VN62250821CSPZKHEL6A2 NTK O000463044729")
# Static QRs (no amount): Techcombank with a note holding "/", and one with the CRC written
# in lower case (accepted: hex is hex).
STATIC_TECHCOMBANK = ("00020101021138510010A00000072701210006970407010797968680208QRIBFTTA"
                      "53037045802VN62240820gen by sunary/vietqr6304BE74")
STATIC_LOWER_CRC = ("00020101021138540010A00000072701240006970422011099999991480208QRIBFTTA"
                    "53037045802VN63047b49")


def test_crc16_is_ccitt_false():
    assert vietqr.crc16("123456789") == "29B1"  # the catalogued check value
    assert vietqr.crc16("") == "FFFF"


@pytest.mark.parametrize(("expected", "bin_", "account", "amount", "note"), [
    (PAYOS_MB, "970422", "VQRQACLNP2680", 100_000, "Thanh toan don hang ABC"),
    (PAYOS_BVBANK, "970418", "V3CAS6262723924", 375_000, "CSPZKHEL6A2 NTK O0004"),
])
def test_published_payloads_are_built_exactly(expected, bin_, account, amount, note):
    assert vietqr.payload(bin=bin_, account=account, amount_vnd=amount, note=note) == expected


def test_published_payloads_decode_back():
    assert vietqr.decode(PAYOS_MB) == {
        "00": "01", "01": "12",
        "38": {"00": "A000000727", "01": {"00": "970422", "01": "VQRQACLNP2680"},
               "02": "QRIBFTTA"},
        "53": "704", "54": "100000", "58": "VN", "62": {"08": "Thanh toan don hang ABC"},
        "63": "CE4C"}
    static = vietqr.decode(STATIC_TECHCOMBANK)
    assert static["01"] == "11" and "54" not in static
    assert static["38"]["01"] == {"00": "970407", "01": "9796868"}
    assert static["62"] == {"08": "gen by sunary/vietqr"}
    assert vietqr.decode(STATIC_LOWER_CRC)["38"]["01"]["01"] == "9999999148"


@pytest.mark.parametrize("broken", [
    PAYOS_MB[:-4] + "CE4D",  # wrong CRC
    PAYOS_MB.replace("100000", "900000"),  # amount changed, CRC kept
    PAYOS_MB[:-8],  # no CRC field
    "0002",  # cut short
])
def test_a_wrong_crc_or_a_broken_payload_is_refused(broken):
    with pytest.raises(ValueError):
        vietqr.decode(broken)


def test_a_malformed_tlv_with_a_right_crc_is_refused():
    body = "00020101ZZ6304"
    with pytest.raises(ValueError, match="malformed"):
        vietqr.decode(body + vietqr.crc16(body))


def test_a_dossier_payment_for_the_agency_account():
    code = "000.00.17.H48-261207-0001"
    text = vietqr.payload(bin="970436", account="0123456789", amount_vnd=1_500_000, note=code,
                          merchant_name="Trung tâm Phục vụ hành chính công Quảng Ngãi")
    fields = vietqr.decode(text)
    assert fields["38"] == {"00": "A000000727", "01": {"00": "970436", "01": "0123456789"},
                            "02": "QRIBFTTA"}
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "1500000", "VN")
    assert fields["62"] == {"08": "0000017H482612070001"}
    assert fields["59"] == "TRUNG TAM PHUC VU HANH CHI"[:25]
    assert text.isascii()


def test_a_static_qr_has_no_amount():
    fields = vietqr.decode(vietqr.payload(bin="970436", account="0123456789", amount_vnd=None,
                                          note="Le phi"))
    assert fields["01"] == "11" and "54" not in fields


def test_transfer_notes_are_plain_ascii():
    assert vietqr.ascii_text("Lệ phí hộ tịch Đà Nẵng") == "Le phi ho tich Da Nang"
    assert vietqr.transfer_note("  Nộp  phí: HS 000.00.17.H48-261207-0001! ") == (
        "Nop phi HS 0000017H482612070001")


@pytest.mark.parametrize(("changes", "problem"), [
    ({"bin": "97043"}, "BIN"), ({"account": "0123 456"}, "account"),
    ({"account": ""}, "account"), ({"amount_vnd": 0}, "amount"), ({"amount_vnd": 1.5}, "amount"),
    ({"note": "!!!"}, "note"), ({"note": "x" * 26}, "note"),
])
def test_malformed_inputs_are_refused(changes, problem):
    arguments = {"bin": "970436", "account": "0123456789", "amount_vnd": 1000, "note": "HS 1"}
    with pytest.raises(ValueError, match=problem):
        vietqr.payload(**{**arguments, **changes})


@given(bin_=st.from_regex(r"9704[0-9]{2}", fullmatch=True),
       account=st.from_regex(r"[0-9A-Z]{1,19}", fullmatch=True),
       amount=st.one_of(st.none(), st.integers(1, 10**12)),
       note=st.text(alphabet="abcdefghijklmnopqrstuvwxyzđăâêôơưáàảãạ 0123456789.-",
                    min_size=1, max_size=40))
def test_every_payload_decodes_back_to_its_inputs(bin_, account, amount, note):
    clean = vietqr.transfer_note(note)
    if not clean or len(clean) > 25:
        with pytest.raises(ValueError):
            vietqr.payload(bin=bin_, account=account, amount_vnd=amount, note=note)
        return
    fields = vietqr.decode(vietqr.payload(bin=bin_, account=account, amount_vnd=amount,
                                          note=note))
    assert fields["38"]["01"] == {"00": bin_, "01": account}
    assert fields.get("54") == (None if amount is None else str(amount))
    assert fields["62"]["08"] == clean


def test_the_qr_svg_is_inline_csp_clean_and_named():
    svg = vietqr.qr_svg(PAYOS_MB)
    assert svg.startswith('<svg role="img" ') and "<title>Mã VietQR chuyển khoản</title>" in svg
    assert "style" not in svg and "<script" not in svg
    assert vietqr.qr_data_uri(PAYOS_MB).startswith("data:image/svg+xml")


def test_the_qr_encodes_the_payload():
    import io

    import segno
    import zxingcpp
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(PAYOS_MB, error="m").save(buffer, kind="png", scale=4)
    buffer.seek(0)
    found = zxingcpp.read_barcodes(Image.open(buffer))
    assert [r.text for r in found] == [PAYOS_MB]
