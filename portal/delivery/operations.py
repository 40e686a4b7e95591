"""One function per shipment action (``states.TRANSITIONS``), flushing, never committing.

The dossier and its shipment never disagree: the hand-over by post (``post_result``, called
by ``workflow.actions.hand_over``) leaves the dossier *result ready* with a shipment ready to
post; the dossier becomes *returned* in the same flush as the shipment becomes *delivered*
(``deliver``), or through the counter's hand-over of a result the post brought back
(``collect``). Messages go to the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from portal.accounts import policy
from portal.core import refusal
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.delivery import s10
from portal.delivery.addressing import delivery_address, delivery_recipient
from portal.delivery.models import (
    BatchState,
    Direction,
    PostalBatch,
    Shipment,
    ShipmentEvent,
    ShipmentState,
)
from portal.delivery.states import (
    ACTIVE,
    TRANSITIONS,
    ShipmentAction,
    ShipmentActor,
)
from portal.dossiers.models import Dossier, DossierState
from portal.dossiers.operations import add_event
from portal.dossiers.queries import is_visible_to
from portal.extensions import db
from portal.notifications import events
from portal.payments.fees import postage_for

S = ShipmentState


class DeliveryError(Refusal):
    """A refusal with a Vietnamese message for the postal officer, counter or applicant."""


class Forbidden(DeliveryError, refusal.Forbidden):
    """Not this user's shipment to act on (the route answers 403)."""


class Conflict(DeliveryError, refusal.Stale):
    """Someone else acted first (e.g. dispatched the same batch)."""


def actors_for(user: Any, shipment: Shipment) -> frozenset[ShipmentActor]:
    dossier = shipment.dossier
    found = set()
    if dossier.agency_id in policy.postal_agency_ids(user):
        found.add(ShipmentActor.POSTAL)
    if dossier.agency_id in policy.counter_agency_ids(user):
        found.add(ShipmentActor.COUNTER)
    if dossier.applicant_id is not None and is_visible_to(dossier, user):
        found.add(ShipmentActor.APPLICANT)
    return frozenset(found)


def allowed(user: Any, shipment: Shipment) -> list[ShipmentAction]:
    """The actions ``user`` may take on ``shipment`` now, in table order (which buttons)."""
    actors = actors_for(user, shipment)
    return [a for a, t in TRANSITIONS.items()
            if shipment.state in t.sources and actors & t.actors]


def _step(shipment: Shipment, action: ShipmentAction, user: Any, at: datetime,
          note: str = "") -> None:
    transition = TRANSITIONS[action]
    if not actors_for(user, shipment) & transition.actors:
        raise Forbidden(_l("Bạn không có quyền “%(action)s” đối với bưu gửi này.",
                           action=_l(transition.label)))
    if shipment.state not in transition.sources:
        raise DeliveryError(_l("Không thể “%(action)s” khi bưu gửi đang ở trạng thái "
                               "“%(state)s”.", action=_l(transition.label),
                               state=_l(shipment.state.label)))
    shipment.state = transition.target
    shipment.events.append(ShipmentEvent(state=transition.target, at=at, note=note[:500],
                                         actor_id=getattr(user, "id", None)))


def active_shipment(dossier: Dossier) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(
        Shipment.dossier_id == dossier.id, Shipment.direction == Direction.OUTBOUND,
        Shipment.state.in_(ACTIVE)))


def latest_outbound(dossier_id: int) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(
        Shipment.dossier_id == dossier_id, Shipment.direction == Direction.OUTBOUND)
        .order_by(Shipment.id.desc()).limit(1))


# --- from the counter ---------------------------------------------------------------------

def post_result(dossier: Dossier, user: Any, at: datetime) -> Shipment:
    """The counter hands the result to the post: a shipment ready to post, addressed from
    the dossier's postal return. The dossier stays *result ready* (the caller checked the
    counter officer's right and the dossier's state)."""
    if active_shipment(dossier) is not None:
        raise DeliveryError(_l("Kết quả hồ sơ này đã được chuyển cho bưu chính."))
    address = delivery_address(dossier)
    recipient, phone = delivery_recipient(dossier)
    if not address:
        raise DeliveryError(_l("Hồ sơ chưa có địa chỉ nhận kết quả qua bưu chính; hãy trả kết "
                               "quả tại quầy."), "method")
    rate = postage_for(dossier.postal_province or "")
    shipment = Shipment(dossier=dossier, direction=Direction.OUTBOUND, state=S.READY,
                        recipient=recipient, phone=phone, address=address,
                        postage_vnd=rate.amount if rate is not None else 0,
                        created_at=at, created_by_id=getattr(user, "id", None))
    shipment.events.append(ShipmentEvent(state=S.READY, at=at, actor_id=shipment.created_by_id))
    db.session.add(shipment)
    return shipment


def collect(dossier: Dossier, user: Any, at: datetime) -> None:
    """The counter hands the result over in person. Refused while it is in the post; after
    the post brought it back, the shipment ends *collected*."""
    shipment = latest_outbound(dossier.id)
    if shipment is None:
        return
    if shipment.state in ACTIVE:
        raise DeliveryError(_l("Kết quả đang được chuyển qua bưu chính (%(state)s); chỉ trả tại "
                               "quầy khi bưu chính đã chuyển hoàn về Trung tâm.",
                               state=_l(shipment.state.label)), "method")
    if shipment.state is S.RETURNED_TO_CENTRE:
        _step(shipment, ShipmentAction.COLLECT, user, at)


# --- the postal officer's batch -----------------------------------------------------------

def open_batch(user: Any, shipments: Iterable[Shipment], at: datetime) -> PostalBatch:
    items = list(shipments)
    if not items:
        raise DeliveryError(_l("Vui lòng chọn ít nhất một hồ sơ để đưa vào bảng kê."), "items")
    batch = PostalBatch(state=BatchState.OPEN, created_at=at, created_by_id=user.id)
    db.session.add(batch)
    for shipment in items:
        _step(shipment, ShipmentAction.BATCH, user, at)
        shipment.batch = batch
    db.session.flush()
    return batch


def remove_from_batch(shipment: Shipment, user: Any, at: datetime) -> None:
    _require_open(shipment.batch)
    _step(shipment, ShipmentAction.UNBATCH, user, at)
    shipment.batch = None
    shipment.tracking_number = None
    db.session.flush()


def _require_open(batch: PostalBatch | None) -> None:
    if batch is None or batch.state is not BatchState.OPEN:
        raise DeliveryError(_l("Bảng kê này đã được giao cho bưu chính."))


def set_tracking_number(shipment: Shipment, number: str, user: Any) -> str:
    """The item's tracking number, typed or scanned (a scanner types it and presses Enter)."""
    if ShipmentActor.POSTAL not in actors_for(user, shipment):
        raise Forbidden(_l("Bạn không có quyền ghi số hiệu cho bưu gửi này."))
    _require_open(shipment.batch)
    value = s10.normalise(number)
    if not s10.is_valid(value):
        raise DeliveryError(_l("Số hiệu bưu gửi “%(value)s” không hợp lệ: cần 2 chữ cái, 9 chữ "
                               "số (số cuối là số kiểm tra) và mã nước, ví dụ EB123456785VN.",
                               value=value[:20]), "tracking_number")
    taken = db.session.scalar(select(Shipment.id).where(
        Shipment.direction == Direction.OUTBOUND, Shipment.tracking_number == value,
        Shipment.id != shipment.id))
    if taken is not None:
        raise DeliveryError(_l("Số hiệu %(value)s đã được ghi cho một bưu gửi khác.",
                               value=value), "tracking_number")
    shipment.tracking_number = value
    db.session.flush()
    return value


def dispatch_batch(batch: PostalBatch, user: Any, at: datetime) -> None:
    """The batch goes to the post office. Of two officers dispatching it at once one wins:
    the batch is claimed by a conditional UPDATE (open → dispatched), which waits for the
    other's transaction on PostgreSQL and then finds nothing to claim."""
    if any(ShipmentActor.POSTAL not in actors_for(user, s) for s in batch.shipments):
        raise Forbidden(_l("Bạn không có quyền giao bảng kê này cho bưu chính."))
    missing = [s.dossier.code for s in batch.shipments if not s.tracking_number]
    if not batch.shipments:
        raise DeliveryError(_l("Bảng kê không còn bưu gửi nào."))
    if missing:
        raise DeliveryError(_l("Chưa ghi số hiệu bưu gửi cho: %(codes)s.",
                               codes=", ".join(c or "" for c in missing)), "tracking_number")
    claimed = db.session.execute(
        update(PostalBatch).where(PostalBatch.id == batch.id,
                                  PostalBatch.state == BatchState.OPEN)
        .values(state=BatchState.DISPATCHED, dispatched_at=at, dispatched_by_id=user.id)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict(_l("Bảng kê này vừa được giao cho bưu chính bởi người khác."))
    db.session.refresh(batch)
    for shipment in batch.shipments:
        _step(shipment, ShipmentAction.DISPATCH, user, at)
        shipment.dispatched_at = at
        _announce(shipment, "postal_dispatched", at)
    db.session.flush()


# --- in the post --------------------------------------------------------------------------

def deliver(shipment: Shipment, user: Any, at: datetime, note: str = "", *,
            by_applicant: bool = False) -> None:
    """Delivered: the dossier is returned in the same flush (workflow's hand-over)."""
    from portal.workflow.actions import record_postal_delivery

    action = ShipmentAction.CONFIRM_RECEIPT if by_applicant else ShipmentAction.DELIVER
    _step(shipment, action, user, at, note)
    shipment.delivered_at = at
    record_postal_delivery(shipment.dossier, user, at, shipment.tracking_number or "",
                           by_applicant=by_applicant)
    db.session.flush()


def fail(shipment: Shipment, user: Any, at: datetime, note: str = "") -> None:
    _step(shipment, ShipmentAction.FAIL, user, at, note)
    shipment.attempts += 1
    _announce(shipment, "postal_failed", at, note=note)
    db.session.flush()


def return_to_centre(shipment: Shipment, user: Any, at: datetime, note: str = "") -> None:
    """The post brought the result back: it waits at the counter; the applicant is told."""
    _step(shipment, ShipmentAction.RETURN_TO_CENTRE, user, at, note)
    shipment.returned_at = at
    add_event(shipment.dossier, "postal_returned",
              "Bưu chính đã chuyển hoàn kết quả về Trung tâm; kết quả chờ nhận tại quầy.",
              user, at)
    _announce(shipment, "postal_returned", at, note=note)
    db.session.flush()


def _announce(shipment: Shipment, key: str, at: datetime, **extra: Any) -> None:
    events.send(shipment.dossier, key, at, tracking_number=shipment.tracking_number or "",
                **{"note": "", **extra})


# --- inbound --------------------------------------------------------------------------------

def record_inbound(dossier: Dossier, number: str, user: Any, at: datetime) -> Shipment | None:
    """The envelope a postal dossier came in (optional): its S10 tracking number."""
    value = s10.normalise(number)
    if not value:
        return None
    if not s10.is_valid(value):
        raise DeliveryError(_l("Số hiệu bưu gửi “%(value)s” không hợp lệ (ví dụ EB123456785VN).",
                               value=value[:20]), "envelope_tracking")
    shipment = Shipment(dossier=dossier, direction=Direction.INBOUND, state=S.RECEIVED,
                        tracking_number=value, created_at=at,
                        created_by_id=getattr(user, "id", None))
    shipment.events.append(ShipmentEvent(state=S.RECEIVED, at=at,
                                         actor_id=shipment.created_by_id))
    db.session.add(shipment)
    return shipment


def dossier_problems(dossier: Dossier) -> list[str]:
    """Where the dossier and its shipments disagree (none, ever: the tests assert it)."""
    shipment = latest_outbound(dossier.id)
    if shipment is None:
        return []
    problems = []
    if shipment.state in ACTIVE and dossier.state is not DossierState.RESULT_READY:
        problems.append(f"shipment {shipment.state} but dossier {dossier.state}")
    if shipment.state is S.RETURNED_TO_CENTRE and dossier.state is not DossierState.RESULT_READY:
        problems.append("back at the centre but the dossier is not waiting at the counter")
    if shipment.state in (S.DELIVERED, S.COLLECTED) and dossier.state is not DossierState.RETURNED:
        problems.append(f"shipment {shipment.state} but dossier {dossier.state}")
    return problems
