"""`backup.create_backup` on SQLite and local files, without the app: the objects are copied
byte for byte with their checksums into the manifest, and an object deleted while the backup
runs (after the listing named it) is skipped, not a failure."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3

import pytest

from portal.ops.backup import BackupError, create_backup, restore_backup
from portal.storage import LocalStorage


class DeletedWhileListed(LocalStorage):
    """The applicant removes a draft's file just after the backup's listing named it."""

    def list(self, prefix=""):
        for key, modified in super().list(prefix):
            if key == "dossiers/2/removed":
                self.delete(key)
            yield key, modified


def test_objects_are_copied_and_one_deleted_meanwhile_is_skipped(tmp_path):
    with sqlite3.connect(tmp_path / "portal.db") as connection:
        connection.execute("CREATE TABLE dossier (id INTEGER PRIMARY KEY)")
        connection.execute("INSERT INTO dossier VALUES (1), (2)")
    storage = DeletedWhileListed(tmp_path / "uploads")
    big = bytes(range(256)) * 1024  # several chunks
    storage.put("dossiers/1/don-de-nghi", io.BytesIO(big))
    storage.put("dossiers/2/removed", io.BytesIO(b"x"))
    lines = []
    manifest = create_backup(f"sqlite:///{tmp_path / 'portal.db'}", storage,
                             tmp_path / "backup", echo=lines.append)
    assert [o["key"] for o in manifest["objects"]] == ["dossiers/1/don-de-nghi"]
    assert manifest["objects"][0]["sha256"] == hashlib.sha256(big).hexdigest()
    assert (tmp_path / "backup" / "objects" / "dossiers" / "1" / "don-de-nghi").read_bytes() \
        == big
    assert not (tmp_path / "backup" / "objects" / "dossiers" / "2").exists()
    assert "1 tệp đã bị xóa trong lúc sao lưu" in lines[-1]
    assert manifest["tables"] == {"dossier": 2}
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text()) == manifest

    # A second backup into the same directory, a restore into a database that exists: refused.
    with pytest.raises(BackupError, match="không rỗng"):
        create_backup(f"sqlite:///{tmp_path / 'portal.db'}", storage, tmp_path / "backup")
    with pytest.raises(BackupError, match="Cơ sở dữ liệu đích không rỗng"):
        restore_backup(tmp_path / "backup", f"sqlite:///{tmp_path / 'portal.db'}",
                       LocalStorage(tmp_path / "restore-objects"))
    with pytest.raises(BackupError, match="Không có manifest.json"):
        restore_backup(tmp_path / "uploads", f"sqlite:///{tmp_path / 'new.db'}",
                       LocalStorage(tmp_path / "restore-objects"))
