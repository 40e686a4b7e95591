"""A streaming multipart/form-data reader (RFC 7578) for the upload routes.

werkzeug's own parser spools every file part to a temporary file (that the upload then had to
copy into the store) and copies each byte four more times in memory on the way (measured:
0.15 s of CPU per 200 MB, as much as half the plain copy; docs/benchmarks.md "Large upload").
``read_multipart`` hands each file part, as it arrives, to the container a factory gives —
``Storage.stage()`` on the dossier upload routes — in slices of its read buffer, and tells the
caller when the first file part begins, before a byte of it is written (``before_file``):
the upload guard (``portal.core.uploads``) checks the CSRF token there. No Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

from werkzeug.datastructures import FileStorage, Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser
from werkzeug.http import parse_options_header

# Read this much of the body at a time: few Python steps per megabyte, and still small enough
# to stay in the CPU cache (measured: 64 KiB to 1 MiB cost about the same).
READ_SIZE = 256 * 1024
# One part's header block (Content-Disposition, Content-Type); browsers send ~150 bytes.
MAX_HEADER_BYTES = 16 * 1024
# RFC 2046 §5.1.1 allows 70 characters; leave room for clients that do not count.
MAX_BOUNDARY = 200
# Delimiters and part headers are read this much at a time, not a whole READ_SIZE: a socket
# read waits until it has all it asked for, and the first file part's headers (where the CSRF
# token is checked) must be seen as soon as they arrive, not after 256 KiB more of the body.
HEADER_READ = 4 * 1024

_CRLF = b"\r\n"
_HEADER_CONTINUATION = re.compile(rb"\r\n[ \t]")
_PADDING = b" \t"  # "transport padding" allowed after a delimiter (RFC 2046 §5.1.1)


def read_multipart(stream: IO[bytes], boundary: bytes, stream_factory: Callable[..., Any], *,
                   content_length: int | None = None, max_form_memory_size: int | None = None,
                   max_form_parts: int | None = None,
                   before_file: Callable[[list[tuple[str, str]]], object] | None = None,
                   read_size: int = READ_SIZE) -> tuple[list, list]:
    """Parse a multipart/form-data body (RFC 7578) from ``stream``, in one pass.

    File parts (those with a ``filename``) are written to ``stream_factory(...)`` as they
    arrive, in slices of the read buffer (no copy); the container is rewound at the end, as
    werkzeug does. Returns ([(name, value)], [(name, FileStorage)]). Raises ValueError on a
    malformed body and RequestEntityTooLarge past ``max_form_parts`` parts or past
    ``max_form_memory_size`` bytes in a text field. Lines must end with CRLF, as the RFC
    and every browser have them.

    ``before_file(fields)`` is called once, with the text fields read so far, when the first
    file part begins — before ``stream_factory`` is asked for a container; whatever it raises
    ends the parsing there.
    """
    if not boundary or len(boundary) > MAX_BOUNDARY:
        raise ValueError("invalid multipart boundary")
    reader = _Reader(stream, read_size + MAX_HEADER_BYTES)
    delimiter = b"--" + boundary
    fields: list[tuple[str, str]] = []
    files: list[tuple[str, FileStorage]] = []

    # The preamble (RFC 2046 §5.1.1), which browsers leave empty, is ignored; it must end
    # within the first read.
    at = reader.find_filling(delimiter, limit=read_size)
    if at > 0 and reader.buffer[at - 2:at] != _CRLF:
        raise ValueError("multipart delimiter not at the start of a line")
    reader.skip_to(at + len(delimiter))
    parts = 0
    while True:
        reader.ensure(2)
        if reader.startswith(b"--"):  # the close delimiter: the rest is the epilogue
            reader.drain()
            return fields, files
        reader.skip_padding()
        reader.ensure(2)
        if not reader.startswith(_CRLF):
            raise ValueError("multipart delimiter not followed by a line break")
        reader.skip_to(reader.start + 2)
        parts += 1
        if max_form_parts is not None and parts > max_form_parts:
            raise RequestEntityTooLarge()
        headers = _parse_headers(reader.read_header_block())
        _, options = parse_options_header(headers.get("content-disposition"))
        name, filename = options.get("name"), options.get("filename")
        if name is None:
            raise ValueError("multipart part without a name")
        if filename is None:
            value = _TextField(max_form_memory_size)
            reader.read_body(_CRLF + delimiter, value.write)
            charset = MultiPartParser().get_part_charset(headers)
            fields.append((name, value.decode(charset)))
        else:
            if before_file is not None:
                before_file(fields)
                before_file = None
            container = stream_factory(
                total_content_length=content_length, content_type=headers.get("content-type"),
                filename=filename, content_length=None)
            reader.read_body(_CRLF + delimiter, container.write)
            container.seek(0)
            files.append((name, FileStorage(container, filename, name, headers=headers)))


class _TextField:
    """A text part, kept in memory up to ``max_form_memory_size`` (werkzeug's rule)."""

    def __init__(self, limit: int | None) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._limit = limit

    def write(self, data: memoryview) -> None:
        self._size += len(data)
        if self._limit is not None and self._size > self._limit:
            raise RequestEntityTooLarge()
        self._chunks.append(bytes(data))

    def decode(self, charset: str) -> str:
        return b"".join(self._chunks).decode(charset, "replace")


def _parse_headers(block: bytes) -> Headers:
    headers = []
    for line in _HEADER_CONTINUATION.sub(b" ", block).split(_CRLF):
        if line.strip(b" \t"):
            key, sep, value = line.decode().partition(":")
            if not sep:
                raise ValueError("malformed multipart header")
            headers.append((key.strip(" \t"), value.strip(" \t")))
    return Headers(headers)


class _Reader:
    """A fixed buffer over the body: bytes ``buffer[start:end]`` are read and not consumed."""

    def __init__(self, stream: IO[bytes], capacity: int) -> None:
        self._stream = stream
        self.buffer = bytearray(capacity)
        self._view = memoryview(self.buffer)
        self.start = self.end = 0
        self._eof = False

    def _fill(self, want: int | None = None) -> bool:
        """Move what is left to the front, read more (at most ``want`` bytes); False at the
        end of the body."""
        if self.start:
            # At most a delimiter's length or a header block is left: a small copy.
            left = bytes(self._view[self.start:self.end])
            self.buffer[:len(left)] = left
            self.start, self.end = 0, len(left)
        if self._eof or self.end == len(self.buffer):
            return False
        target = self._view[self.end:] if want is None else self._view[self.end:self.end + want]
        readinto = getattr(self._stream, "readinto", None)
        if readinto is not None:
            got = readinto(target) or 0
        else:  # WSGI only promises read()
            data = self._stream.read(len(target))
            got = len(data)
            target[:got] = data
        self._eof = got == 0
        self.end += got
        return got > 0

    def ensure(self, size: int) -> None:
        while self.end - self.start < size:
            if not self._fill(max(size - (self.end - self.start), HEADER_READ)):
                raise ValueError("multipart body ends too early")

    def startswith(self, prefix: bytes) -> bool:
        return self.buffer.startswith(prefix, self.start, self.end)

    def skip_to(self, position: int) -> None:
        self.start = position

    def skip_padding(self) -> None:
        while True:
            while self.start < self.end and self.buffer[self.start] in _PADDING:
                self.start += 1
            if self.start < self.end or not self._fill(HEADER_READ):
                return

    def find_filling(self, needle: bytes, limit: int) -> int:
        """Index of ``needle`` in the buffer, reading until found within ``limit`` bytes."""
        while (at := self.buffer.find(needle, self.start, self.end)) < 0:
            if self.end - self.start > limit or not self._fill(HEADER_READ):
                raise ValueError("multipart delimiter not found")
        return at

    def read_header_block(self) -> bytes:
        """A part's header lines; leaves ``start`` on the blank line that ends them."""
        self.ensure(2)
        if self.startswith(_CRLF):  # no headers at all
            return b""
        while (at := self.buffer.find(b"\r\n\r\n", self.start, self.end)) < 0:
            if self.end - self.start > MAX_HEADER_BYTES or not self._fill(HEADER_READ):
                raise ValueError("multipart part headers too long or cut off")
        block = bytes(self._view[self.start:at])
        self.start = at + 2
        return block

    def read_body(self, terminator: bytes, write: Callable[[memoryview], object]) -> None:
        """Hand the part's content to ``write`` and consume ``terminator`` (CRLF, delimiter).

        ``start`` is on the blank line after the headers. An empty part may use that line
        break as the terminator's own (werkzeug's encoder writes it so, and its parser
        accepts it); otherwise the content starts after it."""
        self.ensure(len(terminator))
        if self.startswith(terminator):
            self.start += len(terminator)
            return
        self.start += 2
        keep = len(terminator) - 1  # a terminator may straddle two reads
        while True:
            at = self.buffer.find(terminator, self.start, self.end)
            if at >= 0:
                if at > self.start:
                    write(self._view[self.start:at])
                self.start = at + len(terminator)
                return
            safe = max(self.start, self.end - keep)
            if safe > self.start:
                write(self._view[self.start:safe])
                self.start = safe
            if not self._fill():
                raise ValueError("multipart body ends inside a part")

    def drain(self) -> None:
        """Read the epilogue to the end, so that the connection is left clean."""
        self.start = self.end
        while self._fill():
            self.start = self.end
