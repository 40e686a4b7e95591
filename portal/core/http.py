"""The Content-Disposition header of every download, PDF and export (issue 10, item 1).

A response header is Latin-1 on the wire (RFC 9110 §5.5, PEP 3333 for WSGI): a raw
Vietnamese file name in it made gunicorn answer a bare 500 and the development server hang
after the status line, so nobody could open "Kết quả giải quyết.pdf". RFC 6266 §4.3 with
RFC 8187 (which replaced RFC 5987) carries any name: ``filename*=UTF-8''…`` percent-encoded,
which every current browser prefers, and an ASCII ``filename="…"`` for the clients that do
not read it. The header this module writes is plain ASCII whatever name it is given."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from portal.core.text import strip_accents

KINDS = ("attachment", "inline")
FALLBACK_STEM = "tep"  # "file": what is left when a name has no Latin letter at all
MAX_NAME = 150  # characters; long enough for any real name, short enough for one header line

# RFC 8187 §3.2.1 attr-char besides letters and digits: sent as is, everything else as %XX.
_ATTR_CHARS = "!#$&+-.^_`|~"
# Not in the ASCII fallback: the quoted-string's own delimiters, "%" (some clients
# percent-decode ``filename``, RFC 6266 appendix D) and ";" (naive parsers split on it).
_FALLBACK_UNSAFE = re.compile(r'["\\%;]')
_SPACES = re.compile(r"\s+")


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="Ket qua giai quyet.pdf";
    filename*=UTF-8''K%E1%BA%BFt%20qu%E1%BA%A3%20gi%E1%BA%A3i%20quy%E1%BA%BFt.pdf``.

    ``kind`` is "attachment" (save) or "inline" (open in the browser's viewer)."""
    if kind not in KINDS:
        raise ValueError(f"Content-Disposition kind must be one of {KINDS}, not {kind!r}")
    name = display_name(filename)
    return (f'{kind}; filename="{ascii_fallback(name)}"; '
            f"filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}")


def display_name(filename: str) -> str:
    """The name the browser will save under: NFC, no control characters (a CR/LF would end
    the header), no path separators, at most MAX_NAME characters with the extension kept.
    Never empty."""
    name = unicodedata.normalize("NFC", filename or "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _SPACES.sub(" ", name.replace("/", "-").replace("\\", "-")).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[:MAX_NAME - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:MAX_NAME].rstrip(" .")
    return name or FALLBACK_STEM


def ascii_fallback(name: str) -> str:
    """``name`` in printable ASCII for ``filename="…"``: accents folded ("Kết quả" ->
    "Ket qua"), other letters dropped, quotes, backslashes, "%" and ";" removed. A name left
    without a stem is called "tep" (keeping its extension); never empty."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem, extension = _ascii(stem), _ascii(extension).replace(" ", "")
    stem = stem or FALLBACK_STEM
    return f"{stem}.{extension}" if extension else stem


def _ascii(text: str) -> str:
    text = strip_accents(unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if " " <= ch <= "~")  # printable ASCII only
    return _SPACES.sub(" ", _FALLBACK_UNSAFE.sub("", text)).strip(" .")
