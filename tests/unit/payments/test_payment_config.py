"""The payment settings (portal/config.py): read from the environment, the sandbox's secret
refused in production, the hash secret never shown."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.config import SANDBOX_HASH_SECRET, Config, ConfigError, gateway_config

PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40,
              "DATABASE_URL": "postgresql://u@h/db", "STORAGE_URL": "s3://a:b@h:9000/bucket"}


def test_the_defaults_point_at_the_sandbox_that_make_run_starts():
    config = Config.from_env({})
    assert config.payment_gateway_url == "http://127.0.0.1:5055/paymentv2/vpcpay.html"
    assert config.payment_gateway_api_url == (
        "http://127.0.0.1:5055/merchant_webapi/api/transaction")
    assert config.payment_tmn_code == "HCCDEMO1"
    assert config.payment_hash_secret == SANDBOX_HASH_SECRET
    assert (config.vietqr_bank_bin, config.vietqr_account) == ("970436", "0123456789")


def test_the_gateway_and_the_account_are_read_from_the_environment():
    config = Config.from_env({
        "PAYMENT_GATEWAY_URL": "https://pay.vnpay.vn/vpcpay.html",
        "PAYMENT_GATEWAY_API_URL": "https://merchant.vnpay.vn/merchant_webapi/api/transaction",
        "PAYMENT_TMN_CODE": "HCCQNGAI", "PAYMENT_HASH_SECRET": "k" * 32,
        "VIETQR_BANK_BIN": "970415", "VIETQR_ACCOUNT": "113366668888",
        "VIETQR_ACCOUNT_NAME": "TTPVHCC"})
    app = Flask(__name__)
    app.config["PORTAL"] = config
    gateway = gateway_config(app)
    assert gateway.url == "https://pay.vnpay.vn/vpcpay.html"
    assert gateway.api_url.endswith("/merchant_webapi/api/transaction")
    assert (gateway.tmn_code, gateway.hash_secret) == ("HCCQNGAI", "k" * 32)
    assert (config.vietqr_bank_bin, config.vietqr_account, config.vietqr_account_name) == (
        "970415", "113366668888", "TTPVHCC")


def test_production_refuses_the_sandbox_secret_and_accepts_a_real_one():
    with pytest.raises(ConfigError, match="PAYMENT_HASH_SECRET"):
        Config.from_env(PRODUCTION)
    with pytest.raises(ConfigError, match="PAYMENT_HASH_SECRET"):
        Config.from_env({**PRODUCTION, "PAYMENT_HASH_SECRET": SANDBOX_HASH_SECRET})
    with pytest.raises(ConfigError, match="PAYMENT_HASH_SECRET"):
        Config.from_env({**PRODUCTION, "PAYMENT_HASH_SECRET": "short"})
    assert Config.from_env({**PRODUCTION, "PAYMENT_HASH_SECRET": "k" * 32}).env == "production"


@pytest.mark.parametrize(("name", "value"), [
    ("PAYMENT_GATEWAY_URL", "ftp://x"), ("PAYMENT_GATEWAY_API_URL", "localhost:5055"),
    ("VIETQR_BANK_BIN", "97043"), ("VIETQR_ACCOUNT", "0123 456"),
])
def test_malformed_payment_settings_are_refused_at_start(name, value):
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_the_hash_secret_is_never_shown():
    config = Config.from_env({"PAYMENT_HASH_SECRET": "k" * 32})
    assert config.public_dict()["payment_hash_secret"] == "***"
    assert "k" * 32 not in repr(config)
    app = Flask(__name__)
    app.config["PORTAL"] = config
    assert "k" * 32 not in repr(gateway_config(app))
