"""Fixtures shared by every test: the app on SQLite and on PostgreSQL, clean tables, users.

Every test that takes `app` (or `client`, `db_session`) runs twice: on SQLite (the embedded
default) and on PostgreSQL (TEST_DATABASE_URL; CI always sets it). Without that variable the
PostgreSQL half is skipped with a loud reason, never silently passed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))  # tests/factories.py, tests/integration helpers

import header_guard  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.extensions import db as _db  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "Mat-khau-thu-nghiem-1"


def _config(database_url: str, storage_root: Path) -> Config:
    return Config.from_env(
        {},
        env="testing",
        secret_key="test-secret-key-that-is-long-enough-1234",
        database_url=database_url,
        storage_url=f"file://{storage_root}",
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql" and not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL run of this test is SKIPPED "
                    "(CI sets it; set it locally to postgresql://postgres@127.0.0.1/test)")
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"portal-{backend}")
    url = f"sqlite:///{root / 'test.db'}" if backend == "sqlite" else TEST_DATABASE_URL
    application = create_app(_config(url, root / "uploads"))
    header_guard.install(application)  # every response header must be sendable (Latin-1)
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()  # close pooled connections (ResourceWarning is an error here)


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        _db.session.remove()
        tables = list(reversed(_db.metadata.sorted_tables))
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                for table in tables:
                    connection.execute(table.delete())
                connection.execute(text("PRAGMA foreign_keys=ON"))


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
