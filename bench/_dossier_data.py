"""A dedicated PostgreSQL database with the demo catalog and a large, realistic dossier history
for the workflow and statistics benchmarks (issues #4, #19). Reusable on its own:

    .venv/bin/python bench/_dossier_data.py [--rows 1000000] [--provinces 1] [--days 730]
                                            [--fresh] [--url postgresql://…]

A national year: ``--rows 5500000 --provinces 63 --days 365``.

What it builds, in ``BENCH_WF_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1/
portal_bench_wf``; the database is created, and recreated whenever its content does not match):

- the schema from the models (``db.create_all()``, like ``bench/catalog_search.py``), the demo
  seed ``seed_all(1400)`` (19 agencies, 1,400 procedures, the demo accounts); with
  ``provinces`` > 1 the 19 agencies again for each other former province (``PROVINCES``,
  unit codes …Hkk, sharing the seed's procedures); then extra staff per agency
  (``STAFF_PER_AGENCY``) so that "my dossiers" is a realistic share; every staff account gets
  two-factor login enabled with the known secret ``TOTP_SECRET``;
- ``rows`` dossiers over the ``days`` (two years) before the generation time (the *anchor*),
  skewed over agencies (``AGENCY_WEIGHTS``: the Department of Justice and the city land
  registry branch hold more than half; times the province's population) and over each
  agency's procedures; about 95 % finished (mostly returned), the rest open in every state,
  the youngest ones most likely open; due and end times from the procedure's legal duration,
  about 7 % finished late;
- for each dossier the rows the workflow engine would have written: events (a lifecycle per
  state, 1–7), internal steps (2–3 once received), files (1–3 applicant files, an e-result for
  half of the returned online ones; rows only, no stored objects), pauses, consultations and
  official notices where the state implies them, and outbox rows for the last two weeks;
- ``HEAVY_DOSSIERS`` open dossiers held by the demo specialist with a long history (80 more
  events, 30 more files, supplement rounds, consultations, notices): the workspace's worst case.

Everything is set-based SQL (``INSERT … SELECT generate_series``) with the secondary indexes
dropped during the load and rebuilt after (and the user triggers on ``dossier`` disabled: the
statistics rollup's), then ``VACUUM (ANALYZE)``, then the rollup rebuilt from the dossiers
where the code has one (``portal.stats.days.rebuild``). Codes are the portal's
``<unit code>-YYMMDD-NNNN``, numbered per agency and local day (five digits from the 10,000th,
as ``portal.dossiers.codes.format_code`` does). The randomness is seeded:
the same ``rows`` and anchor give the same data. The table comment on ``dossier`` records what
was generated; ``ensure()`` skips the work when it matches.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GENERATOR_VERSION = 1
DEFAULT_URL = "postgresql://postgres@127.0.0.1/portal_bench_wf"
DEFAULT_ROWS = 1_000_000
DEFAULT_DAYS = 730  # the history's length
SECRET = "bench-secret-key-long-enough-0123456789abcdef"
# Base32 secret of every staff account in the bench database (never use outside it).
TOTP_SECRET = "BENCHWORKFLOWQUEUE234567ABCDEFGH"
PROCEDURES = 1400
HEAVY_DOSSIERS = 5
# The seed's province (unit codes …H48, Quảng Ngãi): with ``provinces`` > 1 the seed's agencies
# are copied for the other former provinces (unit code …Hkk, k = 1–63 but 48) and the dossiers
# spread over them by population: a national database (``--provinces 63``).
SEED_PROVINCE = 48
# The 63 former provinces (before the 2025 merger) and their population in 100,000s
# (approximate, 2019 census): the share of the country's dossiers each one files.
PROVINCES = (
    ("Hà Nội", 83), ("TP Hồ Chí Minh", 90), ("Hải Phòng", 20), ("Đà Nẵng", 11),
    ("Cần Thơ", 12), ("Hà Giang", 9), ("Cao Bằng", 5), ("Bắc Kạn", 3), ("Tuyên Quang", 8),
    ("Lào Cai", 7), ("Điện Biên", 6), ("Lai Châu", 5), ("Sơn La", 12), ("Yên Bái", 8),
    ("Hòa Bình", 9), ("Thái Nguyên", 13), ("Lạng Sơn", 8), ("Quảng Ninh", 13),
    ("Bắc Giang", 18), ("Phú Thọ", 15), ("Vĩnh Phúc", 12), ("Bắc Ninh", 14),
    ("Hải Dương", 19), ("Hưng Yên", 13), ("Thái Bình", 19), ("Hà Nam", 9), ("Nam Định", 18),
    ("Ninh Bình", 10), ("Thanh Hóa", 37), ("Nghệ An", 33), ("Hà Tĩnh", 13),
    ("Quảng Bình", 9), ("Quảng Trị", 6), ("Thừa Thiên Huế", 11), ("Quảng Nam", 15),
    ("Quảng Ngãi", 12), ("Bình Định", 15), ("Phú Yên", 9), ("Khánh Hòa", 12),
    ("Ninh Thuận", 6), ("Bình Thuận", 12), ("Kon Tum", 5), ("Gia Lai", 15), ("Đắk Lắk", 19),
    ("Đắk Nông", 6), ("Lâm Đồng", 13), ("Bình Phước", 10), ("Tây Ninh", 12),
    ("Bình Dương", 26), ("Đồng Nai", 31), ("Bà Rịa – Vũng Tàu", 12), ("Long An", 17),
    ("Tiền Giang", 18), ("Bến Tre", 13), ("Trà Vinh", 10), ("Vĩnh Long", 10),
    ("Đồng Tháp", 16), ("An Giang", 19), ("Kiên Giang", 17), ("Hậu Giang", 7),
    ("Sóc Trăng", 12), ("Bạc Liêu", 9), ("Cà Mau", 12),
)

# Share of dossiers per agency code (relative weights). A provincial centre's volume is
# dominated by judicial records / civil status and land registration; the rest is a long tail.
AGENCY_WEIGHTS = {
    "STP": 30, "VPDKDDTP": 25, "SGTVT": 8, "SKHDT": 7, "SLDTBXH": 5, "SYT": 4, "SXD": 3,
    "STNMT": 3, "SCT": 2, "SGDDT": 2, "STTTT": 1, "STC": 1, "SKHCN": 1, "SNV": 1,
    "SNNPTNT": 1, "SVHTTDL": 1, "SNGV": 1, "PTNMTTP": 1, "VPUBND": 1,
}
# (counter officers, specialists, leaders) per agency, the demo accounts included.
STAFF_PER_AGENCY = {"STP": (3, 20, 3), "VPDKDDTP": (3, 20, 3)}
STAFF_DEFAULT = (1, 4, 1)

# Secondary indexes rebuilt after the load (the primary keys and unique constraints stay).
BULK_TABLES = ("dossier", "dossier_event", "dossier_file", "dossier_step", "dossier_pause",
               "consultation", "dossier_notice", "outbox_message")


@dataclass(frozen=True)
class Generated:
    url: str
    rows: int
    anchor: str  # ISO time the history ends at ("now" when it was generated)
    seconds: float  # wall time of the generation
    reused: bool  # True when an existing database matched and nothing was generated
    provinces: int = 1  # the seed's agencies copied for this many former provinces
    days: int = DEFAULT_DAYS  # the history's length, ending at the anchor


def provinces_used(provinces: int) -> list[tuple[int, str, int]]:
    """(k, name, population) of the ``provinces`` first former provinces, the seed's (k = 48)
    first; the others numbered 1–63 in the list's order, 48 skipped."""
    if not 1 <= provinces <= len(PROVINCES):
        raise SystemExit(f"--provinces must be 1–{len(PROVINCES)}")
    seed = next(p for p in PROVINCES if p[0] == "Quảng Ngãi")
    numbers = (k for k in range(1, len(PROVINCES) + 1) if k != SEED_PROVINCE)
    others = [(next(numbers), name, people) for name, people in PROVINCES if name != seed[0]]
    return [(SEED_PROVINCE, *seed), *others][:provinces]


def agency_code(code: str, k: int) -> str:
    """The bench's code of a seed agency's copy in province ``k`` (the seed's keep theirs)."""
    return code if k == SEED_PROVINCE else f"{code}{k:02d}"


def agency_weights(provinces: int) -> list[tuple[str, int]]:
    """(agency code, relative share of the dossiers): the agency's weight times its
    province's population."""
    return [(agency_code(code, k), weight * people)
            for k, _, people in provinces_used(provinces)
            for code, weight in AGENCY_WEIGHTS.items()]


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"refusing to use database name {name!r} (plain identifiers only)")
    return name


def _admin_url(url: str) -> str:
    return urlsplit(_plain_url(url))._replace(path="/postgres").geturl()


def _marker(url: str) -> dict | None:
    """What the database holds according to its marker, or None (absent or foreign)."""
    import psycopg

    try:
        with psycopg.connect(_plain_url(url)) as connection:
            comment = connection.execute(
                "SELECT obj_description('public.dossier'::regclass, 'pg_class')").fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    try:
        return json.loads(comment[0]) if comment and comment[0] else None
    except ValueError:
        return None


def _recreate_database(url: str) -> None:
    import psycopg

    name = _database_name(url)
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def bench_app(url: str, storage_dir: Path | None = None):
    """The real app (every extension, middleware and error handler) on the bench database."""
    import tempfile

    from portal import create_app
    from portal.config import Config

    storage_dir = storage_dir or Path(tempfile.gettempdir()) / "portal-bench-wf-uploads"
    config = Config.from_env({}, env="development", secret_key=SECRET, database_url=url,
                             storage_url=f"file://{storage_dir}")
    return create_app(config)


def ensure(url: str = DEFAULT_URL, rows: int = DEFAULT_ROWS, fresh: bool = False,
           log=print, provinces: int = 1, days: int = DEFAULT_DAYS) -> Generated:
    """The database at ``url`` with ``rows`` generated dossiers over ``provinces`` former
    provinces: reused when its marker says so (unless ``fresh``), otherwise dropped,
    recreated and generated."""
    _database_name(url)
    provinces_used(provinces)
    marker = None if fresh else _marker(url)
    if (marker and marker.get("generator") == GENERATOR_VERSION and marker.get("rows") == rows
            and marker.get("provinces", 1) == provinces
            and marker.get("days", DEFAULT_DAYS) == days and _catch_up_schema(url, log)):
        log(f"  reusing {_database_name(url)}: {rows:,} dossiers ({provinces} province(s)) "
            f"generated {marker['anchor']} in {marker['seconds']:.0f} s (--fresh rebuilds)")
        age = datetime.now(UTC) - datetime.fromisoformat(marker["anchor"])
        if _rollup_stale(url):
            # Generated before the code had a rollup: ``_catch_up_schema`` made its table,
            # empty; the figures would read zeros.
            _rebuild_rollup(url, log)
        if age.days >= 7:
            # The open dossiers were placed around the generation time: a week later many
            # more are overdue and "due soon" is nearly empty.
            log(f"  WARNING: generated {age.days} days ago; the queues no longer look like "
                "a working day's (use --fresh)")
        return Generated(url, rows, marker["anchor"], marker["seconds"], reused=True,
                         provinces=provinces, days=days)
    log(f"  (re)creating database {_database_name(url)} for {rows:,} dossiers over "
        f"{provinces} province(s) and {days} days")
    started = time.perf_counter()
    _recreate_database(url)
    app = bench_app(url)
    anchor = datetime.now(UTC).replace(second=0, microsecond=0)
    with app.app_context():
        from portal.extensions import db

        db.create_all()
        log(f"  schema (db.create_all)   {time.perf_counter() - started:6.1f} s since start")
        _seed_catalog_and_staff(log, provinces)
        db.session.remove()
        db.engine.dispose()
    log(f"  catalog and staff ready   {time.perf_counter() - started:6.1f} s since start")
    _generate(url, rows, anchor, log, provinces, days)
    marker = {"generator": GENERATOR_VERSION, "rows": rows, "anchor": anchor.isoformat(),
              "seconds": round(time.perf_counter() - started, 1)}
    if provinces != 1:
        marker["provinces"] = provinces
    if days != DEFAULT_DAYS:
        marker["days"] = days
    # Marked before the rollup's rebuild: should it fail, a national load (half an hour) is
    # kept, and the next run rebuilds the (still empty) rollup of the reused database.
    _write_marker(url, marker)
    if _rebuild_rollup(url, log):
        seconds = time.perf_counter() - started
        _write_marker(url, {**marker, "seconds": round(seconds, 1)})
    seconds = time.perf_counter() - started
    log(f"  generated in {seconds:.0f} s")
    return Generated(url, rows, anchor.isoformat(), seconds, reused=False, provinces=provinces,
                     days=days)


def _write_marker(url: str, marker: dict) -> None:
    import psycopg

    with psycopg.connect(_plain_url(url), autocommit=True) as connection:
        connection.execute(f"COMMENT ON TABLE dossier IS '{json.dumps(marker)}'")


def _catch_up_schema(url: str, log) -> bool:
    """Bring a reused database up to the models: new tables and new indexes are created (a
    benchmark must see the indexes the code has today); a new column on an existing table
    needs a regeneration (False)."""
    from sqlalchemy import inspect

    from portal.extensions import db

    app = bench_app(url)
    with app.app_context():
        inspector = inspect(db.engine)
        missing = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables
                   if inspector.has_table(table.name)
                   for column in table.columns
                   if column.name not in {c["name"] for c in inspector.get_columns(table.name)}]
        if missing:
            log(f"  the models have new columns ({', '.join(missing)}): regenerating")
            db.engine.dispose()
            return False
        db.create_all()  # tables added to the models since the generation (empty)
        existing = {(table, index["name"]) for table in inspector.get_table_names()
                    for index in inspector.get_indexes(table)}
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                if (table.name, index.name) not in existing:
                    started = time.perf_counter()
                    index.create(db.engine)
                    with db.engine.begin() as connection:
                        connection.exec_driver_sql(f'ANALYZE "{table.name}"')
                    log(f"  created index {index.name}, new in the models "
                        f"({time.perf_counter() - started:.0f} s)")
        _catch_up_expression_indexes(existing, log)
        db.engine.dispose()
    return True


def _catch_up_expression_indexes(existing: set, log) -> None:
    """The statistics' GiST indexes, which the models do not declare (portal.stats.days makes
    them when ``create_all`` creates the dossier table, not on a reused database)."""
    try:
        from portal.stats import days
    except ImportError:
        return
    from portal.extensions import db

    wanted = [(name, getattr(days, statement)) for name, statement in (
        ("ix_dossier_open_span", "POSTGRESQL_SPAN_INDEX"),
        ("ix_dossier_overdue_span", "POSTGRESQL_OVERDUE_SPAN_INDEX")) if hasattr(days, statement)]
    for name, statement in wanted:
        if ("dossier", name) not in existing:
            started = time.perf_counter()
            with db.engine.begin() as connection:
                connection.exec_driver_sql(statement)
                connection.exec_driver_sql("ANALYZE dossier")
            log(f"  created index {name} (portal.stats.days) "
                f"({time.perf_counter() - started:.0f} s)")


def _seed_catalog_and_staff(log, provinces: int = 1) -> None:
    from portal.demo import seed_all
    from portal.extensions import db

    started = time.perf_counter()
    seeded = seed_all(PROCEDURES, storage=None)
    db.session.commit()
    log(f"  demo seed: {seeded['agencies']} agencies, {seeded['procedures']} procedures, "
        f"{seeded['users']} accounts in {time.perf_counter() - started:.0f} s")
    if provinces > 1:
        _copy_agencies(provinces, log)
    # Extra staff in SQL (one scrypt hash copied from a demo account: hashing ~150 passwords
    # would take longer than the whole dossier load).
    with db.engine.begin() as connection:
        sql = connection.exec_driver_sql
        sql("CREATE TEMP TABLE wanted (code text, counters int, specialists int, leaders int)")
        for k, _, _ in provinces_used(provinces):
            for code in AGENCY_WEIGHTS:
                counters, specialists, leaders = STAFF_PER_AGENCY.get(code, STAFF_DEFAULT)
                sql("INSERT INTO wanted VALUES (%s, %s, %s, %s)",
                    (agency_code(code, k), counters, specialists, leaders))
        sql(STAFF_SQL)
        sql("UPDATE \"user\" SET totp_secret = %s, totp_enabled = true WHERE kind = 'staff'",
            (TOTP_SECRET,))
        count = connection.exec_driver_sql(
            "SELECT count(*) FROM \"user\" WHERE kind = 'staff'").scalar_one()
    log(f"  staff accounts: {count} (two-factor secret {TOTP_SECRET})")


def _copy_agencies(provinces: int, log) -> None:
    """The seed's agencies again for each other province: code STP01, unit code
    000.00.10.H01, name "Sở Tư pháp (Hà Nội)". They share the seed's procedures (the
    national catalogue's procedures are the same in every province); the dossiers of a copy
    name one of the seed agency's procedure versions."""
    from portal.extensions import db

    with db.engine.begin() as connection:
        sql = connection.exec_driver_sql
        sql("CREATE TEMP TABLE province (k int, name text)")
        for k, name, _ in provinces_used(provinces)[1:]:
            sql("INSERT INTO province VALUES (%s, %s)", (k, name))
        copied = sql(f"""
            INSERT INTO agency (code, unit_code, name, name_en, kind, position, active,
                                created_at, updated_at)
            SELECT a.code || lpad(p.k::text, 2, '0'),
                   regexp_replace(a.unit_code, 'H{SEED_PROVINCE}$',
                                  'H' || lpad(p.k::text, 2, '0')),
                   left(a.name || ' (' || p.name || ')', 200), a.name_en, a.kind, a.position,
                   a.active, now(), now()
            FROM agency a CROSS JOIN province p
            WHERE a.code = ANY(%s) AND a.unit_code LIKE '%%.H{SEED_PROVINCE}'
            ORDER BY p.k, a.id""", (list(AGENCY_WEIGHTS),)).rowcount
    log(f"  agencies copied for {provinces - 1} more provinces: {copied}")


# Extra staff: for each agency and role, as many accounts as wanted minus those that exist
# (the demo ones); e-mails chuyenvien07.stp@bench.hcc.vn and so on.
STAFF_SQL = """
WITH roles AS (
    SELECT 'counter_officer' AS role, 'motcua' AS prefix, 'Cán bộ một cửa' AS title,
           'Can bo mot cua' AS folded, w.counters AS how_many, w.code FROM wanted w
    UNION ALL SELECT 'specialist', 'chuyenvien', 'Chuyên viên', 'Chuyen vien', w.specialists,
                     w.code FROM wanted w
    UNION ALL SELECT 'leader', 'lanhdao', 'Lãnh đạo', 'Lanh dao', w.leaders, w.code FROM wanted w
), missing AS (
    SELECT r.role, r.prefix, r.title, r.folded, a.id AS agency_id, lower(a.code) AS code, n,
           r.prefix || lpad(n::text, 2, '0') || '.' || lower(a.code) || '@bench.hcc.vn' AS email
    FROM roles r
    JOIN agency a ON a.code = r.code
    CROSS JOIN LATERAL generate_series(
        (SELECT count(*) FROM role_assignment ra
         WHERE ra.agency_id = a.id AND ra.role = r.role)::int + 1, r.how_many) AS n
), inserted AS (
    INSERT INTO "user" (email, full_name, name_folded, phone, kind, password_hash, active,
                        totp_enabled, security_stamp, created_at, updated_at)
    SELECT m.email, m.title || ' ' || upper(m.code) || ' ' || m.n,
           lower(m.folded || ' ' || m.code || ' ' || m.n), '0255382' || lpad(m.n::text, 4, '0'),
           'staff', (SELECT password_hash FROM "user" WHERE email = 'chuyenvien.stp@demo.hcc.vn'),
           true, false, 1, now(), now()
    FROM missing m
    RETURNING id, email
)
INSERT INTO role_assignment (user_id, role, agency_id)
SELECT i.id, m.role, m.agency_id FROM inserted i JOIN missing m ON m.email = i.email
"""


def _generate(url: str, rows: int, anchor: datetime, log, provinces: int = 1,
              days: int = DEFAULT_DAYS) -> None:
    import psycopg

    def connect():
        # Client-side binding: a step may hold several statements.
        connection = psycopg.connect(_plain_url(url), autocommit=True,
                                     cursor_factory=psycopg.ClientCursor)
        for setting in ("SET synchronous_commit = off", "SET work_mem = '256MB'",
                        "SET temp_buffers = '1GB'",  # before the first temporary table
                        "SET jit = off",  # compiling these long expressions costs more
                        "SET maintenance_work_mem = '1GB'",
                        # The rows are consistent by construction: skip the per-row foreign
                        # key triggers during the load (superuser only, this session only).
                        "SET session_replication_role = replica"):
            connection.execute(setting)
        return connection

    def run(connection, label: str, statement: str, params: dict | None = None) -> None:
        started = time.perf_counter()
        cursor = connection.execute(statement, params or {})
        count = cursor.rowcount
        log(f"  {label:34} {count if count >= 0 else '':>10} "
            f"{time.perf_counter() - started:6.1f} s")

    # Two sessions: the big independent steps (each reads the plan and writes its own table)
    # and the index rebuilds run two at a time, one per core.
    with connect() as connection, connect() as second:
        indexes = connection.execute(
            """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
               FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
               WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique""",
            (list(BULK_TABLES),)).fetchall()
        for name, _ in indexes:
            connection.execute(f"DROP INDEX {name}")
        # The statistics' rollup trigger (issue 19), if the models have one: off during the
        # load (the rollup is rebuilt from the dossiers after it, ``_rebuild_rollup``).
        # ``session_replication_role = replica`` already keeps ordinary triggers quiet; this
        # also covers one made ENABLE ALWAYS.
        triggers = user_triggers(connection)
        if triggers:
            connection.execute("ALTER TABLE dossier DISABLE TRIGGER USER")
            log(f"  trigger(s) {', '.join(triggers)} on dossier disabled during the load")
        params = {"rows": rows, "anchor": anchor, "days": days}
        steps = generation_steps(provinces)
        laned = [i for i, (label, _) in enumerate(steps) if label in FIRST_LANE + SECOND_LANE]
        assert laned == list(range(laned[0], laned[-1] + 1)), "the lanes' steps follow each other"
        for step in steps[:laned[0]]:
            run(connection, *step, params)
        middle = steps[laned[0]:laned[-1] + 1]
        _in_parallel(lambda: [run(connection, *s, params) for s in middle if s[0] in FIRST_LANE],
                     lambda: [run(second, *s, params) for s in middle if s[0] in SECOND_LANE])
        for step in steps[laned[-1] + 1:]:
            run(connection, *step, params)
        if triggers:
            connection.execute("ALTER TABLE dossier ENABLE TRIGGER USER")
        started = time.perf_counter()
        _in_parallel(lambda: [connection.execute(d) for _, d in indexes[0::2]],
                     lambda: [second.execute(d) for _, d in indexes[1::2]])
        log(f"  {'rebuild ' + str(len(indexes)) + ' secondary indexes':34} {'':>10} "
            f"{time.perf_counter() - started:6.1f} s")
        connection.execute("SET session_replication_role = origin")
        started = time.perf_counter()
        tables = [name for (name,) in connection.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace ORDER BY pg_relation_size(oid) DESC").fetchall()]
        # The big tables first, each to the session that is free (largest first, alternated).
        _in_parallel(lambda: [connection.execute(f'VACUUM (ANALYZE) "{t}"') for t in tables[0::2]],
                     lambda: [second.execute(f'VACUUM (ANALYZE) "{t}"') for t in tables[1::2]])
        log(f"  {'VACUUM (ANALYZE)':34} {'':>10} {time.perf_counter() - started:6.1f} s")


def _in_parallel(first, second) -> None:
    """Run ``first`` here and ``second`` in a thread (each on its own connection); the first
    error of either is raised."""
    import threading

    errors: list[BaseException] = []

    def guarded():
        try:
            second()
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=guarded)
    thread.start()
    try:
        first()
    finally:
        thread.join()
    if errors:
        raise errors[0]


def user_triggers(connection) -> list[str]:
    """The names of the user (not constraint) triggers on ``dossier``; ``connection`` is a
    psycopg connection or a SQLAlchemy one."""
    statement = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.dossier'::regclass "
                 "AND NOT tgisinternal ORDER BY tgname")
    if hasattr(connection, "exec_driver_sql"):
        return list(connection.exec_driver_sql(statement).scalars())
    return [name for (name,) in connection.execute(statement).fetchall()]


def _rollup_stale(url: str) -> bool:
    """True when the code has the statistics rollup and its table is empty while there are
    dossiers (a database generated before the rollup existed)."""
    import psycopg

    try:
        import portal.stats.days  # noqa: F401
    except ImportError:
        return False
    with psycopg.connect(_plain_url(url)) as connection:
        if not connection.execute("SELECT to_regclass('public.stats_day')").fetchone()[0]:
            return False
        return bool(connection.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM stats_day) AND EXISTS (SELECT 1 FROM dossier)"
        ).fetchone()[0])


def _rebuild_rollup(url: str, log) -> bool:
    """Recompute the statistics' daily rollup from the generated dossiers, where the code
    has one (``portal.stats.days.rebuild``, issue 19; True); nothing otherwise (False)."""
    try:
        from portal.stats.days import rebuild
    except ImportError:
        log("  no statistics rollup in this code (portal.stats.days.rebuild): nothing to rebuild")
        return False
    started = time.perf_counter()
    app = bench_app(url)
    with app.app_context():
        from portal.extensions import db

        result = rebuild()
        db.session.commit()
        with db.engine.begin() as connection:
            if connection.exec_driver_sql("SELECT to_regclass('public.stats_day')").scalar():
                connection.exec_driver_sql("ANALYZE stats_day")
        db.session.remove()
        db.engine.dispose()
    log(f"  {'statistics rollup rebuilt':34} {result if isinstance(result, int) else '':>10} "
        f"{time.perf_counter() - started:6.1f} s")
    return True


# --- the generation, one statement per step ------------------------------------------------
#
# The temporary table ``gen`` holds one row per dossier with the decisions every later step
# needs (agency, procedure, state, times, holder); each table is then one INSERT … SELECT.

_PREPARE = """
SELECT setseed(0.4242);
DROP TABLE IF EXISTS gen_agency, gen_staff, gen_proc, gen, gen_name;
CREATE UNLOGGED TABLE gen_agency AS
WITH w(code, weight) AS (VALUES {weights}),
ordered AS (
    SELECT a.id, a.code, a.unit_code, w.weight,
           row_number() OVER (ORDER BY a.id) AS k,
           sum(w.weight) OVER (ORDER BY a.id) AS upto,
           sum(w.weight) OVER () AS total
    FROM agency a JOIN w ON w.code = a.code
)
SELECT o.id, o.code, o.unit_code, o.k, (o.upto - o.weight)::float8 / o.total AS lo,
       -- a province's copy of a seed agency files the seed agency's procedures
       (SELECT s.id FROM agency s
        WHERE s.unit_code = regexp_replace(o.unit_code, 'H[0-9]{{2}}$', 'H{seed}')) AS origin_id
FROM ordered o;
CREATE UNLOGGED TABLE gen_staff AS
SELECT ra.agency_id,
       array_agg(ra.user_id ORDER BY ra.user_id) FILTER (WHERE ra.role = 'counter_officer')
           AS counters,
       array_agg(ra.user_id ORDER BY ra.user_id) FILTER (WHERE ra.role = 'specialist')
           AS specialists,
       array_agg(ra.user_id ORDER BY ra.user_id) FILTER (WHERE ra.role = 'leader') AS leaders
FROM role_assignment ra WHERE ra.agency_id IS NOT NULL GROUP BY ra.agency_id;
-- A time during office hours (7:30–16:30, Viet Nam) of the working day around ``t``.
CREATE FUNCTION pg_temp.office_time(t timestamptz, r float8) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('day', t AT TIME ZONE 'Asia/Ho_Chi_Minh')
            + CASE extract(isodow FROM t AT TIME ZONE 'Asia/Ho_Chi_Minh')
                WHEN 6 THEN interval '-1 day' WHEN 7 THEN interval '1 day'
                ELSE interval '0' END
            + interval '7 hours 30 minutes' + r * interval '9 hours')
           AT TIME ZONE 'Asia/Ho_Chi_Minh'
$$;
-- The portal's ``format_code`` (portal/dossiers/codes.py): the day's number on at least four
-- digits, five from the 10,000th (lpad alone would cut 10000 to '1000': a duplicate).
CREATE FUNCTION pg_temp.dossier_code(unit text, day date, n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ {code_sql} $$;
CREATE UNLOGGED TABLE gen_proc AS
SELECT p.agency_id, array_agg(p.published_version_id ORDER BY p.code) AS versions
FROM procedure p WHERE p.published_version_id IS NOT NULL GROUP BY p.agency_id;
"""

_DOSSIER_PLAN = """
CREATE UNLOGGED TABLE gen AS
WITH base AS (
    SELECT g AS id, random() AS r_agency, random() AS r_proc, random() AS r_open,
           random() AS r_state, random() AS r_channel, random() AS r_time, random() AS r_speed,
           random() AS r_holder, random() AS r_misc, random() AS r_age,
           -- a working day of the ``days`` (two years) before the anchor, in order of id
           date_trunc('day', %(anchor)s::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')
             - make_interval(days => %(days)s)
             + make_interval(days => ((g::bigint - 1) * %(days)s / %(rows)s)::int) AS day
    FROM generate_series(1, %(rows)s) AS g
), placed AS (
    SELECT b.*, a.id AS agency_id, a.unit_code, a.origin_id,
           pg_temp.office_time(b.day AT TIME ZONE 'Asia/Ho_Chi_Minh', b.r_time) AS at
    FROM base b
    JOIN gen_agency a ON a.k = width_bucket(b.r_agency,
                                            (SELECT array_agg(lo ORDER BY k) FROM gen_agency))
), chosen AS MATERIALIZED (
    SELECT p.id, p.r_state, p.r_channel, p.r_speed, p.r_holder, p.r_misc, p.r_age,
           p.r_time, p.r_open, p.agency_id, p.origin_id,
           p.unit_code, v.id AS procedure_version_id, v.on_the_spot,
           p.at,
           -- younger dossiers are more likely still open (about 5 %% in all); a few old
           -- ones are stuck (r_open > 0.9995)
           (p.at > %(anchor)s::timestamptz - interval '75 days'
              AND p.r_open < 0.95 * (1 - extract(epoch FROM %(anchor)s::timestamptz - p.at)
                                         / (75 * 86400)))
             OR p.r_open > 0.9995 AS is_open,
           v.time_unit,
           -- working days as calendar days (5 → 7); working hours as whole working days
           CASE v.time_unit
             WHEN 'days' THEN make_interval(days => (v.time_amount * 7 + 4) / 5)
             WHEN 'hours' THEN make_interval(days => (v.time_amount + 7) / 8)
             ELSE interval '8 hours' END AS duration
    FROM placed p
    JOIN gen_proc pr ON pr.agency_id = p.origin_id
    -- popular procedures first: the square skews the choice towards the agency's first ones
    JOIN procedure_version v
      ON v.id = pr.versions[1 + floor(array_length(pr.versions, 1) * p.r_proc * p.r_proc)::int]
), stated AS (
    SELECT c.*,
           CASE WHEN c.is_open THEN
             CASE WHEN c.r_state < 0.02 THEN 'draft'
                  WHEN c.r_state < 0.14 THEN 'submitted'
                  WHEN c.r_state < 0.17 THEN 'needs_completion'
                  WHEN c.r_state < 0.27 THEN 'received'
                  WHEN c.r_state < 0.75 THEN 'in_progress'
                  WHEN c.r_state < 0.84 THEN 'awaiting_supplement'
                  WHEN c.r_state < 0.88 THEN 'awaiting_consultation'
                  WHEN c.r_state < 0.92 THEN 'inter_agency'
                  WHEN c.r_state < 0.95 THEN 'awaiting_payment_of_obligation'
                  ELSE 'result_ready' END
           ELSE
             CASE WHEN c.on_the_spot OR c.r_state < 0.91 THEN 'returned'
                  WHEN c.r_state < 0.95 THEN 'refused'
                  WHEN c.r_state < 0.985 THEN 'withdrawn'
                  ELSE 'stopped' END
           END AS state,
           CASE WHEN c.r_channel < 0.60 THEN 'online' WHEN c.r_channel < 0.95 THEN 'counter'
                ELSE 'postal' END AS channel0
    FROM chosen c
), pathed AS MATERIALIZED (
    SELECT s.*,
           CASE WHEN s.state IN ('draft', 'submitted', 'needs_completion') THEN 'online'
                ELSE s.channel0 END AS channel,
           -- Before reception a dossier is young: it waits hours or days, not months. An
           -- open received one is somewhere in its legal duration, 8 %% of them past it (more once
           -- moved into office hours: a same-day procedure received yesterday is late).
           least(CASE WHEN s.state IN ('draft', 'submitted', 'needs_completion')
                        THEN %(anchor)s::timestamptz - (1 + s.r_misc * 96) * interval '1 hour'
                      WHEN s.is_open AND s.r_open <= 0.9995
                        THEN pg_temp.office_time(%(anchor)s::timestamptz
                                                 - s.duration * (0.02 + 1.06 * s.r_age),
                                                 s.r_time)
                      ELSE s.at END,
                 %(anchor)s::timestamptz - interval '10 minutes') AS start_at,
           CASE WHEN s.state IN ('draft', 'submitted', 'needs_completion') THEN 'before'
                WHEN s.state = 'refused' AND s.r_holder < 0.5 THEN 'refused_at_reception'
                WHEN s.state = 'returned' AND s.on_the_spot AND s.channel0 = 'counter'
                  THEN 'on_the_spot'
                WHEN s.state = 'returned' AND s.r_speed > 0.9 THEN 'with_supplement'
                ELSE 'normal' END AS path
    FROM stated s
), staffed AS MATERIALIZED (
    SELECT p.id, p.agency_id, p.unit_code, p.procedure_version_id, p.state, p.channel, p.path,
           p.duration, p.time_unit, p.r_holder, p.r_misc, p.r_speed, p.start_at AS at,
           CASE WHEN p.state = 'draft' THEN NULL
                WHEN p.channel = 'online' AND p.path <> 'before'
                  THEN p.start_at - (0.5 + p.r_misc * 30) * interval '1 hour'
                ELSE p.start_at END AS submitted_at,
           CASE WHEN p.path IN ('before', 'refused_at_reception') THEN NULL
                ELSE p.start_at END AS received_at,
           CASE WHEN p.state = 'draft' OR p.path = 'before' THEN NULL
                ELSE st.counters[1 + floor(p.r_misc * array_length(st.counters, 1))::int]
                END AS received_by_id,
           st.leaders[1 + floor(p.r_holder * array_length(st.leaders, 1))::int] AS leader_id,
           CASE WHEN p.state = 'in_progress' AND p.r_holder < 0.3
                  THEN st.leaders[1 + floor(p.r_misc * array_length(st.leaders, 1))::int]
                WHEN p.state IN ('in_progress', 'awaiting_supplement', 'awaiting_consultation',
                                 'inter_agency', 'awaiting_payment_of_obligation')
                  THEN st.specialists[1 + floor(p.r_misc
                                                * array_length(st.specialists, 1))::int]
                END AS holder_id,
           CASE WHEN p.state = 'in_progress' AND p.r_holder < 0.3 THEN 'leader'
                WHEN p.state IN ('received', 'in_progress', 'awaiting_supplement',
                                 'awaiting_consultation', 'inter_agency',
                                 'awaiting_payment_of_obligation') THEN 'specialist'
                END AS cur_role
    FROM pathed p JOIN gen_staff st ON st.agency_id = p.agency_id
), clocked AS MATERIALIZED (
    -- the legal duration from reception; a finished dossier took 30 %% to 105 %% of it
    -- (about 7 %% late), its result collected up to three days later
    SELECT s.*,
           CASE WHEN s.path = 'on_the_spot' THEN s.received_at
                WHEN s.time_unit = 'same_day'  -- the end of the working day
                  THEN (date_trunc('day', s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')
                        + interval '17 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh'
                ELSE s.received_at + s.duration END AS due_at,
           CASE WHEN s.path = 'on_the_spot' THEN s.received_at
                WHEN s.path = 'refused_at_reception' THEN s.at + s.r_speed * interval '1 day'
                WHEN s.state IN ('returned', 'refused', 'withdrawn', 'stopped', 'result_ready')
                  THEN least(s.received_at + s.duration * (0.3 + 0.75 * s.r_speed),
                             %(anchor)s::timestamptz - interval '5 minutes')
                END AS finished_at0
    FROM staffed s
)
SELECT c.id, c.agency_id, c.unit_code, c.procedure_version_id, c.state, c.channel, c.path,
       c.duration, c.r_holder, c.r_misc, c.r_speed, c.at, c.submitted_at, c.received_at,
       c.received_by_id, c.leader_id, c.holder_id, c.cur_role, c.due_at,
       CASE WHEN c.state = 'returned' THEN least(c.finished_at0, r.returned_at)
            ELSE c.finished_at0 END AS finished_at,
       r.returned_at,
       -- the lifecycle each state implies (the engine's action names), oldest first
       CASE WHEN c.channel = 'online' AND c.state <> 'draft' THEN ARRAY['submitted']
            ELSE ARRAY[]::text[] END ||
       CASE WHEN c.state = 'draft' THEN ARRAY['created']
            WHEN c.state = 'submitted' THEN ARRAY[]::text[]
            WHEN c.state = 'needs_completion' THEN ARRAY['request_completion']
            WHEN c.path = 'on_the_spot' THEN ARRAY['resolve_on_the_spot']
            WHEN c.path = 'refused_at_reception' THEN ARRAY['refuse_reception']
            WHEN c.state = 'received' THEN ARRAY['receive']
            WHEN c.state = 'in_progress' AND c.cur_role = 'leader'
              THEN ARRAY['receive', 'take', 'complete_step']
            WHEN c.state = 'in_progress' THEN ARRAY['receive', 'take']
            WHEN c.state = 'awaiting_supplement'
              THEN ARRAY['receive', 'take', 'request_supplement']
            WHEN c.state = 'awaiting_consultation'
              THEN ARRAY['receive', 'take', 'request_consultation']
            WHEN c.state = 'inter_agency' THEN ARRAY['receive', 'take', 'forward_inter_agency']
            WHEN c.state = 'awaiting_payment_of_obligation'
              THEN ARRAY['receive', 'take', 'request_obligation']
            WHEN c.state = 'result_ready'
              THEN ARRAY['receive', 'take', 'complete_step', 'approve']
            WHEN c.path = 'with_supplement'
              THEN ARRAY['receive', 'take', 'request_supplement', 'supplement', 'complete_step',
                         'approve', 'hand_over']
            WHEN c.state = 'returned'
              THEN ARRAY['receive', 'take', 'complete_step', 'approve', 'hand_over']
            WHEN c.state = 'refused' THEN ARRAY['receive', 'take', 'refuse']
            WHEN c.state = 'withdrawn'
              THEN ARRAY['receive', 'withdrawal_requested', 'confirm_withdrawal']
            WHEN c.state = 'stopped' THEN ARRAY['receive', 'take', 'stop']
       END AS actions
FROM clocked c
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.state = 'returned'
                  THEN least(c.finished_at0 + c.r_misc * interval '3 days',
                             %(anchor)s::timestamptz - interval '1 minute') END AS returned_at
) AS r;
ALTER TABLE gen ADD PRIMARY KEY (id);
ANALYZE gen;
"""

_NAMES = """
CREATE UNLOGGED TABLE gen_name AS SELECT
  ARRAY['Nguyễn','Nguyễn','Nguyễn','Trần','Lê','Phạm','Huỳnh','Hoàng','Võ','Phan','Trương',
        'Bùi','Đặng','Đỗ','Ngô','Hồ','Dương','Đinh','Lý','Tạ'] AS family,
  ARRAY['Văn','Thị','Minh','Ngọc','Thanh','Đức','Hữu','Quang','Thu','Hoài','Anh','Xuân',
        'Kim','Công','Bảo','Gia'] AS middle,
  ARRAY['An','Bình','Cường','Dũng','Giang','Hà','Hải','Hạnh','Hiếu','Hoa','Hùng','Hương',
        'Khánh','Lan','Linh','Long','Mai','Minh','Nam','Nga','Ngọc','Nhung','Phong','Phúc',
        'Phương','Quân','Quỳnh','Sơn','Tâm','Thảo','Thắng','Thành','Thủy','Trang','Trung',
        'Tú','Tuấn','Vân','Việt','Yến'] AS given,
  ARRAY['phường Trần Phú, thành phố Quảng Ngãi','phường Lê Hồng Phong, thành phố Quảng Ngãi',
        'phường Nghĩa Chánh, thành phố Quảng Ngãi','xã Tịnh Ấn Tây, thành phố Quảng Ngãi',
        'thị trấn Sơn Tịnh, huyện Sơn Tịnh','thị trấn La Hà, huyện Tư Nghĩa',
        'thị trấn Châu Ổ, huyện Bình Sơn','phường Nguyễn Nghiêm, thị xã Đức Phổ',
        'thị trấn Mộ Đức, huyện Mộ Đức','xã Nghĩa Hà, thành phố Quảng Ngãi'] AS place,
  ARRAY['Hùng Vương','Quang Trung','Lê Lợi','Phan Đình Phùng','Nguyễn Nghiêm',
        'Trần Hưng Đạo','Lê Trung Đình','Phạm Văn Đồng','Nguyễn Công Phương',
        'Bà Triệu'] AS street;
"""

_DOSSIERS = """
INSERT INTO dossier (
    id, code, procedure_version_id, agency_id, state, channel, applicant_id, organisation_id,
    applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address,
    representative, return_method, postal_province, postal_district, postal_ward,
    postal_street, postal_recipient, postal_phone, note, submitted_at, due_at,
    due_explanation, withdrawal_requested_at, withdrawal_reason, received_at, received_by_id,
    new_appointment_at, finished_at, returned_at, returned_to, result_note, "current_role",
    holder_id, supplement_round, lock_version, created_at, updated_at)
SELECT g.id,
       CASE WHEN g.submitted_at IS NOT NULL THEN
         pg_temp.dossier_code(g.unit_code,
                              (g.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                              row_number() OVER (
              PARTITION BY g.agency_id, (g.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
              ORDER BY g.submitted_at, g.id)) END,
       g.procedure_version_id, g.agency_id, g.state, g.channel, NULL, NULL,
       n.family[1 + floor(power(g.r_misc, 1.5) * 20)::int] || ' ' ||
         n.middle[1 + floor(g.r_holder * 16)::int] || ' ' ||
         n.given[1 + floor(g.r_speed * 40)::int],
       '051' || lpad((g.id::bigint * 7919 %% 1000000000)::text, 9, '0'),
       '09' || lpad((g.id::bigint * 104729 %% 100000000)::text, 8, '0'),
       CASE WHEN g.channel = 'online' AND g.r_misc < 0.7 THEN 'congdan' || g.id || '@example.vn'
            ELSE '' END,
       'Số ' || (1 + g.id %% 250) || ' ' || n.street[1 + g.id %% 10] || ', ' ||
         n.place[1 + (g.id / 10) %% 10] || ', tỉnh Quảng Ngãi',
       '',
       CASE WHEN g.state = 'draft' THEN NULL WHEN g.r_misc < 0.2 THEN 'postal' ELSE 'counter' END,
       CASE WHEN g.r_misc < 0.2 THEN 'Quảng Ngãi' ELSE '' END, '', '', '', '', '',
       '', g.submitted_at, g.due_at,
       CASE WHEN g.due_at IS NOT NULL THEN 'Thời hạn giải quyết tính từ khi tiếp nhận hồ sơ.'
            ELSE '' END,
       CASE WHEN g.state = 'withdrawn' THEN g.received_at + (g.finished_at - g.received_at) / 2 END,
       CASE WHEN g.state = 'withdrawn' THEN 'Người nộp không còn nhu cầu.' ELSE '' END,
       g.received_at, g.received_by_id, NULL, g.finished_at, g.returned_at,
       CASE WHEN g.state = 'returned' THEN 'Người nộp nhận trực tiếp' ELSE '' END,
       CASE WHEN g.state IN ('returned', 'result_ready') THEN 'Đã cấp kết quả số '
            || (g.id %% 100000) ELSE '' END,
       g.cur_role, g.holder_id,
       CASE WHEN 'request_supplement' = ANY(g.actions) THEN 1 ELSE 0 END,
       1 + cardinality(g.actions),
       coalesce(g.submitted_at, g.at),
       coalesce(g.returned_at, g.finished_at, g.at)
FROM gen g CROSS JOIN gen_name n
"""

# One event per lifecycle action, spread between the start and the end (or the anchor).
_EVENTS = """
INSERT INTO dossier_event (dossier_id, at, actor_id, action, message, public)
SELECT g.id,
       CASE WHEN e.ord = 1 THEN coalesce(g.submitted_at, g.at)
            ELSE coalesce(g.received_at, g.at)
                 + (coalesce(g.returned_at, g.finished_at,
                             least(g.due_at, %(anchor)s::timestamptz - interval '1 minute'),
                             g.at) - coalesce(g.received_at, g.at))
                   * (e.ord - 1) / greatest(cardinality(g.actions) - 1, 1) END,
       CASE WHEN e.action IN ('created', 'submitted', 'supplement', 'withdrawal_requested')
              THEN NULL
            WHEN e.action IN ('receive', 'request_completion', 'refuse_reception',
                              'resolve_on_the_spot', 'hand_over') THEN g.received_by_id
            WHEN e.action IN ('approve', 'refuse', 'stop', 'confirm_withdrawal',
                              'forward_inter_agency') THEN g.leader_id
            ELSE coalesce(g.holder_id, g.leader_id) END,
       e.action, m.message, m.public
FROM gen g
CROSS JOIN LATERAL unnest(g.actions) WITH ORDINALITY AS e(action, ord)
JOIN (VALUES
  ('created', 'Tạo bản nháp hồ sơ trực tuyến.', true),
  ('submitted', 'Nộp hồ sơ trực tuyến.', true),
  ('request_completion',
   'Yêu cầu bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận: bản sao giấy tờ tùy thân.', true),
  ('receive', 'Cơ quan đã tiếp nhận hồ sơ.', true),
  ('take', 'Chuyên viên nhận xử lý bước “Thẩm định, xử lý hồ sơ”.', false),
  ('complete_step',
   'Hoàn thành bước “Thẩm định, xử lý hồ sơ”, chuyển bước “Phê duyệt kết quả”.', false),
  ('request_supplement', 'Yêu cầu bổ sung hồ sơ: bản chính giấy tờ để đối chiếu.', true),
  ('supplement', 'Người nộp đã nộp bổ sung hồ sơ.', true),
  ('request_consultation', 'Lấy ý kiến cơ quan liên quan.', false),
  ('forward_inter_agency', 'Chuyển liên thông đến Văn phòng UBND tỉnh.', true),
  ('request_obligation', 'Thông báo nghĩa vụ tài chính.', true),
  ('approve', 'Lãnh đạo phê duyệt, ban hành kết quả.', true),
  ('hand_over', 'Đã trả kết quả cho người nộp.', true),
  ('resolve_on_the_spot', 'Tiếp nhận, giải quyết và trả kết quả ngay tại quầy.', true),
  ('refuse_reception', 'Từ chối tiếp nhận hồ sơ. Lý do: hồ sơ không thuộc thẩm quyền.', true),
  ('refuse', 'Từ chối giải quyết hồ sơ. Lý do: không đủ điều kiện theo quy định.', true),
  ('withdrawal_requested', 'Người nộp đề nghị rút hồ sơ.', true),
  ('confirm_withdrawal', 'Xác nhận rút hồ sơ theo đề nghị của người nộp.', true),
  ('stop', 'Dừng xử lý hồ sơ. Lý do: người nộp không bổ sung đúng hạn.', true)
) AS m(action, message, public) ON m.action = e.action
ORDER BY g.id, e.ord
"""

# The control slip: the counter step at reception, the specialist's step, then the leader's.
_STEPS = """
INSERT INTO dossier_step (dossier_id, position, name, role, agency_id, holder_id, started_at,
                          due_at, finished_at, finished_by_id, note)
SELECT g.id, s.position, s.name, s.role, g.agency_id,
       CASE s.position WHEN 1 THEN g.received_by_id
                       WHEN 2 THEN CASE WHEN g.state = 'received' THEN NULL
                                        WHEN g.cur_role = 'specialist' THEN g.holder_id
                                        ELSE g.received_by_id END
                       ELSE g.leader_id END,
       CASE s.position WHEN 1 THEN g.received_at
                       WHEN 2 THEN g.received_at
                       ELSE g.received_at
                            + (coalesce(g.finished_at, g.due_at) - g.received_at) * 0.7
       END,
       CASE s.position WHEN 1 THEN g.received_at
                       WHEN 2 THEN g.received_at + (g.due_at - g.received_at) * 0.7
                       ELSE g.due_at END,
       CASE WHEN s.position = 1 THEN g.received_at
            WHEN s.position = 2 AND (g.cur_role = 'leader' OR g.finished_at IS NOT NULL)
              THEN g.received_at + (coalesce(g.finished_at, g.due_at) - g.received_at) * 0.7
            WHEN s.position = 3 AND g.finished_at IS NOT NULL THEN g.finished_at END,
       CASE WHEN s.position = 1 THEN g.received_by_id
            WHEN s.position = 2 AND (g.cur_role = 'leader' OR g.finished_at IS NOT NULL)
              THEN g.received_by_id
            WHEN s.position = 3 AND g.finished_at IS NOT NULL THEN g.leader_id END,
       ''
FROM gen g
JOIN (VALUES (1, 'Tiếp nhận hồ sơ', 'counter'), (2, 'Thẩm định, xử lý hồ sơ', 'specialist'),
             (3, 'Phê duyệt kết quả', 'leader')) AS s(position, name, role)
  ON s.position <= CASE
       WHEN g.received_at IS NULL THEN 0
       WHEN 'resolve_on_the_spot' = ANY(g.actions) OR 'refuse_reception' = ANY(g.actions) THEN 1
       WHEN g.state IN ('returned', 'result_ready') OR g.cur_role = 'leader' THEN 3
       ELSE 2 END
ORDER BY g.id, s.position
"""

# 1–3 papers per dossier (the procedure's first documents), plus an e-result for half of the
# online dossiers returned. Rows only: the benchmarks never read the stored objects.
_FILES = """
INSERT INTO dossier_file (dossier_id, requirement_id, storage_key, original_name, content_type,
                          size, sha256, version, kind, round, uploaded_by_id, created_at)
SELECT g.id, pd.id,
       'dossiers/' || g.id || '/' || f.n || '-' || f.kind,
       CASE WHEN f.kind = 'result' THEN 'ket-qua-' || g.id || '.pdf'
            WHEN f.n = 1 THEN 'don-de-nghi.pdf' WHEN f.n = 2 THEN 'can-cuoc-cong-dan.jpg'
            ELSE 'giay-to-kem-theo.pdf' END,
       CASE WHEN f.n = 2 AND f.kind <> 'result' THEN 'image/jpeg' ELSE 'application/pdf' END,
       50000 + (g.id * 7 * f.n) %% 3000000,
       md5(g.id || '-' || f.n) || md5(f.n || '-' || g.id),
       1, f.kind, 0,
       CASE WHEN f.kind = 'result' THEN g.leader_id
            WHEN g.channel = 'online' THEN NULL ELSE g.received_by_id END,
       CASE WHEN f.kind = 'result' THEN g.finished_at ELSE coalesce(g.submitted_at, g.at) END
FROM gen g
CROSS JOIN LATERAL (
    SELECT n, 'applicant' AS kind FROM generate_series(1, 1 + (g.id %% 3)::int) AS n
    UNION ALL
    SELECT 9, 'result' WHERE g.state IN ('returned', 'result_ready') AND g.channel = 'online'
                             AND g.id %% 2 = 0
) AS f
LEFT JOIN procedure_document pd ON pd.version_id = g.procedure_version_id
                                AND pd.position = f.n AND f.kind = 'applicant'
ORDER BY g.id, f.n
"""

_PAUSES = """
INSERT INTO dossier_pause (dossier_id, kind, started_at, ended_at, remaining_seconds)
SELECT g.id,
       CASE WHEN g.state = 'awaiting_payment_of_obligation' THEN 'obligation' ELSE 'supplement' END,
       g.received_at + (coalesce(g.finished_at, %(anchor)s::timestamptz) - g.received_at) / 3,
       CASE WHEN g.state IN ('awaiting_supplement', 'awaiting_payment_of_obligation') THEN NULL
            ELSE g.received_at + (g.finished_at - g.received_at) / 2 END,
       (extract(epoch FROM g.duration) / 3)::int
FROM gen g
WHERE g.state IN ('awaiting_supplement', 'awaiting_payment_of_obligation')
   OR 'supplement' = ANY(g.actions)
"""

# Open questions to another agency for the dossiers waiting for one; answered ones for 2 % of
# the dossiers returned (they went through a consultation).
_CONSULTATIONS = """
INSERT INTO consultation (dossier_id, agency_id, question, requested_at, requested_by_id,
                          due_at, answer, answered_at, answered_by_id)
SELECT g.id, other.id,
       'Đề nghị cho ý kiến về hồ sơ theo chức năng, nhiệm vụ của quý cơ quan.',
       g.received_at + (coalesce(g.finished_at, %(anchor)s::timestamptz) - g.received_at) / 3,
       coalesce(g.holder_id, g.leader_id),
       g.received_at + (coalesce(g.finished_at, %(anchor)s::timestamptz) - g.received_at) / 3
         + interval '5 days',
       CASE WHEN g.state = 'awaiting_consultation' THEN '' ELSE 'Thống nhất với đề xuất.' END,
       CASE WHEN g.state = 'awaiting_consultation' THEN NULL
            ELSE g.received_at + (g.finished_at - g.received_at) / 2 END,
       CASE WHEN g.state = 'awaiting_consultation' THEN NULL
            ELSE (SELECT s.specialists[1] FROM gen_staff s WHERE s.agency_id = other.id) END
FROM gen g
JOIN gen_agency other ON other.k = 1 + (g.agency_id + 1 + g.id %% 17)
                                       %% (SELECT count(*) FROM gen_agency)
                     AND other.id <> g.agency_id
WHERE g.state = 'awaiting_consultation'
   OR (g.state = 'returned' AND g.r_misc > 0.98)
"""

# Official notices: 02 (completion / supplement), 03 (refusal), stop, and 04 (apology) for the
# open dossiers past due and the finished ones that were late; numbered per agency, kind, year.
_NOTICES = """
INSERT INTO dossier_notice (dossier_id, agency_id, kind, year, number, issued_at, issued_by_id,
                            reason, items, original_due_at, new_appointment_at)
SELECT n.dossier_id, n.agency_id, n.kind,
       extract(year FROM n.issued_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int,
       row_number() OVER (PARTITION BY n.agency_id, n.kind,
                          extract(year FROM n.issued_at AT TIME ZONE 'Asia/Ho_Chi_Minh')
                          ORDER BY n.issued_at, n.dossier_id),
       n.issued_at, n.issued_by_id, n.reason, n.items, n.original_due_at, n.new_appointment_at
FROM (
    SELECT g.id AS dossier_id, g.agency_id,
           CASE WHEN g.state = 'needs_completion' THEN 'completion'
                WHEN g.state = 'refused' THEN 'refusal'
                WHEN g.state = 'stopped' THEN 'stop' ELSE 'supplement' END AS kind,
           CASE WHEN g.state = 'needs_completion'
                  THEN least(g.submitted_at + interval '2 hours',
                             %(anchor)s::timestamptz - interval '1 minute')
                WHEN g.state IN ('refused', 'stopped') THEN g.finished_at
                ELSE g.received_at + (coalesce(g.finished_at, %(anchor)s::timestamptz)
                                      - g.received_at) / 3 END AS issued_at,
           coalesce(g.received_by_id, g.leader_id) AS issued_by_id,
           'Hồ sơ chưa đầy đủ, hợp lệ theo quy định.' AS reason,
           CASE WHEN g.state IN ('needs_completion', 'awaiting_supplement')
                     OR 'supplement' = ANY(g.actions)
                THEN 'Bản sao chứng thực giấy tờ tùy thân' || chr(10) || 'Bản chính để đối chiếu'
                ELSE '' END AS items,
           g.due_at AS original_due_at, NULL::timestamptz AS new_appointment_at
    FROM gen g
    WHERE g.state IN ('needs_completion', 'awaiting_supplement', 'refused', 'stopped')
       OR 'supplement' = ANY(g.actions)
    UNION ALL
    SELECT g.id, g.agency_id, 'apology', g.due_at - interval '1 hour', g.leader_id,
           'Hồ sơ cần thêm thời gian thẩm định.', '', g.due_at, g.due_at + interval '5 days'
    FROM gen g
    WHERE (g.finished_at IS NULL AND g.due_at < %(anchor)s::timestamptz AND g.r_misc < 0.3
           AND g.state IN ('received', 'in_progress', 'awaiting_consultation', 'inter_agency'))
       OR (g.finished_at > g.due_at)
) AS n
"""

_APOLOGY_DATES = """
UPDATE dossier d SET new_appointment_at = n.new_appointment_at
FROM dossier_notice n WHERE n.dossier_id = d.id AND n.kind = 'apology'
"""

_OUTBOX = """
INSERT INTO outbox_message (dossier_id, channel, recipient, subject, body, created_at,
                            sent_at, attempts, last_error, state)
SELECT e.dossier_id, 'email', d.applicant_email,
       '[' || d.code || '] ' || e.action, 'Hồ sơ ' || d.code || ': ' || e.message, e.at,
       CASE WHEN e.at < %(anchor)s::timestamptz - interval '10 minutes'
            THEN e.at + interval '1 minute' END,
       CASE WHEN e.at < %(anchor)s::timestamptz - interval '10 minutes' THEN 1 ELSE 0 END, '',
       CASE WHEN e.at < %(anchor)s::timestamptz - interval '10 minutes'
            THEN 'sent' ELSE 'pending' END
FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id
WHERE e.at > %(anchor)s::timestamptz - interval '14 days' AND e.public
  AND d.applicant_email <> '' AND d.code IS NOT NULL
"""

# The day's last number per agency, so that new dossiers continue the numbering.
_CODE_SEQUENCES = """
INSERT INTO dossier_code_sequence (agency_id, day, last_number)
SELECT agency_id, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
       max(substring(code FROM '-([0-9]+)$')::int)
FROM dossier WHERE code IS NOT NULL GROUP BY 1, 2
"""

# The workspace's worst case: open dossiers of the demo specialist with a long history.
_HEAVY = """
CREATE TEMP TABLE gen_heavy AS
SELECT d.id FROM dossier d JOIN "user" u ON u.id = d.holder_id
WHERE u.email = 'chuyenvien.stp@demo.hcc.vn' AND d.state = 'in_progress'
ORDER BY d.id DESC LIMIT {heavy};
INSERT INTO dossier_event (dossier_id, at, actor_id, action, message, public)
SELECT d.id, d.received_at + (%(anchor)s::timestamptz - d.received_at) * (n / 90.0)::float8,
       d.holder_id, CASE WHEN n %% 3 = 0 THEN 'supplement' ELSE 'complete_step' END,
       'Trao đổi, cập nhật tình hình xử lý hồ sơ lần ' || n || '.', n %% 2 = 0
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 80) AS n;
INSERT INTO dossier_file (dossier_id, requirement_id, storage_key, original_name, content_type,
                          size, sha256, version, kind, round, uploaded_by_id, created_at)
SELECT d.id, NULL, 'dossiers/' || d.id || '/extra-' || n, 'bo-sung-' || n || '.pdf',
       'application/pdf', 120000 + n * 1000, md5('x' || d.id || n) || md5(n || 'x' || d.id),
       1 + n %% 2, 'supplement', 1 + n / 10, NULL, d.received_at + n * interval '1 hour'
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 30) AS n;
INSERT INTO dossier_step (dossier_id, position, name, role, agency_id, holder_id, started_at,
                          due_at, finished_at, finished_by_id, note)
SELECT d.id, 2, 'Thẩm định, xử lý hồ sơ (vòng ' || n || ')', 'specialist', d.agency_id,
       d.holder_id, d.received_at + n * interval '1 day', d.due_at,
       d.received_at + (n + 1) * interval '1 day', d.holder_id, 'Chuyển lại sau bổ sung.'
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 6) AS n;
INSERT INTO dossier_pause (dossier_id, kind, started_at, ended_at, remaining_seconds)
SELECT d.id, 'supplement', d.received_at + n * interval '2 days',
       d.received_at + (2 * n + 1) * interval '1 day', 3600 * 8
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 3) AS n;
INSERT INTO consultation (dossier_id, agency_id, question, requested_at, requested_by_id,
                          due_at, answer, answered_at, answered_by_id)
SELECT d.id, a.id, 'Đề nghị cho ý kiến (lần ' || n || ').', d.received_at + n * interval '1 day',
       d.holder_id, d.received_at + (n + 5) * interval '1 day', 'Thống nhất.',
       d.received_at + (n + 2) * interval '1 day', NULL
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 3) AS n
JOIN agency a ON a.code = (ARRAY['SXD', 'STNMT', 'STC'])[n];
INSERT INTO dossier_notice (dossier_id, agency_id, kind, year, number, issued_at, issued_by_id,
                            reason, items, original_due_at, new_appointment_at)
SELECT d.id, d.agency_id, 'supplement',
       extract(year FROM d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int,
       90000 + row_number() OVER (), d.received_at + n * interval '2 days',
       d.holder_id, 'Hồ sơ chưa đầy đủ.', 'Bản sao giấy tờ ' || n, d.due_at, NULL
FROM dossier d JOIN gen_heavy h ON h.id = d.id CROSS JOIN generate_series(1, 3) AS n;
UPDATE dossier d SET supplement_round = 3, lock_version = lock_version + 80
FROM gen_heavy h WHERE h.id = d.id;
"""

_SEQUENCES = """
SELECT setval(pg_get_serial_sequence('dossier', 'id'), (SELECT max(id) FROM dossier));
DROP TABLE gen, gen_agency, gen_staff, gen_proc, gen_name, gen_heavy;
"""

# The dossier code in SQL, ``pg_temp.dossier_code(unit, day, n)`` (tests/unit/dossiers/
# test_bench_codes.py holds it to the portal's ``format_code``).
CODE_SQL = ("SELECT unit || '-' || to_char(day, 'YYMMDD') || '-' "
            "|| CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END")


# The steps run two at a time (a session each): after the plan each reads only the plan
# tables (``gen``…, unlogged tables, not temporary ones, so that both sessions see them) and
# writes its own table. Balanced by their times at 500k rows (dossier 25 s, files 17 s,
# pauses and consultations 2 s; events 30 s, steps 10 s, notices 2 s).
FIRST_LANE = ("dossier", "dossier_file", "dossier_pause", "consultation")
SECOND_LANE = ("dossier_event", "dossier_step", "dossier_notice")


def generation_steps(provinces: int = 1) -> list[tuple[str, str]]:
    prepare = _PREPARE.format(
        weights=", ".join(f"('{code}', {weight})" for code, weight in agency_weights(provinces)),
        code_sql=CODE_SQL, seed=SEED_PROVINCE)
    return [("plan: agencies, staff, procedures", prepare), *GENERATION_STEPS]


GENERATION_STEPS: list[tuple[str, str]] = [
    ("plan: one row per dossier", _DOSSIER_PLAN),
    ("names", _NAMES),
    ("dossier", _DOSSIERS),
    ("dossier_event", _EVENTS),
    ("dossier_step", _STEPS),
    ("dossier_file", _FILES),
    ("dossier_pause", _PAUSES),
    ("consultation", _CONSULTATIONS),
    ("dossier_notice", _NOTICES),
    ("dossier.new_appointment_at", _APOLOGY_DATES),
    ("outbox_message (last 14 days)", _OUTBOX),
    ("dossier_code_sequence", _CODE_SEQUENCES),
    (f"{HEAVY_DOSSIERS} heavy dossiers", _HEAVY.format(heavy=HEAVY_DOSSIERS)),
    ("sequences, clean-up", _SEQUENCES),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="dossiers to generate")
    parser.add_argument("--provinces", type=int, default=1,
                        help="former provinces the seed's agencies are copied for (63: the "
                             "country)")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                        help="the history's length in days, ending now (365: a year)")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if it matches")
    parser.add_argument("--url", default=os.environ.get("BENCH_WF_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    generated = ensure(args.url, args.rows, args.fresh, provinces=args.provinces,
                       days=args.days)
    print(f"{generated.rows:,} dossiers in {_database_name(generated.url)}, history ending "
          f"{generated.anchor}, generated in {generated.seconds:.0f} s"
          + (" (reused)" if generated.reused else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
