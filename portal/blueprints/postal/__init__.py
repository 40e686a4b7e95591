"""The postal officer's desk (/buu-dien, issue 15): results ready to post, batches with their
labels and hand-over manifest, tracking numbers, delivery statuses and the carrier's status
file. Routes and forms only: the rules live in ``portal.delivery``. The desk shows only what
delivering needs (code, recipient, phone, address) — never a dossier's papers."""

from flask import Blueprint, abort
from flask_login import current_user

from portal.accounts import policy
from portal.blueprints.guards import guard_blueprint
from portal.delivery import queries
from portal.delivery.models import PostalBatch, Shipment

bp = Blueprint("postal", __name__)
# Only postal officers of at least one agency, signed in with their second factor.
guard_blueprint(bp, lambda user: bool(policy.postal_agency_ids(user)))


@bp.app_context_processor
def _postal_link():
    # base.html shows "Bưu điện" to postal officers of at least one agency (asked when drawn).
    def may_use_postal_desk() -> bool:
        return (current_user.is_authenticated and current_user.can_use_staff_area()
                and bool(policy.postal_agency_ids(current_user)))

    return {"may_use_postal_desk": may_use_postal_desk}


def get_batch_or_404(batch_id: int) -> PostalBatch:
    batch = queries.get_batch(current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


def get_shipment_or_404(shipment_id: int) -> Shipment:
    shipment = queries.get_shipment(current_user, shipment_id)
    if shipment is None:
        abort(404)
    return shipment


from portal.blueprints.postal import routes  # noqa: E402,F401
