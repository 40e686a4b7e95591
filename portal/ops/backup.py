"""Backups of the database and the object store, their restore, and the check that rows and
objects agree (docs/OPERATIONS.md, "Backups").

A backup directory holds::

    database.dump      PostgreSQL: ``pg_dump -Fc``   (or database.sqlite3: SQLite's online backup)
    objects/<key>      every object of the store, byte for byte
    manifest.json      when, which database, the schema revision, each object's key, size
                       and SHA-256, and the row count of every table — written last, so a
                       directory without it is an interrupted backup

The database is dumped first and the objects copied after it: a file is stored before its
row is committed (DESIGN.md §5), so every row of the dump finds its object in the copy. Files
are streamed in chunks (never whole in memory). Nothing here needs a request; the CLI
(``portal.ops.cli``) and the restore drill (scripts/restore_drill.sh) call it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from portal.extensions import db
from portal.ops.references import key_columns, references_query
from portal.storage import ObjectNotFound, Storage, StorageError

MANIFEST = "manifest.json"
OBJECTS = "objects"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FORMAT = 1

Echo = Callable[[str], None]


class BackupError(Exception):
    """A backup, restore or verification that cannot go on; the message says why (Vietnamese,
    for the operator)."""


# --- databases ---------------------------------------------------------------------------

def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {backend!r} "
                          "(chỉ PostgreSQL và SQLite).")
    return backend


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URL pg_dump/pg_restore take, and their environment: the password travels in
    PGPASSWORD, never on a command line that ``ps`` shows."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(name)


def _engine(url: str):
    if url.startswith("postgresql://"):  # as Config.sqlalchemy_url: the psycopg 3 driver
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, poolclass=NullPool)


def table_counts(connection: Connection) -> dict[str, int]:
    """The row count of every table of the schema (the models' metadata)."""
    import portal.models  # noqa: F401  (every table in the metadata)

    present = set(inspect(connection).get_table_names())
    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables if table.name in present}


def schema_revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"Không tìm thấy chương trình {command[0]} (cài postgresql-client "
                          f"cùng phiên bản với máy chủ).") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} thất bại (mã {done.returncode}): "
                          f"{done.stderr.strip()[-2000:]}")


# --- objects ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectEntry:
    key: str
    size: int
    sha256: str
    content_type: str = "application/octet-stream"


def _hash_stream(chunks: Iterator[bytes], sink=None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            if sink is not None:
                sink.write(chunk)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return size, digest.hexdigest()


def hash_object(storage: Storage, key: str) -> tuple[int, str]:
    """(size, SHA-256) of the object's bytes as the store returns them, streamed."""
    return _hash_stream(storage.open(key))


def _copy_object(storage: Storage, key: str, target: Path) -> ObjectEntry:
    stat = storage.stat(key)
    if stat is None:
        raise ObjectNotFound(f"no object {key!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as sink:
            size, sha = _hash_stream(storage.open(key), sink)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return ObjectEntry(key, size, sha,
                       stat.content_type if stat is not None else "application/octet-stream")


# --- create ------------------------------------------------------------------------------

def create_backup(database_url: str, storage: Storage, dest: Path,
                  echo: Echo = lambda _: None, now: datetime | None = None) -> dict[str, Any]:
    """Dump the database, then copy every object, then write the manifest. ``dest`` must be
    missing or empty. Returns the manifest."""
    kind = database_kind(database_url)
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Thư mục đích {dest} không rỗng; hãy chọn một thư mục mới cho mỗi "
                          "bản sao lưu.")
    dest.mkdir(parents=True, exist_ok=True)
    started = now or datetime.now(UTC)

    if kind == "postgresql":
        counts, revision = _dump_postgresql(database_url, dest / PG_DUMP)
        dump_name = PG_DUMP
    else:
        counts, revision = _dump_sqlite(database_url, dest / SQLITE_COPY)
        dump_name = SQLITE_COPY
    echo(f"Đã sao lưu cơ sở dữ liệu ({kind}): {dump_name}, "
         f"{(dest / dump_name).stat().st_size:,} byte.")

    objects = []
    total = vanished = 0
    try:
        for key, _modified in storage.list(""):
            try:
                entry = _copy_object(storage, key, dest / OBJECTS / key)
            except ObjectNotFound:
                # Deleted between the listing and its copy (a draft's file removed, the
                # sweep): its row, if the dump has one, is reported by the verification.
                vanished += 1
                continue
            objects.append(entry)
            total += entry.size
    except StorageError as exc:
        raise BackupError(f"Kho lưu trữ không phản hồi khi sao chép tệp: {exc}") from exc
    echo(f"Đã sao chép {len(objects):,} tệp ({total:,} byte) vào {dest / OBJECTS}"
         + (f"; {vanished:,} tệp đã bị xóa trong lúc sao lưu." if vanished else "."))

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "database": {"kind": kind, "file": dump_name, "alembic_revision": revision},
        "tables": counts,
        "objects": [entry.__dict__ for entry in objects],
        "object_count": len(objects),
        "object_bytes": total,
    }
    tmp = dest / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)
    return manifest


def _dump_postgresql(url: str, target: Path) -> tuple[dict[str, int], str | None]:
    """pg_dump in the snapshot of a REPEATABLE READ transaction exported for it: the counts
    written into the manifest are those of the dump itself, whatever is written meanwhile."""
    libpq, env = _libpq(url)
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts = table_counts(connection)
                revision = schema_revision(connection)
                _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}",
                      f"--file={target}", libpq], env)
    finally:
        engine.dispose()
    return counts, revision


def _dump_sqlite(url: str, target: Path) -> tuple[dict[str, int], str | None]:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"Không có tệp cơ sở dữ liệu {source_path}.")
    # The online backup API: a consistent copy while the portal keeps writing.
    with contextlib.closing(sqlite3.connect(source_path)) as source, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    engine = _engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return table_counts(connection), schema_revision(connection)
    finally:
        engine.dispose()


# --- restore -----------------------------------------------------------------------------

def load_manifest(path: Path) -> dict[str, Any]:
    path = Path(path)
    manifest_path = path / MANIFEST if path.is_dir() else path
    if not manifest_path.exists():
        raise BackupError(f"Không có {MANIFEST} trong {path}: bản sao lưu chưa hoàn tất hoặc "
                          "sai thư mục.")
    return json.loads(manifest_path.read_text(encoding="utf-8"))


def restore_backup(source: Path, database_url: str, storage: Storage,
                   echo: Echo = lambda _: None) -> dict[str, Any]:
    """Restore a backup into an EMPTY database and an EMPTY store (refused otherwise: a
    restore never mixes with data already there). Returns the manifest."""
    source = Path(source)
    manifest = load_manifest(source)
    kind = database_kind(database_url)
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"Bản sao lưu là của {manifest['database']['kind']}, không khôi phục "
                          f"vào {kind} được.")
    _require_empty_database(database_url, kind)
    try:
        first = next(iter(storage.list("")), None)
    except StorageError as exc:
        raise BackupError(f"Kho lưu trữ đích không phản hồi: {exc}") from exc
    if first is not None:
        raise BackupError(f"Kho lưu trữ đích {storage!r} không rỗng (có {first[0]}); chỉ khôi "
                          "phục vào thùng/thư mục mới.")

    dump = source / manifest["database"]["file"]
    if kind == "postgresql":
        libpq, env = _libpq(database_url)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={libpq}", str(dump)], env)
    else:
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(dump)) as copy, \
                contextlib.closing(sqlite3.connect(target)) as restored:
            copy.backup(restored)
    echo(f"Đã khôi phục cơ sở dữ liệu ({kind}) từ {dump.name}.")

    total = 0
    for item in manifest["objects"]:
        entry = ObjectEntry(**item)
        path = source / OBJECTS / entry.key
        try:
            with open(path, "rb") as stream:
                stored = storage.put(entry.key, stream, content_type=entry.content_type)
        except FileNotFoundError as exc:
            raise BackupError(f"Bản sao lưu thiếu tệp {entry.key}.") from exc
        except StorageError as exc:
            raise BackupError(f"Không tải được {entry.key} lên kho lưu trữ: {exc}") from exc
        if (stored.size, stored.sha256) != (entry.size, entry.sha256):
            raise BackupError(f"Tệp {entry.key} trong bản sao lưu không khớp manifest "
                              f"({stored.size} byte, SHA-256 {stored.sha256}; manifest: "
                              f"{entry.size} byte, {entry.sha256}).")
        total += entry.size
    echo(f"Đã tải lên {len(manifest['objects']):,} tệp ({total:,} byte).")
    return manifest


def _require_empty_database(url: str, kind: str) -> None:
    if kind == "sqlite" and not _sqlite_path(url).exists():
        return
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    except Exception as exc:  # the database does not exist, refused, …
        raise BackupError(f"Không kết nối được cơ sở dữ liệu đích: {exc}") from exc
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"Cơ sở dữ liệu đích không rỗng (đã có {len(tables)} bảng, ví dụ "
                          f"{sorted(tables)[0]}); chỉ khôi phục vào cơ sở dữ liệu mới tạo.")


# --- verify ------------------------------------------------------------------------------

@dataclass
class Finding:
    """One kind of problem, how many, and up to ``limit`` examples."""

    title: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str, limit: int) -> None:
        self.count += 1
        if len(self.examples) < limit:
            self.examples.append(example)


@dataclass
class FileReport:
    rows: int = 0  # rows naming an object
    keys: int = 0  # distinct keys they name
    objects: int = 0  # objects in the store
    bytes: int = 0
    hashed: int = 0  # objects whose bytes were read and hashed
    young_orphans: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.count == 0 for f in self.findings)


def verify_files(storage: Storage, *, checksums: bool = True, grace: timedelta,
                 now: datetime | None = None, manifest: dict[str, Any] | None = None,
                 limit: int = 20) -> FileReport:
    """Every row's key names an object (of the size and SHA-256 the row records, when
    ``checksums``); every object is named by a row or younger than ``grace``; with a
    ``manifest``, every object it lists is in the store with its size and checksum.

    Memory: one entry per key (the rows' keys, then the store's listing), not per byte."""
    cutoff = (now or datetime.now(UTC)) - grace
    report = FileReport()
    missing = Finding("Dòng dữ liệu trỏ tới tệp không có trong kho (missing object)")
    mismatch = Finding("Tệp khác kích thước hoặc SHA-256 dòng dữ liệu ghi (checksum mismatch)")
    orphans = Finding("Tệp không dòng nào trỏ tới, cũ hơn thời gian chờ (orphan)")
    unreadable = Finding("Tệp không đọc được (unreadable object)")
    in_manifest = Finding("Tệp trong manifest không có trong kho hoặc khác nội dung "
                          "(manifest object)")
    report.findings = [missing, mismatch, orphans, unreadable]

    refs: dict[str, list[tuple[int | None, str | None, str]]] = {}
    for key, size, sha, source, row_id in db.session.execute(references_query()):
        refs.setdefault(key, []).append((size, sha, f"{source}#{row_id}"))
        report.rows += 1
    report.keys = len(refs)
    try:
        listed = dict(storage.list(""))
    except StorageError as exc:
        raise BackupError(f"Kho lưu trữ không phản hồi: {exc}") from exc
    report.objects = len(listed)

    # The portal keeps writing while this runs. The rows were read first: an object stored
    # since is listed but has no row here (an upload, younger than the grace period), and a
    # row deleted since may have lost its object meanwhile. So each candidate is looked at
    # again — still named by a row? still missing? — before it is reported.
    gone = refs.keys() - listed.keys()
    still_named = _referenced_now(gone)
    for key in sorted(gone):
        if key in still_named and storage.stat(key) is None:
            for _size, _sha, where in refs[key]:
                missing.add(f"{key} ({where})", limit)
    unnamed = [key for key in sorted(listed) if key not in refs]
    named_since = _referenced_now({key for key in unnamed if listed[key] < cutoff})
    for key in unnamed:
        if key in named_since:
            continue  # its row was committed after the rows were read
        if listed[key] < cutoff:
            orphans.add(f"{key} (sửa lần cuối {listed[key]:%Y-%m-%d %H:%M} UTC)", limit)
        else:
            report.young_orphans += 1

    expected: dict[str, tuple[int, str]] = {}
    if manifest is not None:
        report.findings.append(in_manifest)
        expected = {item["key"]: (item["size"], item["sha256"]) for item in manifest["objects"]}
        for key in sorted(expected.keys() - listed.keys()):
            in_manifest.add(f"{key}: có trong manifest, không có trong kho", limit)

    for key in sorted(listed):
        if checksums or key in expected:
            _check_bytes(storage, key, refs.get(key, []), expected.get(key), report,
                         (mismatch, unreadable, in_manifest), limit)
    return report


def _check_bytes(storage: Storage, key: str, rows: list, expected: tuple[int, str] | None,
                 report: FileReport, findings: tuple[Finding, Finding, Finding],
                 limit: int) -> None:
    """Read the object once; compare its size and SHA-256 with its rows and the manifest."""
    mismatch, unreadable, in_manifest = findings
    try:
        size, sha = hash_object(storage, key)
    except StorageError as exc:
        unreadable.add(f"{key}: {exc}", limit)
        return
    report.hashed += 1
    report.bytes += size
    for want_size, want_sha, where in rows:
        if want_size is not None and want_size != size:
            mismatch.add(f"{key} ({where}): {size} byte, dòng ghi {want_size}", limit)
        elif want_sha and want_sha != sha:
            mismatch.add(f"{key} ({where}): SHA-256 {sha[:16]}…, dòng ghi {want_sha[:16]}…",
                         limit)
    if expected is not None and expected != (size, sha):
        in_manifest.add(f"{key}: {size} byte {sha[:16]}…, manifest {expected[0]} byte "
                        f"{expected[1][:16]}…", limit)


def _referenced_now(keys: set[str]) -> set[str]:
    """Which of ``keys`` a row names now (a few queries of 500 keys per column)."""
    found: set[str] = set()
    ordered = sorted(keys)
    for column in key_columns():
        for start in range(0, len(ordered), 500):
            batch = ordered[start:start + 500]
            found.update(db.session.scalars(select(column.key).where(column.key.in_(batch))))
    return found


def compare_counts(counts: dict[str, int], manifest: dict[str, Any], limit: int = 20) -> Finding:
    finding = Finding("Số dòng của bảng khác manifest (table count)")
    expected = manifest.get("tables", {})
    for name in sorted(set(expected) | set(counts)):
        if expected.get(name) != counts.get(name):
            finding.add(f"{name}: {counts.get(name)} dòng, manifest {expected.get(name)}", limit)
    return finding


def print_findings(findings: list[Finding], echo: Echo) -> None:
    for finding in findings:
        if finding.count:
            echo(f"✗ {finding.title}: {finding.count:,}")
            for example in finding.examples:
                echo(f"    - {example}")
            if finding.count > len(finding.examples):
                echo(f"    … và {finding.count - len(finding.examples):,} trường hợp khác")
        else:
            echo(f"✓ {finding.title}: 0")
