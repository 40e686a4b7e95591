"""Two postal officers dispatch the same batch at the same moment: one wins (issue 15).

PostgreSQL only (TEST_DATABASE_URL; skipped loudly without it): the batch is claimed by a
conditional ``UPDATE postal_batch SET state = 'dispatched' WHERE id = … AND state = 'open'``.
The second UPDATE waits for the first transaction's row lock, re-reads the row under READ
COMMITTED, no longer matches and claims nothing: that officer is told someone else was first,
and nothing of theirs is kept (no second status, no second message)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import factories
import pytest
from delivery_world import at, postal_world
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.delivery import operations as ops
from portal.delivery.models import BatchState, PostalBatch, ShipmentEvent, ShipmentState
from portal.extensions import db
from portal.notifications.models import OutboxMessage

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]

ROUNDS = 3


def _setup() -> dict[str, int]:
    w = postal_world()
    second = factories.staff(Role.POSTAL_OFFICER, w.agency)
    dossiers = [w.posted(), w.posted()]
    shipments = [ops.latest_outbound(d.id) for d in dossiers]
    batch = ops.open_batch(w.postal, shipments, at(14, 8))
    for shipment, number in zip(shipments, ("EB123456785VN", "RR473124829GB"), strict=True):
        ops.set_tracking_number(shipment, number, w.postal)
    db.session.commit()
    return {"batch": batch.id, "a": w.postal.id, "b": second.id}


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_postal_officers_dispatch_the_same_batch(app, round_):
    with app.app_context():
        ids = _setup()
    barrier = threading.Barrier(2, timeout=30)

    def contend(name: str) -> tuple[str, str]:
        with app.app_context():
            user = db.session.get(User, ids[name])
            batch = db.session.get(PostalBatch, ids["batch"])
            for s in batch.shipments:  # what the dispatch reads, loaded before the race
                list(s.events)
                _ = s.dossier.applicant, s.dossier.procedure_version
            list(user.roles)
            barrier.wait()
            try:
                ops.dispatch_batch(batch, user, at(14, 9))
                db.session.commit()
            except ops.Conflict:
                db.session.rollback()
                return name, "lost"
            return name, "won"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcome = dict(pool.map(contend, ("a", "b")))
    assert sorted(outcome.values()) == ["lost", "won"], outcome
    winner = next(n for n, r in outcome.items() if r == "won")
    with app.app_context():
        batch = db.session.get(PostalBatch, ids["batch"])
        assert batch.state is BatchState.DISPATCHED and batch.dispatched_by_id == ids[winner]
        assert {s.state for s in batch.shipments} == {ShipmentState.DISPATCHED}
        dispatched = db.session.scalar(select(func.count()).select_from(ShipmentEvent).where(
            ShipmentEvent.state == ShipmentState.DISPATCHED,
            ShipmentEvent.shipment_id.in_([s.id for s in batch.shipments])))
        assert dispatched == 2  # one per item, from the winner alone
        for s in batch.shipments:
            assert ops.dossier_problems(s.dossier) == []
            messages = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.dossier_id == s.dossier_id,
                OutboxMessage.subject.like("%gửi qua bưu chính%")))
            assert messages == 1
