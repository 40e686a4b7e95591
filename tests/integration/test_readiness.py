"""`/healthz` says the process is up; `/readyz` says whether the database and the object
storage answer, naming the part that does not, within the storage timeouts (issue 10,
item 9). The answer names no host, port or error text."""

from __future__ import annotations

from s3_server import HungServer, free_port, storage_url

from portal import create_app
from portal.config import Config
from portal.extensions import db


def _app(tmp_path, database_url: str, storage: str):
    return create_app(Config.from_env(
        {}, env="testing", database_url=database_url, storage_url=storage,
        storage_connect_timeout=1, storage_read_timeout=0.3))


def test_ready_when_database_and_storage_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_database_and_storage_down_are_named_and_healthz_stays_ok(tmp_path):
    database = f"postgresql://portal:secret@127.0.0.1:{free_port()}/portal"
    storage = storage_url(f"http://127.0.0.1:{free_port()}", "ho-so")
    app = _app(tmp_path, database, storage)
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable",
                                   "checks": {"database": "failed", "storage": "failed"}}
    body = response.get_data(as_text=True)
    assert "127.0.0.1" not in body and "secret" not in body and "test-key" not in body
    assert client.get("/healthz").get_json() == {"status": "ok"}  # the process is up
    with app.app_context():
        db.engine.dispose()


def test_a_hung_store_is_reported_within_one_timeout(tmp_path):
    with HungServer() as hung:
        app = _app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", storage_url(hung.endpoint, "ho-so"))
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"] == {"database": "ok", "storage": "failed"}
        assert hung.accepted == 1  # the probe asks once, no retry
    with app.app_context():
        db.engine.dispose()
