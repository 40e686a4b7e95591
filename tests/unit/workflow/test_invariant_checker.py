"""`flask ops check-invariants`' SQL checks (portal/ops/invariants.py) hold after any sequence
of the actions the pages offer: the random walks of test_queue_coverage, each followed by
every check over the whole tables (SQLite and PostgreSQL), which must find nothing; and a
dossier put into a state its events do not lead to is found."""

from __future__ import annotations

from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from test_queue_coverage import DONE, _walk

from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.ops.invariants import run_checks


def _violations() -> dict[str, list[str]]:
    return {check.name: finding.examples for check, finding in run_checks(limit=5)
            if finding.count}


def test_checks_find_nothing_after_offered_actions(world):
    DONE.clear()

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1),
           moves=st.integers(min_value=1, max_value=30))
    def walks(seed: int, moves: int) -> None:
        savepoint = db.session.begin_nested()
        try:
            _walk(world, Random(seed), moves)
            db.session.flush()
            assert _violations() == {}
        finally:
            savepoint.rollback()
            db.session.expire_all()

    walks()
    assert DONE.get("approve") and DONE.get("request_supplement"), DONE  # deep walks met


def test_a_state_its_events_do_not_lead_to_is_found(world):
    assert _violations() == {}
    db.session.execute(update(Dossier).where(Dossier.id == world.dossier.id)
                       .values(state="needs_completion"))
    found = _violations()
    assert list(found) == ["state_events"]
    assert found["state_events"] == [
        f"hồ sơ #{world.dossier.id} {world.dossier.code}: trạng thái needs_completion, sự kiện "
        "cuối submitted"]
