"""The outbound shipment's state machine, as data (as ``workflow.transitions`` is for the
dossier): for each action, the states it starts from, the state it leads to and who may
take it. ``operations`` has one function per action; the tests read this table.

The dossier follows: it stays *result ready* while its result is in the post and becomes
*returned* only when the delivery is confirmed (by the postal officer, the carrier's status
file or the applicant), or when the applicant collects it at the counter after the post
brought it back (``COLLECT``, taken through the counter's hand-over)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from portal.core.i18n import N_
from portal.delivery.models import ShipmentState

S = ShipmentState


class ShipmentActor(enum.StrEnum):
    POSTAL = "postal"  # a postal officer serving the dossier's agency
    COUNTER = "counter"  # a counter officer of the dossier's agency
    APPLICANT = "applicant"  # the applicant, confirming receipt


class ShipmentAction(enum.StrEnum):
    BATCH = "batch"
    UNBATCH = "unbatch"
    DISPATCH = "dispatch"
    DELIVER = "deliver"
    FAIL = "fail"
    RETURN_TO_CENTRE = "return_to_centre"
    COLLECT = "collect"
    CONFIRM_RECEIPT = "confirm_receipt"


@dataclass(frozen=True)
class ShipmentTransition:
    sources: frozenset[ShipmentState]
    target: ShipmentState
    actors: frozenset[ShipmentActor]
    label: str


A = ShipmentActor
IN_THE_POST = frozenset({S.DISPATCHED, S.FAILED_ATTEMPT})


def _t(sources, target, label, *actors) -> ShipmentTransition:
    return ShipmentTransition(frozenset(sources), target, frozenset(actors), label)


TRANSITIONS: dict[ShipmentAction, ShipmentTransition] = {
    ShipmentAction.BATCH: _t({S.READY}, S.IN_BATCH, N_("Đưa vào bảng kê"), A.POSTAL),
    ShipmentAction.UNBATCH: _t({S.IN_BATCH}, S.READY, N_("Bỏ khỏi bảng kê"), A.POSTAL),
    ShipmentAction.DISPATCH: _t({S.IN_BATCH}, S.DISPATCHED, N_("Giao cho bưu chính"),
                                A.POSTAL),
    ShipmentAction.DELIVER: _t(IN_THE_POST, S.DELIVERED, N_("Xác nhận đã phát"), A.POSTAL),
    ShipmentAction.FAIL: _t(IN_THE_POST, S.FAILED_ATTEMPT, N_("Ghi phát không thành công"),
                            A.POSTAL),
    ShipmentAction.RETURN_TO_CENTRE: _t(IN_THE_POST, S.RETURNED_TO_CENTRE,
                                        N_("Chuyển hoàn về Trung tâm"), A.POSTAL),
    ShipmentAction.COLLECT: _t({S.RETURNED_TO_CENTRE}, S.COLLECTED,
                               N_("Trả kết quả tại quầy"), A.COUNTER),
    ShipmentAction.CONFIRM_RECEIPT: _t(IN_THE_POST, S.DELIVERED, N_("Tôi đã nhận kết quả"),
                                       A.APPLICANT),
}

# The outbound states in which the result is still the post's (or on its way to it): the
# dossier is result_ready and the counter cannot hand it over.
ACTIVE = frozenset({S.READY, S.IN_BATCH, S.DISPATCHED, S.FAILED_ATTEMPT})
# The states in which the result has reached the applicant: the dossier is returned.
DONE = frozenset({S.DELIVERED, S.COLLECTED})

# The messages a shipment sends (notifications/defaults.py), beside the workflow's table of
# action → message (``workflow.transitions.MESSAGES``).
MESSAGES = frozenset({"postal_dispatched", "postal_failed", "postal_returned",
                      "postal_delivered"})
