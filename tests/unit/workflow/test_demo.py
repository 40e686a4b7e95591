"""`flask demo seed`: the demo catalog, accounts and a dossier in every situation."""

from __future__ import annotations

from sqlalchemy import select

from portal import demo
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db
from portal.storage import LocalStorage
from portal.workflow.actions import invariant_problems


def test_demo_seed_fills_every_queue_of_the_demo_agency(db_session, tmp_path):
    storage = LocalStorage(tmp_path / "store")
    summary = demo.seed_all(60, storage)
    db.session.commit()
    assert summary["procedures"] == 60 and summary["users"] == 11
    dossiers = db.session.scalars(select(Dossier)).all()
    assert summary["dossiers"] == len(dossiers) >= 10
    states = {d.state for d in dossiers}
    assert {DossierState.SUBMITTED, DossierState.RECEIVED, DossierState.IN_PROGRESS,
            DossierState.AWAITING_SUPPLEMENT, DossierState.RESULT_READY,
            DossierState.RETURNED, DossierState.REFUSED,
            DossierState.NEEDS_COMPLETION} <= states
    assert all(invariant_problems(d) == [] for d in dossiers)
    # One forwarded along its chain: held by the Committee's office (its demo officers' queue).
    forwarded = [d for d in dossiers if d.state is DossierState.INTER_AGENCY]
    assert len(forwarded) == 1 and forwarded[0].legs[0].agency.code == "VPUBND"
    assert all(d.agency.code == "STP" and d.code for d in dossiers)
    # Every stored file really exists (the officers open them in the browser).
    for item in (f for d in dossiers for f in d.files):
        chunks = storage.open(item.storage_key)
        assert next(chunks).startswith(b"%PDF-")
        chunks.close()
