"""Storage for uploaded files: one interface, a local-disk and an S3 backend.

Choose the backend with ``storage_from_url(config.storage_url)``:

- ``file:///srv/portal/uploads``, ``file:uploads`` or a plain path -> LocalStorage
- ``s3://ACCESS:SECRET@minio.internal:9000/bucket?secure=false&region=us-east-1`` -> S3Storage

Nothing here imports Flask: the module is usable from CLI jobs and the Huey consumer.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from portal.storage.base import (
    CHUNK_SIZE,
    ClosingChunks,
    ObjectNotFound,
    StagedUpload,
    Storage,
    StorageError,
    StoredObject,
    TooLarge,
    validate_key,
)
from portal.storage.local import LocalStorage
from portal.storage.s3 import CONNECT_TIMEOUT, READ_TIMEOUT, S3Storage

__all__ = [
    "CHUNK_SIZE",
    "ClosingChunks",
    "LocalStorage",
    "ObjectNotFound",
    "S3Storage",
    "StagedUpload",
    "Storage",
    "StorageError",
    "StoredObject",
    "TooLarge",
    "storage_from_url",
    "validate_key",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def storage_from_url(url: str, *, connect_timeout: float = CONNECT_TIMEOUT,
                     read_timeout: float = READ_TIMEOUT) -> Storage:
    """Build the backend a storage URL names. Does no I/O (no directory, no connection).

    The timeouts (seconds) bound every request to an S3 server; LocalStorage has none."""
    url = url.strip()
    if not url:
        raise ValueError("empty storage URL")
    if url.startswith("s3://"):
        return _s3_from_url(url, connect_timeout, read_timeout)
    if url.startswith("file:"):
        rest = url[len("file:") :]
        if rest.startswith("//"):
            # file://host/path: only an empty host (or localhost) means this machine.
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise ValueError(f"file URL must not name a remote host: {url!r}")
            rest = parts.path
        path = unquote(rest)
        if not path:
            raise ValueError(f"file URL without a path: {url!r}")
        return LocalStorage(path)
    if "://" in url:
        raise ValueError(f"unsupported storage URL scheme: {url.split('://', 1)[0]!r}")
    return LocalStorage(url)


def _s3_from_url(url: str, connect_timeout: float, read_timeout: float) -> S3Storage:
    parts = urlsplit(url)
    # rpartition, not urlsplit's username/password: a raw "@" in the secret still works.
    # "/", "?" and "#" in credentials must be percent-encoded; they are decoded below.
    userinfo, _, hostport = parts.netloc.rpartition("@")
    if not hostport:
        raise ValueError("S3 storage URL needs a host: s3://ACCESS:SECRET@host:port/bucket")
    access_key: str | None = None
    secret_key: str | None = None
    if userinfo:
        user, sep, password = userinfo.partition(":")
        if not sep or not user or not password:
            raise ValueError("S3 storage URL credentials must be ACCESS:SECRET")
        access_key, secret_key = unquote(user), unquote(password)
    _ = parts.port  # raises ValueError on a malformed port, before minio sees it

    bucket = parts.path.strip("/")
    if not bucket or "/" in bucket:
        raise ValueError("S3 storage URL path must be exactly one bucket name")

    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = set(query) - {"secure", "region"}
    if unknown:
        # A typo such as "?secur=false" would otherwise silently switch on TLS.
        raise ValueError(f"unknown S3 storage URL parameters: {', '.join(sorted(unknown))}")
    secure = True  # TLS unless told otherwise: credentials travel with every request
    if "secure" in query:
        value = query["secure"][-1].strip().lower()
        if value in _TRUE:
            secure = True
        elif value in _FALSE:
            secure = False
        else:
            raise ValueError(f"secure must be true or false, not {value!r}")
    region = query["region"][-1] if "region" in query and query["region"][-1] else "us-east-1"
    return S3Storage(
        hostport,
        bucket,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=region,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
    )
