"""Fixtures shared by every test: the app on SQLite and on PostgreSQL, clean tables, users.

Every test that takes `app` (or `client`, `db_session`) runs twice: on SQLite (the embedded
default) and on PostgreSQL (TEST_DATABASE_URL; CI always sets it). Without that variable the
PostgreSQL half is skipped with a loud reason, never silently passed.

Each test runs in a transaction rolled back at its end; tests that need their data really
committed are marked ``committed_db`` (all of tests/integration and tests/browser)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Connection, Engine, text

sys.path.insert(0, str(Path(__file__).parent))  # tests/factories.py, tests/integration helpers

import header_guard  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.extensions import db as _db  # noqa: E402


def _worker_database(base: str) -> str:
    """Under pytest-xdist (`make test` runs one worker per core) each worker gets a PostgreSQL
    database of its own, ``<name>_<worker>``, made fresh here; every later reader of
    TEST_DATABASE_URL (the replay's and the migrations' own databases) sees the worker's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not base or not worker:
        return base
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["TEST_DATABASE_URL"] = url.set(database=name).render_as_string(False)
    return os.environ["TEST_DATABASE_URL"]


TEST_DATABASE_URL = _worker_database(os.environ.get("TEST_DATABASE_URL", ""))
TESTS = Path(__file__).parent
# Real servers in other threads or processes, several connections, migrations: they need
# their data committed, so they cannot run inside a rolled-back transaction.
COMMITTED_DIRECTORIES = {"integration", "browser"}
PASSWORD = "Mat-khau-thu-nghiem-1"


def _config(database_url: str, storage_root: Path) -> Config:
    return Config.from_env(
        {},
        env="testing",
        secret_key="test-secret-key-that-is-long-enough-1234",
        database_url=database_url,
        storage_url=f"file://{storage_root}",
    )


# Run first, so that `make test`'s workers start the longest work at once: the two halves of
# the 2019 replay (minutes of CPU each), then the browser journeys (which wait on Chromium and
# leave a core half idle, filled by the short tests that follow).
FIRST = ("integration/test_replay_2019_", "browser/")


def _rank(item) -> int:
    path = item.path.relative_to(TESTS).as_posix()
    return next((n for n, prefix in enumerate(FIRST) if path.startswith(prefix)), len(FIRST))


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if any(TESTS / name in item.path.parents for name in COMMITTED_DIRECTORIES):
            item.add_marker(pytest.mark.committed_db)
    items.sort(key=_rank)  # stable: the order within each group is kept


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql" and not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL run of this test is SKIPPED "
                    "(CI sets it; set it locally to postgresql://postgres@127.0.0.1/test)")
    return request.param


# One app per backend for the whole run. pytest keeps one instance of a parametrized
# session fixture at a time: under pytest-xdist a worker alternates between the backends
# module after module, and rebuilding the app and its tables at each switch cost about a
# tenth of `make test`. Built at first use, kept until the session ends.
_APPS: dict[str, Flask] = {}


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory, _apps_disposed):
    if backend not in _APPS:
        root = tmp_path_factory.mktemp(f"portal-{backend}")
        url = f"sqlite:///{root / 'test.db'}" if backend == "sqlite" else TEST_DATABASE_URL
        application = create_app(_config(url, root / "uploads"))
        header_guard.install(application)  # every response header must be sendable (Latin-1)
        with application.app_context():
            _db.drop_all()
            _db.create_all()
        _APPS[backend] = application
    return _APPS[backend]


@pytest.fixture(scope="session")
def _apps_disposed():
    """Close the apps' pooled connections at the end of the run (a ResourceWarning is an
    error here)."""
    yield
    while _APPS:
        _, application = _APPS.popitem()
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


class _ConnectionSession(FlaskSession):
    """Flask-SQLAlchemy's session, bound to the test's connection: its get_bind would pick
    the engine and so ignore the connection the session was given."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


class _EngineOnConnection:
    """The engine as the code sees it during a rolled-back test: ``begin()`` (the throttle's
    own transaction) is a savepoint on the test's connection; anything else is the engine."""

    def __init__(self, engine: Engine, connection: Connection) -> None:
        self._engine, self._connection = engine, connection

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._connection.begin_nested():
            yield self._connection

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


@contextmanager
def _rolled_back(application) -> Iterator[None]:
    """Run the test inside one transaction on one connection and roll it back afterwards
    (SQLAlchemy's "join a session into an external transaction"): the routes' commits and
    rollbacks work on savepoints, nothing reaches the tables.

    pysqlite begins a transaction only before a write and lets a SAVEPOINT start one of its
    own, whose release would commit: on SQLite the driver is put in autocommit mode and the
    test's transaction is begun explicitly."""
    with application.app_context():
        engine, scoped = _db.engine, _db.session
        connection = engine.connect()
        driver = connection.connection.driver_connection
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            level, driver.isolation_level = driver.isolation_level, None
        transaction = connection.begin()
        if sqlite:
            connection.exec_driver_sql("BEGIN")
        engines = _db._app_engines[application]
        engines[None] = _EngineOnConnection(engine, connection)
        _db.session = _db._make_scoped_session({
            "class_": _ConnectionSession, "bind": connection,
            "join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        with application.app_context():
            _db.session.remove()
            _db.session, engines[None] = scoped, engine
            transaction.rollback()
            if sqlite:
                driver.isolation_level = level
            connection.close()


def empty_tables(application) -> None:
    """Empty every table: for data committed for real (``committed_db`` tests, worlds built
    once per module)."""
    with application.app_context():
        _db.session.remove()
        tables = list(reversed(_db.metadata.sorted_tables))
        with _db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                for table in tables:
                    connection.execute(table.delete())
                # SQLite ignores the pragma inside a transaction: switched on again inside
                # it, the pooled connection kept foreign keys off for the next test, whose
                # ON DELETE CASCADE then did nothing.
                connection.commit()
                connection.execute(text("PRAGMA foreign_keys=ON"))
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            connection.commit()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Leave the tables as the test found them: roll back the test's transaction, or, for a
    test marked ``committed_db`` (a real server in another thread or process, several
    connections, migrations), let it commit and empty every table afterwards."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    if request.node.get_closest_marker("committed_db"):
        yield
        empty_tables(application)
        return
    with _rolled_back(application):
        yield


@pytest.fixture(scope="module")
def module_db(app):
    """The app, for a world built once per module and only read by its tests: what such a
    fixture commits stays for the module (each test still rolls back its own changes) and
    is emptied after the module's last test."""
    yield app
    empty_tables(app)


@pytest.fixture
def deliver_outbox(app):
    """What the worker does, run here and now: ``deliver_outbox()`` sends every due outbox
    message with the app's current configuration and returns the delivery's report."""
    from portal.notifications.delivery import deliver_pending

    def deliver(**kwargs):
        with app.app_context():
            return deliver_pending(app.config["PORTAL"], **kwargs)

    return deliver


@pytest.fixture(autouse=True)
def _headers_a_server_can_send():
    """Fail the test if any response it caused had a header no real server could send
    (tests/header_guard.py), even one raised while Flask was finishing an error page."""
    header_guard.PROBLEMS.clear()
    yield
    problems, header_guard.PROBLEMS[:] = list(header_guard.PROBLEMS), []
    assert not problems, "\n".join(problems)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def db_session(app_ctx):
    yield _db.session
    _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(app):
    """A client whose POSTs carry a real CSRF token taken from a rendered page."""
    from factories import CsrfClient

    return CsrfClient(app.test_client())


@pytest.fixture
def signed_in(app, login):
    """signed_in(email) → a CSRF-aware client logged in as that user, one per e-mail and
    test (the ``as_`` fixtures of the staff and statistics tests name users by role)."""
    from factories import CsrfClient

    clients = {}

    def _client(email: str):
        if email not in clients:
            clients[email] = CsrfClient(app.test_client())
            login(clients[email], email)
        return clients[email]

    return _client


@pytest.fixture
def login(app):
    """login(client, user): the real login flow, including TOTP for staff."""

    def _login(csrf_client, user_email: str, password: str = PASSWORD):
        response = csrf_client.post("/tai-khoan/dang-nhap",
                                    data={"email": user_email, "password": password})
        location = response.headers.get("Location", "")
        if "xac-thuc" in location or "thiet-lap" in location:
            with app.app_context():
                import factories

                from portal.accounts.queries import user_by_email

                user = user_by_email(user_email)
                if not user.totp_enabled:
                    csrf_client.get(location)  # the setup page creates the secret
                    _db.session.refresh(user)
                code = factories.totp_code(user)
            response = csrf_client.post(location, data={"code": code})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    return _login
