"""The background tasks (Huey, DESIGN.md §8, docs/messages.md "Running workers").

``make_huey(config)``: RedisHuey when REDIS_URL is set, else SqliteHuey in instance/huey.db
(HUEY_FILE), and under env="testing" without either an in-memory queue no worker reads.
``install(huey, app_factory)`` registers the tasks on a queue: the outbox delivery (enqueued
after each commit that wrote messages) and the periodic jobs of ``PERIODIC_JOBS``. The
worker process is ``huey_consumer portal.notifications.worker.huey``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis
from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from portal.config import BASE_DIR, Config

log = logging.getLogger(__name__)

# One delivery task sends for at most this long, then puts itself back on the queue, so a
# long backlog does not hold a worker from the periodic jobs.
DELIVERY_BUDGET_SECONDS = 50
# A failed attempt whose retry is due sooner than this gets a delivery task scheduled for
# that moment; later ones are left to the minute-by-minute pass.
RETRY_WAKE_WITHIN = 600


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker runs on a schedule: ``run(app)`` inside an application context.
    Jobs must be idempotent — run twice, they do nothing twice — because a worker killed
    mid-run runs the job again, and with several consumers each may run it."""

    name: str
    schedule: Callable[[datetime], bool]  # a Huey schedule, e.g. crontab(minute="*/5")
    run: Callable[[Flask], object]


def _deliver_due(app: Flask) -> object:
    from portal.notifications.delivery import deliver_pending

    return deliver_pending(app.config["PORTAL"], time_budget=DELIVERY_BUDGET_SECONDS)


def _periodic(name: str) -> Callable[[Flask], object]:
    """One of docs/jobs.md's jobs (overdue scan, reminders, digests, storage sweep), run and
    recorded by ``jobs.run``, which commits or rolls back on its own."""
    def run(app: Flask) -> object:
        from portal.notifications import jobs

        return jobs.run(name)
    return run


def _periodic_jobs() -> list[PeriodicJob]:
    from portal.notifications import jobs

    return [
        # Anything due that no commit woke a worker for: retries after their back-off, rows
        # written while the queue was unreachable, rows left by a worker that was killed.
        PeriodicJob("outbox_every_minute", crontab(), _deliver_due),
        *(PeriodicJob(jobs.NAMES[function], schedule, _periodic(jobs.NAMES[function]))
          for function, schedule in jobs.PERIODIC),
    ]


# The periodic jobs: the outbox's minute-by-minute pass and those of ``jobs.PERIODIC``.
PERIODIC_JOBS: list[PeriodicJob] = _periodic_jobs()


def make_huey(config: Config) -> Huey:
    if config.redis_url:
        # Bounded waits: a web request's after-commit wake must not hang on an unreachable
        # Redis (the failure is logged; the minute-by-minute pass sends the messages). The
        # consumer's blocking reads wait 1 s, well inside the socket timeout.
        pool = redis.ConnectionPool.from_url(config.redis_url, socket_connect_timeout=2,
                                             socket_timeout=5)
        return RedisHuey(config.huey_name, connection_pool=pool)
    if config.huey_file or config.env != "testing":
        path = config.huey_file or str(BASE_DIR / "instance" / "huey.db")
        return SqliteHuey(config.huey_name, filename=path)
    return MemoryHuey(config.huey_name)


@dataclass
class Tasks:
    huey: Huey
    deliver_outbox: Callable


def install(huey: Huey, app_factory: Callable[[], Flask]) -> Tasks:
    """Register the tasks on ``huey``; each runs inside ``app_factory()``'s context."""

    def deliver_outbox():
        from portal.notifications.delivery import next_retry_in

        app = app_factory()
        with app.app_context():
            report = _deliver_due(app)
            wait = next_retry_in() if report.retrying and not report.budget_spent else None
        if report.budget_spent:
            deliver.schedule()  # more may be due: carry on in a fresh task
        elif wait is not None and wait < RETRY_WAKE_WITHIN:
            deliver.schedule(delay=wait)  # the retry goes when its back-off ends
        return report.count

    deliver = huey.task(name="deliver_outbox")(deliver_outbox)

    def _runner(job: PeriodicJob):
        def run():
            app = app_factory()
            with app.app_context():
                return job.run(app)
        return run

    for job in PERIODIC_JOBS:
        huey.periodic_task(job.schedule, name=job.name)(_runner(job))

    @huey.on_startup("deliver_on_start")
    def _deliver_on_start():
        deliver()  # what waited while no worker ran (e.g. one was killed)

    return Tasks(huey, deliver)
