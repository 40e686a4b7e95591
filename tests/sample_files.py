"""Files and streams the tests make on the fly: small but real, or large but never held
whole in memory. One copy here instead of one per test file."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Iterator

# Starts like a PDF, which is all the upload check looks at.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def small_pdf() -> bytes:
    """A real one-page PDF (valid cross-reference table), a few hundred bytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
               b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 100 Td (CCCD) Tj ET\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def small_png() -> bytes:
    """A 2x2 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


class GeneratedStream(io.RawIOBase):
    """A file-like object whose bytes come from a generator, never from one big blob.

    It records the largest read() request, so a test can tell whether the storage read
    the stream in chunks or asked for everything at once.
    """

    def __init__(self, total: int, block: int = 256 * 1024) -> None:
        self._chunks = self._generate(total, block)
        self._buffer = b""
        self.expected = hashlib.sha256()
        self.largest_read = 0

    def _generate(self, total: int, block: int) -> Iterator[bytes]:
        n = 0
        while total > 0:
            # Each block differs (counter prefix) so a dropped or repeated block changes
            # the digest.
            chunk = (n.to_bytes(8, "big") + bytes(range(256)) * (block // 256))[: min(block, total)]
            self.expected.update(chunk)
            total -= len(chunk)
            n += 1
            yield chunk

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("storage asked for the whole stream at once")
        self.largest_read = max(self.largest_read, size)
        while len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
