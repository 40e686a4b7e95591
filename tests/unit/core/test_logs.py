"""The JSON log format and the observability settings (portal/core/logs.py, portal/config.py,
issue 17): one parseable object per line whatever the message holds, the traceback inside
it; one JSON handler however many apps are built; the settings checked at start-up."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from portal.config import Config, ConfigError
from portal.core import logs


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("portal.test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_record_is_one_json_line_with_its_traceback():
    try:
        raise ValueError("giá trị sai\nở dòng hai")
    except ValueError:
        record = _record("lỗi khi lưu %s", "hồ sơ \"A\"\n", exc_info=sys.exc_info())
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line  # one record, one line: a message's line break is escaped
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "portal.test"
    assert entry["message"] == 'lỗi khi lưu hồ sơ "A"\n'
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert "ValueError: giá trị sai" in entry["exception"]
    assert "request_id" not in entry  # outside a request there is none


@pytest.fixture
def root_logger():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield root
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_json_logging_installs_one_handler_however_many_apps(root_logger):
    config = Config.from_env({}, env="testing", log_format="json")
    logs.configure_logging(config)
    logs.configure_logging(config)
    handlers = [h for h in root_logger.handlers if isinstance(h, logs._JsonHandler)]
    assert len(handlers) == 1 and isinstance(handlers[0].formatter, logs.JsonFormatter)


def test_json_is_the_production_default_and_text_the_development_one():
    assert Config.from_env({}, env="testing", log_format="json").json_logs
    assert not Config.from_env({}, env="testing").json_logs
    assert not Config.from_env({"LOG_FORMAT": "text"}).json_logs
    assert Config.from_env({"LOG_FORMAT": "JSON"}).json_logs
    production = Config(env="production")  # not validated: only the default is read here
    assert production.json_logs


def test_metrics_settings_are_read_and_checked():
    config = Config.from_env({"METRICS_ALLOWED_NETWORKS": " 10.0.5.0/24, ::1 ,192.0.2.7",
                              "METRICS_TOKEN": "t" * 16})
    assert config.metrics_allowed_networks == ("10.0.5.0/24", "::1", "192.0.2.7")
    assert config.metrics_token == "t" * 16 and config.public_dict()["metrics_token"] == "***"
    assert Config.from_env({}).metrics_allowed_networks == ("127.0.0.0/8", "::1")
    assert Config.from_env({"METRICS_ALLOWED_NETWORKS": ""}).metrics_allowed_networks == ()
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS.*'10.0.5/24x'"):
        Config.from_env({"METRICS_ALLOWED_NETWORKS": "10.0.5/24x"})
    with pytest.raises(ConfigError, match="METRICS_TOKEN must be at least 16"):
        Config.from_env({"METRICS_TOKEN": "short"})
    with pytest.raises(ConfigError, match="LOG_FORMAT must be json or text"):
        Config.from_env({"LOG_FORMAT": "xml"})
