"""`/healthz` says the process is up; `/readyz` says whether the database, the object
storage and the queue answer, naming the part that does not, within the storage timeouts
(issue 10, item 9; the queue: issue 17). The answer names no host, port or error text."""

from __future__ import annotations

from s3_server import HungServer, free_port, storage_url

from portal import create_app
from portal.config import Config
from portal.extensions import db


def _app(tmp_path, database_url: str, storage: str, **changes):
    return create_app(Config.from_env(
        {}, env="testing", database_url=database_url, storage_url=storage,
        storage_connect_timeout=1, storage_read_timeout=0.3, **changes))


def test_ready_when_database_and_storage_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "storage": "ok",
                                              "queue": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_database_and_storage_down_are_named_and_healthz_stays_ok(tmp_path):
    database = f"postgresql://portal:secret@127.0.0.1:{free_port()}/portal"
    storage = storage_url(f"http://127.0.0.1:{free_port()}", "ho-so")
    app = _app(tmp_path, database, storage)
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable",
                                   "checks": {"database": "failed", "storage": "failed",
                                              "queue": "ok"}}
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
        assert response.get_json()["checks"] == {"database": "ok", "storage": "failed",
                                                 "queue": "ok"}
        assert hung.accepted == 1  # the probe asks once, no retry
    with app.app_context():
        db.engine.dispose()


def _checks(app) -> tuple[int, dict]:
    response = app.test_client().get("/readyz")
    with app.app_context():
        db.engine.dispose()
    return response.status_code, response.get_json()


def test_redis_answering_is_ready(tmp_path):
    app = _app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", f"file://{tmp_path / 'files'}",
               redis_url="redis://127.0.0.1:6379/6")
    assert _checks(app) == (200, {"status": "ready", "checks": {
        "database": "ok", "storage": "ok", "queue": "ok"}})


def test_redis_on_a_closed_port_names_the_queue(tmp_path):
    url = f"redis://:hidden-password@127.0.0.1:{free_port()}/6"
    app = _app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", f"file://{tmp_path / 'files'}",
               redis_url=url)
    status, body = _checks(app)
    assert status == 503
    assert body == {"status": "unavailable", "checks": {
        "database": "ok", "storage": "ok", "queue": "failed"}}
    assert "hidden-password" not in str(body) and "127.0.0.1" not in str(body)


def test_a_hung_redis_is_reported_within_the_probe_timeout(tmp_path):
    with HungServer() as hung:
        app = _app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", f"file://{tmp_path / 'files'}",
                   redis_url=f"redis://127.0.0.1:{hung.port}/6")
        status, body = _checks(app)
        assert status == 503 and body["checks"]["queue"] == "failed"
        assert hung.accepted == 1  # one try, no retry


def test_the_sqlite_queue_file_must_be_reachable(tmp_path):
    queue_file = tmp_path / "queue" / "huey.db"
    queue_file.parent.mkdir()
    app = _app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", f"file://{tmp_path / 'files'}",
               huey_file=str(queue_file))
    assert _checks(app)[1]["checks"]["queue"] == "ok"
    queue_file.unlink()  # deleted, or its disk gone: the probe does not create a new one
    status, body = _checks(app)
    assert status == 503 and body["checks"] == {"database": "ok", "storage": "ok",
                                                "queue": "failed"}
    assert not queue_file.exists()
