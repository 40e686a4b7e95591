"""The upload route writes each file once (issue 3): werkzeug's multipart parser streams the
part into Storage.stage(), add_file checks it, and the store adopts it — LocalStorage by a
rename, S3Storage (a real moto_server) without a second spool. Refusals and failures on the
way leave no object and no staged file behind."""

from __future__ import annotations

import hashlib
import io
import re
import uuid

import factories
import pytest
from s3_server import HungServer, storage_url

from portal.dossiers.models import DossierFile
from portal.extensions import db
from portal.storage import LocalStorage, StagedUpload, StorageError, storage_from_url

KiB = 1024
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 400  # ~100 KiB: several multipart chunks
EXE = b"MZ\x90\x00" + b"\x00" * 200
EMAIL = "staging@example.vn"


@pytest.fixture(autouse=True)
def fresh_store(app, tmp_path, monkeypatch):
    """A store of its own for each test: the app's outlives tests, and dossier ids repeat."""
    monkeypatch.setitem(app.extensions, "storage", LocalStorage(tmp_path / "uploads"))


@pytest.fixture
def draft(app, csrf_client, login):
    """(logged-in client, dossier id, requirement id) for a fresh online draft."""
    with app.app_context():
        version = factories.published_procedure(factories.agency())
        factories.citizen(email=EMAIL)
        db.session.commit()
        code, requirement = version.procedure.code, version.documents[0].id
    login(csrf_client, EMAIL)
    response = csrf_client.post(f"/ho-so/moi/{code}", data={"on_behalf": "self"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    dossier = int(re.search(r"/ho-so/(\d+)/", response.headers["Location"]).group(1))
    return csrf_client, dossier, requirement


@pytest.fixture
def limits(app):
    original = app.config["PORTAL"]

    def _set(**changes):
        app.config["PORTAL"] = original.with_(**changes)

    yield _set
    app.config["PORTAL"] = original


@pytest.fixture
def staged_log(app, monkeypatch):
    """Every StagedUpload the store hands out during the test, with the most bytes it ever
    held on disk (or in its spool)."""
    storage = app.extensions["storage"]
    created: list[StagedUpload] = []
    real_stage = storage.stage

    def stage(*, max_size=None):
        staged = real_stage(max_size=max_size)
        staged.peak = 0
        real_write = staged.write

        def write(data):
            written = real_write(data)
            staged.peak = max(staged.peak, staged.size)
            return written

        staged.write = write
        created.append(staged)
        return staged

    monkeypatch.setattr(storage, "stage", stage)
    return created


def _upload(client, dossier: int, requirement: int, *files):
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(f"/ho-so/{dossier}/giay-to/{requirement}", data=data,
                       headers={"HX-Request": "true"})


def _rows(app, dossier: int) -> list[DossierFile]:
    with app.app_context():
        return list(db.session.scalars(db.select(DossierFile).where(
            DossierFile.dossier_id == dossier).order_by(DossierFile.id)))


def _objects(storage, dossier: int) -> list[str]:
    return [key for key, _ in storage.list(f"dossiers/{dossier}/")]


def _staged_files(app) -> list[str]:
    storage = app.extensions["storage"]
    if not isinstance(storage, LocalStorage) or not storage.root.exists():
        return []
    return [path.name for path in storage.root.rglob("*.part~")]


def test_the_upload_is_written_once_and_renamed_into_place(app, draft, staged_log,
                                                           monkeypatch):
    client, dossier, requirement = draft
    storage = app.extensions["storage"]

    def no_copy(*args, **kwargs):
        raise AssertionError("the upload was copied a second time")

    monkeypatch.setattr(storage, "_copy", no_copy)
    response = _upload(client, dossier, requirement, (PDF, "Tờ khai.pdf"))
    assert response.status_code == 200 and "Tờ khai.pdf" in response.get_data(as_text=True)
    [row] = _rows(app, dossier)
    assert (row.size, row.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert row.content_type == "application/pdf"
    assert b"".join(storage.open(row.storage_key)) == PDF
    assert [s.stored for s in staged_log] == [True]
    assert _staged_files(app) == []


@pytest.mark.parametrize("content, name, message", [
    (EXE, "virus.pdf", "không phải là PDF"),
    (b"", "trong.pdf", "rỗng"),
])
def test_a_refused_file_leaves_nothing(app, draft, staged_log, content, name, message):
    client, dossier, requirement = draft
    response = _upload(client, dossier, requirement, (content, name))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _rows(app, dossier) == [] and _objects(app.extensions["storage"], dossier) == []
    assert staged_log and all(s.closed and not s.stored for s in staged_log)
    assert _staged_files(app) == []


def test_per_file_limit_is_enforced_while_the_file_arrives(app, draft, staged_log, limits):
    client, dossier, requirement = draft
    limit = 32 * KiB
    limits(max_file_bytes=limit, max_dossier_bytes=10 * limit)
    # 8 times the limit. (Under 500 KB: a larger body makes werkzeug's test client spool
    # it to a temporary file that it never closes — a ResourceWarning, not ours.)
    big = b"%PDF-1.7\n" + b"x" * (256 * KiB)
    response = _upload(client, dossier, requirement, (big, "lon.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp “lon.pdf” vượt quá dung lượng tối đa" in html and "cho mỗi tệp" in html
    [staged] = staged_log
    assert staged.too_large and staged.peak <= limit  # never more than the limit kept
    assert staged.closed
    assert _rows(app, dossier) == [] and _objects(app.extensions["storage"], dossier) == []
    assert _staged_files(app) == []


def _raw_upload(client, dossier: int, requirement: int, content: bytes, name: str):
    """A multipart POST from an in-memory body (the test client would spool a large one
    to a temporary file it never closes)."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{client.token()}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.client.post(
        f"/ho-so/{dossier}/giay-to/{requirement}", input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}", content_length=len(body),
        headers={"HX-Request": "true"})


def test_a_21_mb_file_is_refused_with_the_default_limits(app, draft, staged_log):
    """20 MB per file (DESIGN.md §5); the body fits MAX_CONTENT_LENGTH (20 MB + 1 MB), so
    it is the staging that cuts it off — after 20 MB, not 21."""
    client, dossier, requirement = draft
    limit = app.config["PORTAL"].max_file_bytes
    assert limit == 20 * 1024 * KiB and app.config["MAX_CONTENT_LENGTH"] > 21_000_000
    response = _raw_upload(client, dossier, requirement, b"%PDF-1.7\n" + bytes(21_000_000),
                           "21mb.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp “21mb.pdf” vượt quá dung lượng tối đa 20 MB cho mỗi tệp." in html
    [staged] = staged_log
    assert staged.too_large and staged.peak <= limit and staged.closed
    assert _rows(app, dossier) == [] and _staged_files(app) == []


def test_a_body_over_max_content_length_is_refused_before_staging(app, draft, staged_log):
    client, dossier, requirement = draft
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = _raw_upload(client, dossier, requirement, b"%PDF-1.7\n" + bytes(size), "x.pdf")
    assert response.status_code == 422 and "Tệp quá lớn" in response.get_data(as_text=True)
    assert staged_log == [] and _staged_files(app) == []


def test_dossier_limit_refuses_the_adoption(app, draft, staged_log, limits):
    client, dossier, requirement = draft
    limits(max_file_bytes=len(PDF), max_dossier_bytes=len(PDF) + 10)
    assert _upload(client, dossier, requirement, (PDF, "a.pdf")).status_code == 200
    response = _upload(client, dossier, requirement, (PDF, "b.pdf"))
    assert response.status_code == 422 and "Tổng dung lượng" in response.get_data(as_text=True)
    assert [row.original_name for row in _rows(app, dossier)] == ["a.pdf"]
    assert len(_objects(app.extensions["storage"], dossier)) == 1
    assert [s.stored for s in staged_log] == [True, False]
    assert _staged_files(app) == []


def test_files_after_a_refusal_are_not_kept(app, draft, staged_log, limits):
    client, dossier, requirement = draft
    limits(max_files_per_requirement=1)
    response = _upload(client, dossier, requirement, (PDF, "mot.pdf"), (PDF, "hai.pdf"),
                       (PDF, "ba.pdf"))
    assert response.status_code == 422
    assert [row.original_name for row in _rows(app, dossier)] == ["mot.pdf"]
    assert [s.stored for s in staged_log] == [True, False, False]
    assert all(s.closed for s in staged_log) and _staged_files(app) == []


def test_a_failed_commit_removes_the_adopted_object(app, draft, monkeypatch):
    client, dossier, requirement = draft
    storage = app.extensions["storage"]

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = _upload(client, dossier, requirement, (PDF, "mat.pdf"))
    monkeypatch.undo()
    assert response.status_code == 500
    assert _objects(storage, dossier) == [] and _staged_files(app) == []


def test_store_failure_while_staging_is_a_vietnamese_refusal(app, draft, monkeypatch):
    client, dossier, requirement = draft
    storage = app.extensions["storage"]

    def stage(*, max_size=None):
        raise StorageError("disk full")

    monkeypatch.setattr(storage, "stage", stage)
    response = _upload(client, dossier, requirement, (PDF, "don.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kho lưu trữ tạm thời không phản hồi" in html
    assert html.lstrip().startswith(f'<section id="req-{requirement}"')
    assert _rows(app, dossier) == [] and _staged_files(app) == []


def test_write_failure_while_staging_removes_the_staged_file(app, draft, staged_log,
                                                            monkeypatch):
    client, dossier, requirement = draft
    storage = app.extensions["storage"]
    real_stage = storage.stage  # staged_log's wrapper

    def stage(*, max_size=None):
        staged = real_stage(max_size=max_size)
        real_write = staged.write

        def write(data):
            real_write(data[:10])  # something is on disk when the disk fills up
            raise StorageError("No space left on device")

        staged.write = write
        return staged

    monkeypatch.setattr(storage, "stage", stage)
    response = _upload(client, dossier, requirement, (PDF, "don.pdf"))
    assert response.status_code == 422
    assert "Kho lưu trữ tạm thời không phản hồi" in response.get_data(as_text=True)
    assert staged_log and all(s.closed for s in staged_log)
    assert _rows(app, dossier) == [] and _staged_files(app) == []


def test_a_client_that_disconnects_leaves_nothing(app, draft, staged_log):
    client, dossier, requirement = draft
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{client.token()}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            "name=\"files\"; filename=\"dut.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
    body = head.encode() + PDF[: len(PDF) // 2]  # the connection drops half-way
    response = client.client.post(
        f"/ho-so/{dossier}/giay-to/{requirement}", input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body) + len(PDF))
    assert response.status_code == 400
    assert staged_log and all(s.closed and not s.stored for s in staged_log)
    assert _rows(app, dossier) == [] and _staged_files(app) == []


def test_a_refused_csrf_token_leaves_nothing(app, draft, staged_log):
    client, dossier, requirement = draft
    response = client.client.post(
        f"/ho-so/{dossier}/giay-to/{requirement}",
        data={"csrf_token": "forged", "files": (io.BytesIO(PDF), "don.pdf")})
    assert response.status_code == 400
    assert all(s.closed for s in staged_log) and _staged_files(app) == []
    assert _rows(app, dossier) == []


def test_other_routes_keep_werkzeugs_temporary_files(app):
    """Only the view marked @stages_files stages into the store."""
    from flask import request

    with app.test_request_context("/tai-khoan/dang-nhap", method="POST"):
        stream = request._get_file_stream(10, "application/pdf", "x.pdf")
        assert not isinstance(stream, StagedUpload)
        stream.close()
    with app.test_request_context("/ho-so/1/giay-to/2", method="POST"):
        stream = request._get_file_stream(10, "application/pdf", "x.pdf")
        assert isinstance(stream, StagedUpload)
        request.close()
        assert stream.closed


def test_upload_into_s3_through_the_route(app, draft, s3_endpoint, monkeypatch, limits):
    client, dossier, requirement = draft
    s3 = storage_from_url(storage_url(s3_endpoint, f"staging-{uuid.uuid4().hex[:8]}"))
    monkeypatch.setitem(app.extensions, "storage", s3)
    response = _upload(client, dossier, requirement, (PDF, "to-khai.pdf"))
    assert response.status_code == 200
    [row] = _rows(app, dossier)
    stat = s3.stat(row.storage_key)
    assert (stat.size, stat.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert row.sha256 == stat.sha256

    limits(max_file_bytes=32 * KiB)
    response = _upload(client, dossier, requirement, (PDF, "lon.pdf"))
    assert response.status_code == 422
    assert "vượt quá dung lượng tối đa" in response.get_data(as_text=True)
    assert _objects(s3, dossier) == [row.storage_key]  # nothing of the refused file


def test_a_hung_store_refuses_the_upload_within_its_timeouts(app, draft, monkeypatch):
    """A store that accepts connections and never answers (issue 10, item 9): the upload
    gives up after the read timeout and one retry, says so in Vietnamese, and leaves no
    row; a download from it is the Vietnamese 503 page."""
    client, dossier, requirement = draft
    assert _upload(client, dossier, requirement, (PDF, "truoc.pdf")).status_code == 200
    [kept] = _rows(app, dossier)
    with HungServer() as hung:
        hung_store = storage_from_url(storage_url(hung.endpoint, "ho-so"), connect_timeout=1,
                                      read_timeout=0.3)
        monkeypatch.setitem(app.extensions, "storage", hung_store)
        response = _upload(client, dossier, requirement, (PDF, "treo.pdf"))
        assert response.status_code == 422
        assert "Kho lưu trữ tạm thời không phản hồi" in response.get_data(as_text=True)
        assert hung.accepted == 2  # one attempt and one retry, then the refusal
        assert [row.id for row in _rows(app, dossier)] == [kept.id]
        download = client.get(f"/ho-so/{dossier}/tep/{kept.id}")
        assert download.status_code == 503
        assert "tạm thời không phản hồi" in download.get_data(as_text=True)
        assert hung.accepted == 4
