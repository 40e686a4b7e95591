"""Readiness: can this process serve requests now? (`GET /readyz`, docs/OPERATIONS.md)

`/healthz` only says the process is up. A load balancer that sent traffic on that alone kept
sending it to a portal whose database or object store was down (issue 10, item 9); this asks
both, and the queue (issue 17: Redis, or SqliteHuey's file), each with a bounded wait, and
names the part that failed. The answer carries no error text (it could name hosts or users);
the log has the details."""

from __future__ import annotations

import logging
import sqlite3

import redis
from flask import current_app
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.config import Config
from portal.extensions import db
from portal.storage import Storage, StorageError

log = logging.getLogger(__name__)


def _database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        log.exception("readiness: the database does not answer")
        return False
    finally:
        db.session.rollback()


def _storage(storage: Storage) -> bool:
    try:
        storage.check()
        return True
    except StorageError:
        log.exception("readiness: the object storage does not answer")
        return False


# A readiness probe must answer within the load balancer's own timeout: one try, one second.
QUEUE_TIMEOUT = 1.0


def _redis_probe(url: str) -> redis.Redis:
    """A client of its own with short waits and no retry (the queue's client waits longer,
    portal/notifications/tasks.py), made once per app."""
    probes = current_app.extensions.setdefault("queue_probe", {})
    if url not in probes:
        probes[url] = redis.Redis.from_url(url, socket_connect_timeout=QUEUE_TIMEOUT,
                                           socket_timeout=QUEUE_TIMEOUT, retry=None,
                                           retry_on_timeout=False)
    return probes[url]


def _queue(huey: Huey, config: Config) -> bool:
    try:
        if isinstance(huey, RedisHuey):
            return bool(_redis_probe(config.redis_url).ping())
        if isinstance(huey, SqliteHuey):
            # The file the web processes and the worker share: open it (never create it) and
            # read its schema, waiting at most a second for a writer's lock.
            uri = f"file:{huey.storage.filename}?mode=rw"
            with sqlite3.connect(uri, uri=True, timeout=QUEUE_TIMEOUT) as connection:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.close()
        return True  # MemoryHuey (tests): in this process
    except (redis.RedisError, sqlite3.Error, OSError):
        log.exception("readiness: the queue does not answer")
        return False


def readiness(storage: Storage, huey: Huey, config: Config) -> dict[str, bool]:
    """{"database": ok?, "storage": ok?, "queue": ok?}."""
    return {"database": _database(), "storage": _storage(storage),
            "queue": _queue(huey, config)}
