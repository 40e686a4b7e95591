"""Staged uploads (Storage.stage): written once while they arrive, then adopted by put().

LocalStorage stages inside its root and renames the file into place (no second copy); the
default (used by S3Storage) spools. Every path that does not end in put() leaves nothing."""

from __future__ import annotations

import errno
import gc
import hashlib
import io
import os
from pathlib import Path

import pytest

from portal.storage import (
    LocalStorage,
    S3Storage,
    StagedUpload,
    StorageError,
    TooLarge,
)
from portal.storage.base import STAGE_MEMORY

CHUNK = 64 * 1024
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 1000


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def _staged(storage, data: bytes, *, max_size: int | None = None) -> StagedUpload:
    """What werkzeug's multipart parser does with a file part: write chunks, then seek(0)."""
    staged = storage.stage(max_size=max_size)
    for start in range(0, len(data), CHUNK):
        staged.write(data[start:start + CHUNK])
    staged.seek(0)
    return staged


def _temp_files(storage: LocalStorage) -> list[Path]:
    return sorted(storage.root.rglob("*~")) if storage.root.exists() else []


# -- LocalStorage: adoption ----------------------------------------------------------------


def test_staged_file_lives_in_the_root_and_is_not_an_object(storage: LocalStorage) -> None:
    staged = _staged(storage, PDF)
    assert staged.path.parent == storage.root and staged.path.name.endswith(".part~")
    assert staged.path.read_bytes() == PDF
    assert list(storage.list()) == []  # never mistaken for an object (nor swept)
    staged.close()


def test_put_adopts_the_staged_file_without_copying(storage: LocalStorage, monkeypatch) -> None:
    staged = _staged(storage, PDF)
    inode = staged.path.stat().st_ino

    def no_copy(*args, **kwargs):
        raise AssertionError("the staged upload was copied instead of renamed")

    monkeypatch.setattr(storage, "_copy", no_copy)
    stored = storage.put("dossiers/7/abc", staged, content_type="application/pdf")
    assert (stored.size, stored.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert stored.content_type == "application/pdf"
    path = storage.root / "dossiers/7/abc"
    assert path.stat().st_ino == inode  # the very file that received the bytes
    assert path.stat().st_mode & 0o777 == 0o600  # private, like put()
    assert staged.stored and staged.closed and not staged.path.exists()
    staged.close()  # the request's clean-up must not remove the object
    assert b"".join(storage.open("dossiers/7/abc")) == PDF
    assert _temp_files(storage) == []


def test_head_read_then_rewound_is_still_adopted(storage: LocalStorage) -> None:
    """add_file reads the head for the type check, then hands over the rewound upload."""
    from portal.dossiers.files import after_head, read_head

    staged = _staged(storage, PDF)
    head = read_head(staged)
    assert head.startswith(b"%PDF-")
    assert after_head(head, staged) is staged and staged.tell() == 0
    storage.put("dossiers/1/x", staged)
    assert staged.stored
    assert (storage.root / "dossiers/1/x").read_bytes() == PDF


def test_adoption_replaces_an_existing_object(storage: LocalStorage) -> None:
    storage.put("a/b", io.BytesIO(b"old"))
    with _staged(storage, b"new") as staged:
        storage.put("a/b", staged)
    assert (storage.root / "a/b").read_bytes() == b"new"


def test_staged_upload_over_put_max_size_is_refused(storage: LocalStorage) -> None:
    """The dossier's remaining room is only known in put(): nothing is stored past it."""
    storage.put("a/b", io.BytesIO(b"previous"))
    staged = _staged(storage, PDF)
    with pytest.raises(TooLarge):
        storage.put("a/b", staged, max_size=len(PDF) - 1)
    assert (storage.root / "a/b").read_bytes() == b"previous"
    assert not staged.stored and staged.path.exists()  # still the caller's to close...
    staged.close()
    assert _temp_files(storage) == []  # ...and then gone


def test_not_rewound_or_foreign_staged_uploads_are_copied(storage: LocalStorage,
                                                          tmp_path: Path) -> None:
    staged = _staged(storage, b"0123456789")
    staged.read(4)  # put() stores the stream from where it stands, like any stream
    stored = storage.put("part", staged)
    assert (stored.size, (storage.root / "part").read_bytes()) == (6, b"456789")
    assert not staged.stored
    staged.close()

    other = LocalStorage(tmp_path / "other")  # another store cannot adopt our file
    staged = _staged(storage, PDF)
    other.put("copy", staged)
    assert (other.root / "copy").read_bytes() == PDF and not staged.stored
    staged.close()
    assert _temp_files(storage) == [] and _temp_files(other) == []


def test_rename_across_filesystems_falls_back_to_a_copy(storage: LocalStorage,
                                                        monkeypatch) -> None:
    staged = _staged(storage, PDF)
    real_replace = os.replace

    def replace(src, dst):
        if Path(src) == staged.path:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    stored = storage.put("dossiers/2/y", staged)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (storage.root / "dossiers/2/y").read_bytes() == PDF
    staged.close()
    assert _temp_files(storage) == []


def test_rename_failure_is_a_storage_error_and_leaves_nothing(storage: LocalStorage,
                                                              monkeypatch) -> None:
    staged = _staged(storage, PDF)

    def replace(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(StorageError):
        storage.put("dossiers/3/z", staged)
    monkeypatch.undo()
    staged.close()
    assert list(storage.list()) == [] and _temp_files(storage) == []


# -- limits and clean-up -------------------------------------------------------------------


def test_limit_is_enforced_while_the_bytes_arrive(storage: LocalStorage) -> None:
    limit = 3 * CHUNK
    staged = storage.stage(max_size=limit)
    for _ in range(3):
        staged.write(b"x" * CHUNK)
    assert staged.path.stat().st_size == limit and not staged.too_large
    staged.write(b"x")  # one byte too many: what was written goes at once
    assert staged.too_large and staged.size == 0
    assert staged.path.stat().st_size == 0
    for _ in range(10):  # the rest of the part is dropped, not written
        assert staged.write(b"y" * CHUNK) == CHUNK
    assert staged.path.stat().st_size == 0
    staged.seek(0)  # werkzeug rewinds every part: that must not fail
    with pytest.raises(TooLarge) as refused:
        staged.read(10)
    assert refused.value.limit == limit
    with pytest.raises(TooLarge):
        storage.put("too/big", staged)
    staged.close()
    assert list(storage.list()) == [] and _temp_files(storage) == []


def test_exactly_the_limit_is_accepted(storage: LocalStorage) -> None:
    staged = _staged(storage, PDF, max_size=len(PDF))
    assert not staged.too_large
    assert storage.put("exact", staged, max_size=len(PDF)).size == len(PDF)


def test_close_without_put_removes_the_file(storage: LocalStorage) -> None:
    staged = _staged(storage, PDF)
    path = staged.path
    staged.close()
    staged.close()  # idempotent
    assert staged.closed and not path.exists()
    with pytest.raises(ValueError):
        staged.read()


def test_a_dropped_staged_upload_is_removed_by_the_finaliser(storage: LocalStorage) -> None:
    staged = storage.stage()
    staged.write(b"half an upload")
    path = staged.path
    del staged
    gc.collect()
    assert not path.exists()


def test_write_after_reading_is_refused(storage: LocalStorage) -> None:
    with _staged(storage, PDF) as staged:
        with pytest.raises(ValueError, match="after it has been read"):
            staged.write(b"more")


def test_write_failure_is_a_storage_error(storage: LocalStorage, monkeypatch) -> None:
    staged = storage.stage()

    class FullDisk:
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    real = staged._file
    monkeypatch.setattr(staged, "_file", FullDisk())
    with pytest.raises(StorageError, match="No space left"):
        staged.write(b"data")
    monkeypatch.setattr(staged, "_file", real)
    staged.close()
    assert _temp_files(storage) == []


def test_stage_in_an_unusable_root_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"not a directory")
    with pytest.raises(StorageError):
        LocalStorage(tmp_path / "file" / "uploads").stage()


def test_negative_limit_is_a_programming_error(storage: LocalStorage) -> None:
    with pytest.raises(ValueError):
        StagedUpload(io.BytesIO(), max_size=-1)


# -- the default staging (S3Storage and any backend without its own) ------------------------


@pytest.fixture
def s3() -> S3Storage:
    # Staging does no network I/O: the bucket is only touched by put().
    return S3Storage("127.0.0.1:1", "uploads", access_key="a", secret_key="b", secure=False)


def test_default_staging_spools_small_in_memory_large_to_a_file(s3: S3Storage) -> None:
    small = _staged(s3, PDF)
    assert not small._file._rolled  # type: ignore[union-attr]
    assert small.read() == PDF and small.sha256 == hashlib.sha256(PDF).hexdigest()
    small.close()
    data = os.urandom(STAGE_MEMORY + CHUNK)
    large = _staged(s3, data)
    assert large._file._rolled  # type: ignore[union-attr]  # memory stays bounded
    assert large.size == len(data) and large.read() == data
    large.close()
    assert large.closed


def test_default_staging_enforces_the_limit(s3: S3Storage) -> None:
    staged = _staged(s3, PDF, max_size=100)
    assert staged.too_large and staged.size == 0
    with pytest.raises(TooLarge):
        staged.read()
    staged.close()


def test_s3_put_of_a_too_large_staged_upload_sends_nothing(s3: S3Storage, monkeypatch) -> None:
    def no_upload(*args, **kwargs):
        raise AssertionError("nothing may reach S3")

    monkeypatch.setattr(s3, "_upload", no_upload)
    with _staged(s3, PDF) as staged, pytest.raises(TooLarge):
        s3.put("dossiers/1/a", staged, max_size=len(PDF) - 1)
    with _staged(s3, PDF, max_size=10) as staged, pytest.raises(TooLarge):
        s3.put("dossiers/1/a", staged)


def test_s3_put_of_a_staged_upload_skips_the_spool(s3: S3Storage, monkeypatch) -> None:
    sent = {}

    def upload(key, data, size, digest, content_type):
        sent.update(key=key, body=data.read(), size=size, digest=digest)
        from portal.storage import StoredObject

        return StoredObject(key, size, digest, content_type)

    monkeypatch.setattr(s3, "_upload", upload)
    with _staged(s3, PDF) as staged:
        stored = s3.put("dossiers/1/a", staged, content_type="application/pdf")
    assert sent == {"key": "dossiers/1/a", "body": PDF, "size": len(PDF),
                    "digest": hashlib.sha256(PDF).hexdigest()}
    assert stored.sha256 == sent["digest"]
