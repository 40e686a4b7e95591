"""Large upload benchmark: a 200 MB file through the real HTTP upload route into LocalStorage
and into S3Storage (a moto_server process on loopback).

Requirement (issue 3): throughput as a ratio to a plain copy of the same file into the same
store measured in the same run (target >= 0.7), and the server process's peak RSS growth
during the upload (target <= 32 MB).

Method, per store:
- the portal runs in its OWN process (so its memory is measured alone): create_app with a
  SQLite database, the store under test and a 256 MB per-file limit, a published online
  procedure, a citizen and a draft dossier; served by werkzeug's make_server on 127.0.0.1;
- baseline: in this process, Storage.put of the file (opened from disk, streamed) into the
  same store — the "plain copy";
- the route: this process logs in over HTTP like a browser (CSRF token, session cookie) and
  POSTs the file as multipart/form-data to citizen.upload, streaming the body from disk;
- memory: the server's VmHWM is reset (/proc/<pid>/clear_refs = 5) just before the upload;
  growth = VmHWM after the upload - VmRSS before it.

Usage: python bench/upload_large.py [--size-mb 200] [--stores local,s3]
Exit status 1 if a target is missed or a store cannot be measured.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
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


def _serve(storage_url: str, db_path: str, limit: int, queue) -> None:
    """Child process: build the portal and a draft dossier, then serve forever."""
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
        dossier = dossiers.start_dossier(version, user)
        db.session.commit()
        ids = (dossier.id, version.documents[0].id)
    server = make_server("127.0.0.1", 0, app)
    queue.put((server.server_port, *ids))
    server.serve_forever()


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


def measure(store: str, storage_url: str, source: Path, work: Path) -> dict:
    from portal.storage import storage_from_url

    size = source.stat().st_size
    storage = storage_from_url(storage_url)
    started = time.perf_counter()
    with source.open("rb") as handle:
        storage.put(f"bench/plain-{uuid.uuid4().hex}", handle, content_type="application/pdf")
    plain = time.perf_counter() - started

    queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(
        target=_serve, args=(storage_url, str(work / f"{store}.db"), size + 8 * MiB, queue),
        daemon=True)
    process.start()
    try:
        port, dossier_id, requirement_id = queue.get(timeout=120)
        client = Client(port)
        client.login()
        route = f"/ho-so/{dossier_id}/giay-to/{requirement_id}"
        Path(f"/proc/{process.pid}/clear_refs").write_text("5")
        before = _status(process.pid, "VmRSS")
        started = time.perf_counter()
        status, answer = client.upload(route, source)
        elapsed = time.perf_counter() - started
        peak = _status(process.pid, "VmHWM")
        if status not in (200, 303) or (status == 200 and source.name not in answer):
            raise RuntimeError(f"upload refused ({status}): {answer[:300]}")
    finally:
        process.terminate()
        process.join(10)
    return {"store": store, "size_mb": size / MiB, "plain_s": plain, "route_s": elapsed,
            "plain_mbps": size / MiB / plain, "route_mbps": size / MiB / elapsed,
            "ratio": plain / elapsed, "rss_growth_mb": max(0, peak - before) / MiB}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--stores", default="local,s3")
    args = parser.parse_args()
    results, failed = [], False
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        work = Path(tmp)
        source = _make_file(work, args.size_mb * MiB)
        print(f"upload benchmark: {args.size_mb} MB file, {os.cpu_count()} CPUs, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for store in args.stores.split(","):
            if store == "local":
                url = f"file://{work / 'uploads'}"
                stop = None
            else:
                from s3_server import start_moto_server, storage_url

                endpoint, stop = start_moto_server()
                url = storage_url(endpoint, "bench-uploads")
            try:
                results.append(measure(store, url, source, work))
            except Exception as error:  # report and go on with the other store
                print(f"[{store}] FAILED: {error}")
                failed = True
            finally:
                if stop:
                    stop()
    print(f"\n{'store':6} {'plain MB/s':>11} {'route MB/s':>11} {'ratio':>6} "
          f"{'RSS growth MB':>14}  target")
    for r in results:
        ok = r["ratio"] >= RATIO_TARGET and r["rss_growth_mb"] <= RSS_TARGET_MB
        failed |= not ok
        print(f"{r['store']:6} {r['plain_mbps']:11.1f} {r['route_mbps']:11.1f} "
              f"{r['ratio']:6.2f} {r['rss_growth_mb']:14.1f}  {'ok' if ok else 'MISSED'}")
    print(f"\nratio = plain-copy time / route time (target >= {RATIO_TARGET}); "
          f"RSS growth = server VmHWM after - VmRSS before (target <= {RSS_TARGET_MB} MB)")
    print("RESULT:", "target missed" if failed else "targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
