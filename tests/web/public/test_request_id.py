"""The request id (portal/core/logs.py, issue 17): the one nginx sends in X-Request-Id comes
back when well formed and is replaced otherwise, on every response — pages, 404, 500, 503,
static files; the 500 and 503 pages show it for the hotline; in JSON mode each request
writes one access line, and every record written during the request carries its id."""

from __future__ import annotations

import io
import json
import logging
import re

import factories
import pytest
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.config import Config
from portal.core import logs
from portal.extensions import db

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("sent", ["abcdefgh", "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                                  "node-1.req_42-xyz", "a" * 128])
def test_a_well_formed_id_comes_back(client, sent):
    assert client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"] == sent


@pytest.mark.parametrize("sent", ["", "short", "a" * 129, "has space 123", "<script>1234",
                                  "id;drop=12345", "abc\u00e9defghij"])
def test_a_malformed_id_is_replaced(client, sent):
    first = client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    second = client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_not_found_pages_and_static_files_carry_it(client):
    for path, code in (("/khong-co-trang-nay", 404), ("/thu-tuc/1.000404", 404),
                       ("/static/css/portal.css", 200)):
        response = client.get(path, headers={"X-Request-Id": "nginx-req-0001"})
        response.close()  # a static file's body is an open file
        assert response.status_code == code, path
        assert response.headers["X-Request-Id"] == "nginx-req-0001", path


@pytest.fixture
def broken_app(tmp_path):
    """An app with a route that fails unexpectedly and one whose database is gone."""
    app = create_app(Config.from_env({}, env="testing",
                                     database_url=f"sqlite:///{tmp_path / 'r.db'}",
                                     storage_url=f"file://{tmp_path / 'files'}"))

    @app.get("/hong")
    def broken():
        raise RuntimeError("hỏng")

    @app.get("/mat-ket-noi")
    def database_gone():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path, code", [("/hong", 500), ("/mat-ket-noi", 503)])
def test_error_pages_show_the_id_for_the_hotline(broken_app, path, code):
    client = broken_app.test_client()
    response = client.get(path, headers={"X-Request-Id": "nginx-req-0500"})
    assert response.status_code == code
    assert response.headers["X-Request-Id"] == "nginx-req-0500"
    html = response.get_data(as_text=True)
    assert "Mã yêu cầu" in html and "nginx-req-0500" in html
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get(path).get_data(as_text=True)
    generated = re.search(r'<code class="request-id">([0-9a-f]{32})</code>', english)
    assert "Request ID" in english and generated and "Mã yêu cầu" not in english


def test_a_not_found_page_does_not_show_it(client):
    assert "Mã yêu cầu" not in client.get("/khong-co-trang-nay").get_data(as_text=True)


@pytest.fixture
def json_app(tmp_path):
    """An app logging JSON (LOG_FORMAT=json) into a buffer; the root logger is put back."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    app = create_app(Config.from_env({}, env="testing", log_format="json",
                                     database_url=f"sqlite:///{tmp_path / 'j.db'}",
                                     storage_url=f"file://{tmp_path / 'files'}"))

    @app.get("/hong")
    def broken():
        raise RuntimeError("hỏng")

    buffer = io.StringIO()
    handler = next(h for h in root.handlers if isinstance(h, logs._JsonHandler))
    handler.setStream(buffer)
    root.setLevel(logging.INFO)
    with app.app_context():
        db.create_all()
    yield app, buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    with app.app_context():
        db.engine.dispose()


def _lines(buffer: io.StringIO) -> list[dict]:
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    buffer.seek(0)
    buffer.truncate()
    return lines


def test_each_request_writes_one_json_access_line(json_app):
    app, buffer = json_app
    response = app.test_client().get("/thu-tuc/1.000404", headers={"X-Request-Id": "nginx-abc-123"})
    access = [line for line in _lines(buffer) if line["logger"] == "portal.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == response.headers["X-Request-Id"] == "nginx-abc-123"
    assert (line["method"], line["route"], line["status"]) == ("GET", "public.procedure", 404)
    assert line["path"] == "/thu-tuc/1.000404" and line["remote_addr"] == "127.0.0.1"
    assert line["user_id"] is None and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


def test_records_within_a_request_carry_its_id(json_app):
    app, buffer = json_app
    response = app.test_client().get("/hong")
    lines = _lines(buffer)
    error = next(line for line in lines if line["message"] == "unhandled error")
    access = next(line for line in lines if line["logger"] == "portal.access")
    assert error["request_id"] == access["request_id"] == response.headers["X-Request-Id"]
    assert error["level"] == "ERROR" and "RuntimeError: hỏng" in error["exception"]
    assert access["status"] == 500 and access["route"] == "broken"
    logging.getLogger("portal.test").warning("ngoài yêu cầu")
    assert "request_id" not in _lines(buffer)[0]


def test_the_access_line_names_the_signed_in_user(json_app):
    app, buffer = json_app
    with app.app_context():
        user = factories.citizen()
        db.session.commit()
        user_id, email = user.id, user.email
    client = factories.CsrfClient(app.test_client())
    assert client.post("/tai-khoan/dang-nhap", data={
        "email": email, "password": factories.PASSWORD}).status_code == 303
    _lines(buffer)
    client.get("/ho-so")
    access = [line for line in _lines(buffer) if line["logger"] == "portal.access"]
    assert [line["user_id"] for line in access] == [user_id]
