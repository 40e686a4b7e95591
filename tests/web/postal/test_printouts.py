"""The A6 labels and the hand-over manifest, read back from the PDF: the text (pdftotext) and
the dossier code decoded from the printed Code 128 barcode and the QR code (zxing-cpp on the
page rendered by pdftoppm at 200 dpi)."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from PIL import Image

GOOD = "EB123456785VN"


def _batch_with_number(as_, desk) -> int:
    postal = as_("postal")
    location = postal.post("/buu-dien/bang-ke",
                           data={"item": [str(desk.shipment_id)]}).headers["Location"]
    batch = int(location.rstrip("/").split("/")[-1])
    postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                data={"tracking_number": GOOD})
    return batch


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_labels_carry_the_address_and_decodable_codes(as_, desk, tmp_path):
    batch = _batch_with_number(as_, desk)
    pdf = as_("postal").get(f"/buu-dien/bang-ke/{batch}/nhan.pdf").data
    text = _text(pdf, tmp_path)
    for expected in ("Nguyễn Văn An", "0912345678", "Thôn 1, Tịnh Phong, Sơn Tịnh, Quảng Ngãi",
                     desk.code, GOOD):
        assert expected in text, expected
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        # A6 at 200 dpi: 827 × 1165 px.
        assert abs(image.width - 827) < 5 and abs(image.height - 1165) < 5
        found = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)}
    assert ("Code128", desk.code) in found
    assert ("QRCode", desk.code) in found


def test_the_manifest_lists_each_item_the_count_and_both_signatures(as_, desk, tmp_path):
    batch = _batch_with_number(as_, desk)
    text = _text(as_("postal").get(f"/buu-dien/bang-ke/{batch}/bang-ke.pdf").data, tmp_path)
    assert "BẢNG KÊ GIAO NHẬN" in text and f"Số: {batch}/BKGN" in text
    item = next(line for line in text.splitlines() if desk.code in line)
    assert item.split()[0] == "1" and GOOD in item and "Nguyễn Văn An" in item
    assert "Tổng số bưu gửi: 1" in text
    assert "ĐẠI DIỆN TRUNG TÂM (BÊN GIAO)" in text and "ĐẠI DIỆN BƯU ĐIỆN (BÊN NHẬN)" in text


@pytest.mark.parametrize("who", ["other_postal"])
def test_the_printouts_are_not_anothers(as_, desk, who):
    batch = _batch_with_number(as_, desk)
    for url in (f"/buu-dien/bang-ke/{batch}/nhan.pdf", f"/buu-dien/bang-ke/{batch}/bang-ke.pdf"):
        assert as_(who).get(url).status_code == 404
