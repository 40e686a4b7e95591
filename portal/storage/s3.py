"""Objects in an S3-compatible bucket (production: MinIO) through the ``minio`` SDK."""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, TypeVar

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from urllib3.util import Retry, Timeout

from portal.storage.base import (
    CHUNK_SIZE,
    ClosingChunks,
    ObjectNotFound,
    StagedUpload,
    Storage,
    StorageError,
    StoredObject,
    TooLarge,
    copy_hashing,
    validate_content_type,
    validate_key,
    validate_prefix,
)
from portal.storage.journal import note_put

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# How long one request to the store may wait (seconds), and how often it is tried again. A
# hung store (accepting connections, never answering) used to hold each upload 90 s (30 s
# read timeout x 3 attempts); now a request gives up after at most
# (1 + RETRIES) x (connect + read) seconds and the page says so (issue 10, item 9).
# STORAGE_CONNECT_TIMEOUT / STORAGE_READ_TIMEOUT change the timeouts (docs/OPERATIONS.md).
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
RETRIES = 1

# Multipart part size. Each part is read into memory by the SDK before it is sent, so
# this (times one, see num_parallel_uploads below) bounds the memory of an upload.
PART_SIZE = 10 * 1024 * 1024

# Uploads up to this size are spooled in memory, larger ones to a temporary file.
SPOOL_MEMORY = 8 * 1024 * 1024

# User metadata travels as the x-amz-meta-sha256 header.
_SHA256_META = "sha256"
_SHA256_HEADER = "x-amz-meta-sha256"

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "NoSuchObject"})
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

# The range S3 accepts for presigned URLs.
_MIN_EXPIRY = timedelta(seconds=1)
_MAX_EXPIRY = timedelta(days=7)


def default_http_client(connect_timeout: float = CONNECT_TIMEOUT,
                        read_timeout: float = READ_TIMEOUT,
                        retries: int = RETRIES) -> urllib3.PoolManager:
    """A pool that gives up quickly.

    The SDK's own default retries five times with long timeouts, so a stopped MinIO
    would hang an upload request (and the health check) for minutes. Here "storage
    down" is reported within seconds and the page can say so. The read timeout bounds
    every wait for the server (its answer, and each send of a part), not the whole
    transfer, so large uploads to a healthy server are not cut off.
    """
    return urllib3.PoolManager(
        timeout=Timeout(connect=connect_timeout, read=read_timeout),
        retries=Retry(total=retries, backoff_factor=0.2),
        maxsize=10,  # gunicorn threads share one client; avoid discarding connections
    )


class S3Storage(Storage):
    def __init__(
        self,
        endpoint: str,
        bucket: str,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        secure: bool = True,
        region: str | None = "us-east-1",
        http_client: urllib3.PoolManager | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        if not _BUCKET_RE.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"invalid bucket name: {bucket!r}")
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("storage timeouts must be positive")
        self.endpoint = endpoint
        self.bucket = bucket
        self.secure = secure

        def client(pool: urllib3.PoolManager) -> Minio:
            # A known region matters: without it the SDK asks the server for the bucket's
            # location first, which would make presigned_url do network I/O.
            return Minio(endpoint, access_key=access_key, secret_key=secret_key,
                         secure=secure, region=region, http_client=pool)

        self._client = client(http_client or default_http_client(connect_timeout,
                                                                 read_timeout))
        # The readiness check asks once, without a retry: it must answer within one
        # timeout, and a load balancer asks again anyway.
        self._probe = client(default_http_client(connect_timeout, read_timeout, retries=0))
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    def __repr__(self) -> str:
        # Never include the credentials: this ends up in logs and error pages.
        scheme = "https" if self.secure else "http"
        return f"S3Storage({scheme}://{self.endpoint}/{self.bucket})"

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str, key: str | None = None) -> Iterator[None]:
        """Turn SDK and network exceptions into StorageError / ObjectNotFound."""
        where = f"{self.bucket}/{key}" if key else self.bucket
        try:
            yield
        except S3Error as exc:
            if key is not None and exc.code in _NOT_FOUND_CODES:
                raise ObjectNotFound(f"no object {key!r}") from exc
            raise StorageError(f"S3 {action} {where} failed: {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            # MaxRetryError (connection refused, timeouts) is a urllib3 HTTPError.
            raise StorageError(f"S3 {action} {where} failed: {exc}") from exc

    def _ensure_bucket(self, *, force: bool = False) -> None:
        # The bucket is created at first use, not in __init__, so building the app (and
        # running CLI commands or tests that never touch files) needs no S3 server.
        if self._bucket_ready and not force:
            return
        with self._bucket_lock:
            if self._bucket_ready and not force:
                return
            with self._errors("bucket check"):
                if not self._client.bucket_exists(self.bucket):
                    try:
                        self._client.make_bucket(self.bucket)
                    except S3Error as exc:
                        # Another worker created it between our check and our create.
                        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                            raise
            self._bucket_ready = True

    def _run(self, action: str, key: str | None, call: Callable[[], _T]) -> _T:
        """One SDK call, with SDK errors turned into StorageError. If the bucket vanished
        while the portal runs (deleted by hand, a storage reset), the cached "bucket
        ready" would otherwise fail every upload until a restart: create it again and
        try the call once more (issue 10, item 9)."""
        self._ensure_bucket()
        try:
            with self._errors(action, key):
                return call()
        except StorageError as exc:
            if not _bucket_vanished(exc):
                raise
        log.error("S3 bucket %s has vanished; creating it again (objects in it are lost, "
                  "check the backups)", self.bucket)
        self._ensure_bucket(force=True)
        with self._errors(action, key):
            return call()

    # -- writing -------------------------------------------------------------------------

    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        content_type: str = "application/octet-stream",
        max_size: int | None = None,
    ) -> StoredObject:
        validate_key(key)
        validate_content_type(content_type)
        note_put(self, key)
        if isinstance(stream, StagedUpload) and stream.is_whole():
            # Already counted and hashed while it arrived, in a seekable file: upload it
            # as it is, without the spool below (one copy fewer).
            if max_size is not None and stream.size > max_size:
                raise TooLarge(max_size)
            return self._upload(key, stream, stream.size, stream.sha256, content_type)  # type: ignore[arg-type]
        # The SHA-256 has to be sent as metadata *with* the upload, but with a streamed
        # upload of unknown length (length=-1) it is only known afterwards. So the stream
        # is first copied into a SpooledTemporaryFile — hashing, counting and enforcing
        # max_size on the way — then uploaded with a known length. Memory stays bounded:
        # at most SPOOL_MEMORY in the spool (beyond it the spool moves to a temp file,
        # under $TMPDIR) plus one PART_SIZE buffer in the SDK. Bonus: TooLarge is raised
        # before any byte reaches S3, so a refused upload leaves nothing behind.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
            size, digest = copy_hashing(stream, spool, max_size)
            spool.seek(0)
            return self._upload(key, spool, size, digest, content_type)  # type: ignore[arg-type]

    def _upload(
        self, key: str, data: BinaryIO, size: int, digest: str, content_type: str
    ) -> StoredObject:
        def put_object() -> None:
            data.seek(0)  # a retry after a vanished bucket sends the data again
            self._client.put_object(
                self.bucket,
                key,
                data,
                length=size,
                content_type=content_type,
                metadata={_SHA256_META: digest},
                part_size=PART_SIZE,
                # Parallel parts would each hold a PART_SIZE buffer; uploads are
                # already concurrent across requests, so one part at a time.
                num_parallel_uploads=1,
            )

        self._run("put", key, put_object)
        return StoredObject(key=key, size=size, sha256=digest, content_type=content_type)

    def delete(self, key: str) -> None:
        validate_key(key)
        # S3 DELETE of a missing key succeeds, which makes this idempotent for free.
        self._run("delete", key, lambda: self._client.remove_object(self.bucket, key))

    # -- reading -------------------------------------------------------------------------

    def open(self, key: str) -> Iterator[bytes]:
        validate_key(key)
        # get_object runs now, so ObjectNotFound is raised by open() itself and not
        # later in the middle of a response that has already started.
        response = self._run("get", key, lambda: self._client.get_object(self.bucket, key))

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.stream(CHUNK_SIZE)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise StorageError(f"S3 read {self.bucket}/{key} failed: {exc}") from exc

        def release() -> None:
            # Return the connection to the pool even if the body was not fully read.
            try:
                response.close()
            finally:
                response.release_conn()

        return ClosingChunks(chunks(), release)

    def stat(self, key: str) -> StoredObject | None:
        validate_key(key)
        try:
            obj = self._run("stat", key, lambda: self._client.stat_object(self.bucket, key))
        except ObjectNotFound:
            return None
        metadata = obj.metadata or {}
        # metadata is the response's HTTPHeaderDict (case-insensitive); objects written
        # by other tools have no checksum, hence "".
        sha256 = metadata.get(_SHA256_HEADER) or ""
        return StoredObject(
            key=key,
            size=obj.size or 0,
            sha256=str(sha256),
            content_type=obj.content_type or "application/octet-stream",
        )

    def list(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        validate_prefix(prefix)
        self._ensure_bucket()
        try:
            with self._errors("list"):
                objects = self._client.list_objects(
                    self.bucket, prefix=prefix or None, recursive=True
                )
                for obj in objects:
                    if obj.object_name is None or obj.is_dir:
                        continue
                    modified = obj.last_modified or datetime.now(UTC)
                    if modified.tzinfo is None:
                        modified = modified.replace(tzinfo=UTC)
                    yield obj.object_name, modified.astimezone(UTC)
        except StorageError as exc:
            if not _bucket_vanished(exc):
                raise
            # Nothing to list in a bucket that is gone: create it again for the next write.
            self._ensure_bucket(force=True)

    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        validate_key(key)
        if not _MIN_EXPIRY <= expires <= _MAX_EXPIRY:
            raise ValueError("presigned URL expiry must be between 1 second and 7 days")
        # Signing is local computation (the region is configured), no request is made.
        with self._errors("presign", key):
            return self._client.presigned_get_object(self.bucket, key, expires=expires)

    def check(self) -> None:
        # One cheap request, asked every time (never the cached "bucket ready"), once: the
        # readiness check must answer within one timeout. A missing bucket is no failure:
        # the next write creates it.
        with self._errors("bucket check"):
            self._probe.bucket_exists(self.bucket)

    def remove_incomplete(self, before: datetime) -> int:
        """Abort multipart uploads started before ``before`` and never completed (a worker
        killed mid-upload): their parts take space but are no object. The ``minio`` SDK
        has no public call for this; its ``_list_multipart_uploads`` and
        ``_abort_multipart_upload`` are the S3 API calls themselves (stable in 7.x)."""
        self._ensure_bucket()
        removed = 0
        key_marker = upload_marker = None
        while True:
            with self._errors("list multipart uploads"):
                page = self._client._list_multipart_uploads(
                    self.bucket, key_marker=key_marker, upload_id_marker=upload_marker)
            for upload in page.uploads:
                started = upload.initiated_time
                if upload.upload_id is None or started is None:
                    continue
                if started.tzinfo is None:
                    started = started.replace(tzinfo=UTC)
                if started < before:
                    with self._errors("abort multipart upload", upload.object_name):
                        self._client._abort_multipart_upload(
                            self.bucket, upload.object_name, upload.upload_id)
                    removed += 1
            if not page.is_truncated or not page.next_key_marker:
                return removed
            # minio 7.2 stores NextUploadIdMarker under a misspelt attribute name.
            key_marker = page.next_key_marker
            upload_marker = (page.next_upload_id_marker
                             or getattr(page, "self._next_upload_id_marker", None))


def _bucket_vanished(error: StorageError) -> bool:
    cause = error.__cause__
    return isinstance(cause, S3Error) and cause.code == "NoSuchBucket"
