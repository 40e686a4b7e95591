"""Catalog search benchmark: 1,400 published procedures, SQLite and PostgreSQL.

Requirement: accent-insensitive catalog search answers in <= 20 ms median *server* time on both
backends, reported as a ratio against a trivial route (/healthz) of the same app, served the
same way, in the same run.

Method, per backend:
- a fresh database (SQLite file in a temporary directory; PostgreSQL database recreated from
  BENCH_DATABASE_URL), schema from the models, the demo catalog seeded with 1,400 procedures;
- the app served by werkzeug's ``make_server`` on 127.0.0.1 in a thread, wrapped in a timing
  WSGI middleware defined here (not in the app): server time = from the WSGI call until the
  response body has been produced (rendering included), before the socket write;
- a real HTTP client (``http.client``, the session cookie sent back like a browser) makes
  warm-up rounds and then N timed rounds, each round requesting every route once
  (round-robin, so load from other processes falls on all routes alike); client time is the
  full round trip. Werkzeug's server answers every request with
  ``Connection: close`` (it does not do keep-alive), so the client reconnects over loopback for
  each request: part of client time, never of server time, and the same for every route.

Usage: python bench/catalog_search.py [--requests 200] [--warmup 20] [--backends sqlite,postgresql]
Exit status 1 if any search series misses the target (or a backend cannot run), 0 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.extensions import db  # noqa: E402

TARGET_MS = 20.0
PROCEDURES = 1400
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1/portal_bench"
SECRET = "bench-secret-key-long-enough-0123456789abcdef"

# Realistic searches: without accents (how most people type), with accents, short and broad,
# a single letter (matches nearly everything: the worst case for ranking and counting), none.
QUERIES = [
    "dang ky the chap",
    "ly lich tu phap",
    "giấy phép",
    "cap phu hieu xe",
    "doanh nghiep",
    "d",
    "khong co thu tuc nao nhu vay",
]
_COUNT = re.compile(r'class="result-count">[^<0-9]*([0-9.,]+)')


class Timing:
    """WSGI middleware: records each request's server time (seconds) into `durations`."""

    def __init__(self, app):
        self.app = app
        self.durations: list[float] = []

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        result = self.app(environ, start_response)
        try:
            body = b"".join(result)  # rendering happens here for streamed bodies
        finally:
            if hasattr(result, "close"):
                result.close()
        self.durations.append(time.perf_counter() - started)
        return [body]


class Server:
    """The app on 127.0.0.1:<free port> in a background thread (every route served alike)."""

    def __init__(self, wsgi_app):
        self.httpd = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class Client:
    """An HTTP/1.1 client that sends the session cookie back, like a browser. http.client
    reconnects by itself after werkzeug's ``Connection: close``."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, float]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return response.status, body, elapsed

    def close(self) -> None:
        self.connection.close()


@dataclass
class Series:
    backend: str
    label: str
    mode: str  # "page" | "partial" | "-"
    hits: str
    server: list[float]
    client: list[float]

    @property
    def server_median(self) -> float:
        return statistics.median(self.server) * 1000

    @property
    def server_p95(self) -> float:
        return percentile(self.server, 95) * 1000

    @property
    def client_median(self) -> float:
        return statistics.median(self.client) * 1000

    @property
    def client_p95(self) -> float:
        return percentile(self.client, 95) * 1000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = math.ceil(pct / 100 * len(ordered))  # nearest-rank definition
    return ordered[max(0, min(len(ordered), rank) - 1)]


@dataclass(frozen=True)
class Route:
    label: str  # "/healthz" or the search query
    mode: str  # "-" (trivial route), "page" (full page) or "partial" (htmx request)
    path: str

    @property
    def headers(self) -> dict | None:
        return {"HX-Request": "true"} if self.mode == "partial" else None


def measure(client: Client, timing: Timing, routes: list[Route], warmup: int,
            count: int) -> dict[Route, tuple[list[float], list[float], bytes]]:
    """Round-robin: each round requests every route once, so background load on a shared
    machine falls on all series alike instead of on whichever series ran at that moment."""
    samples: dict[Route, tuple[list[float], list[float], bytes]] = {
        route: ([], [], b"") for route in routes}
    for round_number in range(warmup + count):
        for route in routes:
            timing.durations.clear()
            status, body, elapsed = client.get(route.path, route.headers)
            if status != 200:
                raise RuntimeError(f"GET {route.path} -> {status}: {body[:300]!r}")
            if len(timing.durations) != 1:
                raise RuntimeError(f"server recorded {len(timing.durations)} requests, not 1")
            if round_number >= warmup:
                server_times, client_times, _ = samples[route]
                server_times.append(timing.durations[0])
                client_times.append(elapsed)
                samples[route] = (server_times, client_times, body)
    return samples


# --- databases -------------------------------------------------------------------------------

def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"refusing to recreate database {name!r}")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_app(database_url: str, workdir: Path):
    config = Config.from_env(
        {}, env="development", secret_key=SECRET, database_url=database_url,
        storage_url=f"file://{workdir / 'uploads'}",
    )
    app = create_app(config)
    from portal.demo import seed_all

    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        seeded = seed_all(PROCEDURES, storage=None)
        db.session.commit()
        seconds = time.perf_counter() - started
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # fresh statistics, as after a nightly job
        db.session.remove()
    print(f"  seeded {seeded['procedures']} procedures, {seeded['agencies']} agencies "
          f"in {seconds:.1f} s", flush=True)
    return app


def run_backend(backend: str, database_url: str, workdir: Path, warmup: int,
                count: int, queries: list[str]) -> list[Series]:
    print(f"\n[{backend}] {database_url}", flush=True)
    app = build_app(database_url, workdir)
    timing = Timing(app)
    routes = [Route("/healthz", "-", "/healthz")]
    for q in queries:
        path = "/thu-tuc?q=" + quote(q)
        routes.append(Route(q, "page", path))
        routes.append(Route(q, "partial", path))
    results = []
    try:
        with Server(timing) as server:
            client = Client(server.port)
            try:
                samples = measure(client, timing, routes, warmup, count)
            finally:
                client.close()
        for route in routes:
            server_t, client_t, body = samples[route]
            hits = ""
            if route.label != "/healthz":
                found = _COUNT.search(body.decode("utf-8", "replace"))
                hits = found.group(1) if found else "?"
            results.append(Series(backend, route.label, route.mode, hits, server_t, client_t))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return results


# --- report ----------------------------------------------------------------------------------

def report(results: list[Series], target: float) -> bool:
    ok = True
    header = (f"{'backend':10} {'route / query':30} {'mode':8} {'hits':>5} "
              f"{'srv med':>8} {'srv p95':>8} {'cli med':>8} {'cli p95':>8} {'ratio':>6}  target")
    print("\n" + header)
    print("-" * len(header))
    trivial = {}
    for series in results:
        if series.label == "/healthz":
            trivial[series.backend] = series.server_median
    for series in results:
        is_search = series.label != "/healthz"
        ratio = series.server_median / trivial[series.backend]
        verdict = ""
        if is_search:
            passed = series.server_median <= target
            ok &= passed
            verdict = "ok" if passed else f"MISSED (> {target:g} ms)"
        label = series.label if not is_search else f"q={series.label}"
        print(f"{series.backend:10} {label[:30]:30} {series.mode:8} {series.hits:>5} "
              f"{series.server_median:8.2f} {series.server_p95:8.2f} "
              f"{series.client_median:8.2f} {series.client_p95:8.2f} {ratio:6.1f}  {verdict}")
    print("\nms; srv = server time (timing middleware), cli = client round trip; "
          "ratio = server median / /healthz server median, same backend, same run.")
    for backend in trivial:
        searches = [s for s in results if s.backend == backend and s.label != "/healthz"]
        pooled = [t for s in searches for t in s.server]
        worst = max(searches, key=lambda s: s.server_median)
        print(f"{backend}: all searches pooled median {statistics.median(pooled) * 1000:.2f} ms "
              f"(ratio {statistics.median(pooled) * 1000 / trivial[backend]:.1f}), worst series "
              f"{worst.label!r} {worst.mode} {worst.server_median:.2f} ms")
    return ok


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per series")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per series")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request log lines

    print(f"catalog search benchmark: {PROCEDURES} procedures, {args.warmup} warm-up + "
          f"{args.requests} timed requests per series, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average {_loadavg()}")
    results: list[Series] = []
    failures: list[str] = []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix=f"bench-{backend}-") as tmp:
            workdir = Path(tmp)
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'bench.db'}"
            elif backend == "postgresql":
                url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
                try:
                    recreate_postgres(url)
                except Exception as exc:  # report it and carry on with the other backends
                    failures.append(f"postgresql unavailable at {url}: {exc}")
                    continue
            else:
                parser.error(f"unknown backend {backend!r}")
            try:
                results += run_backend(backend, url, workdir, args.warmup, args.requests,
                                       QUERIES)
            except RuntimeError as exc:  # a non-200 answer: the figures would mean nothing
                failures.append(f"{backend}: {exc}"[:400])
    ok = bool(results) and report(results, args.target_ms)
    print(f"load average (1/5/15 min) at the end: {_loadavg()}  — other work on the machine "
          "inflates every figure; compare ratios, rerun on a quiet machine before judging.")
    for failure in failures:
        print(f"ERROR: {failure}")
    if failures and (ok or not results):
        print("\nRESULT: INCOMPLETE — a backend could not be measured (see ERROR above).")
        return 1
    if failures or not ok:
        print(f"\nRESULT: TARGET MISSED — catalog search median server time must be "
              f"<= {args.target_ms:g} ms on every backend.")
        return 1
    print(f"\nRESULT: target met — every search series <= {args.target_ms:g} ms median "
          "server time.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
