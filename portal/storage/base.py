"""The storage interface shared by every backend, its errors and small helpers.

Uploaded files are streamed: nothing here ever holds a whole file in memory, because a
dossier attachment can be tens of megabytes and many citizens upload at the same time.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol, Self

from portal.storage.journal import note_put

# 64 KiB: large enough to keep per-chunk overhead negligible, small enough that a few
# hundred concurrent downloads do not add up to noticeable memory.
CHUNK_SIZE = 64 * 1024

# A staged upload (Storage.stage) stays in memory up to this size, then moves to a file.
STAGE_MEMORY = 1024 * 1024

# S3 caps object keys at 1024 bytes; the same limit keeps local paths well under PATH_MAX.
MAX_KEY_LENGTH = 1024

_KEY_CHARS = re.compile(r"[A-Za-z0-9._/-]*")


class StorageError(Exception):
    """A backend failure (unreachable, permission, full disk...).

    Messages are English and meant for logs; the web layer shows its own Vietnamese text.
    """


class ObjectNotFound(StorageError):
    """The key does not name a stored object."""


class TooLarge(StorageError):
    """The stream went past ``max_size``; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"object exceeds the limit of {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str  # hex digest of the content; "" when the backend does not know it
    content_type: str


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe object key, else raise ValueError.

    The same rule for every backend, so that a key accepted locally is also accepted by
    S3 and the other way round, and so that no key can climb out of a directory.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("storage key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"storage key longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_CHARS.fullmatch(key):
        raise ValueError(f"storage key has characters outside [A-Za-z0-9._/-]: {key!r}")
    if key.startswith("/"):
        raise ValueError(f"storage key must be relative: {key!r}")
    for part in key.split("/"):
        # Empty parts ("a//b", trailing "/") would map to the same file as another key
        # locally but to a different object on S3; "." and ".." are path tricks.
        if part in ("", ".", ".."):
            raise ValueError(f"storage key has an empty, '.' or '..' segment: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """Like validate_key, but "" and a trailing "/" or partial last segment are allowed."""
    if prefix == "":
        return prefix
    if len(prefix) > MAX_KEY_LENGTH or not _KEY_CHARS.fullmatch(prefix):
        raise ValueError(f"invalid storage prefix: {prefix!r}")
    if prefix.startswith("/"):
        raise ValueError(f"storage prefix must be relative: {prefix!r}")
    parts = prefix.split("/")
    for part in parts[:-1]:
        if part in ("", ".", ".."):
            raise ValueError(f"invalid storage prefix: {prefix!r}")
    if parts[-1] == "..":
        raise ValueError(f"invalid storage prefix: {prefix!r}")
    return prefix


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def copy_hashing(
    source: BinaryIO, dest: _Writable, max_size: int | None
) -> tuple[int, str]:
    """Copy ``source`` to ``dest`` chunk by chunk; return (size, sha256 hex).

    Raises TooLarge as soon as more than ``max_size`` bytes have been read, so a huge
    upload is cut off early instead of filling the disk first. Errors while *reading*
    the source propagate unchanged (the client's problem); errors while *writing* become
    StorageError (ours).
    """
    if max_size is not None and max_size < 0:
        raise ValueError("max_size must be >= 0")
    digest = hashlib.sha256()
    size = 0
    while True:
        chunk = source.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if max_size is not None and size > max_size:
            raise TooLarge(max_size)
        digest.update(chunk)
        try:
            dest.write(chunk)
        except OSError as exc:
            raise StorageError(f"cannot write object data: {exc}") from exc
    return size, digest.hexdigest()


def validate_content_type(content_type: str) -> str:
    # The value ends up in an HTTP header (S3) — refuse anything that could split it.
    if not content_type or any(ch in content_type for ch in "\r\n\0"):
        raise ValueError(f"invalid content type: {content_type!r}")
    return content_type


class _Closeable:
    """``close()`` on leaving a with-block, and as a last resort when dropped unclosed.

    The finaliser is for the iterator a client abandons mid-download and the upload of a
    request torn down mid-parse: neither may keep its file or connection open.
    """

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # never raise from a finaliser
            pass


class ClosingChunks(_Closeable, Iterator[bytes]):
    """An iterator of chunks that releases its file or connection on close().

    WSGI servers call ``close()`` on a response iterable, so handing this straight to a
    Flask ``Response`` frees the resource even when the client disconnects half-way.
    """

    def __init__(self, chunks: Iterator[bytes], on_close: Callable[[], None]) -> None:
        self._chunks = chunks
        self._on_close: Callable[[], None] | None = on_close

    def __iter__(self) -> ClosingChunks:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        on_close, self._on_close = self._on_close, None
        if on_close is None:
            return
        close_chunks = getattr(self._chunks, "close", None)
        try:
            if close_chunks is not None:
                close_chunks()
        finally:
            on_close()


class StagedUpload(_Closeable):
    """An upload while it arrives: a temporary file that may become an object later.

    Its key is not known yet when the first bytes arrive (the multipart parser runs before
    the view), so the data is written here, once, with its SHA-256 and size computed on the
    way. Writing ends with the first ``seek`` or ``read``; the content can then be read back
    (to check its type), and ``Storage.put(key, staged)`` stores it — without copying it
    again where the backend can (LocalStorage renames the file into place). ``close()``
    discards whatever was not stored, so an upload that is refused, or never reaches
    ``put``, leaves nothing behind.

    ``max_size`` is enforced as the bytes arrive, but without raising from ``write``: the
    writer (werkzeug's parser) would abort the whole request, and the page could no longer
    say *which* file was too large. Instead the bytes written so far are thrown away at
    once (the file is truncated), the rest is dropped as it comes, and reading the upload
    (or ``put``) raises TooLarge.
    """

    def __init__(self, file: BinaryIO, max_size: int | None = None) -> None:
        if max_size is not None and max_size < 0:
            raise ValueError("max_size must be >= 0")
        self._file: BinaryIO | None = file
        self._max_size = max_size
        self._digest = hashlib.sha256()
        self._size = 0
        self._writing = True
        self._too_large = False
        self._stored = False

    def __repr__(self) -> str:
        state = ("stored" if self._stored else "closed" if self.closed
                 else "too large" if self._too_large else "open")
        return f"<{type(self).__name__} {self._size} bytes, {state}>"

    @property
    def size(self) -> int:
        """Bytes kept so far (0 once it went past ``max_size``)."""
        return self._size

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    @property
    def too_large(self) -> bool:
        return self._too_large

    @property
    def closed(self) -> bool:
        return self._file is None

    @property
    def stored(self) -> bool:
        """True once a backend has adopted the file as an object."""
        return self._stored

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return self._writing

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        file = self._open_file()
        if not self._writing:
            raise ValueError("a staged upload cannot be written after it has been read")
        if self._too_large:
            return len(data)  # dropped: the upload is refused already
        if self._max_size is not None and self._size + len(data) > self._max_size:
            self._too_large = True
            self._size = 0
            self._digest = hashlib.sha256()
            try:
                file.seek(0)
                file.truncate()  # the space goes back now, not when the request ends
            except OSError as exc:
                raise StorageError(f"cannot truncate staged upload: {exc}") from exc
            return len(data)
        try:
            file.write(data)
        except OSError as exc:
            raise StorageError(f"cannot write staged upload: {exc}") from exc
        self._digest.update(data)
        self._size += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._writing = False
        return self._open_file().seek(offset, whence)

    def tell(self) -> int:
        return self._open_file().tell()

    def read(self, size: int | None = -1) -> bytes:
        return self._readable_file().read(-1 if size is None else size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._readable_file().readline(-1 if size is None else size)

    def is_whole(self) -> bool:
        """Complete and rewound: reading it now gives exactly ``size`` bytes of ``sha256``."""
        return (not self.closed and not self._writing and not self._too_large
                and self.tell() == 0)

    def close(self) -> None:
        if self._file is not None and not self._stored:
            self._discard()

    # -- for backends ----------------------------------------------------------------------

    def _open_file(self) -> BinaryIO:
        if self._file is None:
            raise ValueError("I/O operation on a closed staged upload")
        return self._file

    def _readable_file(self) -> BinaryIO:
        file = self._open_file()
        self._writing = False
        if self._too_large:
            assert self._max_size is not None
            raise TooLarge(self._max_size)
        return file

    def _discard(self) -> None:
        """Close the file and remove its data (subclasses remove their named file too)."""
        file, self._file = self._file, None
        if file is not None:
            file.close()

    def _mark_stored(self) -> None:
        """The backend made the file an object: close it without removing anything."""
        file, self._file = self._file, None
        self._stored = True
        if file is not None:
            file.close()


class Storage(ABC):
    """Where uploaded files live. Keys look like ``dossiers/<dossier id>/<uuid>``."""

    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        content_type: str = "application/octet-stream",
        max_size: int | None = None,
    ) -> StoredObject:
        """Store the stream under ``key`` (replacing any object there).

        Raises TooLarge past ``max_size``, leaving nothing behind and any previous
        object under the key untouched. ``stream`` may be a StagedUpload from ``stage()``
        (rewound): a backend may then use its known size and SHA-256, or adopt its file,
        instead of copying it. The caller still closes the stream afterwards.
        """
        validate_key(key)
        validate_content_type(content_type)
        note_put(self, key)  # before writing: a put that fails half-way is undone too
        return self._put(key, stream, content_type, max_size)

    @abstractmethod
    def _put(
        self, key: str, stream: BinaryIO, content_type: str, max_size: int | None
    ) -> StoredObject:
        """``put`` once the key and the content type are known to be valid."""

    def stage(self, *, max_size: int | None = None) -> StagedUpload:
        """A StagedUpload to receive an upload into before its key is known.

        This default keeps up to
        STAGE_MEMORY in memory and the rest in a temporary file under $TMPDIR; a backend
        that can turn such a file into an object without copying overrides it.
        """
        try:
            spool = tempfile.SpooledTemporaryFile(max_size=STAGE_MEMORY)
        except OSError as exc:
            raise StorageError(f"cannot create a temporary file: {exc}") from exc
        return StagedUpload(spool, max_size)  # type: ignore[arg-type]

    @abstractmethod
    def open(self, key: str) -> Iterator[bytes]:
        """Stream the object in chunks of at most CHUNK_SIZE; ObjectNotFound if missing.

        The returned iterator has ``close()``; call it (or exhaust the iterator).
        """

    @abstractmethod
    def stat(self, key: str) -> StoredObject | None:
        """Describe the object, or None if there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Yield (key, last modified as aware UTC datetime) for keys under ``prefix``."""

    @abstractmethod
    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        """A short-lived direct download URL, or None if the backend has none."""

    @abstractmethod
    def check(self) -> None:
        """Raise StorageError if the backend cannot be used right now (health check)."""

    def remove_incomplete(self, before: datetime) -> int:
        """Remove what interrupted writes left behind and no object will ever adopt — staged
        uploads and temporary files of a process killed mid-upload, incomplete multipart
        uploads — last written before ``before``. Returns how many were removed. Younger
        ones may still belong to an upload in progress and are kept."""
        return 0
