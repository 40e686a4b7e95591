"""S3Storage against a real S3-compatible server process (moto_server).

moto does not verify request signatures: any access key and secret are accepted, so a
"wrong credentials" test cannot be written against it. That path (S3Error AccessDenied
-> StorageError) goes through the same wrapping as every other S3 error tested here.
"""

from __future__ import annotations

import hashlib
import io
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from minio import Minio
from s3_server import HungServer, free_port, storage_url
from sample_files import GeneratedStream

from portal.storage import (
    CHUNK_SIZE,
    ObjectNotFound,
    S3Storage,
    StorageError,
    TooLarge,
    storage_from_url,
)

MiB = 1024 * 1024


# The s3_endpoint fixture (a moto_server process) is in tests/integration/conftest.py.


@pytest.fixture
def bucket() -> str:
    # A fresh bucket per test keeps tests independent on the shared server.
    return f"ho-so-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def s3(s3_endpoint: str, bucket: str) -> S3Storage:
    storage = storage_from_url(storage_url(s3_endpoint, bucket))
    assert isinstance(storage, S3Storage)
    return storage


@pytest.fixture
def raw(s3_endpoint: str) -> Minio:
    """A separate SDK client, to check what actually landed on the server."""
    return Minio(
        urlsplit(s3_endpoint).netloc,
        access_key="test-key",
        secret_key="test-secret",
        secure=False,
        region="us-east-1",
    )


def test_bucket_created_at_first_use(s3: S3Storage, raw: Minio, bucket: str) -> None:
    assert not raw.bucket_exists(bucket)  # construction did no network I/O
    assert not s3.exists("dossiers/1/x")
    assert raw.bucket_exists(bucket)


def test_round_trip(s3: S3Storage, raw: Minio, bucket: str) -> None:
    body = "Tờ khai đăng ký hộ tịch".encode() * 500
    stored = s3.put("dossiers/7/abc", io.BytesIO(body), content_type="application/pdf")
    assert stored.size == len(body)
    assert stored.sha256 == hashlib.sha256(body).hexdigest()
    assert b"".join(s3.open("dossiers/7/abc")) == body
    assert s3.exists("dossiers/7/abc")

    stat = s3.stat("dossiers/7/abc")
    assert stat is not None
    assert stat.size == len(body)
    assert stat.content_type == "application/pdf"
    assert stat.sha256 == stored.sha256  # read back from x-amz-meta-sha256
    head = raw.stat_object(bucket, "dossiers/7/abc")
    assert head.metadata is not None
    assert head.metadata["x-amz-meta-sha256"] == stored.sha256


def test_stat_without_checksum_metadata(s3: S3Storage, raw: Minio, bucket: str) -> None:
    raw.make_bucket(bucket)
    raw.put_object(bucket, "foreign", io.BytesIO(b"abc"), length=3)
    stat = s3.stat("foreign")
    assert stat is not None and stat.size == 3 and stat.sha256 == ""


def test_25_mb_multipart(s3: S3Storage, raw: Minio, bucket: str) -> None:
    total = 25 * MiB
    stream = GeneratedStream(total)
    stored = s3.put("dossiers/8/scan", stream, max_size=total)
    assert stored.size == total
    assert stored.sha256 == stream.expected.hexdigest()
    assert 0 < stream.largest_read <= MiB
    # A multipart upload's ETag ends in "-<number of parts>": 25 MiB / 10 MiB -> 3.
    etag = raw.stat_object(bucket, "dossiers/8/scan").etag
    assert etag is not None and etag.endswith("-3")

    read_back = hashlib.sha256()
    size = 0
    chunks = s3.open("dossiers/8/scan")
    for chunk in chunks:
        assert 0 < len(chunk) <= CHUNK_SIZE
        read_back.update(chunk)
        size += len(chunk)
    assert size == total
    assert read_back.hexdigest() == stored.sha256
    stat = s3.stat("dossiers/8/scan")
    assert stat is not None and stat.sha256 == stored.sha256 and stat.size == total


def test_too_large_leaves_no_object(s3: S3Storage, raw: Minio, bucket: str) -> None:
    with pytest.raises(TooLarge) as excinfo:
        s3.put("dossiers/1/big", GeneratedStream(3 * MiB), max_size=MiB)
    assert excinfo.value.limit == MiB
    assert not s3.exists("dossiers/1/big")
    assert list(s3.list()) == []
    assert list(raw.list_objects(bucket, recursive=True)) == []


def test_too_large_keeps_previous_object(s3: S3Storage) -> None:
    s3.put("k", io.BytesIO(b"original"))
    with pytest.raises(TooLarge):
        s3.put("k", io.BytesIO(b"x" * 100), max_size=10)
    assert b"".join(s3.open("k")) == b"original"


def test_missing_key(s3: S3Storage) -> None:
    with pytest.raises(ObjectNotFound):
        s3.open("dossiers/9/missing")
    assert s3.stat("dossiers/9/missing") is None
    assert not s3.exists("dossiers/9/missing")


def test_delete_is_idempotent(s3: S3Storage) -> None:
    s3.put("dossiers/3/a", io.BytesIO(b"a"))
    s3.delete("dossiers/3/a")
    s3.delete("dossiers/3/a")
    s3.delete("never/was/here")
    assert not s3.exists("dossiers/3/a")


def test_list_with_prefix(s3: S3Storage) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    keys = ["dossiers/1/a", "dossiers/1/b", "dossiers/10/c", "dossiers/2/d", "other"]
    for key in keys:
        s3.put(key, io.BytesIO(key.encode()))
    listed = dict(s3.list())
    assert sorted(listed) == keys
    for modified in listed.values():
        assert modified.utcoffset() == timedelta(0)
        assert before <= modified <= datetime.now(UTC) + timedelta(minutes=1)
    assert [k for k, _ in s3.list("dossiers/1/")] == ["dossiers/1/a", "dossiers/1/b"]
    assert [k for k, _ in s3.list("dossiers/1")] == [
        "dossiers/1/a", "dossiers/1/b", "dossiers/10/c",
    ]
    assert list(s3.list("nothing/")) == []


def test_presigned_url_is_fetchable(s3: S3Storage) -> None:
    body = b"%PDF-1.7 fake receipt"
    s3.put("dossiers/5/receipt", io.BytesIO(body), content_type="application/pdf")
    url = s3.presigned_url("dossiers/5/receipt", timedelta(minutes=5))
    assert url is not None and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.read() == body
    with pytest.raises(ValueError):
        s3.presigned_url("dossiers/5/receipt", timedelta(days=8))


def test_open_can_be_closed_early(s3: S3Storage) -> None:
    s3.put("k", io.BytesIO(b"x" * (4 * CHUNK_SIZE)))
    chunks = s3.open("k")
    assert len(next(chunks)) > 0
    chunks.close()  # type: ignore[attr-defined]  # what a WSGI server does
    # The connection went back to the pool in a usable state.
    assert b"".join(s3.open("k")) == b"x" * (4 * CHUNK_SIZE)


def test_invalid_key_is_refused(s3: S3Storage) -> None:
    for key in ["../x", "/abs", "a\\b", "a//b"]:
        with pytest.raises(ValueError):
            s3.put(key, io.BytesIO(b"x"))


def test_check_passes(s3: S3Storage) -> None:
    s3.check()
    s3.check()


@pytest.fixture
def down() -> S3Storage:
    """Storage pointed at a loopback port with nothing listening."""
    storage = storage_from_url(storage_url(f"http://127.0.0.1:{free_port()}", "ho-so"))
    assert isinstance(storage, S3Storage)
    return storage


def test_storage_down_put_fails_fast(down: S3Storage) -> None:
    start = time.monotonic()
    with pytest.raises(StorageError):
        down.put("dossiers/1/x", io.BytesIO(b"data"))
    assert time.monotonic() - start < 10


def test_storage_down_check_fails_fast(down: S3Storage) -> None:
    start = time.monotonic()
    with pytest.raises(StorageError):
        down.check()
    with pytest.raises(StorageError):
        down.stat("dossiers/1/x")
    with pytest.raises(StorageError):
        list(down.list())
    assert time.monotonic() - start < 10


# --- a hung store, a vanished bucket, incomplete uploads (issue 10, item 9) -----------------

def test_a_hung_store_fails_within_the_timeouts_after_one_retry() -> None:
    """A server that accepts and never answers: each call gives up after its read timeout,
    tried twice (one retry), instead of 3 x 30 s; the readiness probe asks once."""
    with HungServer() as hung:
        url = storage_url(hung.endpoint, "ho-so")
        storage = storage_from_url(url, connect_timeout=1, read_timeout=0.3)
        with pytest.raises(StorageError):
            storage.put("dossiers/1/x", io.BytesIO(b"%PDF-1.7 late"))
        assert hung.accepted == 2
        with pytest.raises(StorageError):
            storage.check()
        assert hung.accepted == 3


def test_timeouts_are_validated() -> None:
    with pytest.raises(ValueError):
        storage_from_url("s3://k:s@127.0.0.1:9/ho-so", read_timeout=0)


def test_a_vanished_bucket_is_created_again(s3: S3Storage, raw: Minio, bucket: str) -> None:
    s3.put("dossiers/1/a", io.BytesIO(b"first"))
    raw.remove_object(bucket, "dossiers/1/a")
    raw.remove_bucket(bucket)  # deleted by hand while the portal runs
    stored = s3.put("dossiers/1/b", io.BytesIO(b"second"))
    assert raw.bucket_exists(bucket) and stored.size == len(b"second")
    assert b"".join(s3.open("dossiers/1/b")) == b"second"
    raw.remove_object(bucket, "dossiers/1/b")
    raw.remove_bucket(bucket)
    assert list(s3.list()) == []  # nothing to list; the bucket is back for the next write
    assert raw.bucket_exists(bucket)
    raw.remove_bucket(bucket)
    s3.check()  # a missing bucket is no readiness failure: the next write creates it
    with pytest.raises(ObjectNotFound):
        s3.open("dossiers/1/b")


_KILLED_MID_UPLOAD = """
import os, signal, sys
from portal.storage import storage_from_url

class Dying:
    # 12 MiB: the first 10 MiB part goes up, the process is killed reading the second.
    def __init__(self):
        self.sent = 0
    def read(self, size=-1):
        if self.sent >= 10 * 1024 * 1024:
            os.kill(os.getpid(), signal.SIGKILL)
        chunk = b"x" * min(size, 10 * 1024 * 1024 - self.sent)
        self.sent += len(chunk)
        return chunk
    def seek(self, *args):
        return 0

storage = storage_from_url(sys.argv[1])
storage._upload("dossiers/1/killed", Dying(), 12 * 1024 * 1024, "0" * 64,
                "application/pdf")
"""


def test_the_sweep_aborts_multipart_uploads_of_a_killed_process(s3_endpoint: str, raw: Minio,
                                                                bucket: str) -> None:
    """kill -9 in the middle of a multipart upload leaves it incomplete on the server
    (its parts take space, no object shows): remove_incomplete aborts it once it is older
    than the grace period, not before. (moto reports every multipart upload as started on
    2010-11-10, so the grace period is checked against a cutoff before that date.)"""
    url = storage_url(s3_endpoint, bucket)
    done = subprocess.run([sys.executable, "-c", _KILLED_MID_UPLOAD, url], timeout=120)
    assert done.returncode == -signal.SIGKILL
    uploads = raw._list_multipart_uploads(bucket).uploads
    assert [u.object_name for u in uploads] == ["dossiers/1/killed"]
    s3 = storage_from_url(url)
    assert s3.remove_incomplete(datetime(2010, 1, 1, tzinfo=UTC)) == 0
    assert len(raw._list_multipart_uploads(bucket).uploads) == 1
    assert s3.remove_incomplete(datetime.now(UTC) - timedelta(hours=24)) == 1
    assert raw._list_multipart_uploads(bucket).uploads == []
    assert list(s3.list()) == []
