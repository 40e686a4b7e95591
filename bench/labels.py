"""Address labels benchmark (issue 15): a batch of 500 A6 labels — recipient, phone, address,
the dossier code as a Code 128 barcode and a QR code — rendered to one PDF in ≤ 10 s.

Renders ``templates/postal/labels.html`` through the project's PDF helper
(``core.pdf.render_pdf``, WeasyPrint, ``static/css/postal-print.css``), as the route
``/buu-dien/bang-ke/<id>/nhan.pdf`` does, in a request context of the real app. The items are
plain objects (no database: the route's query is one indexed select; what is measured is the
rendering). Reported: the time for the 500-label PDF (best of ``--rounds``), its pages and
size, and the ratio against one label rendered alone (median of ``--singles``) × 500 — what
printing the labels one by one would cost.

Both the wall-clock time and the process's CPU time are printed: WeasyPrint renders in one
thread, so on an unloaded machine the two agree; on a shared one the CPU time is the honest
figure of the work, the wall time that of the wait.

Usage: python bench/labels.py [--labels 500] [--rounds 1] [--singles 5]
Exit status 1 when the target (10 s) is missed or the page count is wrong.
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
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import render_template  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.core.models import utcnow  # noqa: E402
from portal.core.pdf import render_pdf  # noqa: E402
from portal.delivery import labels, s10  # noqa: E402

TARGET_SECONDS = 10.0
CSS = (Path(__file__).resolve().parents[1] / "portal" / "static" / "css"
       / "postal-print.css").read_text(encoding="utf-8")
WARDS = ["Phường Trần Phú", "Phường Nghĩa Lộ", "Xã Tịnh Phong", "Xã Bình Sơn", "Phường Cẩm Thành"]


def _batch(n: int) -> SimpleNamespace:
    items = [SimpleNamespace(
        dossier=SimpleNamespace(code=f"000.00.19.H48-261207-{i + 1:04d}"),
        recipient=f"Nguyễn Thị Người Nhận {i + 1}", phone=f"09{i:08d}",
        address=f"{i + 1} Hùng Vương, {WARDS[i % len(WARDS)]}, tỉnh Quảng Ngãi",
        tracking_number=s10.make("EB", f"{i + 1:08d}"), postage_vnd=0) for i in range(n)]
    return SimpleNamespace(id=1, shipments=items)


def _render(batch: SimpleNamespace) -> bytes:
    html = render_template("postal/labels.html", batch=batch, labels=labels, now=utcnow())
    return render_pdf(html, [CSS])


def _pages(pdf: bytes) -> int:
    """The page count, as poppler's pdfinfo reads it (the PDF's objects are compressed)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        out.write(pdf)
        out.flush()
        info = subprocess.run(["pdfinfo", out.name], check=True, capture_output=True,
                              text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--singles", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # WeasyPrint logs a line per page
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(env="development", database_url=f"sqlite:///{tmp}/b.db",
                                storage_url=f"file://{tmp}/uploads", secret_key="bench" * 8))
        with app.test_request_context("/buu-dien/bang-ke/1/nhan.pdf"):
            one = _batch(1)
            _render(one)  # warm-up: fonts, templates
            singles = []
            for _ in range(args.singles):
                started = time.perf_counter()
                _render(one)
                singles.append(time.perf_counter() - started)
            whole, cpu, pdf = [], [], b""
            for _ in range(args.rounds):
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf = _render(_batch(args.labels))
                whole.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
    best, single = min(whole), statistics.median(singles)
    pages = _pages(pdf)
    print(f"{args.labels} labels in one PDF: {best:.2f} s wall, {min(cpu):.2f} s CPU of this "
          f"process (target ≤ {TARGET_SECONDS:.0f} s), "
          f"{pages} pages, {len(pdf) / 1e6:.1f} MB, {best / args.labels * 1000:.1f} ms a label")
    print(f"one label alone: {single * 1000:.0f} ms median of {args.singles}; "
          f"× {args.labels} = {single * args.labels:.1f} s; "
          f"the batch takes {best / (single * args.labels):.2f}× that")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if best <= TARGET_SECONDS and pages == args.labels else 1


if __name__ == "__main__":
    sys.exit(main())
