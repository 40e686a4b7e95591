"""The centre's monitoring dashboard with 1,000,000 dossiers in PostgreSQL (issue #5).

Requirement: with 1,000,000 generated dossiers, the dashboard (/thong-ke/giam-sat) answers in
<= 100 ms median *server* time, for the centre's supervisor (every agency) and for an agency
leader; report the ratio against a trivial route (/healthz) of the same app, served the same
way, in the same run.

Method: the harness of ``bench/workflow_queue.py`` (itself built on ``bench/catalog_search.py``)
is imported, not copied — the same generated database (``bench/_dossier_data.py``, reused
while it holds the requested number of dossiers), the real app on it served by werkzeug in a
thread inside the timing middleware (server time and the serving thread's CPU time), the
real login with the second factor, warm-up rounds then N timed rounds (round-robin over the
series), then one profiling round that records each series' SQL statements and their time
(``--explain`` prints their EXPLAIN ANALYZE).

Usage: python bench/monitoring.py [--rows 1000000] [--requests 100] [--warmup 10] [--explain]
       [--strict]
Exit status: with --strict, 1 when a series misses the target; otherwise 0 (1 when a request
fails).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _dossier_data as data  # noqa: E402
from catalog_search import percentile  # noqa: E402
from sqlalchemy import text  # noqa: E402
from workflow_queue import Route, Sample, _loadavg, run_series  # noqa: E402

TARGET_MS = 100.0
SUPERVISOR = "giamsat@demo.hcc.vn"
LEADER = "lanhdao.stp@demo.hcc.vn"  # the Department of Justice, the biggest agency
AGENCY = "STP"
PATH = "/thong-ke/giam-sat"


def routes_for(agency_id: int) -> list[Route]:
    def board(label: str, user: str, partial: bool = False, **args) -> Route:
        query = f"?{urlencode(args)}" if args else ""
        return Route(label, "monitoring", f"{PATH}{query}", user, partial)

    return [
        Route("/healthz", "trivial", "/healthz", None),
        board("supervisor, every agency", SUPERVISOR),
        board("supervisor, htmx poll", SUPERVISOR, True),
        board("supervisor, last 7 days", SUPERVISOR, ky=7),
        board("supervisor, one agency (STP)", SUPERVISOR, agency=agency_id),
        board("leader STP", LEADER),
        board("leader STP, htmx poll", LEADER, True),
        Route("list: overdue, page 1 (50)", "list", f"{PATH}/qua-han-chua-xin-loi", SUPERVISOR),
        Route("list: steps per officer", "list", f"{PATH}/buoc-xu-ly-theo-can-bo", SUPERVISOR),
    ]


def counts(app) -> dict[str, int]:
    """What the dashboard has to look through, read from the data (for the report)."""
    from portal.extensions import db

    with app.app_context():
        row = db.session.execute(text("""
            SELECT (SELECT count(*) FROM dossier),
                   (SELECT count(*) FROM dossier WHERE state IN ('received', 'in_progress',
                        'awaiting_consultation', 'inter_agency') AND due_at < now()),
                   (SELECT count(*) FROM dossier_step WHERE finished_at IS NULL
                        AND holder_id IS NOT NULL),
                   (SELECT count(*) FROM dossier_pause WHERE kind = 'supplement'
                        AND started_at > now() - interval '30 days'),
                   (SELECT count(*) FROM dossier_event WHERE action = 'forward_inter_agency'
                        AND at > now() - interval '30 days'),
                   (SELECT id FROM agency WHERE code = :code)"""), {"code": AGENCY}).one()
        db.session.remove()
    return dict(zip(("dossiers", "overdue", "open_steps", "supplements_30d",
                     "forwards_30d", "agency_id"), row, strict=True))


def report(routes: list[Route], samples: dict[Route, Sample], target: float) -> list[str]:
    trivial = statistics.median(samples[routes[0]].server) * 1000
    header = (f"{'series':32} {'sql':>4} {'sql ms':>7} {'srv med':>8} {'srv p95':>8} "
              f"{'cpu med':>8} {'cli med':>8} {'ratio':>6}  target")
    print("\n" + header + "\n" + "-" * len(header))
    missed = []
    for route in routes:
        sample = samples[route]
        median = statistics.median(sample.server) * 1000
        verdict = ""
        if route.kind != "trivial":
            verdict = "ok" if median <= target else f"MISSED (> {target:g} ms)"
            if median > target:
                missed.append(route.label)
        print(f"{route.label[:32]:32} {len(sample.statements):>4} {sample.sql_ms:7.1f} "
              f"{median:8.2f} {percentile(sample.server, 95) * 1000:8.2f} "
              f"{statistics.median(sample.cpu) * 1000:8.2f} "
              f"{statistics.median(sample.client) * 1000:8.2f} {median / trivial:6.1f}  "
              f"{verdict}")
    print("\nms; sql = statements in one request and sql ms their time (one profiling round, "
          "pool pings excluded); srv = server time (timing middleware); cpu = CPU time of the "
          "serving thread; cli = client round trip; ratio = server median / /healthz server "
          "median, same run.")
    pooled = [t for r in routes if r.kind == "monitoring" for t in samples[r].server]
    median = statistics.median(pooled) * 1000
    print(f"dashboard pooled: median {median:.2f} ms (ratio {median / trivial:.1f}), "
          f"p95 {percentile(pooled, 95) * 1000:.2f} ms")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=data.DEFAULT_ROWS)
    parser.add_argument("--url", default=os.environ.get("BENCH_WF_DATABASE_URL",
                                                        data.DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=100, help="timed requests per series")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per series")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE the dossier statements of every series")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    print(f"monitoring dashboard benchmark: {args.rows:,} dossiers, {args.warmup} warm-up + "
          f"{args.requests} timed rounds, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, load average {_loadavg()}", flush=True)
    generated = data.ensure(args.url, args.rows)  # never --fresh: the database is shared
    app = data.bench_app(args.url)
    logging.getLogger().setLevel(logging.WARNING)
    found = counts(app)
    print(f"  {found['dossiers']:,} dossiers (generated {generated.anchor}): "
          f"{found['overdue']:,} overdue now, {found['open_steps']:,} open steps with a "
          f"holder, {found['supplements_30d']:,} supplement requests and "
          f"{found['forwards_30d']:,} inter-agency forwards in the last 30 days", flush=True)
    routes = routes_for(found["agency_id"])
    return run_series(app, (SUPERVISOR, LEADER), routes, args, "every monitoring series",
                      report)


if __name__ == "__main__":
    sys.exit(main())
