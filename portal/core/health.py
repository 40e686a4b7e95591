"""Readiness: can this process serve requests now? (`GET /readyz`, docs/OPERATIONS.md)

`/healthz` only says the process is up. A load balancer that sent traffic on that alone kept
sending it to a portal whose database or object store was down (issue 10, item 9); this asks
both, each with a bounded wait, and names the part that failed. The answer carries no error
text (it could name hosts or users); the log has the details."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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


def readiness(storage: Storage) -> dict[str, bool]:
    """{"database": ok?, "storage": ok?}."""
    return {"database": _database(), "storage": _storage(storage)}
