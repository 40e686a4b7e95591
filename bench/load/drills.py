"""Fault drills during the load (issue 17), each its own run, each scripted:

  kill      ``kill -9`` one app instance (its pidfile; the master and its workers, as a node
            that dies): nginx moves traffic to the other. Then: every submission a citizen was
            told succeeded (the locust journal, JSONL) exists exactly once in the database with
            its code, submitted once (one "submitted" event), no code given twice; the drafts
            whose answer was lost are listed (submitted, never acknowledged: the citizen sees
            them in "Hồ sơ của tôi").
  postgres  ``pg_ctlcluster <version> main restart`` (version from /etc/postgresql): a probe
            asks a database page every 0.2 s meanwhile; the answers with status 503 and the
            Vietnamese page ("Hệ thống tạm thời gián đoạn") are counted, and the time until
            the first 200 after the restart began is measured; then the journal check.
  s3        the S3 store stopped for ``--pause`` s (SIGSTOP, then SIGCONT: moto keeps its
            objects in memory, killing it would lose them; MinIO could be stopped for real):
            a probe citizen uploads to a draft meanwhile and must be refused with the
            store-down message (ops.STORAGE_DOWN); afterwards the draft and its earlier file
            are intact (the file downloads, byte for byte).
  redis     Redis stopped for ``--pause`` s (SIGSTOP/SIGCONT of redis-server: Redis on this
            machine is shared with other work, and ``shutdown nosave`` would take every
            database of it down and lose their data, and someone would have to start it again
            with its configuration; SIGSTOP freezes it as a network partition would — clients
            wait for their timeouts instead of being refused, the harsher case). The outbox
            rows made meanwhile wait; afterwards every one is sent within ``--settle`` s, none
            twice (one row, one "sent", distinct provider message ids).

After each drill the invariant checker runs (default ``flask ops check-invariants`` with the
environment file; it exits non-zero on any violation) and its verdict is printed, then a short
report. Exit status: 0 when every check of the drill passed.

Usage (against make prod; bench/load/prepare.py first):
  PYTHONPATH=. .venv/bin/python bench/load/drills.py kill --host http://127.0.0.1:8080 \
      --env-file instance/prod/portal.env --pidfile instance/prod/app1.pid
  … drills.py postgres | s3 --s3-pid <moto pid> | redis --redis-pid <pid>
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from prepare import read_env_file  # noqa: E402

PAGE_503 = "Hệ thống tạm thời gián đoạn"


# --- the load in the background -------------------------------------------------------------

class Load:
    """Locust headless in a subprocess, its own journal and CSV files."""

    def __init__(self, args, label: str):
        self.prefix = args.out / label
        self.journal = args.out / f"{label}.jsonl"
        self.journal.unlink(missing_ok=True)
        env = dict(os.environ, LOAD_ACCOUNTS=str(args.accounts), LOAD_JOURNAL=str(self.journal))
        if args.file_mb:
            env["LOAD_FILE_MB"] = args.file_mb
        command = [args.locust, "-f", str(HERE / "locustfile.py"), "--headless",
                   "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                   "--run-time", f"{args.run_time}s", "--host", args.host,
                   "--csv", str(self.prefix), "--only-summary", "--stop-timeout", "20",
                   "--exit-code-on-error", "0"]
        self.log = open(f"{self.prefix}.log", "w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.started = time.time()

    def wait(self) -> None:
        self.process.wait()
        self.log.close()

    def failures(self) -> list[dict]:
        import csv

        path = Path(f"{self.prefix}_failures.csv")
        return list(csv.DictReader(path.open(encoding="utf-8"))) if path.exists() else []

    def totals(self) -> tuple[int, int]:
        import csv

        path = Path(f"{self.prefix}_stats.csv")
        if not path.exists():
            return 0, 0
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if row["Name"] == "Aggregated":
                return int(row["Request Count"]), int(row["Failure Count"])
        return 0, 0

    def acknowledged(self) -> list[dict]:
        if not self.journal.exists():
            return []
        return [json.loads(line) for line in self.journal.read_text(encoding="utf-8")
                .splitlines() if line.strip()]


# --- the database -----------------------------------------------------------------------------

def connect(env: dict[str, str]):
    import sqlalchemy

    return sqlalchemy.create_engine(env["DATABASE_URL"], pool_pre_ping=True)


def journal_check(engine, entries: list[dict], since: float) -> list[str]:
    """Every acknowledged submission exactly once, submitted once, with its code; the codes
    unique; the load citizens' dossiers submitted since the run began and never acknowledged
    (lost answers) reported."""
    from sqlalchemy import text

    problems, seen = [], {}
    with engine.connect() as db:
        for entry in entries:
            if entry["draft"] in seen:
                problems.append(f"draft {entry['draft']} acknowledged twice: {entry['code']}"
                                f" and {seen[entry['draft']]}")
            seen[entry["draft"]] = entry["code"]
            row = db.execute(text(
                "SELECT code, state, (SELECT count(*) FROM dossier_event e WHERE "
                "e.dossier_id = d.id AND e.action = 'submitted') FROM dossier d "
                "WHERE d.id = :id"), {"id": entry["draft"]}).first()
            if row is None:
                problems.append(f"LOST: dossier {entry['draft']} ({entry['code']}) is not in "
                                "the database")
            elif row[0] != entry["code"] or row[1] == "draft":
                problems.append(f"dossier {entry['draft']}: database has {row[0]} / {row[1]}, "
                                f"the citizen was told {entry['code']}")
            elif row[2] != 1:
                problems.append(f"dossier {entry['draft']} ({entry['code']}) submitted "
                                f"{row[2]} times")
        twice = db.execute(text("SELECT code, count(*) FROM dossier WHERE code IS NOT NULL "
                                "GROUP BY code HAVING count(*) > 1")).all()
        problems += [f"code {code} given to {n} dossiers" for code, n in twice]
        unacknowledged = db.execute(text(
            "SELECT d.id, d.code FROM dossier d JOIN \"user\" u ON u.id = d.applicant_id "
            "WHERE u.email LIKE '%@load.hcc.vn' AND d.state <> 'draft' AND d.submitted_at >= "
            "to_timestamp(:since)"), {"since": since}).all()
    lost_answers = [f"{i} {c}" for i, c in unacknowledged if i not in seen]
    if lost_answers:
        print(f"  submitted but the answer never reached the citizen ({len(lost_answers)}): "
              + ", ".join(lost_answers[:10]) + " (they see it in their list)")
    return problems


def invariants(args, env: dict[str, str]) -> bool:
    command = shlex.split(args.invariants)
    try:
        done = subprocess.run(command, env=dict(os.environ, **env), capture_output=True,
                              text=True, timeout=600)
    except FileNotFoundError:
        print(f"  invariant checker: command not found: {args.invariants}")
        return False
    output = done.stdout + done.stderr
    tail = [line for line in output.strip().splitlines() if not line.startswith("INFO:")][-8:]
    verdict = ("OK" if done.returncode == 0 else "NOT AVAILABLE (no such command)"
               if "No such command" in output else f"VIOLATIONS (exit {done.returncode})")
    print(f"  invariant checker ({args.invariants}): {verdict}")
    for line in tail:
        print(f"    {line}")
    return done.returncode == 0


# --- probes -----------------------------------------------------------------------------------

def fetch(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as error:
        return 0, str(error)


class Probe(threading.Thread):
    """GET ``url`` every ``every`` s; the answers with the time each was asked."""

    def __init__(self, url: str, every: float = 0.2):
        super().__init__(daemon=True)
        self.url, self.every, self.answers, self.stop = url, every, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            asked = time.time()  # the time a request was sent, not answered
            status, body = fetch(self.url)
            self.answers.append((asked, status, PAGE_503 in body))
            self.stop.wait(self.every)


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                kids = [int(p) for p in task.read_text().split()]
            except OSError:
                kids = []
            found += kids
            queue += kids
    return found


def pid_of(pidfile: str | None, pid: int | None) -> int:
    if pid:
        return pid
    if not pidfile:
        sys.exit("give the process: a pidfile or a pid")
    return int(Path(pidfile).read_text().split()[0])


# --- the drills -------------------------------------------------------------------------------

def drill_kill(args, env) -> list[str]:
    pid = pid_of(args.pidfile, args.pid)
    load = Load(args, "kill")
    time.sleep(args.fault_at)
    victims = [pid] + descendants(pid)
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    killed_at = time.time()
    print(f"  kill -9 {' '.join(map(str, victims))} at +{killed_at - load.started:.0f}s")
    load.wait()
    return _after_load(args, env, load)


def _after_load(args, env, load: Load) -> list[str]:
    requests, failed = load.totals()
    entries = load.acknowledged()
    print(f"  load: {requests} requests, {failed} failed; {len(entries)} submissions "
          "acknowledged")
    by_error: dict[str, int] = {}
    for row in load.failures():
        key = f"{row['Method']} {row['Name']}: {row['Error'][:80]}"
        by_error[key] = by_error.get(key, 0) + int(row["Occurrences"])
    for key, count in sorted(by_error.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {count} × {key}")
    problems = journal_check(connect(env), entries, load.started)
    if not entries:
        problems.append("no submission was acknowledged: the check proved nothing")
    return problems


def drill_postgres(args, env) -> list[str]:
    version = args.pg_version or sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    load = Load(args, "postgres")
    probe = Probe(args.host.rstrip("/") + args.probe_path)
    time.sleep(args.fault_at)
    probe.start()
    began = time.time()
    done = subprocess.run(["pg_ctlcluster", version, args.pg_cluster, "restart"],
                          capture_output=True, text=True)
    print(f"  pg_ctlcluster {version} {args.pg_cluster} restart: exit {done.returncode} in "
          f"{time.time() - began:.1f}s {done.stderr.strip()[:200]}")
    time.sleep(args.settle)
    probe.stop.set()
    probe.join()
    load.wait()
    during = [a for a in probe.answers if a[0] >= began]
    back = next((t for t, status, _ in during if status == 200 and t > began + 0.5
                 and all(s == 200 for _, s, _ in [a for a in during if a[0] >= t])), None)
    unavailable = [a for a in during if a[1] != 200]
    vietnamese = [a for a in unavailable if a[1] == 503 and a[2]]
    print(f"  probe {args.probe_path}: {len(during)} answers after the restart began, "
          f"{len(unavailable)} not 200, of them {len(vietnamese)} the Vietnamese 503 page; "
          + (f"back (200 for good) {back - began:.1f}s after the restart began"
             if back else "NOT back"))
    problems = _after_load(args, env, load)
    if back is None or back - began > args.back_within:
        problems.append(f"service not back within {args.back_within}s")
    others = [a[1] for a in unavailable if not (a[1] == 503 and a[2])]
    if others:
        problems.append(f"answers other than the 503 page meanwhile: {sorted(set(others))}")
    return problems


class ProbeCitizen:
    """One load citizen with a draft and a first file, through the real forms (urllib)."""

    def __init__(self, host: str, accounts: dict):
        import http.cookiejar

        self.host = host.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.accounts = accounts

    def request(self, path: str, data: dict | None = None, files=None, timeout: float = 60):
        from urllib.parse import urlencode

        headers, body = {}, None
        if files:
            boundary = "----drill" + os.urandom(8).hex()
            parts = b""
            for key, value in (data or {}).items():
                parts += (f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"'
                          f"\r\n\r\n{value}\r\n").encode()
            name, content = files
            parts += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                      f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
            body = parts + content + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urlencode(data).encode()
        request = urllib.request.Request(self.host + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return answer.status, answer.geturl(), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read()

    def token(self, page: bytes) -> str:
        import html

        return html.unescape(re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
                             .group(1).decode())

    def start(self) -> tuple[int, int, bytes]:
        """Log in, begin a draft, fill the applicant, upload one file; (draft, area, bytes)."""
        email = self.accounts["citizens"][-1]
        _, _, page = self.request("/tai-khoan/dang-nhap")
        self.request("/tai-khoan/dang-nhap", {"csrf_token": self.token(page), "email": email,
                                               "password": self.accounts["password"]})
        code = self.accounts["submit_procedures"][0]
        _, _, page = self.request(f"/ho-so/moi/{code}")
        _, url, page = self.request(f"/ho-so/moi/{code}", {"csrf_token": self.token(page),
                                                           "on_behalf": "self"})
        draft = int(re.search(r"/ho-so/(\d+)/", url).group(1))
        fields = dict(re.findall(rb'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page))
        data = {k.decode(): v.decode() for k, v in fields.items()}
        data.update(address="1 Lê Lợi, Quảng Ngãi", action="next")
        _, _, page = self.request(f"/ho-so/{draft}/nguoi-nop", data)
        self.area = int(re.search(rb'<section id="req-(\d+)"', page).group(1))
        self.first = b"%PDF-1.4\n% drill\n" + os.urandom(200_000)
        status, _, answer = self.upload(draft, "Giấy tờ trước sự cố.pdf", self.first)
        if "Đã tải lên".encode() not in answer:
            raise RuntimeError(f"the probe's first upload failed: {status}")
        return draft, self.area, self.first

    def upload(self, draft: int, name: str, content: bytes):
        _, _, page = self.request(f"/ho-so/{draft}/giay-to")
        return self.request(f"/ho-so/{draft}/giay-to/{self.area}",
                            {"csrf_token": self.token(page)}, files=(name, content))


def drill_s3(args, env) -> list[str]:
    pid = pid_of(args.s3_pidfile, args.s3_pid)
    accounts = json.loads(args.accounts.read_text(encoding="utf-8"))
    probe = ProbeCitizen(args.host, accounts)
    draft, _area, first = probe.start()
    load = Load(args, "s3")
    time.sleep(args.fault_at)
    problems = []
    os.kill(pid, signal.SIGSTOP)
    stopped = time.time()
    print(f"  SIGSTOP {pid} (the S3 store) for {args.pause}s")
    try:
        began = time.time()
        status, _, answer = probe.upload(draft, "Giấy tờ trong sự cố.pdf",
                                         b"%PDF-1.4\n" + os.urandom(100_000))
        took = time.time() - began
        text = answer.decode("utf-8", "replace")
        refused = "Kho lưu trữ tạm thời không phản hồi" in text or PAGE_503 in text
        print(f"  upload meanwhile: {status} after {took:.1f}s, "
              + ("refused with the store-down message" if refused else "NOT refused clearly"))
        if not refused:
            problems.append(f"upload while the store is stopped: {status}, no clear message")
        time.sleep(max(0, args.pause - (time.time() - stopped)))
    finally:
        os.kill(pid, signal.SIGCONT)
    print(f"  SIGCONT {pid} after {time.time() - stopped:.0f}s")
    load.wait()
    status, _, page = probe.request(f"/ho-so/{draft}/giay-to")
    links = re.findall(rb'href="(/ho-so/%d/tep/\d+)"' % draft, page)
    if status != 200 or not links:
        problems.append(f"the draft {draft} is not intact: {status}, {len(links)} files")
    else:
        _, _, content = probe.request(links[0].decode())
        if content != first:
            problems.append(f"the draft {draft}'s first file does not read back the same")
        else:
            print(f"  draft {draft} intact: {len(links)} file(s), the first reads back the same")
    return problems + _after_load(args, env, load)


def drill_redis(args, env) -> list[str]:
    from sqlalchemy import text

    pid = pid_of(args.redis_pidfile, args.redis_pid)
    engine = connect(env)
    load = Load(args, "redis")
    time.sleep(args.fault_at)
    os.kill(pid, signal.SIGSTOP)
    stopped = time.time()
    print(f"  SIGSTOP {pid} (redis-server) for {args.pause}s")
    try:
        time.sleep(args.pause)
        with engine.connect() as db:  # still stopped: what was written meanwhile waits
            made = db.execute(text(
                "SELECT count(*), count(*) FILTER (WHERE state <> 'sent') FROM outbox_message "
                "WHERE created_at >= to_timestamp(:a)"), {"a": stopped}).one()
    finally:
        os.kill(pid, signal.SIGCONT)
    print(f"  SIGCONT {pid}; outbox rows made while Redis was stopped: {made[0]}, of them "
          f"{made[1]} waiting at that moment (the others went out without the queue: the "
          "worker's minute-by-minute pass, or a wake queued before the stop)")
    load.wait()
    deadline, waiting = time.time() + args.settle, None
    while time.time() < deadline:
        with engine.connect() as db:
            waiting = db.execute(text("SELECT count(*) FROM outbox_message WHERE created_at >= "
                                      "to_timestamp(:a) AND state <> 'sent'"),
                                 {"a": load.started}).scalar()
        if waiting == 0:
            break
        time.sleep(2)
    problems = []
    with engine.connect() as db:
        sent = db.execute(text("SELECT count(*), count(DISTINCT NULLIF(provider_message_id, "
                               "'')), count(NULLIF(provider_message_id, '')) FROM "
                               "outbox_message WHERE created_at >= to_timestamp(:a) AND "
                               "state = 'sent'"), {"a": load.started}).one()
    print(f"  after {args.settle}s: {sent[0]} sent, {waiting} still waiting; provider ids "
          f"{sent[2]} ({sent[1]} distinct)")
    if waiting:
        problems.append(f"{waiting} outbox messages not sent {args.settle}s after the load")
    if sent[2] > 1 and sent[1] == 1:
        print("  the provider gives every message the same id (the console channel): "
              "nothing twice is then shown by the outbox alone (one row, one 'sent')")
    elif sent[1] != sent[2]:
        problems.append("a provider message id appears twice: a message went out twice")
    if made[0] == 0:
        problems.append("no outbox row was made while Redis was stopped: the drill proved "
                        "nothing (more users or a longer pause)")
    return problems + _after_load(args, env, load)


DRILLS = {"kill": drill_kill, "postgres": drill_postgres, "s3": drill_s3, "redis": drill_redis}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drill", choices=sorted(DRILLS))
    parser.add_argument("--host", default="http://127.0.0.1:8080")
    parser.add_argument("--env-file", default="instance/prod/portal.env")
    parser.add_argument("--invariants",
                        default=f"{Path(sys.executable).parent / 'flask'} ops check-invariants",
                        help="the invariant checker, run with the environment file's variables "
                        "(default: this venv's `flask ops check-invariants`)")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=120, help="seconds of load")
    parser.add_argument("--fault-at", type=float, default=30, help="seconds into the load")
    parser.add_argument("--pause", type=float, default=30, help="s3/redis: seconds stopped")
    parser.add_argument("--settle", type=float, default=30,
                        help="postgres: probing after the restart; redis: waiting for the outbox")
    parser.add_argument("--back-within", type=float, default=15,
                        help="postgres: seconds the service may take to come back")
    parser.add_argument("--probe-path", default="/thu-tuc?q=ho+tich")
    parser.add_argument("--pidfile", default="instance/prod/app1.pid",
                        help="kill: the instance to kill")
    parser.add_argument("--pid", type=int)
    parser.add_argument("--pg-version", help="postgres: default the newest in /etc/postgresql")
    parser.add_argument("--pg-cluster", default="main",
                        help="postgres: the cluster restarted (pg_lsclusters)")
    parser.add_argument("--s3-pidfile", default="instance/prod/s3.pid",
                        help="s3: the store's pidfile (make prod writes this one)")
    parser.add_argument("--s3-pid", type=int)
    parser.add_argument("--redis-pidfile")
    parser.add_argument("--redis-pid", type=int)
    parser.add_argument("--accounts", type=Path, default=Path("instance/load/accounts.json"))
    parser.add_argument("--file-mb", help="upload sizes, 'low,high' MB (default 1,5)")
    parser.add_argument("--out", type=Path, default=Path("instance/load/drills"))
    parser.add_argument("--locust", default=str(Path(sys.executable).parent / "locust"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    env = read_env_file(args.env_file)
    env.setdefault("DATABASE_URL", os.environ.get("DATABASE_URL", ""))
    print(f"drill {args.drill}: {args.users} users on {args.host} for {args.run_time}s, "
          f"the fault at +{args.fault_at:.0f}s")
    problems = DRILLS[args.drill](args, env)
    healthy = invariants(args, env)
    print(f"drill {args.drill}: " + ("PASSED" if not problems and healthy else "FAILED"))
    for problem in problems:
        print(f"  - {problem}")
    return 0 if not problems and healthy else 1


if __name__ == "__main__":
    sys.exit(main())
