"""The request id and structured logs (docs/OPERATIONS.md "Health, metrics and logs").

Every request has an id: the one nginx sent in ``X-Request-Id`` (its ``$request_id``) when
it is well formed, else a fresh one. The response carries it back in the same header (every
response: pages, error pages, static files), the 500 and 503 pages show it so a citizen can
quote it to the hotline, and every log record written while the request runs carries it —
one id joins the proxy's log, the app's and the citizen's call.

With ``Config.json_logs`` (production, or LOG_FORMAT=json) the log is one JSON object per
line on stderr, and the app writes an access line per request (logger ``portal.access``:
method, route, status, duration, client address, user), so gunicorn's own access log can be
off. A header sent by a client is never trusted further than its shape: an id that is not
8–128 of ``A-Za-z0-9._-`` (what nginx's $request_id and a UUID look like) is replaced, so
nothing a client writes can break a log line or a header."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request, request_started

from portal.config import Config

HEADER = "X-Request-Id"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")
ACCESS = logging.getLogger("portal.access")


def request_id() -> str:
    """This request's id (decided at its first use, then kept for the request)."""
    found = g.get("request_id")
    if found is None:
        sent = request.headers.get(HEADER, "")
        found = sent if WELL_FORMED.fullmatch(sent) else uuid.uuid4().hex
        g.request_id = found
    return found


def route_label() -> str:
    """The route as metrics and logs name it: the endpoint (``public.procedure``), never the
    path with its ids; "none" for a path that matched no route (a 404)."""
    return request.endpoint or "none"


def signed_in_user_id() -> int | None:
    """The user's id if the request has already loaded one; never loads it (which would ask
    the database, perhaps the very one whose failure is being logged)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return getattr(user, "id", None)
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger, message,
    the request id when within a request, the fields an access line adds, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = request_id()
        entry.update(getattr(record, "access", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):
    """The root logger's handler in JSON mode (recognised so a second app does not add a
    second one)."""


# Libraries that narrate their work at INFO: one line per step of every PDF (WeasyPrint's
# "Step 2 - Fetching and parsing CSS"), which drowned the access lines. Their warnings stay.
CHATTY = ("weasyprint", "fontTools")


def configure_logging(config: Config) -> None:
    level = logging.INFO if config.env != "testing" else logging.WARNING
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    if not config.json_logs:
        logging.basicConfig(level=level)
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _JsonHandler) or type(handler) is logging.StreamHandler:
            root.removeHandler(handler)  # basicConfig's plain handler would write twice
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def install(app: Flask, config: Config) -> None:
    """The request id on every response and in templates; the access line in JSON mode."""

    def _started(sender, **_extra) -> None:
        g.request_started = time.perf_counter()

    request_started.connect(_started, app, weak=False)

    @app.context_processor
    def _request_id():
        return {"request_id": request_id()}

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        if config.json_logs:
            _access_line(response)
        return response


def elapsed_seconds() -> float:
    started = g.get("request_started")
    return time.perf_counter() - started if started is not None else 0.0


def _access_line(response: Response) -> None:
    ACCESS.info("%s %s %s", request.method, route_label(), response.status_code, extra={
        "access": {
            "method": request.method,
            "route": route_label(),
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed_seconds() * 1000, 2),
            "remote_addr": request.remote_addr,
            "user_id": signed_in_user_id(),
        }})
