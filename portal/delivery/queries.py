"""Read-only selects of the postal desk and the applicant's page. The visibility rule is in
each ``WHERE`` (as ``workflow.queries.get_dossier_for_staff``): a postal officer sees only the
outbound shipments of the agencies they serve, so a foreign id is "not found" in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import contains_eager

from portal.accounts import policy
from portal.delivery.models import BatchState, Direction, PostalBatch, Shipment, ShipmentState
from portal.delivery.states import IN_THE_POST
from portal.dossiers.models import Dossier
from portal.extensions import db


def _mine(user: Any):
    return Dossier.agency_id.in_(policy.postal_agency_ids(user) or {-1})


def _outbound(user: Any):
    return (select(Shipment).join(Shipment.dossier).options(contains_eager(Shipment.dossier))
            .where(Shipment.direction == Direction.OUTBOUND, _mine(user)))


def ready_to_post(user: Any) -> list[Shipment]:
    """The results handed to the post at the counter and not yet in a batch, oldest first."""
    return list(db.session.scalars(_outbound(user).where(
        Shipment.state == ShipmentState.READY).order_by(Shipment.created_at, Shipment.id)))


def in_the_post(user: Any, limit: int = 200) -> list[Shipment]:
    return list(db.session.scalars(_outbound(user).where(
        Shipment.state.in_(IN_THE_POST)).order_by(Shipment.dispatched_at, Shipment.id)
        .limit(limit)))


def shipments_by_ids(user: Any, ids: list[int]) -> list[Shipment]:
    if not ids:
        return []
    return list(db.session.scalars(_outbound(user).where(Shipment.id.in_(ids))
                                   .order_by(Shipment.id)))


def get_shipment(user: Any, shipment_id: int) -> Shipment | None:
    return db.session.scalar(_outbound(user).where(Shipment.id == shipment_id))


def _batch_visible(user: Any):
    """A batch of this officer's agencies: at least one item of theirs and none of another."""
    mine = policy.postal_agency_ids(user) or {-1}
    item = select(Shipment.id).join(Shipment.dossier).where(Shipment.batch_id == PostalBatch.id)
    return and_(exists(item.where(Dossier.agency_id.in_(mine))),
                ~exists(item.where(Dossier.agency_id.not_in(mine))))


def get_batch(user: Any, batch_id: int) -> PostalBatch | None:
    return db.session.scalar(select(PostalBatch).where(PostalBatch.id == batch_id,
                                                       _batch_visible(user)))


def batches(user: Any, limit: int = 20) -> list[PostalBatch]:
    """Open batches first, then the latest dispatched."""
    return list(db.session.scalars(select(PostalBatch).where(_batch_visible(user)).order_by(
        (PostalBatch.state == BatchState.OPEN).desc(), PostalBatch.id.desc()).limit(limit)))


def by_tracking_numbers(user: Any, numbers: set[str]) -> dict[str, Shipment]:
    if not numbers:
        return {}
    found = db.session.scalars(_outbound(user).where(Shipment.tracking_number.in_(numbers)))
    return {s.tracking_number: s for s in found if s.tracking_number}


def shipments_of_dossier(dossier: Dossier) -> list[Shipment]:
    """The applicant's view: the dossier's outbound shipments, latest first (the dossier was
    loaded through the applicant's own visibility rule)."""
    return list(db.session.scalars(select(Shipment).where(
        Shipment.dossier_id == dossier.id, Shipment.direction == Direction.OUTBOUND)
        .order_by(Shipment.id.desc())))


def inbound_of_dossier(dossier_id: int) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(
        Shipment.dossier_id == dossier_id, Shipment.direction == Direction.INBOUND))
