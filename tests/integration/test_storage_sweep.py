"""`flask storage sweep` after a crash (issue 10, item 9): a process killed with SIGKILL while
uploads were arriving leaves LocalStorage's staged files and temporary copies behind; the
sweep removes them once they are older than the grace period, together with the objects no
row refers to — dossier files and catalog form templates alike. (S3's incomplete multipart
uploads: tests/integration/test_s3_storage.py.)"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import factories
import pytest

from portal.catalog import operations as catalog_ops
from portal.dossiers.cli import sweep_orphans
from portal.extensions import db
from portal.storage import LocalStorage

MiB = 1024 * 1024

# Three uploads of 6.5 MiB staged as they arrive, and a fourth being copied into its place;
# then the process is killed before any of them is stored or discarded (19.5 MiB on disk).
_KILLED_WHILE_UPLOADING = """
import io, os, signal, sys
from portal.storage import LocalStorage

storage = LocalStorage(sys.argv[1])
staged = [storage.stage(max_size=20 * 1024 * 1024) for _ in range(3)]
for upload in staged:
    for _ in range(13):
        upload.write(b"%" * (512 * 1024))
    upload._file.flush()

class Dying(io.RawIOBase):
    def readable(self):
        return True
    def readinto(self, buffer):
        if getattr(self, "sent", 0) >= 1024 * 1024:
            os.kill(os.getpid(), signal.SIGKILL)
        buffer[:] = b"x" * len(buffer)
        self.sent = getattr(self, "sent", 0) + len(buffer)
        return len(buffer)

storage.put("dossiers/7/copying", Dying())
"""


def _leftovers(root) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_size for path in root.rglob("*~")}




def test_staged_and_temporary_files_of_a_killed_process_are_swept(db_session, tmp_path):
    root = tmp_path / "uploads"
    done = subprocess.run([sys.executable, "-c", _KILLED_WHILE_UPLOADING, str(root)],
                          timeout=120)
    assert done.returncode == -signal.SIGKILL
    left = _leftovers(root)
    assert len(left) == 4 and sum(left.values()) >= 19 * MiB
    assert sum(name.startswith(".upload.") for name in left) == 3
    assert any(name.startswith("dossiers/7/.copying.") for name in left)

    storage = LocalStorage(root)
    now = datetime.now(UTC)
    kept = sweep_orphans(storage, timedelta(hours=24), now)
    assert kept.incomplete == 0 and _leftovers(root) == left  # may still be arriving
    swept = sweep_orphans(storage, timedelta(hours=24), now + timedelta(days=2))
    assert swept.incomplete == 4 and _leftovers(root) == {}
    assert not (root / "dossiers").exists()  # the emptied directories went too


def test_orphaned_catalog_files_are_swept_and_referenced_ones_kept(db_session, tmp_path):
    storage = LocalStorage(tmp_path / "uploads")
    version = factories.published_procedure(factories.agency())
    draft = catalog_ops.draft_for_edit(version.procedure, None)
    document = draft.documents[0]
    key = catalog_ops.document_file_key(document, draft, "template", "docx")
    storage.put(key, io.BytesIO(b"PK mau don"))
    catalog_ops.attach_document_file(document, draft, "template", key, "mau.docx")
    db.session.commit()
    orphan = key.replace(".docx", "-old.docx")  # replaced, then its delete failed
    storage.put(orphan, io.BytesIO(b"PK mau cu"))
    result = sweep_orphans(storage, timedelta(hours=24), datetime.now(UTC) + timedelta(days=2))
    assert (result.scanned, result.deleted) == (2, 1)
    assert storage.exists(key) and not storage.exists(orphan)


@pytest.fixture
def grace(app):
    original = app.config["PORTAL"]
    app.config["PORTAL"] = original.with_(storage_sweep_grace_hours=48)
    yield
    app.config["PORTAL"] = original


def test_the_command_uses_the_configured_grace_period(app, db_session, tmp_path, grace,
                                                      monkeypatch):
    storage = LocalStorage(tmp_path / "uploads")
    monkeypatch.setitem(app.extensions, "storage", storage)
    stale, fresh = storage.stage(), storage.stage()
    stale.write(b"x" * 1000)
    fresh.write(b"y" * 1000)
    for upload in (stale, fresh):
        upload._file.flush()
    then = (datetime.now(UTC) - timedelta(hours=30)).timestamp()
    os.utime(stale.path, (then, then))
    runner = app.test_cli_runner()
    output = runner.invoke(args=["storage", "sweep"]).output
    assert "xóa 0 tệp tải lên dở dang" in output and stale.path.exists()  # 30 h < 48 h
    output = runner.invoke(args=["storage", "sweep", "--older-than-hours", "24"]).output
    assert "xóa 1 tệp tải lên dở dang" in output
    assert not stale.path.exists() and fresh.path.exists()
    stale.close()
    fresh.close()
    assert not fresh.path.exists()
