"""Dossier files in S3Storage on a real S3-compatible server process (moto_server):
object first, row second; nothing left behind by a refusal, a deleted draft, a failed
commit or an orphan the sweep finds; a storage outage is a Vietnamese refusal."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta

import factories
import pytest
from s3_server import free_port, storage_url
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.dossiers import operations as ops
from portal.dossiers.cli import sweep_orphans
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import DossierFile
from portal.extensions import db
from portal.storage import S3Storage, storage_from_url

MiB = 1024 * 1024
LIMITS = UploadLimits(max_file=40 * MiB, max_dossier=100 * MiB)
PDF = b"%PDF-1.7\n" + b"x" * 1000


class GeneratedPdf:
    """A PDF-looking stream of ``size`` bytes made on the fly, never held whole in memory."""

    def __init__(self, size: int):
        self.remaining = size
        self.sha256 = hashlib.sha256()
        self._first = True

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        if self._first and size:
            self._first = False
            chunk = (b"%PDF-1.7\n" + b"\x00" * size)[:size]
        else:
            chunk = bytes([self.remaining % 251]) * size
        self.remaining -= len(chunk)
        self.sha256.update(chunk)
        return chunk


@pytest.fixture
def s3(s3_endpoint) -> S3Storage:
    storage = storage_from_url(storage_url(s3_endpoint, f"dossiers-{uuid.uuid4().hex[:8]}"))
    assert isinstance(storage, S3Storage)
    return storage


def _draft():
    version = factories.published_procedure(factories.agency())
    user = factories.citizen()
    return ops.start_dossier(version, user), user, version.documents[0].id


def _keys(storage, dossier_id: int) -> list[str]:
    return [key for key, _ in storage.list(f"dossiers/{dossier_id}/")]


def test_add_and_remove_file(db_session, s3):
    dossier, user, requirement = _draft()
    item = ops.add_file(dossier, requirement, io.BytesIO(PDF), "Đơn.pdf", user, s3, LIMITS)
    db.session.commit()
    assert b"".join(s3.open(item.storage_key)) == PDF
    stat = s3.stat(item.storage_key)
    assert (stat.size, stat.sha256, stat.content_type) == (
        len(PDF), hashlib.sha256(PDF).hexdigest(), "application/pdf")
    assert item.sha256 == stat.sha256
    key = ops.remove_file(dossier, item.id)
    db.session.commit()
    assert ops.discard_objects(s3, [key]) == []
    assert _keys(s3, dossier.id) == []


def test_a_30_mb_file_is_streamed_in(db_session, s3):
    dossier, user, requirement = _draft()
    stream = GeneratedPdf(30 * MiB)
    item = ops.add_file(dossier, requirement, stream, "ban-ve.pdf", user, s3, LIMITS)
    db.session.commit()
    assert item.size == 30 * MiB and item.sha256 == stream.sha256.hexdigest()
    assert s3.stat(item.storage_key).size == 30 * MiB


def test_too_large_leaves_no_object(db_session, s3):
    dossier, user, requirement = _draft()
    small = UploadLimits(max_file=1 * MiB, max_dossier=100 * MiB)
    with pytest.raises(ops.DossierError, match="vượt quá dung lượng tối đa 1 MB") as refused:
        ops.add_file(dossier, requirement, GeneratedPdf(2 * MiB), "lon.pdf", user, s3, small)
    assert refused.value.field == f"req-{requirement}"
    assert _keys(s3, dossier.id) == [] and dossier.files == []


def test_storage_down_is_a_vietnamese_refusal(db_session, s3):
    dossier, user, requirement = _draft()
    down = storage_from_url(storage_url(f"http://127.0.0.1:{free_port()}", s3.bucket))
    with pytest.raises(ops.DossierError) as refused:
        ops.add_file(dossier, requirement, io.BytesIO(PDF), "don.pdf", user, down, LIMITS)
    assert str(refused.value).startswith("Kho lưu trữ tạm thời không phản hồi")
    assert refused.value.field == f"req-{requirement}"
    assert dossier.files == []


def test_delete_draft_deletes_its_objects(db_session, s3):
    dossier, user, requirement = _draft()
    for name in ("a.pdf", "b.pdf"):
        ops.add_file(dossier, requirement, io.BytesIO(PDF), name, user, s3, LIMITS)
    db.session.commit()
    dossier_id = dossier.id
    assert len(_keys(s3, dossier_id)) == 2
    keys = ops.delete_draft(dossier)
    db.session.commit()
    assert ops.discard_objects(s3, keys) == []
    assert _keys(s3, dossier_id) == []


def test_a_failed_commit_then_discard_leaves_no_orphan(db_session, s3):
    dossier, user, requirement = _draft()
    db.session.commit()
    item = ops.add_file(dossier, requirement, io.BytesIO(PDF), "don.pdf", user, s3, LIMITS)
    key = item.storage_key
    # Something else in the same transaction breaks the commit (here: a duplicate key).
    db.session.add(DossierFile(dossier_id=dossier.id, storage_key=key, original_name="x",
                               content_type="application/pdf", size=1, sha256="0" * 64))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert s3.exists(key)  # written first, as designed...
    assert ops.discard_objects(s3, [key]) == []
    assert not s3.exists(key)  # ...and gone once the caller discards it
    assert db.session.scalar(select(func.count(DossierFile.id))) == 0


def test_sweep_removes_orphans_only(db_session, s3):
    dossier, user, requirement = _draft()
    item = ops.add_file(dossier, requirement, io.BytesIO(PDF), "don.pdf", user, s3, LIMITS)
    db.session.commit()
    s3.put("dossiers/424242/orphan", io.BytesIO(b"left behind by a crash"))
    now = datetime.now(UTC)
    assert sweep_orphans(s3, timedelta(hours=24), now).kept_recent == 1
    assert s3.exists("dossiers/424242/orphan")
    result = sweep_orphans(s3, timedelta(hours=24), now + timedelta(days=2))
    assert (result.scanned, result.deleted, result.failed) == (2, 1, 0)
    assert not s3.exists("dossiers/424242/orphan") and s3.exists(item.storage_key)
