"""Backups and the restore drill (issue 17), with real parts: PostgreSQL (pg_dump/pg_restore)
and a moto_server S3 process on the PostgreSQL run, SQLite and local files on the other.

A small world (an online dossier received by the counter, with Vietnamese-named files; a
complaint with an attachment) is backed up with `flask backup create`, restored with
`flask backup restore` into a fresh database and a fresh bucket/directory, and `flask backup
verify --manifest` passes on the restored copy; a corrupted, a deleted and an orphaned object
each make verification fail, naming the object; `flask ops check-invariants` passes on the
consistent world and names what a broken one breaks."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import factories
import pytest
from s3_server import storage_url
from sample_files import PDF, small_png
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from portal import create_app
from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.config import Config
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, DossierFile, ReturnMethod
from portal.extensions import db
from portal.feedback.complaints import operations as complaint_ops
from portal.feedback.complaints.models import ComplaintChannel, ComplaintFile, ComplaintTopic
from portal.payments.models import (
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    RequestReason,
)
from portal.storage import LocalStorage, storage_from_url
from portal.workflow import actions as wf

MiB = 1024 * 1024
LIMITS = UploadLimits(max_file=40 * MiB, max_dossier=100 * MiB)
NOW = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key-that-is-long-enough-1234"


@pytest.fixture
def source_storage(app, backend, s3_endpoint, tmp_path, monkeypatch):
    """The live store: a fresh S3 bucket on the PostgreSQL run, a directory on SQLite."""
    if backend == "postgresql":
        storage = storage_from_url(storage_url(s3_endpoint, f"live-{uuid.uuid4().hex[:8]}"))
    else:
        storage = LocalStorage(tmp_path / "live")
    monkeypatch.setitem(app.extensions, "storage", storage)
    return storage


@pytest.fixture
def target(backend, s3_endpoint, tmp_path):
    """A fresh database and a fresh bucket/directory to restore into: (database URL, storage
    URL). The PostgreSQL database is made here and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}", f"file://{tmp_path / 'restored'}"
        return
    import psycopg

    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{base.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (base.set(database=name).render_as_string(False),
               storage_url(s3_endpoint, f"restored-{uuid.uuid4().hex[:8]}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _world(storage) -> dict:
    """Committed: an online dossier with two Vietnamese-named files, received at the
    counter; a draft with one file; a complaint with a PNG attachment."""
    agency = factories.agency()
    version = factories.published_procedure(agency, fees=[])
    counter = factories.staff(Role.COUNTER_OFFICER, agency)
    applicant = factories.citizen(full_name="Nguyễn Thị Hồng")
    dossier = dossier_ops.start_dossier(version, applicant)
    first = dossier_ops.add_file(dossier, version.documents[0].id, io.BytesIO(PDF),
                                 "Phiếu yêu cầu đăng ký thế chấp.pdf", applicant, storage, LIMITS)
    extra = dossier_ops.add_file(dossier, None, io.BytesIO(PDF + "% bản sao sổ đỏ\n".encode()),
                                 "Bản sao Giấy chứng nhận quyền sử dụng đất.pdf", applicant,
                                 storage, LIMITS)
    dossier_ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
    dossier_ops.submit(dossier, applicant, current_calendar(), NOW)
    wf.receive(dossier, wf.Context(counter, NOW, current_calendar()))
    draft = dossier_ops.start_dossier(version, applicant)
    dossier_ops.add_file(draft, version.documents[0].id, io.BytesIO(PDF + b"%nhap\n"),
                         "Tờ khai (bản nháp).pdf", applicant, storage, LIMITS)
    complaint = complaint_ops.submit(
        complaint_ops.ComplaintData(ComplaintTopic.DELAY, "Hồ sơ của tôi chậm trả kết quả.",
                                    "Trần Văn Bình", contact_phone="0905123456",
                                    channel=ComplaintChannel.ONLINE),
        now=NOW, calendar=current_calendar(), answer_days=10)
    attachment = complaint_ops.attach(complaint, io.BytesIO(small_png()),
                                      "Ảnh chụp giấy hẹn.png", storage)
    db.session.commit()
    return {"dossier": dossier.id, "code": dossier.code, "first": first.storage_key,
            "extra": extra.storage_key, "attachment": attachment.storage_key}


def _flask(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _restored_app(database_url: str, storage_url_: str):
    return create_app(Config.from_env({}, env="testing", secret_key=SECRET,
                                      database_url=database_url, storage_url=storage_url_))


def test_backup_restore_and_verify_on_a_fresh_database_and_store(app, source_storage, target,
                                                                   tmp_path):
    with app.app_context():
        world = _world(source_storage)
        code, output = _flask(app, "ops", "check-invariants", "--checksums")
        assert code == 0, output
        assert "Mọi bất biến đều đúng" in output

    backup = tmp_path / "backup-2026-12-07"
    with app.app_context():
        code, output = _flask(app, "backup", "create", str(backup))
    assert code == 0, output
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    keys = {item["key"] for item in manifest["objects"]}
    assert {world["first"], world["extra"], world["attachment"]} <= keys
    assert len(keys) == 4  # two files of the dossier, the draft's, the attachment
    assert manifest["tables"]["dossier"] == 2 and manifest["tables"]["complaint_file"] == 1
    assert manifest["database"]["kind"] == app.config["PORTAL"].database_url.split(":")[0] \
        .split("+")[0]
    assert (backup / "objects" / world["first"]).read_bytes() == PDF

    database_url, storage_url_ = target
    with app.app_context():
        code, output = _flask(app, "backup", "restore", str(backup),
                              "--database-url", database_url, "--storage-url", storage_url_)
    assert code == 0, output

    restored = _restored_app(database_url, storage_url_)
    try:
        with restored.app_context():
            code, output = _flask(restored, "backup", "verify", "--manifest", str(backup))
            assert code == 0, output
            assert "every file's checksum matched" in output
            assert "đã đọc và băm 4 tệp" in output
            dossier = db.session.get(Dossier, world["dossier"])
            assert dossier.code == world["code"] and dossier.state.value == "received"
            names = {f.original_name for f in dossier.files}
            assert "Bản sao Giấy chứng nhận quyền sử dụng đất.pdf" in names
            stored = restored.extensions["storage"]
            assert b"".join(stored.open(world["first"])) == PDF
            item = db.session.scalar(select(ComplaintFile))
            assert b"".join(stored.open(item.storage_key)) == small_png()

            # The restored copy changed after the restore: verification against the manifest
            # names the object and the table.
            stored.put(world["attachment"], io.BytesIO(small_png()[:-1] + b"\0"),
                       content_type="image/png")
            db.session.execute(text("DELETE FROM notification"))
            db.session.commit()
            code, output = _flask(restored, "backup", "verify", "--manifest", str(backup),
                                  "--no-checksums")
            assert code == 1, output
            lines = output.splitlines()
            at = lines.index(next(line for line in lines if "(manifest object): 1" in line))
            assert lines[at + 1].startswith(f"    - {world['attachment']}: ")
            # The manifest's objects are read even with --no-checksums, so its row is
            # compared too.
            assert "(checksum mismatch): 1" in output
            assert manifest["tables"]["notification"] >= 1
            assert "(table count): 1" in output
            assert f"notification: 0 dòng, manifest {manifest['tables']['notification']}" \
                in output

            # A restore never mixes with data already there.
            code, output = _flask(restored, "backup", "restore", str(backup),
                                  "--database-url", database_url,
                                  "--storage-url", storage_url_)
            assert code != 0 and "không rỗng" in output, output
            db.session.rollback()
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_verify_names_a_corrupted_a_missing_and_an_orphaned_object(app, source_storage):
    with app.app_context():
        world = _world(source_storage)
        code, output = _flask(app, "backup", "verify", "--grace-hours", "0")
        assert code == 0, output

        # Same size, one byte changed: only the SHA-256 tells.
        source_storage.put(world["first"], io.BytesIO(PDF[:-2] + b"?\n"))
        code, output = _flask(app, "backup", "verify", "--grace-hours", "0")
        assert code == 1
        assert "checksum mismatch): 1" in output
        assert f"{world['first']} (dossier_file.storage_key#" in output and "SHA-256" in output
        assert "every file's checksum matched" not in output

        source_storage.delete(world["attachment"])
        source_storage.put("dossiers/999999/khong-ai-tro-toi", io.BytesIO(b"orphan"))
        code, output = _flask(app, "backup", "verify", "--grace-hours", "0", "--no-checksums")
        assert code == 1
        lines = output.splitlines()
        missing = lines.index(next(line for line in lines if "(missing object): 1" in line))
        assert world["attachment"] in lines[missing + 1]
        assert "complaint_file.storage_key" in lines[missing + 1]
        orphan = lines.index(next(line for line in lines if "(orphan): 1" in line))
        assert "dossiers/999999/khong-ai-tro-toi" in lines[orphan + 1]

        # Within the grace period a young unreferenced object may be an upload in progress.
        code, output = _flask(app, "backup", "verify", "--no-checksums")
        assert "(orphan): 0" in output and "1 tệp chưa có dòng nhưng còn mới" in output


def test_invariant_checker_names_what_a_broken_world_breaks(app, source_storage):
    with app.app_context():
        world = _world(source_storage)
        code, output = _flask(app, "ops", "check-invariants", "--grace-hours", "0")
        assert code == 0, output

        # A state written without its event, a code lost, a file row without its object,
        # and a payment confirmed twice without a receipt.
        db.session.execute(update(Dossier).where(Dossier.id == world["dossier"])
                           .values(state="returned"))
        draft = db.session.scalar(select(Dossier).where(Dossier.id != world["dossier"]))
        db.session.execute(update(Dossier).where(Dossier.id == draft.id)
                           .values(code="XX-250312-9999"))
        request = PaymentRequest(dossier_id=world["dossier"], reason=RequestReason.SUBMISSION,
                                 amount=80000)
        db.session.add(request)
        db.session.flush()
        payment = Payment(request_id=request.id, method=PaymentMethod.COUNTER,
                          state=PaymentState.PAID, amount=80000, txn_ref=uuid.uuid4().hex[:20])
        db.session.add(payment)
        db.session.flush()
        db.session.add_all([PaymentEvent(payment_id=payment.id, kind="paid") for _ in range(2)])
        db.session.commit()
        source_storage.delete(world["extra"])

        code, output = _flask(app, "ops", "check-invariants", "--grace-hours", "0")
        assert code == 1, output
        assert "VI PHẠM" in output
        assert "(state vs events): 1" in output
        assert f"{world['code']}: trạng thái returned, sự kiện cuối receive" in output
        assert "(half-saved dossier): 1" in output and "bản nháp đã có mã" in output
        # "Returned" without an end time, a result, a hand-over time, and with its step open.
        assert "(workflow records): 1" in output
        assert (f"{world['code']} (returned): kết thúc mà không có thời điểm kết thúc; có kết "
                "quả mà không có tệp hay ghi chú kết quả; đã trả mà không có thời điểm trả; "
                "1 bước đang mở") in output
        assert "(missing object): 1" in output and world["extra"] in output
        assert "(paid twice): 1" in output and f"thanh toán #{payment.id}: 2 sự kiện paid" \
            in output
        assert "(no receipt): 1" in output
        assert "(two receipts): 0" in output and "(request paid twice): 0" in output

        # Only the SQL checks: the missing file is not looked for.
        code, output = _flask(app, "ops", "check-invariants", "--no-files")
        assert code == 1 and "missing object" not in output
        db.session.execute(text("SELECT 1"))  # the session is usable after the command
        db.session.rollback()
        assert db.session.scalar(select(DossierFile.id).where(
            DossierFile.storage_key == world["extra"])) is not None


def test_restore_drill_script_restores_verifies_and_cleans_up(app, backend, source_storage,
                                                              tmp_path):
    """scripts/restore_drill.sh against the world as a running portal sees it (its
    DATABASE_URL and STORAGE_URL): backup, restore into `…_restore_<stamp>` and a fresh
    bucket/directory, verification with the manifest, clean-up."""
    with app.app_context():
        _world(source_storage)
        db.session.remove()
    live_store = (storage_url(f"http://{source_storage.endpoint}", source_storage.bucket)
                  if backend == "postgresql" else f"file://{source_storage.root}")
    # Its environment file named, as an operator does: a checkout where `make prod` has run
    # has a default one (instance/prod/portal.env) that is not this world's.
    env_file = tmp_path / "portal.env"
    env_file.write_text(f"DATABASE_URL='{app.config['PORTAL'].database_url}'\n"
                        f"STORAGE_URL='{live_store}'\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "STORAGE_URL")}
    env |= {"DRILL_DIR": str(tmp_path / "drill"), "PYTHON": sys.executable,
            "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "restore_drill.sh"), str(env_file)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "đã đọc và băm 4 tệp" in done.stdout
    assert "dossier 2," in done.stdout and "complaint_file 1" in done.stdout
    assert "every file's checksum matched" in done.stdout.splitlines()[-1]
    assert "(table count): 0" in done.stdout
    # Cleaned up: no backup left, no restored database or bucket/directory.
    assert list((tmp_path / "drill").iterdir()) == []
    if backend == "postgresql":
        import psycopg

        base = make_url(os.environ["TEST_DATABASE_URL"])
        admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
        with psycopg.connect(admin) as connection:
            left = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                      (f"{base.database}_restore_%",)).fetchall()
        assert left == []
        buckets = [b.name for b in source_storage._client.list_buckets()]
        assert not [name for name in buckets if name.startswith(f"{source_storage.bucket}-")]


def test_verify_while_the_portal_writes_reports_no_false_problem(app, source_storage,
                                                                 monkeypatch):
    """Rows are read first, then the store is listed; meanwhile an applicant removes a file
    (its row committed away, then its object deleted) and another upload completes (object,
    then row). Neither is a problem, even with no grace period."""
    with app.app_context():
        world = _world(source_storage)
        listing = type(source_storage).list
        content = PDF + b"%moi\n"
        new_key = f"dossiers/{world['dossier']}/moi-tai-len"

        def list_while_writing(self, prefix=""):
            with db.engine.begin() as connection:
                connection.execute(DossierFile.__table__.delete().where(
                    DossierFile.storage_key == world["extra"]))
            self.delete(world["extra"])
            self.put(new_key, io.BytesIO(content), content_type="application/pdf")
            yield from listing(self, prefix)
            with db.engine.begin() as connection:
                connection.execute(DossierFile.__table__.insert().values(
                    dossier_id=world["dossier"], storage_key=new_key,
                    original_name="Mới tải lên.pdf", content_type="application/pdf",
                    size=len(content), sha256=hashlib.sha256(content).hexdigest()))

        monkeypatch.setattr(type(source_storage), "list", list_while_writing)
        code, output = _flask(app, "backup", "verify", "--grace-hours", "0")
        assert code == 0, output
        assert "(missing object): 0" in output and "(orphan): 0" in output
        assert "kho có 4 tệp" in output  # the attachment, the draft's, the first and the new
