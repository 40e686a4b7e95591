"""The storage interface shared by every backend, its errors and small helpers.

Uploaded files are streamed: nothing here ever holds a whole file in memory, because a
dossier attachment can be tens of megabytes and many citizens upload at the same time.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol

# 64 KiB: large enough to keep per-chunk overhead negligible, small enough that a few
# hundred concurrent downloads do not add up to noticeable memory.
CHUNK_SIZE = 64 * 1024

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


class ClosingChunks(Iterator[bytes]):
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

    def __enter__(self) -> ClosingChunks:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Last resort for callers that drop the iterator without closing it.
        try:
            self.close()
        except Exception:  # never raise from a finaliser
            pass


class Storage(ABC):
    """Where uploaded files live. Keys look like ``dossiers/<dossier id>/<uuid>``."""

    @abstractmethod
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
        object under the key untouched.
        """

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
