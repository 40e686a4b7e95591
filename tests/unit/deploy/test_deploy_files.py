"""The files of a real deployment (deploy/) agree with the code: the example environment
names every variable the app reads, and gunicorn's settings clean up after a dead worker's
metrics."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from portal.config import Config, ConfigError

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
# Read by the app but not for a real deployment: the SQLite queue of the one-machine demo.
NOT_FOR_PRODUCTION = {"HUEY_FILE"}


class _Recording(dict):
    """An empty environment that remembers every name asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def test_the_example_environment_names_every_variable_the_app_reads():
    environ = _Recording()
    Config.from_env(environ)
    assert {"SECRET_KEY", "DATABASE_URL", "PROXY_COUNT", "LOOPBACK_HTTP"} <= environ.asked
    example = (DEPLOY / "portal.env.example").read_text()
    named = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert environ.asked - NOT_FOR_PRODUCTION - named == set()
    # LOOPBACK_HTTP is there only as a commented warning, never set.
    assert re.search(r"^LOOPBACK_HTTP=", example, flags=re.MULTILINE) is None


def test_the_example_environment_is_refused_until_its_secrets_are_real():
    """Copied as is, production refuses to start: the placeholders are not secrets."""
    values = {}
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        found = re.match(r'^([A-Z][A-Z0-9_]+)=(.*)$', line)
        if found:
            values[found.group(1)] = found.group(2).strip('"')
    with pytest.raises(ConfigError) as refused:
        Config.from_env(values)
    assert "SECRET_KEY" in str(refused.value) and "PAYMENT_HASH_SECRET" in str(refused.value)
    # Every other value has the right shape: with the two secrets filled, it starts.
    config = Config.from_env({**values, "SECRET_KEY": "k" * 48, "PAYMENT_HASH_SECRET": "h" * 32})
    assert config.env == "production" and config.proxy_count == 1
    assert config.flask_settings()["SESSION_COOKIE_SECURE"] is True


def test_gunicorn_marks_a_dead_workers_metrics_dead(tmp_path, monkeypatch):
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["worker_class"] == "gthread" and settings["control_socket_disable"]
    assert settings["timeout"] < 75  # below nginx's proxy_read_timeout
    # prometheus_client's multiprocess mode: a live-gauge file per process.
    dead, alive = tmp_path / "gauge_livesum_4242.db", tmp_path / "gauge_livesum_4343.db"
    dead.write_bytes(b"")
    alive.write_bytes(b"")

    class Worker:
        pid = 4242

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings["child_exit"](None, Worker())
    assert not dead.exists() and alive.exists()


@pytest.mark.parametrize("unit", ["portal-web@.service", "portal-worker.service",
                                  "portal-migrate.service"])
def test_the_units_read_the_environment_file_and_are_hardened(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "EnvironmentFile=/etc/portal/portal.env" in text
    assert "User=portal" in text and "NoNewPrivileges=yes" in text
    assert "ProtectSystem=strict" in text
    if unit != "portal-migrate.service":
        assert "Restart=always" in text
