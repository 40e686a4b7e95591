"""The images printed on an address label: the dossier code as a Code 128 barcode and as a
QR code, each a tiny one-bit PNG (one pixel per module) that the label scales up with
``image-rendering: pixelated`` (no interpolation in the PDF: the edges stay sharp).

The barcode's modules come from python-barcode's Code 128 encoder (start code, code sets,
checksum, stop), the QR code from segno. Why raster and not SVG (python-barcode's
``SVGWriter``, segno's SVG): WeasyPrint parses and draws every SVG path of every label, and a
batch of 500 labels took about 16 s of CPU that way against about 8 s with these images
(docs/benchmarks.md, "Address labels"); the printed result is the same modules, decoded back
by the tests (tests/web/postal/test_printouts.py)."""

from __future__ import annotations

import base64
import io

import barcode
import segno
from PIL import Image

QUIET_ZONE = 10  # modules of white either side (Code 128 asks for at least 10)
# A fixed QR mask: any of the eight is valid (ISO/IEC 18004); choosing the best one by its
# penalty score costs more than the rest of the label.
QR_MASK = 0


def code128_modules(text: str) -> str:
    """The barcode as '1' (bar) and '0' (space) modules, from python-barcode's encoder."""
    return barcode.get("code128", text).build()[0]


def _png_uri(image_bytes: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image_bytes).decode("ascii")


def code128_data_uri(text: str) -> str:
    modules = "0" * QUIET_ZONE + code128_modules(text) + "0" * QUIET_ZONE
    image = Image.new("1", (len(modules), 1), 1)
    image.putdata([0 if bit == "1" else 1 for bit in modules])
    out = io.BytesIO()
    image.save(out, "PNG")
    return _png_uri(out.getvalue())


def qr_data_uri(text: str) -> str:
    out = io.BytesIO()
    segno.make(text, error="m", mask=QR_MASK).save(out, kind="png", scale=1, border=4)
    return _png_uri(out.getvalue())
