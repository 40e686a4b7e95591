"""What an uploaded file is, by its content, and what it may be called (DESIGN.md §5).

The type is decided by magic bytes, never by the name or the browser's Content-Type: an
executable renamed ``.pdf`` must not reach an officer's computer as a "PDF". The other way
round, the name follows the type (issue 10, item 14): a real PDF uploaded as ``hoso.bat``,
``.html`` or ``.exe`` is stored and served as ``hoso.pdf`` (``name_for_type``), so that the
computer that saves it opens it with a PDF reader, never runs or renders it. Every upload
path uses this module: the applicant's files, supplements, the counter's scans, the
e-result (``operations.add_file``) and the administrator's form templates."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

MIB = 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
DOC = "application/msword"  # Word 97–2003; accepted for form templates only

ALLOWED_TYPES: dict[str, str] = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    DOCX: "DOCX",
    XLSX: "XLSX",
    ODT: "ODT",
}

# The extensions each type may keep; the first one is given to a name that has another.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: ("pdf",),
    JPEG: ("jpg", "jpeg"),
    PNG: ("png",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    ODT: ("odt",),
    DOC: ("doc",),
}

# How much of the start of a file detect_type looks at. Office files are ZIP archives whose
# entries follow one another from the start; Word and LibreOffice write the "word/" or
# "xl/" parts within the first few kilobytes, so 64 KiB is ample without reading it all.
HEAD_BYTES = 64 * 1024

_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary (.doc, .xls, .msi…)
_MAX_NAME = 120
_FALLBACK_NAME = "tep-dinh-kem"
# Characters that are trouble in a Content-Disposition header or a Windows file name.
_UNSAFE = re.compile(r'[<>:"|?*;\\/]')
# What counts as an extension to replace: up to 10 ASCII letters and digits, one a letter
# ("bat", "html", "exe", "pdf"); "Quyết định 12.2024" keeps its ".2024" and gains ".pdf".
_EXTENSION = re.compile(r"(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,10}")


def detect_type(head: bytes, filename: str,
                allowed: Collection[str] = ALLOWED_TYPES) -> str | None:
    """The MIME type of an allowed file from its first bytes, or None if not allowed.

    ``filename`` is only a tie-break between the two Office Open XML types when their
    distinctive part lies beyond ``head``; it never makes a file allowed by itself.
    ``allowed``: the types this upload accepts (form templates also take DOC)."""
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(_ZIP_LOCAL_HEADER):
        found = _zip_type(head, filename)
    elif head.startswith(_OLE2):
        # An OLE2 container may also be a spreadsheet or an installer; named and served
        # as .doc it opens in a word processor, never runs.
        found = DOC
    else:
        found = None
    return found if found in allowed else None


def _zip_type(head: bytes, filename: str) -> str | None:
    # OpenDocument: the first entry is "mimetype", stored uncompressed (ODF 1.2, §3.3).
    if head[30:38] == b"mimetype":
        return ODT if head[38:38 + len(ODT)] == ODT.encode() else None
    names = _zip_entry_names(head)
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if "[Content_Types].xml" in names:  # OOXML, but its main part is further in
        lower = filename.lower()
        if lower.endswith(".docx"):
            return DOCX
        if lower.endswith(".xlsx"):
            return XLSX
    return None


def _zip_entry_names(head: bytes) -> list[str]:
    """Entry names of the ZIP local file headers found in ``head`` (a partial archive)."""
    names = []
    start = 0
    while (at := head.find(_ZIP_LOCAL_HEADER, start)) >= 0 and at + 30 <= len(head):
        name_length = struct.unpack_from("<H", head, at + 26)[0]
        raw = head[at + 30:at + 30 + name_length]
        if len(raw) == name_length and name_length:
            names.append(raw.decode("utf-8", errors="replace"))
        start = at + 4
    return names


def safe_filename(name: str) -> str:
    """A display name for an upload: no path, no control characters, at most 120 characters.

    Vietnamese letters are kept (NFC, so "ế" is one character everywhere). Never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return _FALLBACK_NAME
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = stem[:_MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:_MAX_NAME].rstrip(" .")
    return name or _FALLBACK_NAME


def name_for_type(name: str, content_type: str) -> str:
    """``name`` (already ``safe_filename``-clean) with an extension of ``content_type``:
    "hoso.bat" holding a PDF becomes "hoso.pdf", "hoso.pdf.exe" "hoso.pdf", "Kết quả" gets
    ".pdf", "anh.JPEG" stays as it is. At most 120 characters. A type without a known
    extension leaves the name alone."""
    extensions = EXTENSIONS.get(content_type)
    if not extensions:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem:
        if extension.lower() in extensions:
            return name
        if _EXTENSION.fullmatch(extension):
            name = stem.rstrip(" .")  # the wrong extension goes
            inner = name.rpartition(".")
            if inner[1] and inner[0] and inner[2].lower() in extensions:
                return name  # "hoso.pdf.exe": the right one was underneath
    extension = extensions[0]
    stem = name[:_MAX_NAME - len(extension) - 1].rstrip(" .") or _FALLBACK_NAME
    return f"{stem}.{extension}"


class PrefixedStream:
    """A stream that gives ``head`` first, then the rest of ``stream``: the head read for
    type detection goes to storage too, without buffering the file."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                chunk, self._head = self._head + self._stream.read(), b""
                return chunk
            chunk, self._head = self._head[:size], self._head[size:]
            return chunk
        return self._stream.read(size)


def after_head(head: bytes, stream: BinaryIO) -> BinaryIO:
    """``stream`` from where ``read_head`` started again, to hand to ``Storage.put``.

    A seekable stream is rewound rather than wrapped, so a staged upload reaches its store
    as itself and LocalStorage can rename it into place instead of copying it
    (docs/benchmarks.md, large upload); any other stream gets ``head`` put back in front."""
    seekable = getattr(stream, "seekable", None)
    if head and seekable is not None and seekable():
        stream.seek(-len(head), io.SEEK_CUR)
        return stream
    return PrefixedStream(head, stream)  # type: ignore[return-value]


def read_head(stream: BinaryIO) -> bytes:
    """Up to HEAD_BYTES from the start of ``stream`` (a short read is not the end)."""
    parts, size = [], 0
    while size < HEAD_BYTES and (chunk := stream.read(HEAD_BYTES - size)):
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


@dataclass(frozen=True)
class UploadLimits:
    max_file: int  # bytes, per file
    max_dossier: int  # bytes, all files of one dossier together
    max_files_per_requirement: int = 10

    @classmethod
    def from_config(cls, cfg: Any) -> UploadLimits:
        """From a portal ``Config`` (or a Flask config mapping holding it as "PORTAL")."""
        if isinstance(cfg, Mapping):
            cfg = cfg["PORTAL"]
        return cls(max_file=cfg.max_file_bytes, max_dossier=cfg.max_dossier_bytes,
                   max_files_per_requirement=cfg.max_files_per_requirement)


def megabytes(size: int) -> str:
    """A size for a Vietnamese message: "20 MB", "2,5 MB"."""
    value = size / MIB
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    return text.replace(".", ",") + " MB"


def allowed_labels() -> str:
    return ", ".join(ALLOWED_TYPES.values())


# What an upload area calls each type: the names people know (cameras name photos ".jpg").
_PLAIN_NAMES = {JPEG: "JPG"}


def type_names(types: Collection[str] = ALLOWED_TYPES) -> str:
    """The types an upload takes, as stated next to it: "PDF, JPG, PNG, DOCX, XLSX, ODT"."""
    return ", ".join(_PLAIN_NAMES.get(t) or ALLOWED_TYPES.get(t) or EXTENSIONS[t][0].upper()
                     for t in types)


def whole_megabytes(size: int) -> str:
    """A limit stated next to an upload area, in whole megabytes rounded down so that what
    it promises holds ("20 MB"); a limit under 1 MB in kilobytes."""
    if size >= MIB:
        return f"{size // MIB} MB"
    return f"{max(size // 1024, 1)} KB"


def claimed_type(filename: str, allowed: Collection[str] = ALLOWED_TYPES) -> str | None:
    """The allowed type a file's name claims by its extension ("to-khai.PDF" → PDF): when
    its content is not that type, the refusal says so instead of blaming the name."""
    stem, dot, extension = (filename or "").rpartition(".")
    if not (dot and stem):
        return None
    return next((t for t in allowed if extension.lower() in EXTENSIONS.get(t, ())), None)
