"""Address selects benchmark (issue 15): the ward options of a province, and the type-ahead,
answer in <= 10 ms median *server* time, reported as a ratio against /healthz of the same app,
served the same way, in the same run.

The endpoint (``GET /dia-chi/phuong-xa``, ``portal/blueprints/public/addresses.py``) reads
no database: the official list (``vietnam-provinces``) is built once per process
(``portal.addresses``) and the answer is the ward select rendered from it. So one backend
(a SQLite file for the app's own needs) says all there is to say.

Method (the harness of ``bench/catalog_search.py``: its timing WSGI middleware, werkzeug's
server in a thread, a real HTTP client, round-robin over the routes): warm-up rounds, then N
timed rounds, each requesting every route once as htmx does (``HX-Request: true``):
- /healthz (the trivial route);
- the whole list of Quảng Ngãi (96 units, the largest answer a province change brings) and of
  Hà Nội (126, the largest province);
- the type-ahead: "tran phu" in Hà Tĩnh (one match), "phuong" in Quảng Ngãi (10 matches),
  "xa" in Hà Nội (most units match) and a query nothing matches.

Usage: python bench/addresses.py [--requests 300] [--warmup 30]
Exit status 1 if any address series misses the target, 0 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog_search import Client, Route, Server, Timing, measure, percentile  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.extensions import db  # noqa: E402

TARGET_MS = 10.0
SECRET = "bench-secret-key-long-enough-0123456789abcdef"
CASES = [  # (label, query string)
    ("list Quảng Ngãi (96)", {"province_code": "51"}),
    ("list Hà Nội (126)", {"province_code": "01"}),
    ("type-ahead 'tran phu' (Hà Tĩnh)", {"province_code": "42", "ward_query": "tran phu"}),
    ("type-ahead 'phuong' (Quảng Ngãi)", {"province_code": "51", "ward_query": "phuong"}),
    ("type-ahead 'xa' (Hà Nội)", {"province_code": "01", "ward_query": "xa"}),
    ("type-ahead, no match", {"province_code": "51", "ward_query": "khong co"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as workdir:
        config = Config.from_env({}, env="development", secret_key=SECRET,
                                 database_url=f"sqlite:///{workdir}/bench.db",
                                 storage_url=f"file://{workdir}/uploads")
        app = create_app(config)
        with app.app_context():
            db.create_all()
        routes = [Route("/healthz", "-", "/healthz")] + [
            Route(label, "partial", "/dia-chi/phuong-xa?" + urlencode(query))
            for label, query in CASES]
        timing = Timing(app)
        with Server(timing) as server:
            client = Client(server.port)
            try:
                samples = measure(client, timing, routes, args.warmup, args.requests)
            finally:
                client.close()
    healthz = statistics.median(samples[routes[0]][0]) * 1000
    ok = True
    print(f"\n{'route':36} {'options':>7} {'srv med':>8} {'srv p95':>8} {'cli med':>8} "
          f"{'ratio':>6}  target")
    for route in routes:
        server_t, client_t, body = samples[route]
        median = statistics.median(server_t) * 1000
        options = body.count(b"<option") if route.mode == "partial" else ""
        verdict = ""
        if route.mode == "partial":
            ok &= median <= TARGET_MS
            verdict = "ok" if median <= TARGET_MS else f"MISSED (> {TARGET_MS:g} ms)"
        print(f"{route.label[:36]:36} {options!s:>7} {median:8.2f} "
              f"{percentile(server_t, 95) * 1000:8.2f} {statistics.median(client_t) * 1000:8.2f} "
              f"{median / healthz:6.1f}  {verdict}")
    pooled = [t for route in routes[1:] for t in samples[route][0]]
    print(f"\nms; {args.requests} timed rounds after {args.warmup} warm-up; srv = server time "
          "(timing middleware), cli = client round trip; ratio = server median / /healthz "
          f"server median.\nall address series pooled: median "
          f"{statistics.median(pooled) * 1000:.2f} ms, ratio "
          f"{statistics.median(pooled) * 1000 / healthz:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
