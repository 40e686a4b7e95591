"""Password hashing: scrypt wherever the portal really runs, a cheap method under tests only."""

import pytest
from flask import Flask

from portal.accounts.models import User
from portal.config import TESTING_PASSWORD_HASH, Config, ConfigError

PRODUCTION = {"env": "production", "secret_key": "x" * 40,
              "database_url": "postgresql://portal@db/portal",
              "storage_url": "s3://portal-files", "payment_hash_secret": "p" * 32}


def _hash_under(config: Config | None) -> str:
    user = User(email="hoa@example.vn", full_name="Nguyễn Thị Hoa")
    if config is None:
        user.set_password("mot-mat-khau-dai")
        return user.password_hash
    app = Flask(__name__)
    app.config["PORTAL"] = config
    with app.app_context():
        user.set_password("mot-mat-khau-dai")
    return user.password_hash


def test_production_and_development_hash_with_scrypt():
    assert Config.from_env({}, **PRODUCTION).password_hash_method == "scrypt"
    assert Config.from_env({}).password_hash_method == "scrypt"
    assert Config.from_env({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40,
                            "DATABASE_URL": PRODUCTION["database_url"],
                            "STORAGE_URL": PRODUCTION["storage_url"],
                            "PAYMENT_HASH_SECRET": "p" * 32}
                           ).password_hash_method == "scrypt"
    assert _hash_under(Config.from_env({}, **PRODUCTION)).startswith("scrypt:")


def test_outside_an_application_the_hash_is_scrypt():
    assert _hash_under(None).startswith("scrypt:")


def test_production_refuses_a_cheap_hash():
    with pytest.raises(ConfigError, match="scrypt"):
        Config.from_env({}, **PRODUCTION, password_hash_method=TESTING_PASSWORD_HASH)


def test_the_testing_environment_hashes_cheaply_and_still_checks():
    config = Config.from_env({}, env="testing")
    assert config.password_hash_method == TESTING_PASSWORD_HASH
    password_hash = _hash_under(config)
    assert password_hash.startswith("pbkdf2:sha256:1$")
    user = User(password_hash=password_hash)
    assert user.check_password("mot-mat-khau-dai")
    assert not user.check_password("mot-mat-khau-khac")


def test_a_scrypt_hash_made_in_production_is_checked_under_any_setting():
    user = User(password_hash=_hash_under(Config.from_env({}, **PRODUCTION)))
    app = Flask(__name__)
    app.config["PORTAL"] = Config.from_env({}, env="testing")
    with app.app_context():
        assert user.check_password("mot-mat-khau-dai")
        assert not user.check_password("Mot-mat-khau-dai")


def test_setting_a_password_ends_the_open_sessions():
    user = User(security_stamp=3)
    user.set_password("mot-mat-khau-moi")
    assert user.security_stamp == 4
