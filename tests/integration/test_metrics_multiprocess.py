"""Metrics under several worker processes (portal/core/metrics.py, issue 17): with
PROMETHEUS_MULTIPROC_DIR set, as gunicorn's workers run, each process writes its counts to
that directory and a scrape served by any one of them adds up every process's — while the
figures read from the database are computed once, by the scraping process, not summed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from portal import create_app
from portal.config import Config
from portal.extensions import db
from portal.notifications import outbox

ROOT = Path(__file__).resolve().parents[2]

# One worker process: the app on the shared database, N requests, then perhaps the scrape.
WORKER = """
import sys
from portal import create_app
from portal.config import Config

database, files, requests, scrape = sys.argv[1:5]
app = create_app(Config.from_env({}, env="testing", database_url=database, storage_url=files))
client = app.test_client()
for _ in range(int(requests)):
    assert client.get("/healthz").status_code == 200
if scrape == "scrape":
    response = client.get("/metrics")
    assert response.status_code == 200, response.status_code
    sys.stdout.write(response.get_data(as_text=True))
"""


def _worker(folder: Path, database: str, files: str, requests: int, scrape: bool = False
            ) -> subprocess.Popen:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, database, files, str(requests),
         "scrape" if scrape else "-"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def _finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return out


def test_a_scrape_adds_up_every_worker_and_reads_the_database_once(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    database, files = f"sqlite:///{tmp_path / 'portal.db'}", f"file://{tmp_path / 'files'}"
    app = create_app(Config.from_env({}, env="testing", database_url=database,
                                     storage_url=files))
    with app.app_context():
        db.create_all()
        outbox.queue("email", "a@example.vn", "Tin chờ gửi")
        db.session.commit()
        db.engine.dispose()

    first, second = (_worker(folder, database, files, n) for n in (3, 4))  # side by side
    _finished(first)
    _finished(second)
    exposition = _finished(_worker(folder, database, files, 2, scrape=True))

    values = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            values.setdefault(sample.name, []).append((sample.labels, sample.value))
    healthz = [value for labels, value in values["portal_http_request_duration_seconds_count"]
               if labels == {"route": "public.healthz", "method": "GET", "status": "2xx"}]
    assert healthz == [3 + 4 + 2]  # one series, the three processes added up
    assert len({path.name for path in folder.iterdir()}) >= 3  # a file per process
    assert values["portal_outbox_pending_messages"] == [({}, 1.0)]  # once, not once per worker
    assert values["portal_metrics_database_up"] == [({}, 1.0)]
