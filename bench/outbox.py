"""Outbox benchmark (issue 13): what writing the outbox costs the officer, and how fast the
workers drain it.

(a) **Action cost.** On PostgreSQL, the workflow action "receive" (``actions.receive`` inside
    ``unit_of_work()``, its commit included) on freshly submitted dossiers, each loaded first
    as the staff route loads it (not timed: ``get_dossier_for_staff``, the officer's
    capacities, the version), alternately with its message (``Context(messages=True)``: the
    applicant's outbox row and notification row, and the after-commit wake that puts a
    delivery task on RedisHuey) and without (``messages=False``: the same action, no rows, no
    wake), in the same run. Reported: the median and mean of each series and their ratio
    (target ≤ 1.2×). ``--part a`` runs only this part (about 15 s on an idle machine).
(b) **Draining.** 20,000 e-mails queued in the outbox (2,000 recipients, 10 each), delivered
    by 2 worker processes (``huey_consumer portal.notifications.worker.huey``, RedisHuey, one
    thread each) to a real SMTP server (aiosmtpd) on loopback in this process. Reported:
    messages per second from the wake to the last row recorded, each worker's peak memory
    (VmHWM), and what the server received: every message once, none lost, none twice.

Usage: python bench/outbox.py [--url postgresql://…] [--redis redis://127.0.0.1:6379/12]
       [--actions 150] [--messages 20000] [--workers 2] [--part a|b|both]
The PostgreSQL database (default BENCH_OUTBOX_DATABASE_URL or postgresql://postgres@127.0.0.1/
portal_bench_outbox) gets its tables dropped and recreated. Exit status 1 when a target is
missed or a message is lost or duplicated.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/factories.py, tests/smtp_server.py

import factories  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import Role, User  # noqa: E402
from portal.calendar import VN_TZ  # noqa: E402
from portal.calendar.overrides import current_calendar  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.core.frame import unit_of_work  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.notifications.models import OutboxMessage, OutboxState  # noqa: E402
from portal.workflow import actions  # noqa: E402
from portal.workflow.queries import get_dossier_for_staff  # noqa: E402
from portal.workflow.transitions import actors_for  # noqa: E402

SECRET = "bench-secret-key-long-enough-0123456789abcdef"
DEFAULT_URL = os.environ.get("BENCH_OUTBOX_DATABASE_URL",
                             "postgresql://postgres@127.0.0.1/portal_bench_outbox")
TARGET_RATIO = 1.2


def _ensure_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (parsed.database,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')


def _app(url: str, redis_url: str, queue: str, **changes):
    config = Config.from_env({}, env="testing", secret_key=SECRET, database_url=url,
                             storage_url=f"file://{tempfile.mkdtemp(prefix='bench-outbox-')}",
                             redis_url=redis_url, huey_name=queue, **changes)
    return create_app(config)


def bench_actions(app, count: int) -> tuple[float, dict]:
    """Alternate with/without messages on fresh dossiers; times the action and its commit."""
    submitted = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
    with app.app_context():
        agency = factories.agency()
        version = factories.published_procedure(agency)
        officer = factories.staff(Role.COUNTER_OFFICER, agency)
        applicant = factories.citizen()
        ids = [factories.submitted_dossier(version, applicant, submitted).id
               for _ in range(2 * count + 20)]
        db.session.commit()
        officer_id = officer.id
    times: dict[bool, list[float]] = {True: [], False: []}
    with app.app_context():
        calendar = current_calendar()
        for n, dossier_id in enumerate(ids):
            messages = n % 2 == 0
            # Loaded as the staff route loads them before it acts (not timed): the officer
            # with their roles (the login's user loader and the visibility rule), the dossier
            # through the staff area's loader, the officer's capacities on it computed once.
            user = db.session.get(User, officer_id)
            dossier = get_dossier_for_staff(user, dossier_id, applicant=True)
            ctx = actions.Context(user=user, now=submitted + timedelta(hours=1),
                                  calendar=calendar, expected_version=dossier.lock_version,
                                  messages=messages, actors=actors_for(user, dossier))
            started = time.perf_counter()
            with unit_of_work():
                actions.receive(dossier, ctx)
            elapsed = time.perf_counter() - started
            if n >= 20:  # warm-up
                times[messages].append(elapsed * 1000)
            db.session.expire_all()
        rows = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    with_rows, without = statistics.median(times[True]), statistics.median(times[False])
    figures = {"with_median_ms": with_rows, "without_median_ms": without,
               "with_mean_ms": statistics.fmean(times[True]),
               "without_mean_ms": statistics.fmean(times[False]),
               "n_each": len(times[True]), "outbox_rows": rows}
    return with_rows / without, figures


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class CountingInbox:
    """Keeps only each received message's Message-ID (parsing 20,000 whole messages in this
    process would take the CPU the workers are measured on)."""

    def __init__(self):
        self.ids: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        found = re.search(rb"^Message-ID: *(<[^>]+>)", envelope.content, re.M | re.I)
        self.ids.append(found.group(1) if found else b"")
        return "250 OK"


def bench_drain(app, url: str, redis_url: str, queue: str, count: int, workers: int) -> dict:
    from smtp_server import smtp_server

    with app.app_context():
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()
    inbox = CountingInbox()
    with smtp_server(inbox) as (port, _):
        env = {**os.environ, "PORTAL_ENV": "testing", "SECRET_KEY": SECRET,
               "DATABASE_URL": url, "STORAGE_URL": app.config["PORTAL"].storage_url,
               "REDIS_URL": redis_url, "HUEY_NAME": queue, "SMTP_HOST": "127.0.0.1",
               "SMTP_PORT": str(port), "PYTHONPATH": str(ROOT)}
        consumer = Path(sys.executable).parent / "huey_consumer"
        processes = [subprocess.Popen(
            [str(consumer), "portal.notifications.worker.huey", "-w", "1", "-k", "thread",
             "-n", "-d", "0.05", "-m", "0.5"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        try:
            time.sleep(4)  # let both consumers start (not part of the measurement)
            with app.app_context():
                rows = [{"channel": "email", "recipient": f"nguoi{n % 2000}@example.vn",
                         "subject": f"Thư {n}", "body": f"Nội dung thư số {n}.",
                         "state": OutboxState.PENDING,
                         "next_attempt_at": datetime.now(VN_TZ), "attempts": 0,
                         "last_error": "", "created_at": datetime.now(VN_TZ)}
                        for n in range(count)]
                db.session.execute(insert(OutboxMessage), rows)
                db.session.commit()
                # Statistics, as autovacuum keeps them on a live table (a table filled a
                # moment ago has none, and the claim's plan is then 10 ms instead of 0.1).
                db.session.execute(text("ANALYZE outbox_message"))
                db.session.commit()
                started = time.monotonic()
                for _ in range(workers):  # one task each (a commit's wake would be one)
                    app.extensions["tasks"].deliver_outbox()
                sent = 0
                deadline = started + 170
                while time.monotonic() < deadline:
                    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                             .where(OutboxMessage.state == OutboxState.SENT))
                    db.session.rollback()
                    if sent >= count:
                        break
                    time.sleep(0.2)
                elapsed = time.monotonic() - started
            peaks = [_peak_kib(p.pid) for p in processes]
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(20)
        ids = Counter(inbox.ids)
    return {"messages": count, "recorded_sent": sent, "seconds": elapsed,
            "per_second": sent / elapsed, "peak_rss_mib": [round(p / 1024, 1) for p in peaks],
            "received": sum(ids.values()), "distinct": len(ids),
            "duplicates": sum(ids.values()) - len(ids)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--actions", type=int, default=150)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--part", choices=("a", "b", "both"), default="both",
                        help="run only (a) the action cost or (b) the drain")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    _ensure_database(args.url)
    queue = f"bench-outbox-{uuid.uuid4().hex[:8]}"
    app = _app(args.url, args.redis, queue)
    with app.app_context():
        db.drop_all()
        db.create_all()
    ok = True
    try:
        if args.part != "b":
            ratio, figures = bench_actions(app, args.actions)
            print(f"(a) receive with its outbox rows vs without, PostgreSQL, "
                  f"{figures['n_each']} each: median {figures['with_median_ms']:.2f} ms vs "
                  f"{figures['without_median_ms']:.2f} ms (mean {figures['with_mean_ms']:.2f} "
                  f"vs {figures['without_mean_ms']:.2f}) → ratio {ratio:.3f} "
                  f"(target ≤ {TARGET_RATIO}); {figures['outbox_rows']} outbox rows written")
            ok &= ratio <= TARGET_RATIO
        if args.part == "a":
            return 0 if ok else 1
        result = bench_drain(app, args.url, args.redis, queue, args.messages, args.workers)
        print(f"(b) drained {result['recorded_sent']}/{result['messages']} e-mails with "
              f"{args.workers} workers on RedisHuey in {result['seconds']:.1f} s: "
              f"{result['per_second']:.0f} messages/s; worker peak memory "
              f"{result['peak_rss_mib']} MiB; the SMTP server received {result['received']} "
              f"({result['distinct']} distinct, {result['duplicates']} duplicates)")
        ok &= (result["recorded_sent"] == result["distinct"] == args.messages
               and result["duplicates"] == 0)
    finally:
        import redis

        client = redis.Redis.from_url(args.redis)
        keys = client.keys(f"huey.*{queue}*")
        if keys:
            client.delete(*keys)
        client.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
