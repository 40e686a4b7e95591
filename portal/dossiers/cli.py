"""`flask storage sweep`: delete dossier objects that no row refers to (DESIGN.md §5).

Objects are written before their row is committed, so a crash between the two, or a
failed delete after a commit, leaves an orphan. Only objects older than a threshold are
swept: a younger one may belong to an upload whose commit is still on its way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.core.models import utcnow
from portal.dossiers.models import DossierFile
from portal.dossiers.operations import discard_objects
from portal.extensions import db
from portal.storage import Storage, StorageError

PREFIX = "dossiers/"
_BATCH = 500

storage_cli = AppGroup("storage", help="Maintenance of the file storage.")


@dataclass(frozen=True)
class SweepResult:
    scanned: int = 0
    deleted: int = 0
    kept_recent: int = 0  # orphans younger than the threshold
    failed: int = 0


def _batches(items: Iterator[tuple[str, datetime]]) -> Iterator[list[tuple[str, datetime]]]:
    while batch := list(islice(items, _BATCH)):
        yield batch


def sweep_orphans(storage: Storage, older_than: timedelta,
                  now: datetime | None = None) -> SweepResult:
    """Delete objects under ``dossiers/`` without a DossierFile row, last modified before
    ``now - older_than``. Keys are checked against the database in batches, so memory does
    not grow with the number of stored objects."""
    cutoff = (now or utcnow()) - older_than
    scanned = deleted = kept = failed = 0
    for batch in _batches(iter(storage.list(PREFIX))):
        scanned += len(batch)
        keys = [key for key, _ in batch]
        known = set(db.session.scalars(
            select(DossierFile.storage_key).where(DossierFile.storage_key.in_(keys))))
        old = [key for key, modified in batch if key not in known and modified < cutoff]
        kept += sum(1 for key, modified in batch if key not in known and modified >= cutoff)
        not_deleted = discard_objects(storage, old)
        deleted += len(old) - len(not_deleted)
        failed += len(not_deleted)
    return SweepResult(scanned, deleted, kept, failed)


@storage_cli.command("sweep")
@click.option("--older-than-hours", default=24.0, show_default=True, type=float,
              help="Only delete orphans last modified at least this long ago.")
def sweep_command(older_than_hours: float) -> None:
    """Delete orphaned dossier objects (no database row) older than the threshold."""
    if older_than_hours < 0:
        raise click.BadParameter("must not be negative", param_hint="--older-than-hours")
    try:
        result = sweep_orphans(current_app.extensions["storage"],
                               timedelta(hours=older_than_hours))
    except StorageError as exc:
        raise click.ClickException(f"Kho lưu trữ không phản hồi: {exc}") from exc
    finally:
        db.session.rollback()  # read-only: release the connection's transaction
    click.echo(f"Đã quét {result.scanned} đối tượng: xóa {result.deleted} tệp mồ côi, "
               f"giữ {result.kept_recent} tệp mồ côi còn mới, {result.failed} tệp xóa lỗi.")
    if result.failed:
        raise SystemExit(1)
