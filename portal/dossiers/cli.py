"""`flask storage sweep`: remove what no row refers to and what interrupted uploads left
behind (DESIGN.md §5).

Objects are written before their row is committed, so a crash between the two, a failed
delete after a commit, or a store that answered after the request had given up (issue 10,
item 9) leaves an orphan. A process killed mid-upload also leaves its staged file or its
incomplete multipart upload. Only what is older than the grace period is swept: a younger
one may belong to an upload whose commit is still on its way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.catalog.models import ProcedureDocument
from portal.core.models import utcnow
from portal.dossiers.models import DossierFile
from portal.dossiers.operations import discard_objects
from portal.extensions import db
from portal.feedback.complaints.models import ComplaintFile
from portal.storage import Storage, StorageError
from portal.workflow.obligations import PREFIX as OBLIGATIONS
from portal.workflow.obligations import ObligationFile

# Every prefix the portal writes under, with the columns that name its objects. Objects
# under any other prefix are not the portal's and are left alone.
REFERENCES = {
    "dossiers/": (DossierFile.storage_key,),
    "catalog/": (ProcedureDocument.template_key, ProcedureDocument.sample_key),
    OBLIGATIONS: (ObligationFile.storage_key,),  # the tax notices and receipts (issue 18)
    "feedback/": (ComplaintFile.storage_key,),  # complaint attachments (issue 17 found it missing)
}
_BATCH = 500

storage_cli = AppGroup("storage", help="Maintenance of the file storage.")


@dataclass(frozen=True)
class SweepResult:
    scanned: int = 0
    deleted: int = 0
    kept_recent: int = 0  # orphans younger than the threshold
    failed: int = 0
    incomplete: int = 0  # staged files and incomplete multipart uploads removed


def _batches(items: Iterator[tuple[str, datetime]]) -> Iterator[list[tuple[str, datetime]]]:
    while batch := list(islice(items, _BATCH)):
        yield batch


def _known(keys: list[str], columns) -> set[str]:
    known: set[str] = set()
    for column in columns:
        known.update(db.session.scalars(select(column).where(column.in_(keys))))
    return known


def sweep_orphans(storage: Storage, older_than: timedelta,
                  now: datetime | None = None) -> SweepResult:
    """Delete the portal's objects without a row, last modified before ``now - older_than``,
    and the leftovers of interrupted uploads of the same age. Keys are checked against the
    database in batches, so memory does not grow with the number of stored objects."""
    cutoff = (now or utcnow()) - older_than
    scanned = deleted = kept = failed = 0
    for prefix, columns in REFERENCES.items():
        for batch in _batches(iter(storage.list(prefix))):
            scanned += len(batch)
            known = _known([key for key, _ in batch], columns)
            orphans = [(key, modified) for key, modified in batch if key not in known]
            old = [key for key, modified in orphans if modified < cutoff]
            kept += len(orphans) - len(old)
            not_deleted = discard_objects(storage, old)
            deleted += len(old) - len(not_deleted)
            failed += len(not_deleted)
    incomplete = storage.remove_incomplete(cutoff)
    return SweepResult(scanned, deleted, kept, failed, incomplete)


@storage_cli.command("sweep")
@click.option("--older-than-hours", type=float, default=None,
              help="Only delete what was last written at least this long ago "
                   "(default: STORAGE_SWEEP_GRACE_HOURS, 24).")
def sweep_command(older_than_hours: float | None) -> None:
    """Delete orphaned objects (no database row) and leftovers of interrupted uploads older
    than the grace period."""
    if older_than_hours is None:
        older_than_hours = current_app.config["PORTAL"].storage_sweep_grace_hours
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
               f"giữ {result.kept_recent} tệp mồ côi còn mới, {result.failed} tệp xóa lỗi; "
               f"xóa {result.incomplete} tệp tải lên dở dang.")
    if result.failed:
        raise SystemExit(1)
