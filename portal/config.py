"""One configuration, read from the environment once and validated at start-up."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.payments.vnpay import GatewayConfig

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET = "dev-only-secret-change-me"
# One PBKDF2 round: fast enough that tests create and log in hundreds of users; never
# accepted in production (Config.validated).
TESTING_PASSWORD_HASH = "pbkdf2:sha256:1"
# The sandbox gateway's terminal and hash secret (portal/payments/sandbox.py): public, so
# production refuses them (Config.validated).
SANDBOX_TMN_CODE = "HCCDEMO1"
SANDBOX_HASH_SECRET = "sandbox-secret-not-for-production"


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration cannot work."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _tel_uri(number: str) -> str:
    """'0255 3 822 888' -> 'tel:+842553822888' (RFC 3966: a global number, so the link dials
    the same from abroad); a number already in +84 form keeps its country code."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+"):
        return f"tel:+{digits}"
    return f"tel:+84{digits[1:]}" if digits.startswith("0") else f"tel:{digits}"


@dataclass(frozen=True)
class CentreContact:
    """How to reach the centre, shown in every page's footer."""

    hotline: str
    address: str
    email: str
    hours: str

    @property
    def tel_uri(self) -> str:
        return _tel_uri(self.hotline)


def _is_loopback_http(url: str) -> bool:
    """http://127.x.x.x[:port]/… or http://localhost[:port]/…: a browser on this machine."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme == "http" and (parts.hostname == "localhost"
                                       or (parts.hostname or "").startswith("127."))


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None


def _observability_settings(env) -> dict:
    """METRICS_ALLOWED_NETWORKS (comma-separated; set but empty: no network, the token
    alone), METRICS_TOKEN and LOG_FORMAT, when set."""
    values: dict = {}
    if "METRICS_ALLOWED_NETWORKS" in env:
        values["metrics_allowed_networks"] = tuple(
            part.strip() for part in env["METRICS_ALLOWED_NETWORKS"].split(",") if part.strip())
    if env.get("METRICS_TOKEN", "").strip():
        values["metrics_token"] = env["METRICS_TOKEN"].strip()
    if env.get("LOG_FORMAT", "").strip():
        values["log_format"] = env["LOG_FORMAT"].strip().lower()
    return values


@dataclass(frozen=True)
class Config:
    env: str = "development"  # development | production | testing
    secret_key: str = DEV_SECRET
    database_url: str = f"sqlite:///{BASE_DIR / 'instance' / 'portal.db'}"
    storage_url: str = f"file://{BASE_DIR / 'uploads'}"
    redis_url: str = ""
    base_url: str = "http://127.0.0.1:5000"
    smtp_host: str = ""  # empty: e-mails are written to the log (development)
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Trung tâm Phục vụ hành chính công <noreply@hcc.quangngai.gov.vn>"
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    # The province whose centre this is, as the official forms name it (form 01).
    province_name: str = "Quảng Ngãi"
    # The centre's contact details in every page's footer (the demo centre of that province).
    # centre_hours holds the office times only; the footer's sentence around them (working
    # days, holidays) is translated.
    centre_hotline: str = "0255 3 822 888"
    centre_address: str = "54 Hùng Vương, phường Trần Phú, thành phố Quảng Ngãi, tỉnh Quảng Ngãi"
    centre_email: str = "hcc@quangngai.gov.vn"
    centre_hours: str = "07:30–11:30, 13:00–17:00"
    # How many reverse proxies (the TLS proxy, a load balancer) stand in front of the app and
    # append to X-Forwarded-For. 0: the connecting address is the client's and the header,
    # which anyone can write, is ignored. Wrong in either direction, every client shares the
    # proxy's address, or any client picks its own (docs/OPERATIONS.md).
    proxy_count: int = 0
    # Production over plain http, for `make prod` on one machine's loopback only: cookies
    # without the Secure flag and http URLs. Refused unless BASE_URL is a loopback http
    # address, so a real deployment cannot be weakened by it (docs/OPERATIONS.md).
    loopback_http: bool = False
    # Throttling (portal/core/throttle.py, docs/OPERATIONS.md "Throttling"). Per account:
    # login_max_failures attempts, then a back-off from 1 minute doubling up to
    # login_window_minutes; failures are forgotten login_window_minutes after the last block.
    login_max_failures: int = 5
    login_window_minutes: int = 15
    # Per client address and login_window_minutes: failed logins before wrong passwords get
    # 429 (a correct password is never refused because of its address).
    login_address_max_failures: int = 30
    password_reset_hours: int = 2
    # Reset mails per e-mail address, and reset requests per client address, per hour.
    reset_max_per_account: int = 3
    reset_max_per_address: int = 10
    # Public lookup: failed lookups per client address per 15 minutes and per code per hour.
    lookup_max_failures_per_address: int = 20
    lookup_max_failures_per_code: int = 10
    # Feedback and complaints (docs/feedback.md): the agency answers within this many working
    # days of receipt; one client address sends at most this many items an hour.
    feedback_answer_days: int = 10
    feedback_max_per_address: int = 5
    totp_issuer: str = "HCC Quang Ngai"
    # Server-side sessions (accounts.user_sessions): a login not remembered ends after this
    # long without a request; "remember me" (citizens only) lasts this many days from login.
    session_idle_minutes: int = 12 * 60
    remember_days: int = 30
    catalog_page_size: int = 20
    max_template_bytes: int = 10 * 1024 * 1024
    # Dossier uploads (DESIGN.md §5): per file, per dossier, per required document.
    max_file_bytes: int = 20 * 1024 * 1024
    max_dossier_bytes: int = 100 * 1024 * 1024
    max_files_per_requirement: int = 10
    # Object storage (issue 10, item 9): how long one request to S3/MinIO may wait for a
    # connection and for an answer (seconds; one retry), and how old a leftover must be
    # before `flask storage sweep` removes it (an upload in progress is younger).
    storage_connect_timeout: float = 3.0
    storage_read_timeout: float = 10.0
    storage_sweep_grace_hours: float = 24.0
    # Messages (docs/messages.md). The queue: RedisHuey when redis_url is set, else SqliteHuey
    # in this file (empty: instance/huey.db; under env="testing" an in-memory queue that no
    # worker reads — tests deliver with portal.notifications.delivery.deliver_pending).
    huey_file: str = ""
    huey_name: str = "portal"  # the queue's name (its Redis key prefix)
    # Outbox retries: attempt n failing waits outbox_retry_seconds * 2**(n-1) (at most 6
    # hours) before the next; after outbox_max_attempts the message is "failed".
    outbox_max_attempts: int = 8
    outbox_retry_seconds: float = 60.0
    # The brand-name SMS gateway (an eSMS.vn-style JSON API, docs/messages.md) and Zalo ZNS.
    # Without a URL (SMS) or an access token (Zalo) the channel writes to the log.
    sms_gateway_url: str = ""
    sms_api_key: str = ""
    sms_secret_key: str = ""
    sms_brandname: str = ""
    zalo_zns_url: str = "https://business.openapi.zalo.me/message/template"
    zalo_access_token: str = ""
    # The carrier's public tracking page; {code} is the tracking number (docs/delivery.md).
    postal_tracking_url: str = "https://vnpost.vn/tra-cuu-hanh-trinh/buu-pham?key={code}"
    gateway_timeout: float = 10.0
    # The payment gateway (VNPay 2.1.0 protocol, docs/payments.md): by default the sandbox
    # that `make run` starts on port 5055.
    payment_gateway_url: str = "http://127.0.0.1:5055/paymentv2/vpcpay.html"
    payment_gateway_api_url: str = "http://127.0.0.1:5055/merchant_webapi/api/transaction"
    payment_tmn_code: str = SANDBOX_TMN_CODE
    payment_hash_secret: str = field(default=SANDBOX_HASH_SECRET, repr=False)
    # The agency's account for VietQR transfers (docs/payments.md "VietQR"): the bank's
    # NAPAS BIN (970436: Vietcombank), the account number and the name shown to the payer.
    vietqr_bank_bin: str = "970436"
    vietqr_account: str = "0123456789"
    vietqr_account_name: str = "TRUNG TAM PHUC VU HANH CHINH CONG TINH QUANG NGAI"
    # Werkzeug's method for new password hashes. Under env="testing" it is a cheap one
    # (TESTING_PASSWORD_HASH): every fixture user and every login would otherwise cost a
    # full scrypt. Production refuses anything but scrypt.
    password_hash_method: str = "scrypt"
    # Health, metrics and logs (docs/OPERATIONS.md "Health, metrics and logs"). GET /metrics
    # answers a client whose address (after ProxyFix) is in one of these networks, or one
    # sending "Authorization: Bearer <metrics_token>" when a token is set; anyone else gets
    # 404, as if it did not exist. Empty networks: the token alone.
    metrics_allowed_networks: tuple[str, ...] = ("127.0.0.0/8", "::1")
    metrics_token: str = field(default="", repr=False)
    # "json": one JSON object per line on stderr, with an access line per request (gunicorn's
    # own access log can be off); "text": the plain lines of development. Empty: json in
    # production, text otherwise.
    log_format: str = ""
    # Raw Flask settings for tests (e.g. WTF_CSRF_ENABLED).
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Config:
        env = os.environ if environ is None else environ
        values = {
            "env": env.get("PORTAL_ENV", cls.env),
            "secret_key": env.get("SECRET_KEY", cls.secret_key),
            "database_url": env.get("DATABASE_URL", cls.database_url),
            "storage_url": env.get("STORAGE_URL", cls.storage_url),
            "redis_url": env.get("REDIS_URL", ""),
            "base_url": env.get("BASE_URL", cls.base_url),
            "smtp_host": env.get("SMTP_HOST", ""),
            "smtp_port": int(env.get("SMTP_PORT", cls.smtp_port)),
            "smtp_user": env.get("SMTP_USER", ""),
            "smtp_password": env.get("SMTP_PASSWORD", ""),
            "smtp_starttls": _bool(env.get("SMTP_STARTTLS")),
            "mail_from": env.get("MAIL_FROM", cls.mail_from),
            "huey_file": env.get("HUEY_FILE", ""),
            "huey_name": env.get("HUEY_NAME", "") or cls.huey_name,
            "sms_gateway_url": env.get("SMS_GATEWAY_URL", ""),
            "sms_api_key": env.get("SMS_API_KEY", ""),
            "sms_secret_key": env.get("SMS_SECRET_KEY", ""),
            "sms_brandname": env.get("SMS_BRANDNAME", ""),
            "zalo_zns_url": env.get("ZALO_ZNS_URL", "") or cls.zalo_zns_url,
            "zalo_access_token": env.get("ZALO_ACCESS_TOKEN", ""),
            "postal_tracking_url": (env.get("POSTAL_TRACKING_URL", "")
                                    or cls.postal_tracking_url),
        }
        for key, name in (("payment_gateway_url", "PAYMENT_GATEWAY_URL"),
                          ("payment_gateway_api_url", "PAYMENT_GATEWAY_API_URL"),
                          ("payment_tmn_code", "PAYMENT_TMN_CODE"),
                          ("payment_hash_secret", "PAYMENT_HASH_SECRET"),
                          ("vietqr_bank_bin", "VIETQR_BANK_BIN"),
                          ("vietqr_account", "VIETQR_ACCOUNT"),
                          ("vietqr_account_name", "VIETQR_ACCOUNT_NAME")):
            if env.get(name, "").strip():
                values[key] = env[name].strip()
        if env.get("OUTBOX_MAX_ATTEMPTS", "").strip():
            values["outbox_max_attempts"] = int(_number(env["OUTBOX_MAX_ATTEMPTS"],
                                                        "OUTBOX_MAX_ATTEMPTS"))
        for key, name in (("outbox_retry_seconds", "OUTBOX_RETRY_SECONDS"),
                          ("gateway_timeout", "GATEWAY_TIMEOUT")):
            if env.get(name, "").strip():
                values[key] = _number(env[name], name)
        for key, name in (("centre_hotline", "CENTRE_HOTLINE"),
                          ("centre_address", "CENTRE_ADDRESS"),
                          ("centre_email", "CENTRE_EMAIL"), ("centre_hours", "CENTRE_HOURS")):
            if env.get(name, "").strip():
                values[key] = env[name].strip()
        for key, name in (("feedback_answer_days", "FEEDBACK_ANSWER_DAYS"),
                          ("feedback_max_per_address", "FEEDBACK_MAX_PER_ADDRESS")):
            if env.get(name, "").strip():
                values[key] = int(_number(env[name], name))
        values.update(_observability_settings(env))
        values["loopback_http"] = _bool(env.get("LOOPBACK_HTTP"))
        proxies = env.get("PROXY_COUNT", "").strip()
        if proxies:
            if not proxies.isdigit():
                raise ConfigError(f"PROXY_COUNT must be a whole number, not {proxies!r}")
            values["proxy_count"] = int(proxies)
        for key, name in (("max_file_bytes", "MAX_FILE_MB"),
                          ("max_dossier_bytes", "MAX_DOSSIER_MB")):
            if env.get(name):
                values[key] = int(env[name]) * 1024 * 1024
        for key, name in (("storage_connect_timeout", "STORAGE_CONNECT_TIMEOUT"),
                          ("storage_read_timeout", "STORAGE_READ_TIMEOUT"),
                          ("storage_sweep_grace_hours", "STORAGE_SWEEP_GRACE_HOURS")):
            if env.get(name):
                values[key] = _number(env[name], name)
        values.update(overrides)
        if values["env"] == "testing":
            values.setdefault("password_hash_method", TESTING_PASSWORD_HASH)
        return cls(**values).validated()

    def with_(self, **changes) -> Config:
        return replace(self, **changes).validated()

    def validated(self) -> Config:
        problems = []
        if self.env not in {"development", "production", "testing"}:
            problems.append("PORTAL_ENV must be development, production or testing, "
                            f"not {self.env!r}")
        if self.env == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                problems.append("SECRET_KEY must be at least 32 random characters in production")
            if self.database_url.startswith("sqlite"):
                problems.append("production needs DATABASE_URL pointing to PostgreSQL")
            if self.storage_url.startswith("file"):
                problems.append("production needs STORAGE_URL pointing to MinIO/S3")
            if not self.password_hash_method.startswith("scrypt"):
                problems.append("production hashes passwords with scrypt")
            if (self.payment_hash_secret == SANDBOX_HASH_SECRET
                    or len(self.payment_hash_secret) < 16):
                problems.append("PAYMENT_HASH_SECRET must be the gateway's hash secret in "
                                "production, not the sandbox's")
        problems += self._loopback_problems()
        if not self.database_url.startswith(("sqlite", "postgresql")):
            problems.append("DATABASE_URL must be sqlite:/// or postgresql+psycopg://")
        if not 1 <= self.smtp_port <= 65535:
            problems.append("SMTP_PORT out of range")
        if not 0 < self.max_file_bytes <= self.max_dossier_bytes:
            problems.append("MAX_FILE_MB must be positive and not above MAX_DOSSIER_MB")
        problems += self._centre_problems()
        problems += self._payment_problems()
        problems += self._observability_problems()
        if self.max_files_per_requirement < 1:
            problems.append("max_files_per_requirement must be at least 1")
        if self.session_idle_minutes < 1 or self.remember_days < 1:
            problems.append("session_idle_minutes and remember_days must be at least 1")
        if not 0 <= self.proxy_count <= 5:
            problems.append("PROXY_COUNT must be 0 (no proxy) to 5: the number of reverse "
                            "proxies in front of the app that append to X-Forwarded-For")
        limits = ("login_max_failures", "login_window_minutes", "login_address_max_failures",
                  "reset_max_per_account", "reset_max_per_address",
                  "lookup_max_failures_per_address", "lookup_max_failures_per_code",
                  "feedback_answer_days", "feedback_max_per_address")
        problems += [f"{name} must be at least 1" for name in limits if getattr(self, name) < 1]
        if not (0 < self.storage_connect_timeout <= 300 and 0 < self.storage_read_timeout <= 300):
            problems.append("STORAGE_CONNECT_TIMEOUT and STORAGE_READ_TIMEOUT must be "
                            "between 0 and 300 seconds")
        if self.storage_sweep_grace_hours < 1:
            # An upload can take minutes and its commit follows it: a shorter grace would
            # sweep files of requests still in progress.
            problems.append("STORAGE_SWEEP_GRACE_HOURS must be at least 1")
        if not (1 <= self.outbox_max_attempts <= 50 and self.outbox_retry_seconds > 0
                and 0 < self.gateway_timeout <= 120):
            problems.append("OUTBOX_MAX_ATTEMPTS must be 1 to 50, OUTBOX_RETRY_SECONDS "
                            "positive and GATEWAY_TIMEOUT between 0 and 120 seconds")
        if problems:
            raise ConfigError("; ".join(problems))
        return self

    def _loopback_problems(self) -> list[str]:
        if self.loopback_http and not _is_loopback_http(self.base_url):
            return ["LOOPBACK_HTTP is only for a demo on this machine: BASE_URL must then be "
                    "http://127.0.0.1:… or http://localhost:…"]
        return []

    def _centre_problems(self) -> list[str]:
        problems = []
        if sum(ch.isdigit() for ch in self.centre_hotline) < 3:
            problems.append("CENTRE_HOTLINE must be a telephone number")
        if "@" not in self.centre_email.strip("@") or any(ch.isspace() for ch in self.centre_email):
            problems.append("CENTRE_EMAIL must be an e-mail address")
        if not (self.centre_address.strip() and self.centre_hours.strip()):
            problems.append("CENTRE_ADDRESS and CENTRE_HOURS must not be empty")
        return problems

    def _observability_problems(self) -> list[str]:
        problems = []
        for network in self.metrics_allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                problems.append("METRICS_ALLOWED_NETWORKS must be comma-separated addresses or "
                                f"networks (127.0.0.0/8, ::1, 10.0.5.0/24), not {network!r}")
        if self.metrics_token and len(self.metrics_token) < 16:
            problems.append("METRICS_TOKEN must be at least 16 characters (or empty)")
        if self.log_format not in {"", "text", "json"}:
            problems.append(f"LOG_FORMAT must be json or text, not {self.log_format!r}")
        return problems

    @property
    def json_logs(self) -> bool:
        return (self.log_format or ("json" if self.env == "production" else "text")) == "json"

    @property
    def metrics_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.metrics_allowed_networks)

    def _payment_problems(self) -> list[str]:
        problems = []
        for name, url in (("PAYMENT_GATEWAY_URL", self.payment_gateway_url),
                          ("PAYMENT_GATEWAY_API_URL", self.payment_gateway_api_url)):
            if not url.startswith(("http://", "https://")):
                problems.append(f"{name} must be an http(s) URL")
        if not self.payment_tmn_code.strip() or not self.payment_hash_secret:
            problems.append("PAYMENT_TMN_CODE and PAYMENT_HASH_SECRET must not be empty")
        if not (len(self.vietqr_bank_bin) == 6 and self.vietqr_bank_bin.isdigit()):
            problems.append("VIETQR_BANK_BIN must be the bank's 6-digit NAPAS BIN")
        if not (self.vietqr_account.isalnum() and len(self.vietqr_account) <= 19):
            problems.append("VIETQR_ACCOUNT must be letters and digits, at most 19")
        return problems

    @property
    def centre(self) -> CentreContact:
        return CentreContact(self.centre_hotline, self.centre_address, self.centre_email,
                             self.centre_hours)

    @property
    def sqlalchemy_url(self) -> str:
        url = self.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url

    def _engine_options(self) -> dict:
        options: dict = {"pool_pre_ping": True}
        if self.sqlalchemy_url.startswith("postgresql"):
            # libpq waits for an unreachable server as long as TCP does (minutes): a request
            # or the readiness check (/readyz) must fail within seconds instead.
            # JIT compilation pays off for queries of many seconds; the portal's largest (the
            # national statistics, issue 19) answer in a fraction of one, and PostgreSQL's JIT
            # added up to half a second to them. Off for the portal's own connections.
            options["connect_args"] = {"connect_timeout": 5, "options": "-c jit=off"}
        return options

    def flask_settings(self) -> dict:
        production = self.env == "production"
        secure = production and not self.loopback_http
        settings = {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.sqlalchemy_url,
            "SQLALCHEMY_ENGINE_OPTIONS": self._engine_options(),
            "DEBUG": False,
            "TESTING": self.env == "testing",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_DURATION": timedelta(days=self.remember_days),
            "PREFERRED_URL_SCHEME": "https" if secure else "http",
            # One file plus the form around it; the domain enforces the exact limits.
            "MAX_CONTENT_LENGTH": self.max_file_bytes + 1024 * 1024,
            "BABEL_DEFAULT_LOCALE": self.default_locale,
            "BABEL_DEFAULT_TIMEZONE": self.timezone,
            "WTF_CSRF_TIME_LIMIT": 8 * 3600,
            "PORTAL": self,
        }
        settings.update(self.extra)
        return settings

    def public_dict(self) -> dict:
        hidden = {"secret_key", "smtp_password", "sms_api_key", "sms_secret_key",
                  "zalo_access_token", "payment_hash_secret", "metrics_token"}
        return {k: ("***" if k in hidden else v) for k, v in asdict(self).items()}


def gateway_config(app) -> GatewayConfig:
    """The payment gateway's terminal as the app's configuration names it."""
    from portal.payments.vnpay import GatewayConfig

    config: Config = app.config["PORTAL"]
    return GatewayConfig(url=config.payment_gateway_url, tmn_code=config.payment_tmn_code,
                         hash_secret=config.payment_hash_secret,
                         api_url=config.payment_gateway_api_url)
