"""The satisfaction page and the kiosk's rating POST (issue 16).

Requirements: the satisfaction page (/thong-ke/hai-long) for a year at the replay's scale
(≈ 26,000 ratings) in ≤ 100 ms median server time on PostgreSQL and on SQLite; a kiosk
rating POST in ≤ 20 ms; both reported as ratios to /healthz in the same run.

Method, per backend (a temporary SQLite file; the PostgreSQL database ``BENCH_SAT_URL``,
default ``postgresql://postgres@127.0.0.1/portal_bench_satisfaction``, dropped and recreated):
- data: the schema from the models, the 16 departments of report 62/BC-HCC with a counter
  and a counter officer each, the supervisor (known password and second factor), and 26,294
  ratings spread over the reporting year 2019 (15/12/2018–14/12/2019) — the replay's number
  and share satisfied — inserted in bulk (``INSERT`` of 5,000 rows at a time: seconds, not the
  replay's minutes); a fifth of them online with every criterion scored, one in twenty with a
  comment; then ANALYZE. A kiosk paired (the real operations) at one counter whose officer
  has signed in.
- serving: the real app (``create_app``) in a thread on werkzeug's server; server time from
  the WSGI call to the produced body (``bench/catalog_search.py``'s middleware).
- series, round-robin: the supervisor's satisfaction page for the year (every agency: the
  totals, averages, Appendix 2 by agency, by counter, by officer, the comments); /healthz; the
  kiosk's POST of one new rating (a new UUID each time, the device cookie, as the page sends
  it). 3 warm-up rounds, then ``--rounds`` (default 40). Beside the server (wall) time, the
  CPU time of the thread serving the request (``bench/workflow_queue.py``'s ``CpuTiming``):
  on a loaded machine the wall time includes waiting for a core; SQLite's work is in the
  thread's CPU time, PostgreSQL's is not.

Usage: python bench/satisfaction.py [--rounds 40] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _dossier_data as data  # noqa: E402
from catalog_search import Server, percentile, recreate_postgres  # noqa: E402
from workflow_queue import CpuTiming, FormClient, _loadavg  # noqa: E402

PG_URL = os.environ.get("BENCH_SAT_URL",
                        "postgresql://postgres@127.0.0.1/portal_bench_satisfaction")
SUPERVISOR = "giamsat@bench.hcc.vn"
RATINGS, SATISFIED = 26_294, 26_259
TARGETS_MS = {"page": 100.0, "kiosk": 20.0}
PERIOD = {"tu": "2018-12-15", "den": "2019-12-14"}


def build(url: str, workdir: Path):
    """The app on ``url`` with the bench's data; (app, kiosk counter id, device token)."""
    from sqlalchemy import insert

    from portal import create_app
    from portal.accounts import operations as account_ops
    from portal.accounts.models import Role
    from portal.catalog.models import Agency, AgencyKind, Counter
    from portal.config import Config
    from portal.extensions import db
    from portal.feedback import kiosk
    from portal.feedback.models import CRITERION_NAMES, Overall, Rating, RatingChannel

    config = Config.from_env({}, env="development", secret_key=data.SECRET,
                             database_url=url, storage_url=f"file://{workdir / 'uploads'}")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        supervisor = account_ops.create_staff("Giám sát", SUPERVISOR, "Demo@2026!")
        account_ops.grant_role(supervisor, Role.SUPERVISOR, None)
        supervisor.totp_secret, supervisor.totp_enabled = data.TOTP_SECRET, True
        departments, officers, counters = [], [], []
        for n in range(1, 17):
            agency = Agency(code=f"S{n:02d}", unit_code=f"000.00.{n:02d}.H55",
                            name=f"Sở thứ {n}", kind=AgencyKind.DEPARTMENT, position=n)
            db.session.add(agency)
            db.session.flush()
            counter = Counter(agency_id=agency.id, number=n, name=f"Quầy {n}")
            officer = account_ops.create_staff(f"Cán bộ {n}", f"motcua{n}@bench.hcc.vn",
                                               "Demo@2026!")
            account_ops.grant_role(officer, Role.COUNTER_OFFICER, agency.id)
            db.session.add(counter)
            db.session.flush()
            departments.append(agency)
            officers.append(officer)
            counters.append(counter)
        rng = random.Random(16)
        start = datetime(2018, 12, 15, 1, 0, tzinfo=UTC)
        rows = []
        weights = [rng.randint(1, 30) for _ in departments]
        for i in range(RATINGS):
            n = rng.choices(range(16), weights)[0]
            online = i % 5 == 0
            overall = (Overall.DISSATISFIED if i < RATINGS - SATISFIED else
                       Overall.VERY_SATISFIED if rng.random() < 0.8 else Overall.SATISFIED)
            row = {"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                   "channel": RatingChannel.ONLINE if online else RatingChannel.KIOSK,
                   "agency_id": departments[n].id, "officer_id": officers[n].id,
                   "counter_id": None if online else counters[n].id, "overall": overall,
                   "rated_at": start + timedelta(minutes=rng.randrange(364 * 24 * 60)),
                   "comment": "Cán bộ hướng dẫn tận tình." if i % 20 == 0 else ""}
            row.update({name: rng.choice((1, 2, 2)) if online else None
                        for name in CRITERION_NAMES})
            rows.append(row)
        for first in range(0, len(rows), 5000):
            db.session.execute(insert(Rating), rows[first:first + 5000])
        now = datetime.now(UTC)
        paired, token = kiosk.create_kiosk(counters[0], "bench", None, now)
        _kiosk, device = kiosk.pair(token, now)
        kiosk.sign_in(officers[0], counters[0], {departments[0].id}, now)
        db.session.commit()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        print(f"  {RATINGS:,} ratings and the rest in {time.perf_counter() - started:.1f} s",
              flush=True)
        return app, counters[0].id, device


def kiosk_post(port: int, counter_id: int, device: str, shift: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"uuid": str(uuid.uuid4()), "overall": "very_satisfied",
                      "shift": str(shift)})
    connection.request("POST", f"/kiosk/{counter_id}/danh-gia", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        "X-Kiosk": "1", "Cookie": f"kiosk_device={device}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms (p95 {percentile(values, 95) * 1000:.1f})"


def run(backend: str, url: str, rounds: int) -> bool:
    print(f"\n[{backend}] {url}", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        app, counter_id, device = build(url, Path(workdir))
        with app.app_context():
            from portal.feedback.kiosk import open_shift

            shift = open_shift(counter_id).id
        timing = CpuTiming(app)
        series: dict[str, list[float]] = {"page": [], "healthz": [], "kiosk": []}
        cpu: dict[str, list[float]] = {name: [] for name in series}
        with Server(timing) as server:
            client = FormClient(server.port)
            client.login(SUPERVISOR)
            page = f"/thong-ke/hai-long?{urlencode(PERIOD)}"
            for number in range(rounds + 3):
                for name in series:
                    timing.durations.clear()
                    timing.cpu.clear()
                    if name == "kiosk":
                        status = kiosk_post(server.port, counter_id, device, shift)
                    else:
                        status, body, _ = client.get(page if name == "page" else "/healthz")
                        if name == "page" and f"{RATINGS:,}".replace(",", ".").encode() \
                                not in body:
                            raise RuntimeError("the page does not show the year's ratings")
                    if status != 200:
                        raise RuntimeError(f"{name}: HTTP {status}")
                    if number >= 3:
                        series[name].append(timing.durations[0])
                        cpu[name].append(timing.cpu[0])
            client.close()
        with app.app_context():
            from portal.extensions import db

            db.session.remove()
            db.engine.dispose()
    healthz = statistics.median(series["healthz"])
    met = True
    for name, values in series.items():
        ratio = statistics.median(values) / healthz
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            ok = statistics.median(values) * 1000 <= target
            met = met and ok
            verdict = f"  target <= {target:g} ms: {'met' if ok else 'MISSED'}"
        print(f"  {name:<8} {ms(values)}   ratio to /healthz = {ratio:5.1f}   "
              f"CPU {statistics.median(cpu[name]) * 1000:6.1f} ms{verdict}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)
    print(f"load average before: {_loadavg()}")
    met = True
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                met &= run("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}", args.rounds)
        else:
            recreate_postgres(PG_URL)
            met &= run("postgresql", PG_URL, args.rounds)
    print(f"load average after: {_loadavg()}")
    print("RESULT: " + ("every target met" if met else "a target was MISSED"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
