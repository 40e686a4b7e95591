"""`flask backup create|restore|verify` and `flask ops check-invariants` (docs/OPERATIONS.md,
"Backups"). Exit status 0 only when everything checked agrees; the report names what does
not (up to ``--limit`` examples per check)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.ops import backup as ops_backup
from portal.ops.backup import BackupError, Finding, print_findings
from portal.storage import storage_from_url

backup_cli = AppGroup("backup", help="Backups: database dump + every stored file, restore, "
                                     "verification (the restore drill).")
ops_cli = AppGroup("ops", help="Operations checks: the invariant checker of the fault drills.")


@contextmanager
def _refusals_as_click_errors():
    """A backup refusal (its message is for the operator) ends the command with status 1."""
    try:
        yield
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


def _grace(hours: float | None) -> timedelta:
    if hours is None:
        hours = current_app.config["PORTAL"].storage_sweep_grace_hours
    if hours < 0:
        raise click.BadParameter("must not be negative", param_hint="--grace-hours")
    return timedelta(hours=hours)


_LIMIT = click.option("--limit", default=20, show_default=True,
                      help="Examples shown per kind of problem.")
_GRACE = click.option("--grace-hours", type=float, default=None,
                      help="An object no row names is an orphan once older than this "
                           "(default: STORAGE_SWEEP_GRACE_HOURS, as the sweep). 0 after a "
                           "drill, when no upload is in progress.")


@backup_cli.command("create")
@click.argument("dest_dir", type=click.Path(file_okay=False, path_type=Path))
def create_command(dest_dir: Path) -> None:
    """Dump the database (pg_dump -Fc, or SQLite's online backup), then copy every stored
    object into DEST_DIR/objects/, then write DEST_DIR/manifest.json."""
    config = current_app.config["PORTAL"]
    db.session.remove()  # the dump takes its own connection
    with _refusals_as_click_errors():
        manifest = ops_backup.create_backup(config.database_url,
                                            current_app.extensions["storage"], dest_dir,
                                            echo=click.echo)
    click.echo(f"Bản sao lưu hoàn tất: {dest_dir} — {manifest['object_count']:,} tệp, "
               f"{sum(manifest['tables'].values()):,} dòng trong {len(manifest['tables'])} bảng, "
               f"phiên bản lược đồ {manifest['database']['alembic_revision']}.")


@backup_cli.command("restore")
@click.argument("src_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--database-url", required=True,
              help="The EMPTY database to restore into (postgresql+psycopg://… or sqlite:///…).")
@click.option("--storage-url", required=True,
              help="The EMPTY bucket or directory to upload the files into (s3://… or file://…).")
def restore_command(src_dir: Path, database_url: str, storage_url: str) -> None:
    """Restore a backup into a fresh database and a fresh bucket/directory (refused when
    either already holds data). The portal's own DATABASE_URL and STORAGE_URL are not
    touched."""
    try:
        storage = storage_from_url(storage_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--storage-url") from exc
    with _refusals_as_click_errors():
        manifest = ops_backup.restore_backup(src_dir, database_url, storage, echo=click.echo)
    click.echo(f"Khôi phục hoàn tất: {manifest['object_count']:,} tệp, "
               f"{sum(manifest['tables'].values()):,} dòng. Kiểm tra bằng: DATABASE_URL=… "
               f"STORAGE_URL=… flask backup verify --manifest {src_dir / ops_backup.MANIFEST}")


@backup_cli.command("verify")
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, path_type=Path),
              help="A backup's manifest.json (or its directory): table counts and every "
                   "object's size and SHA-256 must equal it.")
@click.option("--checksums/--no-checksums", default=True, show_default=True,
              help="Read every object and compare its size and SHA-256 with its rows.")
@_GRACE
@_LIMIT
def verify_command(manifest_path: Path | None, checksums: bool, grace_hours: float | None,
                   limit: int) -> None:
    """Check the portal's database (DATABASE_URL) against its store (STORAGE_URL): every
    row's object exists with the recorded size and checksum, every object is referenced."""
    try:
        manifest = ops_backup.load_manifest(manifest_path) if manifest_path else None
    except (BackupError, ValueError) as exc:  # ValueError: not JSON
        raise click.ClickException(f"Không đọc được manifest {manifest_path}: {exc}") from exc
    findings, summary = _file_findings(checksums, _grace(grace_hours), limit, manifest)
    if manifest is not None:
        from portal.ops.backup import compare_counts, schema_revision, table_counts

        connection = db.session.connection()
        counts = table_counts(connection)
        findings.append(compare_counts(counts, manifest, limit))
        revision = Finding("Phiên bản lược đồ khác manifest (alembic revision)")
        want = manifest["database"].get("alembic_revision")
        have = schema_revision(connection)
        if want != have:
            revision.add(f"{have}, manifest {want}", limit)
        findings.append(revision)
        click.echo("Số dòng: " + ", ".join(f"{name} {n:,}" for name, n in sorted(counts.items())
                                          if n))
    db.session.rollback()
    click.echo(summary)
    print_findings(findings, click.echo)
    if any(f.count for f in findings):
        raise SystemExit(1)
    if checksums:
        click.echo("Mọi tệp khớp SHA-256 với cơ sở dữ liệu (every file's checksum matched).")


def _file_findings(checksums: bool, grace: timedelta, limit: int,
                   manifest=None) -> tuple[list[Finding], str]:
    started = time.monotonic()
    with _refusals_as_click_errors():
        report = ops_backup.verify_files(current_app.extensions["storage"], checksums=checksums,
                                         grace=grace, manifest=manifest, limit=limit)
    summary = (f"{report.rows:,} dòng trỏ tới {report.keys:,} tệp; kho có {report.objects:,} tệp"
               + (f", đã đọc và băm {report.hashed:,} tệp ({report.bytes:,} byte)"
                  if report.hashed else "")
               + (f"; {report.young_orphans:,} tệp chưa có dòng nhưng còn mới (chưa quá thời "
                  "gian chờ)" if report.young_orphans else "")
               + f" — {time.monotonic() - started:.1f} s.")
    return report.findings, summary


@ops_cli.command("check-invariants")
@click.option("--checksums/--no-checksums", default=False, show_default=True,
              help="Also read every object and compare its size and SHA-256 with its rows "
                   "(slow on a large store; existence is always checked).")
@click.option("--files/--no-files", default=True, show_default=True,
              help="Check the stored files against the rows.")
@_GRACE
@_LIMIT
def check_invariants_command(checksums: bool, files: bool, grace_hours: float | None,
                             limit: int) -> None:
    """After a fault drill: every dossier's state agrees with its events, no dossier or
    payment half-saved or applied twice, every referenced file exists and every stored file
    is referenced. Exit status 1 on any violation."""
    from portal.ops.invariants import run_checks

    findings: list[Finding] = []
    if files:
        file_findings, summary = _file_findings(checksums, _grace(grace_hours), limit)
        click.echo(summary)
        findings += file_findings
    started = time.monotonic()
    try:
        results = run_checks(limit)
    finally:
        db.session.rollback()
    findings += [finding for _check, finding in results]
    print_findings(findings, click.echo)
    click.echo(f"{len(results)} truy vấn kiểm tra dữ liệu trong "
               f"{time.monotonic() - started:.1f} s.")
    if any(f.count for f in findings):
        click.echo("VI PHẠM: dữ liệu không nhất quán (see above).")
        raise SystemExit(1)
    click.echo("Mọi bất biến đều đúng (all invariants hold).")
