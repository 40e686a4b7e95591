"""Helpers of the restore drill (scripts/restore_drill.sh): where to restore, and how to make
and remove the fresh database and bucket. ``python -m portal.ops.drill COMMAND …``:

    prepare DATABASE_URL STORAGE_URL STAMP WORKDIR   print the restore database URL and
                                                     storage URL, one per line, and create
                                                     the (empty) PostgreSQL database
    cleanup RESTORE_DATABASE_URL RESTORE_STORAGE_URL drop that database (SQLite: delete the
                                                     file), delete every object of the store,
                                                     then the bucket or directory

The restore targets are named after the live ones: the database ``<name>_restore_<stamp>``
on the same server, the bucket ``<bucket>-restore-<stamp>`` on the same S3 endpoint (SQLite
and local files: under WORKDIR). Nothing here touches the live database or store."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url

from portal.storage import LocalStorage, S3Storage, storage_from_url


def targets(database_url: str, storage_url: str, stamp: str, workdir: str) -> tuple[str, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        database = url.set(database=f"{url.database}_restore_{stamp}") \
            .render_as_string(hide_password=False)
    else:
        database = f"sqlite:///{Path(workdir) / f'restore-{stamp}.db'}"
    if storage_url.startswith("s3://"):
        parts = urlsplit(storage_url)
        bucket = f"{parts.path.strip('/')[:40]}-restore-{stamp}".lower()[:63]
        storage = urlunsplit((parts.scheme, parts.netloc, "/" + bucket, parts.query, ""))
    else:
        storage = f"file://{Path(workdir) / f'restore-{stamp}-objects'}"
    return database, storage


def _admin(database_url: str) -> tuple[str, str]:
    url = make_url(database_url)
    admin = url.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), str(url.database)


def create_database(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        return
    import psycopg

    admin, name = _admin(database_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        if url.database:
            Path(url.database).unlink(missing_ok=True)
        return
    import psycopg

    admin, name = _admin(database_url)
    if "_restore_" not in name:  # never the live database
        raise SystemExit(f"refusing to drop {name!r}: not a restore drill database")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_store(storage_url: str) -> None:
    storage = storage_from_url(storage_url)
    if isinstance(storage, S3Storage):
        if "-restore-" not in storage.bucket:
            raise SystemExit(f"refusing to empty {storage.bucket!r}: not a restore drill bucket")
        for key, _ in list(storage.list("")):
            storage.delete(key)
        storage._client.remove_bucket(storage.bucket)
    elif isinstance(storage, LocalStorage):
        if "restore-" not in storage.root.name:
            raise SystemExit(f"refusing to remove {storage.root}: not a restore drill directory")
        shutil.rmtree(storage.root, ignore_errors=True)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "prepare":
        database, storage = targets(*args)
        print(database, storage, sep="\n", flush=True)
        create_database(database)
    elif command == "cleanup":
        database, storage = args
        try:
            drop_database(database)
        finally:
            drop_store(storage)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
