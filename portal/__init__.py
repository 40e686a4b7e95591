"""The one-stop public service portal: create_app(config) builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf

from portal.config import Config
from portal.core.i18n import N_
from portal.extensions import babel, csrf, db, htmx, login_manager, migrate

LOCALES = ("vi", "en")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.flask_settings())
    from portal.core import logs, metrics

    logs.configure_logging(config)
    # First: its after_request (the request id header, the access line) runs last.
    logs.install(app, config)
    metrics.install(app, config)

    _init_extensions(app, config)
    from portal.core.numbers import install_id_converter

    install_id_converter(app)  # before the blueprints: each rule binds its converter then
    _register_blueprints(app)
    _register_template_helpers(app)

    from portal.core.errors import register_error_handlers
    from portal.core.security import install_security_headers, trust_proxies

    register_error_handlers(app)
    install_security_headers(app)
    trust_proxies(app, config.proxy_count)

    from portal.cli import register_cli

    register_cli(app)
    return app


def _select_locale() -> str:
    chosen = session.get("locale") if has_request_context() else None  # CLI: a refusal's text
    if chosen in LOCALES:
        return chosen
    return "vi"  # Vietnamese first, whatever the browser says


def _init_extensions(app: Flask, config: Config) -> None:

    import portal.models  # noqa: F401  (the whole schema, for Alembic)
    from portal.storage import storage_from_url

    if config.database_url.startswith("sqlite:///"):
        sqlite_file = Path(config.database_url.removeprefix("sqlite:///"))
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    htmx.init_app(app)
    from portal.core import uploads

    uploads.install(app)  # after htmx (its request class), ahead of CSRFProtect's check
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "warning"
    app.extensions["storage"] = storage_from_url(
        config.storage_url, connect_timeout=config.storage_connect_timeout,
        read_timeout=config.storage_read_timeout)

    from portal.core import sqlite as sqlite_support

    with app.app_context():
        sqlite_support.install(db.engine)

    from portal.blueprints import login_sessions

    login_sessions.install(app)  # the user loader checks the server-side session
    _init_queue(app, config)


def _init_queue(app: Flask, config: Config) -> None:
    """The background queue (portal/notifications/tasks.py): a commit that wrote outbox rows
    puts a delivery task on it."""
    from portal.notifications import tasks, trigger

    if not config.redis_url and config.env != "testing" and not config.huey_file:
        (Path(app.root_path).parent / "instance").mkdir(parents=True, exist_ok=True)
    queue = tasks.install(tasks.make_huey(config), lambda: app)
    app.extensions["tasks"] = queue
    app.extensions["outbox_wake"] = trigger.Waker(queue.deliver_outbox)
    trigger.install()  # a commit that wrote outbox rows wakes the worker


def _register_blueprints(app: Flask) -> None:
    from portal.blueprints.admin import bp as admin_bp
    from portal.blueprints.auth import bp as auth_bp
    from portal.blueprints.citizen import bp as citizen_bp
    from portal.blueprints.complaints import bp as complaints_bp
    from portal.blueprints.complaints import staff_bp as complaints_staff_bp
    from portal.blueprints.payments import bp as payments_bp
    from portal.blueprints.postal import bp as postal_bp
    from portal.blueprints.public import bp as public_bp
    from portal.blueprints.satisfaction import bp as satisfaction_bp
    from portal.blueprints.staff import bp as staff_bp
    from portal.blueprints.stats import bp as stats_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/tai-khoan")
    app.register_blueprint(admin_bp, url_prefix="/quan-tri")
    app.register_blueprint(citizen_bp, url_prefix="/ho-so")
    app.register_blueprint(staff_bp, url_prefix="/can-bo")
    app.register_blueprint(stats_bp, url_prefix="/thong-ke")
    app.register_blueprint(complaints_bp)
    app.register_blueprint(complaints_staff_bp, url_prefix="/can-bo/phan-anh")
    app.register_blueprint(postal_bp, url_prefix="/buu-dien")
    app.register_blueprint(payments_bp)  # /thanh-toan, /thu-phi, /bien-lai (issue 14)
    app.register_blueprint(satisfaction_bp)


def _register_template_helpers(app: Flask) -> None:
    from portal.core import formatting, static_urls

    static_urls.install(app)  # url_for('static', …) carries ?v=<hash> (long cache at nginx)
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.globals.update(csrf_token=generate_csrf, duration_label=formatting.duration_label)
    from portal.addresses import dossier_delivery_address
    app.jinja_env.globals.update(delivery_address=dossier_delivery_address)

    @app.context_processor
    def _globals():
        return {"current_locale": _select_locale(), "request_path": request.path,
                "centre": app.config["PORTAL"].centre}

    @app.before_request
    def _nonce():
        g.locale = _select_locale()
