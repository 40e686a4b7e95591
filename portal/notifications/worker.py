"""The worker's queue: ``huey_consumer portal.notifications.worker.huey`` (Procfile,
docs/messages.md "Running workers"). The configuration comes from the environment, like the
web process's; the Flask application is built at the first task."""

from __future__ import annotations

import logging

from flask import Flask

from portal.config import Config
from portal.notifications.tasks import install, make_huey

_app: Flask | None = None


def app() -> Flask:
    global _app
    if _app is None:
        from portal import create_app

        _app = create_app(Config.from_env())
        # huey_consumer logs through a handler of its own; the app's root handler would
        # print each of its lines a second time.
        logging.getLogger("huey").propagate = False
    return _app


huey = make_huey(Config.from_env())
tasks = install(huey, app)
