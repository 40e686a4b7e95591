"""What an uploaded file is, by its content, and what it may be called (DESIGN.md §5).

The type is decided by magic bytes, never by the name or the browser's Content-Type: an
executable renamed ``.pdf`` must not reach an officer's computer as a "PDF"."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

MIB = 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

ALLOWED_TYPES: dict[str, str] = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    DOCX: "DOCX",
    XLSX: "XLSX",
    ODT: "ODT",
}

# How much of the start of a file detect_type looks at. Office files are ZIP archives whose
# entries follow one another from the start; Word and LibreOffice write the "word/" or
# "xl/" parts within the first few kilobytes, so 64 KiB is ample without reading it all.
HEAD_BYTES = 64 * 1024

_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_MAX_NAME = 120
_FALLBACK_NAME = "tep-dinh-kem"
# Characters that are trouble in a Content-Disposition header or a Windows file name.
_UNSAFE = re.compile(r'[<>:"|?*;\\/]')


def detect_type(head: bytes, filename: str) -> str | None:
    """The MIME type of an allowed file from its first bytes, or None if not allowed.

    ``filename`` is only a tie-break between the two Office Open XML types when their
    distinctive part lies beyond ``head``; it never makes a file allowed by itself."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(_ZIP_LOCAL_HEADER):
        return _zip_type(head, filename)
    return None


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
