"""The load mix of issue 17 (bench/load/locustfile.py) keeps working: Locust runs headless as
a subprocess for 10 s, one user of each class, against the app served by a real server on the
test database (accounts made by bench/load/prepare.py); no request fails, every class made
its requests, and the submissions the citizen was told succeeded are in the database,
submitted, with the codes it was given.

PostgreSQL only (TEST_DATABASE_URL; skipped loudly without it): the load test's target is
PostgreSQL, and its accounts and journal check are written for it."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import serving
from sqlalchemy import select, update

from portal.catalog import demo
from portal.catalog.models import Procedure, ProcedureVersion
from portal.dossiers.models import Dossier
from portal.extensions import db

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "load"))

import prepare  # noqa: E402

# A route only each class asks for: the class made requests.
CLASS_ROUTES = {"Anonymous": {"/", "/thu-tuc?q=", "/thu-tuc?q= [htmx]", "/tra-cuu?ma=&so="},
                "Citizen": {"/ho-so", "/ho-so/moi/[code] [POST]"},
                "Officer": {"/can-bo/", "/can-bo/hang-doi?loai=cho-tiep-nhan",
                            "/can-bo/tim-kiem?q="},
                "Supervisor": {"/thong-ke/", "/thong-ke/giam-sat", "/thong-ke/bieu-do"}}
SUBMIT_CODE = "2.000488"  # judicial record: Sở Tư pháp, fully online, two mandatory papers


def _world(app, out: Path) -> dict:
    with app.app_context():
        demo.seed_agencies()
        demo.seed_accounts()
        demo.seed_catalog(48, app.extensions["storage"])
        # Its fee is paid at submission in the demo; the mix submits without paying.
        version_ids = select(ProcedureVersion.id).join(
            Procedure, Procedure.id == ProcedureVersion.procedure_id).where(
            Procedure.code == SUBMIT_CODE)
        db.session.execute(update(ProcedureVersion).where(ProcedureVersion.id.in_(version_ids))
                           .values(payment_due_at_submission=False))
        db.session.commit()
        data = prepare.prepare(argparse.Namespace(
            citizens=2, officers=1, supervisors=1, procedures=5, lookups=50,
            password=prepare.DEMO_PASSWORD, totp_seed="test-load-mix"))
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def test_the_load_mix_runs_without_failures_and_every_class_acts(app, tmp_path):
    data = _world(app, tmp_path / "accounts.json")
    assert SUBMIT_CODE in data["submit_procedures"] and data["officers"]
    journal = tmp_path / "submissions.jsonl"
    env = dict(os.environ, LOAD_ACCOUNTS=str(tmp_path / "accounts.json"),
               LOAD_JOURNAL=str(journal), LOAD_FILE_MB="0.05,0.2", LOAD_WAIT_SCALE="0.05",
               LOAD_ONE_EACH="1")
    with serving(app) as base:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f",
             str(ROOT / "bench" / "load" / "locustfile.py"), "--headless", "--users", "4",
             "--spawn-rate", "4", "--run-time", "10s", "--host", base, "--csv",
             str(tmp_path / "r"), "--only-summary", "--stop-timeout", "10"],
            env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with open(tmp_path / "r_stats.csv", encoding="utf-8") as source:
        rows = [r for r in csv.DictReader(source) if r["Name"] != "Aggregated"]
    asked = {r["Name"] for r in rows if int(r["Request Count"])}
    assert sum(int(r["Failure Count"]) for r in rows) == 0, done.stderr[-3000:]
    for user_class, routes in CLASS_ROUTES.items():
        assert asked & routes, f"{user_class} made no request: {sorted(asked)}"
    # The journal holds what the citizen was told; the database agrees.
    told = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert told, "no submission acknowledged in 10 s"
    with app.app_context():
        for entry in told:
            dossier = db.session.get(Dossier, entry["draft"])
            assert dossier is not None and not dossier.is_draft
            assert dossier.code == entry["code"]
