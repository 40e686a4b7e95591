"""The shipment's state machine (issue 15): which actions, by whom, and the dossier that
follows — returned only when the delivery is confirmed or the result is collected."""

from __future__ import annotations

import pytest
from delivery_world import at, postal_world
from sqlalchemy import select

from portal.delivery import operations as ops
from portal.delivery.models import Direction, Shipment, ShipmentState
from portal.delivery.states import TRANSITIONS, ShipmentAction, ShipmentActor
from portal.dossiers.models import DossierState, ReturnMethod
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.payments.models import PostageRate
from portal.workflow import actions as wf

S = ShipmentState
D = DossierState


@pytest.fixture
def world(db_session):
    return postal_world()


def _shipment(d) -> Shipment:
    return ops.latest_outbound(d.id)


def _dispatched(world, d):
    s = _shipment(d)
    batch = ops.open_batch(world.postal, [s], at(14, 8))
    ops.set_tracking_number(s, "EB123456785VN", world.postal)
    ops.dispatch_batch(batch, world.postal, at(14, 9))
    return s


def _messages(d) -> list[str]:
    return [m.subject for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dossier_id == d.id).order_by(OutboxMessage.id))]


def test_hand_over_by_post_creates_a_shipment_and_the_dossier_is_not_returned(world):
    d = world.posted()
    s = _shipment(d)
    assert d.state is D.RESULT_READY and d.returned_at is None
    assert s.state is S.READY and s.direction is Direction.OUTBOUND
    assert s.recipient == "Nguyễn Văn An" and s.phone == "0912345678"
    assert s.address == "Thôn 1, Tịnh Phong, Sơn Tịnh, Quảng Ngãi"
    assert s.postage_vnd == 0  # no tariff in this world
    assert ops.dossier_problems(d) == []
    # Not twice: the second hand-over by post is refused.
    with pytest.raises(wf.WorkflowError, match="đã được chuyển cho bưu chính"):
        wf.hand_over(d, world.ctx(world.counter, at(13, 11)), ReturnMethod.POSTAL)


def test_the_whole_way_to_delivered(world):
    d = world.posted()
    s = _dispatched(world, d)
    assert s.state is S.DISPATCHED and s.dispatched_at == at(14, 9)
    assert d.state is D.RESULT_READY
    assert any("gửi qua bưu chính" in m for m in _messages(d))
    ops.fail(s, world.postal, at(15, 9), "Vắng nhà")
    assert s.state is S.FAILED_ATTEMPT and s.attempts == 1 and d.state is D.RESULT_READY
    ops.deliver(s, world.postal, at(16, 9))
    assert s.state is S.DELIVERED and d.state is D.RETURNED
    assert d.returned_at == at(16, 9) and d.returned_to == "EB123456785VN"
    assert d.return_method is ReturnMethod.POSTAL
    assert [e.state for e in s.events] == [S.READY, S.IN_BATCH, S.DISPATCHED,
                                           S.FAILED_ATTEMPT, S.DELIVERED]
    assert ops.dossier_problems(d) == [] and wf.invariant_problems(d) == []
    assert any("đã được phát" in m for m in _messages(d))


def test_the_applicant_confirms_receipt(world):
    d = world.posted()
    s = _dispatched(world, d)
    with pytest.raises(ops.Forbidden):
        ops.deliver(s, world.stranger, at(15, 9), by_applicant=True)
    ops.deliver(s, world.applicant, at(15, 9), by_applicant=True)
    assert s.state is S.DELIVERED and d.state is D.RETURNED
    assert "xác nhận đã nhận" in d.events[-1].message


def test_a_failed_delivery_ends_at_the_counter(world):
    d = world.posted()
    s = _dispatched(world, d)
    ops.fail(s, world.postal, at(15, 9))
    # While it is in the post the counter cannot hand it over.
    with pytest.raises(wf.WorkflowError, match="đang được chuyển qua bưu chính"):
        wf.hand_over(d, world.ctx(world.counter, at(15, 10)), ReturnMethod.COUNTER, "An, 0510")
    ops.return_to_centre(s, world.postal, at(17, 9), "Hết thời hạn lưu")
    assert s.state is S.RETURNED_TO_CENTRE and d.state is D.RESULT_READY
    assert any("chuyển hoàn" in m for m in _messages(d))
    wf.hand_over(d, world.ctx(world.counter, at(18, 9)), ReturnMethod.COUNTER,
                 "Nguyễn Văn An, 051090000001")
    assert s.state is S.COLLECTED and d.state is D.RETURNED
    assert d.return_method is ReturnMethod.COUNTER
    assert ops.dossier_problems(d) == []


def test_dispatch_needs_every_tracking_number(world):
    d = world.posted()
    batch = ops.open_batch(world.postal, [_shipment(d)], at(14, 8))
    with pytest.raises(ops.DeliveryError, match="Chưa ghi số hiệu"):
        ops.dispatch_batch(batch, world.postal, at(14, 9))
    with pytest.raises(ops.DeliveryError, match="không hợp lệ"):
        ops.set_tracking_number(_shipment(d), "EB123456784VN", world.postal)


def test_a_tracking_number_is_used_once(world):
    first, second = world.posted(), world.posted()
    ops.open_batch(world.postal, [_shipment(first), _shipment(second)], at(14, 8))
    ops.set_tracking_number(_shipment(first), "eb 123456785 vn", world.postal)
    assert _shipment(first).tracking_number == "EB123456785VN"
    with pytest.raises(ops.DeliveryError, match="đã được ghi"):
        ops.set_tracking_number(_shipment(second), "EB123456785VN", world.postal)


def test_a_dispatched_batch_cannot_be_dispatched_again(world):
    d = world.posted()
    s = _dispatched(world, d)
    with pytest.raises(ops.Conflict):
        ops.dispatch_batch(s.batch, world.postal, at(14, 10))
    with pytest.raises(ops.DeliveryError, match="đã được giao"):
        ops.set_tracking_number(s, "EB000000005VN", world.postal)


# --- the table, action × actor ------------------------------------------------------------

def _actor_user(world, actor):
    return {ShipmentActor.POSTAL: world.postal, ShipmentActor.COUNTER: world.counter,
            ShipmentActor.APPLICANT: world.applicant}[actor]


@pytest.mark.parametrize("who", ["postal", "other_postal", "counter", "leader", "applicant",
                                 "stranger"])
def test_who_may_take_each_action(world, who):
    d = world.posted()
    s = _shipment(d)
    user = getattr(world, who)
    actors = ops.actors_for(user, s)
    expected = {"postal": {ShipmentActor.POSTAL}, "counter": {ShipmentActor.COUNTER},
                "applicant": {ShipmentActor.APPLICANT}}.get(who, set())
    assert actors == expected
    for action, transition in TRANSITIONS.items():
        offered = action in ops.allowed(user, s)
        assert offered == (s.state in transition.sources and bool(actors & transition.actors))


def test_every_action_refuses_outside_its_states_and_actors(world):
    d = world.posted()
    s = _shipment(d)  # ready
    with pytest.raises(ops.Forbidden):
        ops.open_batch(world.other_postal, [s], at(14, 8))
    with pytest.raises(ops.Forbidden):
        ops.open_batch(world.counter, [s], at(14, 8))
    for function in (ops.fail, ops.deliver, ops.return_to_centre):
        with pytest.raises(ops.DeliveryError, match="Không thể"):
            function(s, world.postal, at(14, 8))
    assert s.state is S.READY and d.state is D.RESULT_READY
    assert set(TRANSITIONS) == set(ShipmentAction)


def test_inbound_envelope_is_recorded_when_valid(world):
    d = world.result_ready()
    assert ops.record_inbound(d, "", world.counter, at(12, 9)) is None
    with pytest.raises(ops.DeliveryError):
        ops.record_inbound(d, "EB123", world.counter, at(12, 9))
    inbound = ops.record_inbound(d, "rr473124829gb", world.counter, at(12, 9))
    assert inbound.tracking_number == "RR473124829GB" and inbound.state is S.RECEIVED


def test_the_shipment_carries_the_postage_of_the_tariff(world):
    """The administrator's tariff (issue 14) prices the shipment: the province's row, else the
    default row."""
    db.session.add_all([PostageRate(zone="Nội tỉnh", province="Quảng Ngãi", amount=25000),
                        PostageRate(zone="Ngoại tỉnh", province="", amount=40000)])
    db.session.flush()
    d = world.posted()
    assert _shipment(d).postage_vnd == 25000
