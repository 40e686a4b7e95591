"""LocalStorage against a temporary directory, and storage URL parsing."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sample_files import GeneratedStream

from portal.storage import (
    CHUNK_SIZE,
    LocalStorage,
    ObjectNotFound,
    S3Storage,
    StorageError,
    TooLarge,
    storage_from_url,
)

MiB = 1024 * 1024


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_round_trip(storage: LocalStorage) -> None:
    body = "Giấy khai sinh — bản sao".encode() * 1000
    stored = storage.put("dossiers/7/abc", io.BytesIO(body), content_type="application/pdf")
    assert stored.key == "dossiers/7/abc"
    assert stored.size == len(body)
    assert stored.sha256 == hashlib.sha256(body).hexdigest()
    assert stored.content_type == "application/pdf"
    assert b"".join(storage.open("dossiers/7/abc")) == body
    assert storage.exists("dossiers/7/abc")
    stat = storage.stat("dossiers/7/abc")
    assert stat is not None and stat.size == len(body)
    assert stat.sha256 == ""  # the local backend does not keep checksums
    assert (storage.root / "dossiers/7/abc").read_bytes() == body


def test_empty_object(storage: LocalStorage) -> None:
    stored = storage.put("empty", io.BytesIO(b""))
    assert stored.size == 0
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert list(storage.open("empty")) == []


def test_put_replaces_existing(storage: LocalStorage) -> None:
    storage.put("k", io.BytesIO(b"old"))
    storage.put("k", io.BytesIO(b"new"))
    assert b"".join(storage.open("k")) == b"new"


def test_streams_50_mb_in_chunks(storage: LocalStorage) -> None:
    total = 50 * MiB
    stream = GeneratedStream(total)
    stored = storage.put("big/file", stream, max_size=total)  # exactly at the limit is fine
    assert stored.size == total
    assert stored.sha256 == stream.expected.hexdigest()
    assert 0 < stream.largest_read <= MiB
    read_back = hashlib.sha256()
    count = 0
    for chunk in storage.open("big/file"):
        assert 0 < len(chunk) <= CHUNK_SIZE
        read_back.update(chunk)
        count += len(chunk)
    assert count == total
    assert read_back.hexdigest() == stored.sha256


def test_too_large_leaves_nothing(storage: LocalStorage) -> None:
    stream = GeneratedStream(5 * MiB)
    with pytest.raises(TooLarge) as excinfo:
        storage.put("dossiers/1/big", stream, max_size=MiB)
    assert excinfo.value.limit == MiB
    assert isinstance(excinfo.value, StorageError)
    assert not storage.exists("dossiers/1/big")
    # Neither the object nor a temporary file is left on disk.
    assert all_files(storage.root) == []
    # It stopped reading soon after the limit instead of consuming the whole stream.
    assert stream.read(1) != b""


def test_too_large_keeps_previous_object(storage: LocalStorage) -> None:
    storage.put("k", io.BytesIO(b"original"))
    with pytest.raises(TooLarge):
        storage.put("k", io.BytesIO(b"x" * 100), max_size=10)
    assert b"".join(storage.open("k")) == b"original"
    assert all_files(storage.root) == ["k"]


def test_failing_source_leaves_no_temp_file(storage: LocalStorage) -> None:
    class Broken(io.RawIOBase):
        calls = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise ConnectionResetError("client went away")
            return b"x" * size

    with pytest.raises(ConnectionResetError):
        storage.put("dossiers/2/f", Broken())
    assert all_files(storage.root) == []


def test_delete_is_idempotent_and_prunes_dirs(storage: LocalStorage) -> None:
    storage.put("dossiers/3/a", io.BytesIO(b"a"))
    storage.put("dossiers/4/b", io.BytesIO(b"b"))
    storage.delete("dossiers/3/a")
    storage.delete("dossiers/3/a")
    storage.delete("never/was/here")
    assert not storage.exists("dossiers/3/a")
    assert not (storage.root / "dossiers/3").exists()
    assert storage.exists("dossiers/4/b")
    storage.put("dossiers/3/c", io.BytesIO(b"c"))  # the pruned directory comes back
    assert storage.exists("dossiers/3/c")


def test_missing_key(storage: LocalStorage) -> None:
    with pytest.raises(ObjectNotFound):
        storage.open("dossiers/9/missing")
    assert storage.stat("dossiers/9/missing") is None
    assert not storage.exists("dossiers/9/missing")
    storage.put("dossiers/9/file", io.BytesIO(b"x"))
    with pytest.raises(ObjectNotFound):
        storage.open("dossiers/9")  # a directory is not an object
    with pytest.raises(ObjectNotFound):
        storage.open("dossiers/9/file/below")  # a file is not a directory
    assert storage.stat("dossiers/9") is None


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "dossiers/1/tên",
        "with space",
        "semi;colon",
        "tilde~",
        "a" * 1025,
    ],
)
def test_invalid_keys_are_refused(storage: LocalStorage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.put(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        storage.open(key)
    with pytest.raises(ValueError):
        storage.stat(key)
    with pytest.raises(ValueError):
        storage.delete(key)
    assert not storage.root.exists() or all_files(storage.root) == []


def test_symlink_cannot_escape_root(storage: LocalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    storage.root.mkdir(parents=True)
    (storage.root / "link").symlink_to(outside)
    with pytest.raises(ValueError):
        storage.put("link/evil", io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        storage.open("link/evil")
    assert list(outside.iterdir()) == []


def test_list_with_prefix(storage: LocalStorage) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    for key in ["dossiers/1/a", "dossiers/1/b", "dossiers/10/c", "dossiers/2/d", "other"]:
        storage.put(key, io.BytesIO(key.encode()))
    # A half-written upload (temp name) must not show up as an object.
    (storage.root / "dossiers/1/.x.123.part~").write_bytes(b"partial")

    everything = dict(storage.list())
    assert sorted(everything) == [
        "dossiers/1/a", "dossiers/1/b", "dossiers/10/c", "dossiers/2/d", "other",
    ]
    for modified in everything.values():
        assert modified.tzinfo is not None and modified.utcoffset() == timedelta(0)
        assert before <= modified <= datetime.now(UTC) + timedelta(seconds=5)

    assert sorted(k for k, _ in storage.list("dossiers/1/")) == ["dossiers/1/a", "dossiers/1/b"]
    assert sorted(k for k, _ in storage.list("dossiers/1")) == [
        "dossiers/1/a", "dossiers/1/b", "dossiers/10/c",
    ]
    assert list(storage.list("nothing/here/")) == []
    with pytest.raises(ValueError):
        list(storage.list("../"))


def test_list_on_missing_root(storage: LocalStorage) -> None:
    assert list(storage.list()) == []


def test_open_can_be_closed_early(storage: LocalStorage) -> None:
    storage.put("k", io.BytesIO(b"x" * (3 * CHUNK_SIZE)))
    chunks = storage.open("k")
    assert len(next(chunks)) == CHUNK_SIZE
    chunks.close()  # type: ignore[attr-defined]  # what a WSGI server does
    chunks.close()  # type: ignore[attr-defined]
    storage.delete("k")
    assert not storage.exists("k")


def test_presigned_url_is_none(storage: LocalStorage) -> None:
    assert storage.presigned_url("k", timedelta(minutes=5)) is None


def test_check(storage: LocalStorage, tmp_path: Path) -> None:
    storage.check()
    assert storage.root.is_dir()
    assert all_files(storage.root) == []  # the probe file is removed
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    with pytest.raises(StorageError):
        LocalStorage(blocked).check()
    with pytest.raises(StorageError):
        LocalStorage(blocked).put("k", io.BytesIO(b"x"))


def test_construction_does_no_io(tmp_path: Path) -> None:
    LocalStorage(tmp_path / "not" / "yet")
    assert not (tmp_path / "not").exists()


# -- storage_from_url --------------------------------------------------------------------


def test_file_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = storage_from_url(f"file://{tmp_path}/up")
    assert isinstance(absolute, LocalStorage) and absolute.root == tmp_path / "up"
    relative = storage_from_url("file:rel/up")
    assert isinstance(relative, LocalStorage) and relative.root == tmp_path / "rel/up"
    plain = storage_from_url("plain")
    assert isinstance(plain, LocalStorage) and plain.root == tmp_path / "plain"
    spaced = storage_from_url("file:///srv/t%C3%AAn%20x")
    assert isinstance(spaced, LocalStorage) and spaced.root == Path("/srv/tên x")


def test_s3_url_builds_without_network() -> None:
    # Port 9 (discard) on loopback: if construction touched the network it would fail
    # or hang; it must do neither.
    start = time.monotonic()
    s3 = storage_from_url("s3://AK:s%2Fe%40cret@127.0.0.1:9/tai-lieu?secure=false&region=ap-1")
    assert time.monotonic() - start < 1
    assert isinstance(s3, S3Storage)
    assert s3.bucket == "tai-lieu" and s3.endpoint == "127.0.0.1:9" and not s3.secure
    assert "cret" not in repr(s3)
    assert storage_from_url("s3://h.example:9000/b-1").secure  # TLS by default


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://host/x",
        "file://remote-host/x",
        "s3://AK:SK@host:9000/",
        "s3://AK:SK@host:9000/bucket/extra",
        "s3://AK@host:9000/bucket",
        "s3://AK:SK@host:9000/bucket?secur=false",
        "s3://AK:SK@host:9000/bucket?secure=maybe",
        "s3://AK:SK@host:notaport/bucket",
        "s3://AK:SK@host:9000/Bad_Bucket",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(ValueError):
        storage_from_url(url)


def test_module_is_flask_free() -> None:
    import ast

    import portal.storage as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in {"flask", "werkzeug"}, (path.name, name)
