"""Any sequence of shipment actions, by anyone, leaves the dossier and its shipment agreeing
(issue 15): each action either is refused with nothing changed, or moves the shipment as the
table says and the dossier with it."""

from __future__ import annotations

from delivery_world import at, postal_world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.delivery import operations as ops
from portal.delivery.states import DONE, TRANSITIONS, ShipmentAction, ShipmentActor
from portal.dossiers.models import DossierState, ReturnMethod
from portal.workflow import actions as wf

A = ShipmentAction
PEOPLE = ("postal", "other_postal", "counter", "applicant", "stranger")
STEPS = st.lists(st.tuples(st.sampled_from(list(A)), st.sampled_from(PEOPLE)), max_size=8)
ACTOR_OF = {"postal": ShipmentActor.POSTAL, "counter": ShipmentActor.COUNTER,
            "applicant": ShipmentActor.APPLICANT}


def _take(w, d, s, action: A, user, when):
    if action is A.BATCH:
        return ops.open_batch(user, [s], when)
    if action is A.UNBATCH:
        return ops.remove_from_batch(s, user, when)
    if action is A.DISPATCH:
        if s.batch is not None and not s.tracking_number and ops.actors_for(user, s):
            ops.set_tracking_number(s, "EB123456785VN", w.postal)
        return ops.dispatch_batch(s.batch, user, when) if s.batch else ops._step(
            s, A.DISPATCH, user, when)
    if action is A.COLLECT:
        return wf.hand_over(d, w.ctx(user, when), ReturnMethod.COUNTER, "Nguyễn Văn An, 0510")
    return {A.DELIVER: ops.deliver, A.FAIL: ops.fail, A.RETURN_TO_CENTRE: ops.return_to_centre,
            A.CONFIRM_RECEIPT: lambda *a: ops.deliver(*a, by_applicant=True)}[action](
        s, user, when)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=STEPS)
def test_the_dossier_and_its_shipment_never_disagree(db_session, steps):
    w = postal_world()
    d = w.posted()
    s = ops.latest_outbound(d.id)
    for hour, (action, who) in enumerate(steps):
        before = (s.state, d.state)
        transition = TRANSITIONS[action]
        allowed = (s.state in transition.sources
                   and ACTOR_OF.get(who) in transition.actors)
        try:
            _take(w, d, s, action, getattr(w, who), at(14 + hour // 8, 8 + hour % 8))
        except (ops.DeliveryError, wf.WorkflowError):
            assert not allowed, (action, who, before)
            assert (s.state, d.state) == before
            continue
        assert allowed, (action, who, before)
        assert s.state is transition.target
        assert ops.dossier_problems(d) == [], (action, s.state, d.state)
        assert wf.invariant_problems(d) == []
        assert (d.state is DossierState.RETURNED) == (s.state in DONE)
