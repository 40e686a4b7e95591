"""The images printed on an address label: the dossier code as a Code 128 barcode
(python-barcode's SVG writer) and as a QR code (segno), both as data URIs WeasyPrint embeds."""

from __future__ import annotations

import base64
import io

import barcode
import segno
from barcode.writer import SVGWriter


def code128_data_uri(text: str) -> str:
    out = io.BytesIO()
    barcode.get("code128", text, writer=SVGWriter()).write(
        out, options={"write_text": False, "module_height": 12.0, "quiet_zone": 4.0})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)
