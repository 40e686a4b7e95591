"""The messages' configuration (README's table): gateways, retries, the queue."""

from __future__ import annotations

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey

from portal.config import Config, ConfigError
from portal.notifications.delivery import backoff
from portal.notifications.tasks import PERIODIC_JOBS, make_huey


def test_gateways_and_retries_come_from_the_environment():
    config = Config.from_env({
        "SMS_GATEWAY_URL": "https://sms.example.vn/send", "SMS_API_KEY": "khoa",
        "SMS_SECRET_KEY": "bimat", "SMS_BRANDNAME": "HCC-QNGAI",
        "ZALO_ACCESS_TOKEN": "tok", "OUTBOX_MAX_ATTEMPTS": "5", "OUTBOX_RETRY_SECONDS": "30",
        "GATEWAY_TIMEOUT": "4", "HUEY_NAME": "hcc"})
    assert (config.sms_gateway_url, config.sms_brandname) == ("https://sms.example.vn/send",
                                                               "HCC-QNGAI")
    assert config.zalo_zns_url == "https://business.openapi.zalo.me/message/template"
    assert (config.outbox_max_attempts, config.outbox_retry_seconds) == (5, 30.0)
    assert (config.gateway_timeout, config.huey_name) == (4.0, "hcc")
    shown = config.public_dict()
    assert shown["sms_api_key"] == shown["sms_secret_key"] == shown["zalo_access_token"] == "***"


@pytest.mark.parametrize("name, value", [("OUTBOX_MAX_ATTEMPTS", "0"),
                                         ("OUTBOX_RETRY_SECONDS", "-1"),
                                         ("GATEWAY_TIMEOUT", "abc")])
def test_impossible_values_are_refused_at_start(name, value):
    with pytest.raises(ConfigError):
        Config.from_env({name: value})


def test_the_back_off_doubles_up_to_six_hours():
    config = Config(outbox_retry_seconds=60)
    assert [backoff(config, n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(config, 30).total_seconds() == 6 * 3600


def test_the_queue_is_redis_when_configured_else_sqlite(tmp_path):
    assert isinstance(make_huey(Config(redis_url="redis://127.0.0.1:6379/11")), RedisHuey)
    assert isinstance(make_huey(Config(huey_file=str(tmp_path / "q.db"))), SqliteHuey)
    assert isinstance(make_huey(Config(env="testing")), MemoryHuey)
    names = {job.name for job in PERIODIC_JOBS}
    assert {"outbox_every_minute", "storage-sweep", "overdue-scan"} <= names


def test_an_unreachable_queue_does_not_hold_the_commit(app, monkeypatch, caplog):
    """Redis down: the change commits, the failure is logged, the message waits for the
    worker's periodic pass."""
    from portal.core.frame import unit_of_work
    from portal.extensions import db
    from portal.notifications import outbox, tasks
    from portal.notifications.models import OutboxMessage

    queue = tasks.install(make_huey(Config(redis_url="redis://127.0.0.1:1/0")), lambda: app)
    monkeypatch.setitem(app.extensions, "outbox_wake", queue.deliver_outbox)
    with app.app_context():
        with unit_of_work():
            outbox.queue("sms", "0905123456", "Hồ sơ đã tiếp nhận")
        assert db.session.query(OutboxMessage).count() == 1
    assert "could not wake the outbox worker" in caplog.text
