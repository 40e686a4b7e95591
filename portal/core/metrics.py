"""Prometheus metrics (`GET /metrics`, docs/OPERATIONS.md "Health, metrics and logs").

Two kinds of figures:

- **Per request**, counted by the process that served it: the latency histogram per route
  (the endpoint, never the path with its ids: a bounded set of series), method and status
  class, the 5xx answers and the unhandled exceptions. Under gunicorn each worker is its own
  process: with ``PROMETHEUS_MULTIPROC_DIR`` set (before the first import of
  prometheus_client) every worker writes its counts to files there, and a scrape, served by
  whichever worker, sums them all (``MultiProcessCollector``). Without it the process's own
  registry is read (``flask run``, tests).
- **From the database**, computed at scrape time by the scraping process alone
  (``DatabaseCollector``, registered on the scrape's own registry — in multiprocess mode a
  gauge kept by every worker would be added up, or need a rule to pick one): the outbox
  backlog and its oldest message's age, the pending payments per method and the oldest's age,
  the dossiers overdue now (the monitoring page's figure). One small indexed statement each.

Who may read it: a client whose address (after ProxyFix) is in METRICS_ALLOWED_NETWORKS, or
that sends METRICS_TOKEN as a bearer token; anyone else gets the 404 page, as for a path that
does not exist."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import Flask, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import SQLAlchemyError

from portal.config import Config, ConfigError
from portal.core.logs import elapsed_seconds, route_label
from portal.extensions import db

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The portal's pages answer in tens of milliseconds; uploads and exports take seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request's start to its response, per route (endpoint), method and "
    "status class.", ["route", "method", "status"], buckets=BUCKETS)
SERVER_ERRORS = Counter(
    "portal_http_server_errors",
    "Responses with a 5xx status, per route and status.", ["route", "status"])
UNHANDLED = Counter(
    "portal_unhandled_exceptions",
    "Exceptions no handler expected (answered with the 500 page), per route and class.",
    ["route", "exception"])


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def install(app: Flask, config: Config) -> None:
    """Count every request and expose ``GET /metrics``."""
    folder = multiprocess_dir()
    if folder and not os.path.isdir(folder):
        raise ConfigError(f"{MULTIPROC_ENV} must name an existing directory, not {folder!r}")
    networks = config.metrics_networks

    @app.after_request
    def _observe(response: Response) -> Response:
        route = route_label()
        method = request.method if request.method in METHODS else "OTHER"
        status = response.status_code
        REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(elapsed_seconds())
        if status >= 500:
            SERVER_ERRORS.labels(route, str(status)).inc()
        return response

    app.extensions["metrics_access"] = (networks, config.metrics_token)


def count_unhandled(error: BaseException) -> None:
    """An exception no handler expected (``core.errors``'s last resort, the 500 page)."""
    UNHANDLED.labels(route_label(), type(error).__name__).inc()


def allowed() -> bool:
    """The client may read the metrics: a bearer token, if sent, must be the configured one;
    without one, the client's address must be in an allowed network."""
    networks, token = current_app.extensions["metrics_access"]
    sent = request.headers.get("Authorization", "")
    if sent:
        scheme, _, value = sent.partition(" ")
        return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def scrape() -> Response:
    """The exposition: the per-request metrics (of every worker in multiprocess mode) and the
    database's figures, computed now."""
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder:
        MultiProcessCollector(registry, path=folder)
    else:
        registry.register(_ProcessRegistry())
    registry.register(DatabaseCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


class _ProcessRegistry:
    """This process's default registry (the per-request metrics, and prometheus_client's
    process and platform collectors), read inside the scrape's registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


class DatabaseCollector:
    """The figures read from the database at each scrape, in the scraping process only."""

    def collect(self) -> Iterator[Metric]:
        from portal.core.models import utcnow
        from portal.notifications.queries import pending_backlog
        from portal.payments.models import PaymentMethod
        from portal.payments.queries import pending_by_method
        from portal.stats.monitoring import overdue_total

        now = utcnow()
        try:
            pending, oldest = pending_backlog()
            payments = pending_by_method()
            overdue = overdue_total(now)
        except SQLAlchemyError:
            log.exception("metrics: the database does not answer")
            db.session.rollback()
            yield GaugeMetricFamily("portal_metrics_database_up",
                                    "1 when the database figures below could be read.", 0)
            return
        db.session.rollback()  # read only: end the transaction the queries began
        yield GaugeMetricFamily("portal_metrics_database_up",
                                "1 when the database figures below could be read.", 1)
        yield GaugeMetricFamily("portal_outbox_pending_messages",
                                "Outbox messages waiting for their first attempt or a retry.",
                                pending)
        yield GaugeMetricFamily("portal_outbox_oldest_pending_age_seconds",
                                "Age of the oldest pending outbox message (0 when none).",
                                _age(oldest, now))
        count = GaugeMetricFamily("portal_payments_pending",
                                  "Payments waiting for the gateway's or the bank's "
                                  "confirmation, per method.", labels=["method"])
        age = GaugeMetricFamily("portal_payments_oldest_pending_age_seconds",
                                "Age of the oldest pending payment per method (0 when none).",
                                labels=["method"])
        for method in PaymentMethod:
            found, first = payments.get(method, (0, None))
            count.add_metric([method.value], found)
            age.add_metric([method.value], _age(first, now))
        yield count
        yield age
        yield GaugeMetricFamily("portal_dossiers_overdue",
                                "Dossiers overdue now in every agency (the monitoring page's "
                                "overdue figure).", overdue)
