"""Large upload benchmark: a 200 MB file through the real HTTP upload route into LocalStorage
and into S3Storage (a moto_server process on loopback).

Requirement (issue 3): throughput as a ratio to a plain copy of the same file into the same
store measured in the same run (target >= 0.7), and the server process's peak RSS growth
during the upload (target <= 32 MB).

Method, per store:
- the portal runs in its OWN process (so its memory is measured alone): create_app with a
  SQLite database, the store under test and a per-file limit of the file size + 8 MB, a
  published online procedure, a citizen and one draft dossier per round; served by
  werkzeug's make_server on 127.0.0.1;
- each round, back to back (so that load from other processes falls on both alike):
  - baseline: in this process, Storage.put of the file (opened from disk, streamed) into the
    same store — the "plain copy";
  - the route: this process, logged in over HTTP like a browser (CSRF token, session
    cookie), POSTs the file as multipart/form-data to citizen.upload, streaming the body
    from disk; the answer must list the file, and the stored object must have the file's
    size (and, on S3, its SHA-256);
  - memory: the server's VmHWM is reset (/proc/<pid>/clear_refs = 5) just before the
    upload; growth = VmHWM after the upload - VmRSS before it;
- report: median plain and route throughput, the median of the per-round ratios (plain
  time / route time; the target applies to it) with its range, the largest RSS growth of
  any round; for LocalStorage, the staged temporary files left in the storage root (must
  be 0). For information, the CPU ratio: plain-copy CPU time (this thread) / CPU time of
  the server process during the upload, median over rounds — unlike wall time it hardly
  moves with the load other processes put on the machine.

Usage: python bench/upload_large.py [--size-mb 200] [--rounds 5] [--stores local,s3]
Exit status 1 if a target is missed or a store cannot be measured.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

MiB = 1024 * 1024
PASSWORD = "Mat-khau-bench-123"
EMAIL = "bench@example.vn"
RATIO_TARGET = 0.7
RSS_TARGET_MB = 32


def _serve(storage_url: str, db_path: str, limit: int, drafts: int, queue) -> None:
    """Child process: build the portal and ``drafts`` draft dossiers, then serve forever."""
    import logging

    from werkzeug.serving import make_server

    from portal import create_app
    from portal.accounts import operations as accounts
    from portal.catalog import demo
    from portal.catalog import operations as catalog
    from portal.catalog.demo_data import PROCEDURES
    from portal.config import Config
    from portal.dossiers import operations as dossiers
    from portal.extensions import db

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(Config.from_env(
        {}, env="development", secret_key="bench-secret-key-long-enough-0123456789",
        database_url=f"sqlite:///{db_path}", storage_url=storage_url,
        max_file_bytes=limit, max_dossier_bytes=limit))
    with app.app_context():
        db.create_all()
        demo.seed_agencies()
        raw = next(p for p in PROCEDURES if p["online_level"] != "offline"
                   and p["applicant"] != "business")
        version = catalog.create_procedure(demo.procedure_data(raw), None)
        catalog.publish(version, None)
        user = accounts.register(accounts.Registration(
            full_name="Người Đo Hiệu Năng", email=EMAIL, phone="0912345678",
            id_number="051090009999", password=PASSWORD))
        drafts = [dossiers.start_dossier(version, user) for _ in range(drafts)]
        db.session.commit()
        ids = ([d.id for d in drafts], version.documents[0].id)
    server = make_server("127.0.0.1", 0, app)
    queue.put((server.server_port, *ids))
    server.serve_forever()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


class Client:
    """A browser-like HTTP client: session cookie and CSRF token."""

    def __init__(self, port: int):
        self.port, self.cookie, self.token = port, "", ""

    def _request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, data.decode("utf-8", "replace")

    def login(self) -> None:
        _, page = self._request("GET", "/tai-khoan/dang-nhap")
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.token, "email": EMAIL, "password": PASSWORD})
        status, _ = self._request("POST", "/tai-khoan/dang-nhap", body, {
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"login failed: {status}")

    def upload(self, path: str, source: Path) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{self.token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"files\"; filename=\"{source.name}\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body():
            yield head
            with source.open("rb") as handle:
                while chunk := handle.read(MiB):
                    yield chunk
            yield tail

        length = len(head) + source.stat().st_size + len(tail)
        return self._request("POST", path, body(), {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length), "X-CSRFToken": self.token, "HX-Request": "true"})


def _make_file(directory: Path, size: int) -> Path:
    """A PDF header then incompressible bytes (the route checks magic bytes)."""
    path = directory / "ho-so-lon.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        written = 9
        while written < size:
            chunk = os.urandom(min(4 * MiB, size - written))
            handle.write(chunk)
            written += len(chunk)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def _check_stored(storage, dossier_id: int, size: int, sha256: str) -> str:
    """The key the route stored, after checking it holds the file; raises if it does not."""
    keys = [key for key, _ in storage.list(f"dossiers/{dossier_id}/")]
    if len(keys) != 1:
        raise RuntimeError(f"expected one stored object for dossier {dossier_id}, got {keys}")
    stat = storage.stat(keys[0])
    if stat is None or stat.size != size or stat.sha256 not in ("", sha256):
        raise RuntimeError(f"stored object {keys[0]} does not match the file: {stat}")
    return keys[0]


def measure(store: str, storage_url: str, source: Path, work: Path, rounds: int) -> dict:
    from portal.storage import storage_from_url

    size = source.stat().st_size
    sha256 = _sha256(source)
    storage = storage_from_url(storage_url)
    queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(
        target=_serve,
        args=(storage_url, str(work / f"{store}.db"), size + 8 * MiB, rounds, queue),
        daemon=True)
    process.start()
    plain_times, route_times, growths, cpu_ratios = [], [], [], []
    try:
        port, dossier_ids, requirement_id = queue.get(timeout=120)
        client = Client(port)
        client.login()
        for dossier_id in dossier_ids:
            key = f"bench/plain-{uuid.uuid4().hex}"
            cpu = time.thread_time()
            started = time.perf_counter()
            with source.open("rb") as handle:
                storage.put(key, handle, content_type="application/pdf")
            plain_times.append(time.perf_counter() - started)
            plain_cpu = time.thread_time() - cpu
            storage.delete(key)

            route = f"/ho-so/{dossier_id}/giay-to/{requirement_id}"
            Path(f"/proc/{process.pid}/clear_refs").write_text("5")
            before = _status(process.pid, "VmRSS")
            cpu = _cpu_seconds(process.pid)
            started = time.perf_counter()
            status, answer = client.upload(route, source)
            route_times.append(time.perf_counter() - started)
            cpu_ratios.append(plain_cpu / max(_cpu_seconds(process.pid) - cpu, 0.01))
            growths.append(max(0, _status(process.pid, "VmHWM") - before) / MiB)
            if status not in (200, 303) or (status == 200 and source.name not in answer):
                raise RuntimeError(f"upload refused ({status}): {answer[:300]}")
            storage.delete(_check_stored(storage, dossier_id, size, sha256))  # disk space
    finally:
        process.terminate()
        process.join(10)
    ratios = [plain / route for plain, route in zip(plain_times, route_times, strict=True)]
    leftovers = None
    if store == "local":  # staged uploads (".upload.*.part~") must not outlive a request
        leftovers = sum(1 for _ in Path(storage.root).rglob("*.part~"))
    return {"store": store, "size_mb": size / MiB, "rounds": len(ratios),
            "plain_mbps": size / MiB / statistics.median(plain_times),
            "route_mbps": size / MiB / statistics.median(route_times),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios),
            "ratio_max": max(ratios), "cpu_ratio": statistics.median(cpu_ratios),
            "rss_growth_mb": max(growths), "leftovers": leftovers}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stores", default="local,s3")
    args = parser.parse_args()
    results, failed = [], False
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        work = Path(tmp)
        source = _make_file(work, args.size_mb * MiB)
        print(f"upload benchmark: {args.size_mb} MB file, {args.rounds} rounds, "
              f"{os.cpu_count()} CPUs, load average {_load()}")
        for store in args.stores.split(","):
            if store == "local":
                url = f"file://{work / 'uploads'}"
                stop = None
            else:
                from s3_server import start_moto_server, storage_url

                endpoint, stop = start_moto_server()
                url = storage_url(endpoint, "bench-uploads")
            try:
                results.append(measure(store, url, source, work, args.rounds))
            except Exception as error:  # report and go on with the other store
                print(f"[{store}] FAILED: {error}")
                failed = True
            finally:
                if stop:
                    stop()
        print(f"load average at the end {_load()}")
    print(f"\n{'store':6} {'plain MB/s':>11} {'route MB/s':>11} {'ratio':>6} {'(range)':>12} "
          f"{'CPU ratio':>9} {'RSS growth MB':>14} {'leftovers':>9}  target")
    for r in results:
        ok = (r["ratio"] >= RATIO_TARGET and r["rss_growth_mb"] <= RSS_TARGET_MB
              and not r["leftovers"])
        failed |= not ok
        leftovers = "-" if r["leftovers"] is None else str(r["leftovers"])
        spread = f"{r['ratio_min']:.2f}-{r['ratio_max']:.2f}"
        print(f"{r['store']:6} {r['plain_mbps']:11.1f} {r['route_mbps']:11.1f} "
              f"{r['ratio']:6.2f} {spread:>12} {r['cpu_ratio']:9.2f} {r['rss_growth_mb']:14.1f} "
              f"{leftovers:>9}  "
              f"{'ok' if ok else 'MISSED'}")
    print(f"\nMB/s from median times; ratio = median over rounds of plain-copy time / route "
          f"time (target >= {RATIO_TARGET}); RSS growth = largest over rounds of server VmHWM "
          f"after - VmRSS before (target <= {RSS_TARGET_MB} MB); CPU ratio (information, no "
          f"target) = median of plain-copy CPU time / server process CPU time for the upload")
    print("RESULT:", "target missed" if failed else "targets met")
    return 1 if failed else 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
