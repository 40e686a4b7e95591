"""Twenty citizens submit dossiers of the same agency on the same day at the same moment:
each gets its own code and the numbers are consecutive (no duplicate, no gap).

Runs on the real PostgreSQL (TEST_DATABASE_URL; skipped loudly without it) where the
upsert's row lock does the work, and on SQLite, where the database lock serialises writers."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import factories
from sqlalchemy import select

from portal.accounts.models import User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, DossierState, ReturnMethod
from portal.extensions import db
from portal.storage import LocalStorage

SUBMITTERS = 20
AT = datetime(2025, 3, 12, 10, 0, tzinfo=VN_TZ)


def _drafts(storage) -> tuple[list[tuple[int, int]], str]:
    version = factories.published_procedure(factories.agency())
    pairs = []
    for _ in range(SUBMITTERS):
        user = factories.citizen()
        dossier = ops.start_dossier(version, user)
        ops.add_file(dossier, version.documents[0].id, io.BytesIO(b"%PDF-1.4 x"), "a.pdf", user,
                     storage, UploadLimits(1024, 4096))
        ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
        pairs.append((dossier.id, user.id))
    db.session.commit()
    return pairs, version.procedure.agency.unit_code


def test_concurrent_submits_get_distinct_consecutive_codes(app, tmp_path):
    with app.app_context():
        pairs, unit = _drafts(LocalStorage(tmp_path))
    barrier = threading.Barrier(SUBMITTERS, timeout=60)

    def submit(pair: tuple[int, int]) -> str:
        dossier_id, user_id = pair
        with app.app_context():  # its own scoped session, hence its own connection
            dossier = db.session.get(Dossier, dossier_id)
            user = db.session.get(User, user_id)
            calendar = current_calendar()
            db.session.commit()  # give the connection back while waiting for the others
            barrier.wait()
            ops.submit(dossier, user, calendar, AT)
            db.session.commit()
            return dossier.code

    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        codes = list(pool.map(submit, pairs))

    expected = [f"{unit}-250312-{n:04d}" for n in range(1, SUBMITTERS + 1)]
    assert sorted(codes) == expected
    with app.app_context():
        stored = db.session.execute(select(Dossier.code, Dossier.state)).all()
        assert sorted(code for code, _ in stored) == expected
        assert {state for _, state in stored} == {DossierState.SUBMITTED}
