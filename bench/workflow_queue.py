"""Officers' queues and the dossier workspace with 1,000,000 dossiers in PostgreSQL (issue #4).

Requirement: with 1,000,000 generated dossiers, an officer's queue page (filtered, paginated)
and a dossier workspace page each answer in <= 50 ms median *server* time; report the ratio
against a trivial route (/healthz) of the same app, served the same way, in the same run.

Method (the same harness as ``bench/catalog_search.py``, whose timing middleware, server and
client it reuses):
- data: ``bench/_dossier_data.py`` fills a dedicated database (default
  ``postgresql://postgres@127.0.0.1/portal_bench_wf``) once: the demo catalog and staff, then
  the dossiers and everything the workflow writes for them, set-based; reused while it holds
  the requested number of dossiers (``--fresh`` rebuilds);
- the real app (``create_app``, every extension and middleware, its own connection pool) on
  that database, served by werkzeug's ``make_server`` in a thread, wrapped in the timing
  middleware: server time = from the WSGI call until the body is produced; the CPU time of
  the serving thread over the same span is recorded too (Python's own work, which other
  processes on a shared machine do not inflate as much as the wall clock);
- the officers log in through the real login form, second factor included (the generator gave
  every staff account a known TOTP secret; the code is computed with pyotp), and keep their
  session cookie like a browser;
- warm-up rounds, then N timed rounds, each requesting every series once (round-robin);
- then one untimed profiling round with SQLAlchemy cursor events attached, which records the
  SQL statements of each series and their time; ``--explain`` prints the EXPLAIN ANALYZE of
  those that read the dossier tables (scans, indexes, sorts).

Usage: python bench/workflow_queue.py [--rows 1000000] [--fresh] [--requests 200]
       [--warmup 20] [--explain] [--strict]
Exit status: 2 when the staff routes do not exist yet; with --strict, 1 when a series misses
the target; otherwise 0 (or 1 when a request fails).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _dossier_data as data  # noqa: E402
import pyotp  # noqa: E402
from catalog_search import Client, Server, Timing, percentile  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

TARGET_MS = 50.0
AGENCY = "STP"  # the Department of Justice: the biggest agency of the generated data
SPECIALIST = "chuyenvien.stp@demo.hcc.vn"
COUNTER_OFFICER = "motcua.stp@demo.hcc.vn"
QUEUE_PATH = "/can-bo/hang-doi"
WORKSPACE_PATH = "/can-bo/ho-so/{id}"
_TOTAL = re.compile(r'queue-total">[^<0-9]*([0-9.,]+)')
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class CpuTiming(Timing):
    """The catalog benchmark's middleware, plus the CPU time of the thread serving the
    request: what the request costs in Python, whatever other processes do to the wall
    clock (waiting for PostgreSQL is not in it)."""

    def __init__(self, app):
        super().__init__(app)
        self.cpu: list[float] = []

    def __call__(self, environ, start_response):
        started = time.thread_time()
        body = super().__call__(environ, start_response)
        self.cpu.append(time.thread_time() - started)
        return body


class FormClient(Client):
    """The catalog benchmark's client, plus form posts (the login)."""

    def post(self, path: str, form: dict) -> tuple[int, bytes, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.connection.request("POST", path, body=urlencode(form), headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        location = urlsplit(response.getheader("Location") or "")
        return response.status, body, location.path + (f"?{location.query}" if location.query
                                                       else "")

    def login(self, email: str) -> None:
        """The real flow: the form (with its CSRF token), then the second factor."""
        status, page, _ = self.get("/tai-khoan/dang-nhap")
        token = _CSRF.search(page.decode()).group(1)
        status, _, location = self.post("/tai-khoan/dang-nhap", {
            "email": email, "password": "Demo@2026!", "csrf_token": token})
        if status != 303 or "xac-thuc" not in location:
            raise RuntimeError(f"login of {email}: {status} -> {location!r}")
        code = pyotp.TOTP(data.TOTP_SECRET).now()
        status, body, location = self.post(location, {"code": code, "csrf_token": token})
        if status != 303:
            raise RuntimeError(f"second factor of {email}: {status} {body[:300]!r}")


@dataclass(frozen=True)
class Route:
    label: str
    kind: str  # "trivial" | "queue" | "workspace"
    path: str
    user: str | None  # who asks (None: anonymous)
    partial: bool = False  # an htmx request (the active search)

    @property
    def headers(self) -> dict | None:
        return {"HX-Request": "true"} if self.partial else None


@dataclass
class Sample:
    server: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    body: bytes = b""
    # From the profiling round: every statement as (seconds, SQL, parameters).
    statements: list[tuple[float, str, object]] = field(default_factory=list)

    @property
    def sql_ms(self) -> float:
        return sum(s[0] for s in self.statements) * 1000


# --- what to measure ------------------------------------------------------------------------

def pick_targets(app) -> dict:
    """The agency, and the dossiers and search terms the series use, read from the data."""
    from portal.extensions import db

    with app.app_context():
        one = lambda sql, **p: db.session.execute(text(sql), p).one()  # noqa: E731
        agency_id = one("SELECT id FROM agency WHERE code = :c", c=AGENCY)[0]
        specialist_id = one('SELECT id FROM "user" WHERE email = :e', e=SPECIALIST)[0]
        heavy = one("""SELECT d.id, count(*) FROM dossier d JOIN dossier_event e
                       ON e.dossier_id = d.id WHERE d.holder_id = :u
                       GROUP BY d.id ORDER BY count(*) DESC, d.id LIMIT 1""", u=specialist_id)
        mine = one("""SELECT id, code, applicant_name FROM dossier WHERE holder_id = :u
                      AND id <> :heavy ORDER BY due_at, id LIMIT 1""",
                   u=specialist_id, heavy=heavy[0])
        returned = one("""SELECT id FROM dossier WHERE agency_id = :a AND state = 'returned'
                          AND received_at < now() - interval '1 year'
                          ORDER BY id LIMIT 1 OFFSET 100""", a=agency_id)[0]
        db.session.remove()
    return {"agency": agency_id, "heavy": heavy[0], "heavy_events": heavy[1],
            "mine": mine[0], "code": mine[1], "name": mine[2], "returned": returned}


def routes_for(t: dict) -> list[Route]:
    def queue(label: str, user: str, partial: bool = False, **args) -> Route:
        query = urlencode({"agency": t["agency"], **args})
        return Route(label, "queue", f"{QUEUE_PATH}?{query}", user, partial)

    def workspace(label: str, dossier_id: int, then: str = "", partial: bool = False) -> Route:
        return Route(label, "workspace", WORKSPACE_PATH.format(id=dossier_id) + then,
                     SPECIALIST, partial)

    last = 1_000_000  # the app clamps to the last page: the deepest OFFSET of that queue
    return [
        Route("/healthz", "trivial", "/healthz", None),
        queue("reception (counter)", COUNTER_OFFICER, loai="cho-tiep-nhan"),
        queue("new, unassigned", SPECIALIST, loai="moi"),
        queue("mine", SPECIALIST, loai="cua-toi"),
        queue("mine, last page", SPECIALIST, loai="cua-toi", page=last),
        queue("due in 1 working day", SPECIALIST, loai="sap-den-han"),
        queue("overdue", SPECIALIST, loai="qua-han"),
        queue("overdue, last page", SPECIALIST, loai="qua-han", page=last),
        queue("waiting for applicant", SPECIALIST, loai="cho-cong-dan"),
        queue("waiting for agency", SPECIALIST, loai="cho-co-quan-khac"),
        queue("consultations asked", SPECIALIST, loai="xin-y-kien"),
        queue("search code (htmx)", SPECIALIST, True, loai="cua-toi", q=t["code"]),
        queue("search code part (htmx)", SPECIALIST, True, loai="qua-han",
              q=t["code"][-11:]),
        queue("search name (htmx)", SPECIALIST, True, loai="cua-toi", q=t["name"]),
        queue("search name, no accents", SPECIALIST, True, loai="qua-han", q="nguyen van"),
        workspace(f"workspace heavy ({t['heavy_events']} events)", t["heavy"]),
        workspace("workspace open (mine)", t["mine"]),
        workspace("workspace returned, 2025", t["returned"]),
        # What the workspace draws on demand: the whole history, and one action's form (the
        # consultation form lists every agency, the step form the agency's staff), as htmx
        # fragments and as the pages that serve them without JavaScript.
        workspace("heavy, whole history (htmx)", t["heavy"], "/lich-su", True),
        workspace("heavy, whole history page", t["heavy"], "/lich-su"),
        workspace("heavy, consultation form (htmx)", t["heavy"],
                  "/thao-tac/request_consultation", True),
        workspace("heavy, step form (htmx)", t["heavy"], "/thao-tac/complete_step", True),
        workspace("heavy, consultation form page", t["heavy"],
                  "/thao-tac/request_consultation"),
    ]


def routes_exist(app) -> list[str]:
    """The staff pages this benchmark needs that the app does not serve yet."""
    adapter = app.url_map.bind("localhost")
    missing = []
    for path in (QUEUE_PATH, WORKSPACE_PATH.format(id=1)):
        try:
            adapter.match(path, method="GET")
        except Exception:  # NotFound, or a redirect to something else
            missing.append(path)
    return missing


# --- measuring ------------------------------------------------------------------------------

def measure(clients: dict, timing: CpuTiming, routes: list[Route], warmup: int,
            count: int) -> dict[Route, Sample]:
    samples = {route: Sample() for route in routes}
    for round_number in range(warmup + count):
        for route in routes:
            timing.durations.clear()
            timing.cpu.clear()
            status, body, elapsed = clients[route.user].get(route.path, route.headers)
            if status != 200:
                raise RuntimeError(f"GET {route.path} as {route.user} -> {status}: "
                                   f"{body[:300]!r}")
            if round_number >= warmup:
                sample = samples[route]
                sample.server.append(timing.durations[0])
                sample.cpu.append(timing.cpu[0])
                sample.client.append(elapsed)
                sample.body = body
    return samples


def profile(app, clients: dict, routes: list[Route], samples: dict[Route, Sample]) -> None:
    """One more request per series with cursor events on: its statements and their time."""
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[tuple[float, str, object]] = []
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((time.perf_counter() - started.pop(id(cursor), time.perf_counter()),
                     statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for route in routes:
            seen.clear()
            clients[route.user].get(route.path, route.headers)
            samples[route].statements = [
                s for s in seen if not s[1].lstrip().upper().startswith("SELECT 1")]
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


_PLAN_LINES = re.compile(r"Scan|Sort Method|Limit|Aggregate|Execution Time|Rows Removed")


def explain(app, routes: list[Route], samples: dict[Route, Sample]) -> None:
    """EXPLAIN ANALYZE of every statement of each series that reads the dossier tables,
    reduced to the lines that say how (scans and their indexes, sorts, time)."""
    from portal.extensions import db

    print("\nEXPLAIN (ANALYZE, BUFFERS) of the statements on dossier tables, per series:")
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            for route in routes:
                print(f"\n=== {route.label} ({len(samples[route].statements)} statements, "
                      f"{samples[route].sql_ms:.1f} ms in SQL in the profiling round)")
                for seconds, statement, parameters in samples[route].statements:
                    tables = set(re.findall(r"\b(?:FROM|JOIN) (dossier\w*|consultation)\b",
                                            statement))
                    if not tables:
                        continue
                    cursor = connection.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = [row[0] for row in cursor.fetchall()]
                    connection.rollback()
                    print(f"  [{seconds * 1000:.2f} ms] {' '.join(statement.split())[:110]}…")
                    for line in plan:
                        if _PLAN_LINES.search(line):
                            print("      " + line.strip()[:150])
        finally:
            connection.close()


# --- report ---------------------------------------------------------------------------------

def report(routes: list[Route], samples: dict[Route, Sample], target: float) -> list[str]:
    trivial = statistics.median(samples[routes[0]].server) * 1000
    header = (f"{'series':34} {'total':>6} {'sql':>4} {'sql ms':>6} {'srv med':>8} "
              f"{'srv p95':>8} {'cpu med':>8} {'cli med':>8} {'cli p95':>8} {'ratio':>6}  "
              "target")
    print("\n" + header + "\n" + "-" * len(header))
    missed = []
    for route in routes:
        sample = samples[route]
        median = statistics.median(sample.server) * 1000
        total = ""
        if route.kind == "queue":
            found = _TOTAL.search(sample.body.decode("utf-8", "replace"))
            total = found.group(1) if found else "?"
        verdict = ""
        if route.kind != "trivial":
            verdict = "ok" if median <= target else f"MISSED (> {target:g} ms)"
            if median > target:
                missed.append(route.label)
        print(f"{route.label[:34]:34} {total:>6} {len(sample.statements):>4} "
              f"{sample.sql_ms:6.1f} {median:8.2f} "
              f"{percentile(sample.server, 95) * 1000:8.2f} "
              f"{statistics.median(sample.cpu) * 1000:8.2f} "
              f"{statistics.median(sample.client) * 1000:8.2f} "
              f"{percentile(sample.client, 95) * 1000:8.2f} {median / trivial:6.1f}  {verdict}")
    print("\nms; total = the queue's 'Số hồ sơ'; sql = statements in one request and sql ms "
          "their time (one profiling round, pool pings excluded); srv = server time (timing "
          "middleware); cpu = CPU time of the serving thread; cli = client round trip; ratio "
          "= server median / /healthz server median, same run.")
    for kind in ("queue", "workspace"):
        pooled = [t for r in routes if r.kind == kind for t in samples[r].server]
        median = statistics.median(pooled) * 1000
        print(f"{kind} pages pooled: median {median:.2f} ms (ratio {median / trivial:.1f}), "
              f"p95 {percentile(pooled, 95) * 1000:.2f} ms")
    return missed


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=data.DEFAULT_ROWS)
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    parser.add_argument("--url", default=os.environ.get("BENCH_WF_DATABASE_URL",
                                                        data.DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=200, help="timed requests per series")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per series")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE the dossier statements of every series")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    print(f"workflow queue benchmark: {args.rows:,} dossiers, {args.warmup} warm-up + "
          f"{args.requests} timed rounds, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, load average {_loadavg()}", flush=True)
    generated = data.ensure(args.url, args.rows, args.fresh)
    app = data.bench_app(args.url)
    logging.getLogger().setLevel(logging.WARNING)  # create_app sets INFO: no log per request
    missing = routes_exist(app)
    if missing:
        print(f"\nThe staff pages {', '.join(missing)} do not exist yet "
              "(portal/blueprints/staff/queues.py and workspace.py): nothing to measure. "
              "Rerun when they are in place.")
        return 2
    targets = pick_targets(app)
    routes = routes_for(targets)
    print(f"  agency {AGENCY} (id {targets['agency']}); specialist {SPECIALIST}, counter "
          f"officer {COUNTER_OFFICER}; dossier generated {generated.anchor} "
          f"(generation {generated.seconds:.0f} s)", flush=True)
    return run_series(app, (SPECIALIST, COUNTER_OFFICER), routes, args,
                      "every queue and workspace series")


def run_series(app, users: tuple[str, ...], routes: list[Route], args, what: str,
               report_with=None) -> int:
    """Serve ``app``, log ``users`` in, measure and profile ``routes``, report against
    ``args.target_ms`` with ``report_with`` (default ``report``): the run shared by the
    benchmarks built on this harness. Returns the exit status."""
    timing = CpuTiming(app)
    try:
        with Server(timing) as server:
            clients = {None: FormClient(server.port)}
            for email in users:
                clients[email] = FormClient(server.port)
                clients[email].login(email)
            try:
                samples = measure(clients, timing, routes, args.warmup, args.requests)
                profile(app, clients, routes, samples)
            finally:
                for client in clients.values():
                    client.close()
    except RuntimeError as exc:
        print(f"ERROR: {exc}")
        return 1
    missed = (report_with or report)(routes, samples, args.target_ms)
    if args.explain:
        explain(app, routes, samples)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    print(f"load average (1/5/15 min) at the end: {_loadavg()} — other work on the machine "
          "inflates every figure; compare ratios, rerun on a quiet machine before judging.")
    if missed:
        print(f"\nRESULT: TARGET MISSED by {len(missed)} series (> {args.target_ms:g} ms "
              f"median server time): {', '.join(missed)}")
        return 1 if args.strict else 0
    print(f"\nRESULT: target met — {what} <= {args.target_ms:g} ms median server time.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
