import pytest

from portal.config import Config, ConfigError
from portal.core.formatting import duration_label, money
from portal.core.text import fold, search_terms


@pytest.mark.parametrize(("text", "folded"), [
    ("Đăng ký thế chấp", "dang ky the chap"),
    ("ĐĂNG KÝ  THẾ   CHẤP", "dang ky the chap"),
    ("Cấp phù hiệu xe", "cap phu hieu xe"),
    ("Nghiệp vụ Dược – Y tế", "nghiep vu duoc – y te"),
    ("", ""),
    (None, ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_search_terms_drop_like_wildcards_and_limit():
    assert search_terms("Đăng_ký 100% thế chấp") == ["dang", "ky", "100", "the", "chap"]
    assert len(search_terms(" ".join(["a"] * 20))) == 8


def test_money_and_durations_in_vietnamese():
    assert money(1500000) == "1.500.000\xa0₫"
    assert money(0) == "Không thu phí"
    assert duration_label(10, "days") == "10 ngày làm việc"
    assert duration_label(4, "hours") == "4 giờ làm việc"
    assert duration_label(0, "same_day") == "Trong ngày làm việc"


def test_a_moment_in_a_sentence_reads_day_then_time():
    """Issue 12: "ngày 06/12/2026, lúc 13:23", never "ngày 13:23 06/12/2026"."""
    from datetime import UTC, datetime

    from portal.core.formatting import day_and_time

    assert day_and_time(datetime(2026, 12, 6, 6, 23, tzinfo=UTC)) == "ngày 06/12/2026, lúc 13:23"
    # Vietnam's day, not UTC's: 18:30 UTC is already the next morning there.
    assert day_and_time(datetime(2026, 12, 6, 18, 30, tzinfo=UTC)) == "ngày 07/12/2026, lúc 01:30"
    assert day_and_time(None) == ""


def test_config_reads_environment_once_and_validates():
    config = Config.from_env({"DATABASE_URL": "postgresql://u@h/db", "SMTP_PORT": "2525"})
    assert config.sqlalchemy_url == "postgresql+psycopg://u@h/db"
    assert config.smtp_port == 2525
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.from_env({"PORTAL_ENV": "production", "DATABASE_URL": "postgresql://u@h/db",
                         "STORAGE_URL": "s3://a:b@h/bucket"})
    with pytest.raises(ConfigError, match="PostgreSQL"):
        Config.from_env({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40})
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        Config.from_env({"PORTAL_ENV": "staging"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Config.from_env({"DATABASE_URL": "mysql://x"})


@pytest.mark.parametrize("raw, problem", [("", None), (" 2 ", None), ("-1", "whole number"),
                                          ("hai", "whole number"), ("6", "0 .no proxy. to 5")])
def test_proxy_count_is_read_and_checked(raw, problem):
    """PROXY_COUNT: how many of our own proxies append to X-Forwarded-For (issue 10, item 2)."""
    environ = {"PROXY_COUNT": raw}
    if problem:
        with pytest.raises(ConfigError, match=f"PROXY_COUNT must be.*{problem}"):
            Config.from_env(environ)
    else:
        assert Config.from_env(environ).proxy_count == int(raw or 0)


def test_production_settings_are_hardened():
    config = Config.from_env({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40,
                              "DATABASE_URL": "postgresql://u@h/db",
                              "STORAGE_URL": "s3://a:b@h:9000/bucket",
                              "PAYMENT_HASH_SECRET": "p" * 32})
    settings = config.flask_settings()
    assert settings["DEBUG"] is False and settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["REMEMBER_COOKIE_SECURE"]
    assert "***" == config.public_dict()["secret_key"]


PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40,
              "DATABASE_URL": "postgresql://u@h/db", "STORAGE_URL": "s3://a:b@h:9000/bucket",
              "PAYMENT_HASH_SECRET": "p" * 32}


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080", "http://localhost:8080/"])
def test_loopback_http_drops_secure_cookies_only_for_this_machine(base_url):
    """`make prod` serves production over plain http on 127.0.0.1 (LOOPBACK_HTTP): a client
    would never send a Secure cookie back there."""
    config = Config.from_env({**PRODUCTION, "LOOPBACK_HTTP": "1", "BASE_URL": base_url})
    settings = config.flask_settings()
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["REMEMBER_COOKIE_SECURE"] is False
    assert settings["PREFERRED_URL_SCHEME"] == "http"


@pytest.mark.parametrize("base_url", ["https://dichvucong.quangngai.gov.vn",
                                      "http://dichvucong.quangngai.gov.vn",
                                      "http://10.0.0.5:8080", "https://127.0.0.1:8443"])
def test_loopback_http_is_refused_for_any_other_address(base_url):
    with pytest.raises(ConfigError, match="LOOPBACK_HTTP is only for a demo on this machine"):
        Config.from_env({**PRODUCTION, "LOOPBACK_HTTP": "yes", "BASE_URL": base_url})
    # Without it, production keeps its secure cookies whatever BASE_URL says.
    settings = Config.from_env({**PRODUCTION, "BASE_URL": base_url}).flask_settings()
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PREFERRED_URL_SCHEME"] == "https"


def test_centre_contact_is_read_from_the_environment_and_checked():
    config = Config.from_env({"CENTRE_HOTLINE": " +84 255 3 822 888 ", "CENTRE_EMAIL": "a@b.vn",
                              "CENTRE_ADDRESS": "54 Hùng Vương", "CENTRE_HOURS": "07:30–17:00"})
    assert config.centre.hotline == "+84 255 3 822 888"
    assert config.centre.tel_uri == "tel:+842553822888"
    assert (config.centre.email, config.centre.address, config.centre.hours) == (
        "a@b.vn", "54 Hùng Vương", "07:30–17:00")
    assert Config.from_env({}).centre.tel_uri == "tel:+842553822888"  # 0255… -> +84 255…
    with pytest.raises(ConfigError, match="CENTRE_EMAIL"):
        Config.from_env({"CENTRE_EMAIL": "not an address"})
    with pytest.raises(ConfigError, match="CENTRE_HOTLINE"):
        Config.from_env({"CENTRE_HOTLINE": "call us"})


def test_vietnamese_sort_key_orders_letters_then_tones_then_case():
    from portal.core.text import vietnamese_sort_key

    words = ["Tổ chức", "Ưu tiên", "Đăng ký", "Em", "Dịch vụ", "ăn", "Âm", "An", "Uy", "Ơn", "Ôm",
             "Ong", "bạ", "bá", "bã", "bả", "bà", "ba", "Ba", "1 số", "Cấp lại", "Cấp"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "1 số", "An", "ăn", "Âm", "Ba", "ba", "bà", "bả", "bã", "bá", "bạ", "Cấp", "Cấp lại",
        "Dịch vụ", "Đăng ký", "Em", "Ong", "Ôm", "Ơn", "Tổ chức", "Uy", "Ưu tiên"]
    # Composed or decomposed input, extra spaces: the same key apart from the text itself.
    assert vietnamese_sort_key("Đ\u0103ng  ky\u0301")[:2] == vietnamese_sort_key("Đăng ký")[:2]
