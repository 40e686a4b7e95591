"""The IPN storm (issue 14, "Performance"): signed VNPay IPNs — 10 % repeats, 2 % tampered —
and the browsers' returns, interleaved, sent by 16 keep-alive clients to a running app; the
median and p95 per kind, and ``/healthz`` measured by the same clients under the same load.

    # the app under gunicorn (4 workers) on PostgreSQL, its orders exported as JSON:
    .venv/bin/python bench/ipn_storm.py --base-url http://127.0.0.1:8000 \
        --orders orders.json --count 5000 --secret "$PAYMENT_HASH_SECRET"
    # or the orders from a callable of the app's code (``module:function`` -> list of dicts):
    .venv/bin/python bench/ipn_storm.py --base-url … --orders-from portal.payments.bench:orders
    # the real thing (issue 14): a scratch PostgreSQL database, the orders created in it,
    # the portal under gunicorn (4 workers) on it, the storm, then the ledger checked:
    .venv/bin/python bench/ipn_storm.py --portal [--database-url postgresql://…/portal_bench_ipn]
    # a smoke run of the harness itself against an in-process stub merchant:
    .venv/bin/python bench/ipn_storm.py --stub --count 200

``orders``: ``[{"txn_ref": "…", "amount_vnd": 1500000}, …]`` — the payments the app has
pending (created by the caller beforehand); each gets one first IPN, some a repeat, one
browser return. The routes are ``GET /thanh-toan/vnpay/ipn`` and ``GET /thanh-toan/vnpay/ve``
(``--ipn-path``, ``--return-path``). What the app answered is checked too: every tampered IPN
must get RspCode 97, and per order exactly one IPN 00 (the others 02) — a "lost" order got no
00, a "double" one got two. The ledger itself must be checked by the caller afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.config import SANDBOX_HASH_SECRET, SANDBOX_TMN_CODE  # noqa: E402
from portal.payments import vnpay  # noqa: E402

IPN_PATH = "/thanh-toan/vnpay/ipn"
RETURN_PATH = "/thanh-toan/vnpay/tra-ve"
KINDS = ("ipn", "ipn-repeat", "ipn-tampered", "return", "healthz")


@dataclass(frozen=True)
class Job:
    kind: str
    path: str
    txn_ref: str = ""


@dataclass
class Report:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    ipn_codes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tampered_codes: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    wall_seconds: float = 0.0

    def summary(self) -> dict:
        figures = {}
        for kind in KINDS:
            times = sorted(self.timings.get(kind, []))
            if times:
                figures[kind] = {
                    "n": len(times), "median_ms": round(statistics.median(times) * 1000, 2),
                    "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 2),
                    "statuses": dict(self.statuses[kind])}
        confirmed = Counter(codes.count(vnpay.IPN_CONFIRMED) for codes in self.ipn_codes.values())
        ipn_all = sorted(self.timings.get("ipn", []) + self.timings.get("ipn-repeat", [])
                         + self.timings.get("ipn-tampered", []))
        health = sorted(self.timings.get("healthz", []))
        ratio = (statistics.median(ipn_all) / statistics.median(health)
                 if ipn_all and health else None)
        return {
            "kinds": figures,
            "ipn_median_ms": round(statistics.median(ipn_all) * 1000, 2) if ipn_all else None,
            "healthz_median_ms": round(statistics.median(health) * 1000, 2) if health else None,
            "ratio_ipn_to_healthz": round(ratio, 2) if ratio else None,
            "orders": len(self.ipn_codes),
            "orders_lost": confirmed.get(0, 0),
            "orders_double": sum(n for count, n in confirmed.items() if count > 1),
            "tampered_not_97": sum(n for code, n in self.tampered_codes.items()
                                   if code != vnpay.IPN_INVALID_SIGNATURE),
            "errors": dict(self.errors),
            "requests_per_second": round(sum(len(t) for t in self.timings.values())
                                         / self.wall_seconds, 1) if self.wall_seconds else None,
        }


def ipn_params(order: dict, *, secret: str, tmn_code: str, number: int) -> dict[str, str]:
    """The signed parameters the gateway sends for a successful payment of ``order``."""
    params = {
        "vnp_Amount": str(int(order["amount_vnd"]) * 100), "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{number}", "vnp_CardType": "ATM",
        "vnp_OrderInfo": f"Thanh toan {order['txn_ref']}",
        "vnp_PayDate": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 7 * 3600)),
        "vnp_ResponseCode": "00", "vnp_TmnCode": tmn_code, "vnp_TransactionNo": str(number),
        "vnp_TransactionStatus": "00", "vnp_TxnRef": str(order["txn_ref"]),
    }
    params["vnp_SecureHash"] = vnpay.sign(params, secret)
    return params


def generate(orders: list[dict], count: int, *, secret: str = SANDBOX_HASH_SECRET,
             tmn_code: str = SANDBOX_TMN_CODE, seed: int = 1, repeat_share: float = 0.10,
             tampered_share: float = 0.02, healthz_every: int = 10,
             ipn_path: str = IPN_PATH, return_path: str = RETURN_PATH) -> list[Job]:
    """``count`` IPNs (``repeat_share`` repeats, ``tampered_share`` tampered, the rest the
    first IPN of a distinct order), one browser return per order, and a /healthz probe every
    ``healthz_every`` requests, shuffled together."""
    rng = random.Random(seed)
    repeats, tampered = round(count * repeat_share), round(count * tampered_share)
    firsts = count - repeats - tampered
    if firsts > len(orders):
        raise SystemExit(f"{firsts} first IPNs need as many orders; only {len(orders)} given")
    chosen = orders[:firsts]
    signed = {o["txn_ref"]: ipn_params(o, secret=secret, tmn_code=tmn_code,
                                       number=14_000_000 + n)
              for n, o in enumerate(chosen)}

    def query(params: dict[str, str]) -> str:
        return urllib.parse.urlencode(params)

    jobs = [Job("ipn", f"{ipn_path}?{query(p)}", ref) for ref, p in signed.items()]
    jobs += [Job("return", f"{return_path}?{query(p)}", ref) for ref, p in signed.items()]
    refs = list(signed)
    for _ in range(repeats):
        ref = rng.choice(refs)
        jobs.append(Job("ipn-repeat", f"{ipn_path}?{query(signed[ref])}", ref))
    for _ in range(tampered):
        ref = rng.choice(refs)
        forged = dict(signed[ref])
        forged["vnp_Amount"] = str(int(forged["vnp_Amount"]) // 2)  # the hash no longer fits
        jobs.append(Job("ipn-tampered", f"{ipn_path}?{query(forged)}", ref))
    rng.shuffle(jobs)
    with_health: list[Job] = []
    for n, job in enumerate(jobs):
        if healthz_every and n % healthz_every == 0:
            with_health.append(Job("healthz", "/healthz"))
        with_health.append(job)
    return with_health


def run(base_url: str, jobs: Iterable[Job], clients: int = 16, timeout: float = 30) -> Report:
    """Send ``jobs`` with ``clients`` threads, each on its own keep-alive connection."""
    parts = urllib.parse.urlsplit(base_url)
    prefix = parts.path.rstrip("/")
    queue = list(jobs)
    lock = threading.Lock()
    report = Report()
    position = iter(range(len(queue)))

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                                timeout=timeout)
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                break
            job = queue[index]
            started = time.perf_counter()
            try:
                connection.request("GET", prefix + job.path)
                response = connection.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                                        timeout=timeout)
                with lock:
                    report.errors[type(error).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            code = None
            if job.kind.startswith("ipn"):
                try:
                    code = str(json.loads(body).get("RspCode"))
                except (ValueError, AttributeError):
                    code = "not-json"
            with lock:
                report.timings[job.kind].append(elapsed)
                report.statuses[job.kind][status] += 1
                if job.kind in ("ipn", "ipn-repeat"):
                    report.ipn_codes[job.txn_ref].append(code)
                elif job.kind == "ipn-tampered":
                    report.tampered_codes[code] += 1
        connection.close()

    threads = [threading.Thread(target=client, name=f"storm-{n}") for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.wall_seconds = time.perf_counter() - started
    return report


# --- a stub merchant for smoke runs of the harness ------------------------------------------

def stub_app(orders: list[dict], secret: str) -> Callable:
    """A minimal merchant: the IPN answered as the portal must (97, 01, 04, 00 once, then
    02), the return page, /healthz. In memory, one lock."""
    due = {o["txn_ref"]: int(o["amount_vnd"]) for o in orders}
    confirmed: set[str] = set()
    lock = threading.Lock()

    def answer(start_response, body: bytes, kind: str = "application/json"):
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return answer(start_response, b"ok", "text/plain")
        params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""),
                                             keep_blank_values=True))
        if path == RETURN_PATH:
            return answer(start_response, b"<!doctype html><title>ok</title>", "text/html")
        try:
            result = vnpay.parse_result(params, secret)
        except vnpay.InvalidSignature:
            code = vnpay.IPN_INVALID_SIGNATURE
        except ValueError:
            code = vnpay.IPN_UNKNOWN_ERROR
        else:
            with lock:
                if result.txn_ref not in due:
                    code = vnpay.IPN_ORDER_NOT_FOUND
                elif result.amount_vnd != due[result.txn_ref]:
                    code = vnpay.IPN_INVALID_AMOUNT
                elif result.txn_ref in confirmed:
                    code = vnpay.IPN_ALREADY_CONFIRMED
                else:
                    confirmed.add(result.txn_ref)
                    code = vnpay.IPN_CONFIRMED
        return answer(start_response, json.dumps(vnpay.ipn_answer(code)).encode())

    return app


# --- the real thing: the portal under gunicorn on PostgreSQL ----------------------------------

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = os.environ.get("BENCH_IPN_DATABASE_URL",
                                      "postgresql://postgres@127.0.0.1/portal_bench_ipn")
BENCH_SECRET_KEY = "bench-ipn-storm-secret-key-0123456789"


def _ensure_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (parsed.database,)).fetchone():
            connection.execute(f'CREATE DATABASE "{parsed.database}"')


def portal_app(url: str, storage_dir: str):
    from portal import create_app
    from portal.config import Config

    return create_app(Config.from_env({}, env="testing", secret_key=BENCH_SECRET_KEY,
                                      database_url=url, storage_url=f"file://{storage_dir}"))


def seed_orders(app, count: int) -> list[dict]:
    """A fresh schema, one agency and procedure whose fees are due at submission, one
    submitted dossier made the ordinary way, cloned ``count`` times in SQL (each its own
    code), each with its open payment request, its line and one pending gateway payment."""
    sys.path.insert(0, str(ROOT / "tests"))
    import factories
    from sqlalchemy import text

    from portal.catalog import operations as catalog_ops
    from portal.dossiers.models import Dossier
    from portal.extensions import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp", payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Phí cung cấp thông tin lý lịch tư pháp", 200000)])
        template = factories.submitted_dossier(version, factories.citizen())
        db.session.commit()
        columns = [c.name for c in Dossier.__table__.columns if c.name != "id"]
        chosen = ", ".join(f'"{c}"' for c in columns)
        values = ", ".join("code || '-' || n" if c == "code" else f'"{c}"' for c in columns)
        db.session.execute(text(
            f"INSERT INTO dossier ({chosen}) SELECT {values} FROM dossier, "
            f"generate_series(1, :count) AS n WHERE id = :template"),
            {"count": count, "template": template.id})
        db.session.execute(text(
            "INSERT INTO payment_request (dossier_id, reason, state, amount, note, created_at) "
            "SELECT id, 'submission', 'open', 200000 + id, '', now() FROM dossier "
            "WHERE id <> :template"), {"template": template.id})
        db.session.execute(text(
            "INSERT INTO payment_request_line (request_id, position, name, kind, quantity, "
            "unit_amount, amount, note) SELECT id, 1, 'Phí cung cấp thông tin', 'fee', 1, "
            "amount, amount, '' FROM payment_request"))
        db.session.execute(text(
            "INSERT INTO payment (request_id, method, state, amount, refunded_amount, txn_ref, "
            "gateway_txn_no, bank_code, bank_receipt_no, payer_name, created_at) "
            "SELECT id, 'gateway', 'pending', amount, 0, 'STORM' || lpad(id::text, 8, '0'), "
            "'', '', '', 'Nguyễn Văn An', now() FROM payment_request"))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        rows = db.session.execute(text("SELECT txn_ref, amount FROM payment ORDER BY id"))
        return [{"txn_ref": ref, "amount_vnd": int(amount)} for ref, amount in rows]


def start_gunicorn(url: str, storage_dir: str, workers: int = 4,
                   access_log: str | None = None) -> tuple[object, str]:
    """The portal as in production: ``gunicorn wsgi:app``, ``workers`` sync workers, on a
    socket bound here (listening before gunicorn starts); waits for /healthz. With
    ``access_log``, gunicorn writes each request's path and its handling time in microseconds
    (``%(D)s``: from the worker's reading of the request to the end of its answer, without the
    time it waited in the listen queue for a free worker)."""
    import socket
    import subprocess

    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    environment = {"PATH": os.environ.get("PATH", ""), "PORTAL_ENV": "testing",
                   "SECRET_KEY": BENCH_SECRET_KEY, "DATABASE_URL": url,
                   "STORAGE_URL": f"file://{storage_dir}", "LANG": "C.UTF-8",
                   "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}",
         "--workers", str(workers), "--chdir", str(ROOT), "--log-level", "warning",
         "--error-logfile", "-",
         *(["--access-logfile", access_log, "--access-logformat", "%(U)s %(D)s"]
           if access_log else []),
         "wsgi:app"],
        env=environment, pass_fds=[listener.fileno()], stdout=subprocess.DEVNULL)
    listener.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.terminate()
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)
    for _ in range(workers * 4):  # every worker imports and connects before the clock
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        connection.close()
    return process, base


def handling_times(access_log: str, kinds: dict[str, str]) -> dict:
    """Median and p95 of the server's own handling time per kind of request, in ms, from
    gunicorn's access log (``path microseconds`` per line)."""
    times: dict[str, list[float]] = defaultdict(list)
    with open(access_log) as log:
        for line in log:
            path, _, micros = line.strip().rpartition(" ")
            if path in kinds:
                times[kinds[path]].append(int(micros) / 1000)
    return {kind: {"n": len(values), "median_ms": round(statistics.median(values), 2),
                   "p95_ms": round(statistics.quantiles(values, n=20)[-1], 2)}
            for kind, values in times.items() if len(values) > 1}


def check_ledger(app, orders: list[dict], expected_paid: set[str]) -> dict:
    """After the storm, from the database: every order that got its IPN is paid exactly once
    (one *paid* event, one receipt, the request paid), none paid twice, nothing else paid."""
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        rows = db.session.execute(text(
            "SELECT p.txn_ref, p.state, r.state, "
            "(SELECT count(*) FROM payment_event e WHERE e.payment_id = p.id "
            " AND e.kind = 'paid'), "
            "(SELECT count(*) FROM receipt b WHERE b.payment_id = p.id) "
            "FROM payment p JOIN payment_request r ON r.id = p.request_id")).all()
        numbers = db.session.execute(text(
            "SELECT count(*), count(DISTINCT number) FROM receipt")).one()
    by_ref = {row[0]: row for row in rows}
    lost = [ref for ref in expected_paid
            if by_ref[ref][1] != "paid" or by_ref[ref][2] != "paid"]
    double = [ref for ref, row in by_ref.items() if row[3] > 1 or row[4] > 1]
    unexpected = [ref for ref, row in by_ref.items()
                  if ref not in expected_paid and row[1] != "pending"]
    return {"orders": len(orders), "paid": sum(1 for r in rows if r[1] == "paid"),
            "lost_confirmations": len(lost), "double_payments": len(double),
            "unexpected_changes": len(unexpected),
            "receipts": numbers[0], "receipt_numbers_distinct": numbers[1]}


def run_portal(args) -> dict:
    """The whole benchmark against the real portal; returns the figures."""
    import logging
    import tempfile

    logging.disable(logging.WARNING)
    _ensure_database(args.database_url)
    storage_dir = tempfile.mkdtemp(prefix="bench-ipn-")
    app = portal_app(args.database_url, storage_dir)
    repeats, tampered = round(args.count * 0.10), round(args.count * 0.02)
    firsts = args.count - repeats - tampered
    started = time.perf_counter()
    orders = seed_orders(app, firsts)
    print(f"seeded {len(orders)} pending payments in {time.perf_counter() - started:.1f} s")
    jobs = generate(orders, args.count, secret=args.secret, tmn_code=args.tmn_code,
                    seed=args.seed, ipn_path=args.ipn_path, return_path=args.return_path)
    access_log = os.path.join(storage_dir, "access.log")
    process, base_url = start_gunicorn(args.database_url, storage_dir, args.workers, access_log)
    try:
        with open(access_log, "a") as log:
            log.truncate(0)  # the warm-up's requests are not counted
        load_before = os.getloadavg()
        report = run(base_url, jobs, clients=args.clients)
        load_after = os.getloadavg()
    finally:
        process.terminate()
        process.wait(30)
    figures = report.summary()
    figures["handling"] = handling_times(access_log, {args.ipn_path: "ipn",
                                                      args.return_path: "return",
                                                      "/healthz": "healthz"})
    figures["ledger"] = check_ledger(app, orders, {o["txn_ref"] for o in orders})
    figures["load_average"] = {"before": [round(x, 2) for x in load_before],
                               "after": [round(x, 2) for x in load_after]}
    figures["wall_seconds"] = round(report.wall_seconds, 1)
    figures["base_url"] = base_url
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()
    return figures


def _load_orders(args) -> list[dict]:
    if args.orders_from:
        module, _, name = args.orders_from.partition(":")
        return list(getattr(importlib.import_module(module), name)())
    if args.orders:
        return json.loads(Path(args.orders).read_text())
    if args.stub:
        return [{"txn_ref": f"STORM-{n:06d}", "amount_vnd": 10_000 + 1_000 * (n % 50)}
                for n in range(args.count)]
    raise SystemExit("give --orders FILE, --orders-from module:function, or --stub")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="the app under test, e.g. http://127.0.0.1:8000")
    parser.add_argument("--orders", help="JSON file: [{txn_ref, amount_vnd}, …]")
    parser.add_argument("--orders-from", help="module:function returning the same list")
    parser.add_argument("--stub", action="store_true",
                        help="serve an in-process stub merchant (a smoke run of the harness)")
    parser.add_argument("--count", type=int, default=5000, help="IPNs to send (default 5000)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--secret", default=SANDBOX_HASH_SECRET)
    parser.add_argument("--tmn-code", default=SANDBOX_TMN_CODE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ipn-path", default=IPN_PATH)
    parser.add_argument("--return-path", default=RETURN_PATH)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--portal", action="store_true",
                        help="the real thing: seed a scratch PostgreSQL database, start the "
                             "portal under gunicorn on it, storm it, check the ledger")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (--portal)")
    args = parser.parse_args(argv)
    if args.portal:
        figures = run_portal(args)
        _print(args, figures["base_url"], figures["wall_seconds"], figures)
        ledger = figures["ledger"]
        print(f"  ledger: {ledger['paid']}/{ledger['orders']} paid; lost confirmations "
              f"{ledger['lost_confirmations']}, double payments {ledger['double_payments']}, "
              f"other changes {ledger['unexpected_changes']}; receipts {ledger['receipts']} "
              f"({ledger['receipt_numbers_distinct']} distinct numbers)")
        for kind, row in figures["handling"].items():
            print(f"  server handling {kind:8} n={row['n']:5}  median {row['median_ms']:7.2f} ms"
                  f"  p95 {row['p95_ms']:7.2f} ms  (gunicorn's %(D)s: no time in the queue)")
        load = figures["load_average"]
        print(f"  load average (1, 5, 15 min) before {load['before']}, after {load['after']}")
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2))
        return figures
    orders = _load_orders(args)
    jobs = generate(orders, args.count, secret=args.secret, tmn_code=args.tmn_code,
                    seed=args.seed, ipn_path=args.ipn_path, return_path=args.return_path)
    if args.stub:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        server = make_server("127.0.0.1", 0, stub_app(orders, args.secret), threaded=True,
                             request_handler=Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_port}"
    elif args.base_url:
        base_url, server = args.base_url, None
    else:
        raise SystemExit("give --base-url (or --stub)")
    try:
        report = run(base_url, jobs, clients=args.clients)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    figures = report.summary()
    _print(args, base_url, report.wall_seconds, figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


def _print(args, base_url: str, wall_seconds: float, figures: dict) -> None:
    print(f"IPN storm: {args.count} IPNs + returns + /healthz, {args.clients} clients, "
          f"{base_url}, {wall_seconds:.1f} s")
    for kind, row in figures["kinds"].items():
        print(f"  {kind:13} n={row['n']:5}  median {row['median_ms']:8.2f} ms  "
              f"p95 {row['p95_ms']:8.2f} ms  HTTP {row['statuses']}")
    print(f"  IPN median {figures['ipn_median_ms']} ms, /healthz median "
          f"{figures['healthz_median_ms']} ms, ratio {figures['ratio_ipn_to_healthz']}")
    print(f"  orders {figures['orders']}: no IPN answered 00 {figures['orders_lost']} (the "
          f"browser's return settled them first, or lost: the ledger decides), two 00 "
          f"answers {figures['orders_double']}; tampered not answered 97: "
          f"{figures['tampered_not_97']}; errors {figures['errors'] or 'none'}")


if __name__ == "__main__":
    main()
