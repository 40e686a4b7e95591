"""The transition table (DESIGN.md §4): the whole lifecycle of a dossier, from the
applicant's submission to the hand-over. For each action, the states it starts from, the state
it leads to, and who may take it. ``actions.FUNCTIONS`` names the one function per action;
this table is what they, the staff pages (which buttons to show) and the tests all read."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.accounts import policy
from portal.accounts.models import Role
from portal.catalog.models import StepRole
from portal.core.i18n import N_, LazyText
from portal.core.i18n import lazy_text as _l
from portal.dossiers.models import Dossier
from portal.dossiers.queries import is_visible_to
from portal.dossiers.states import (
    BEFORE_RECEPTION,
    PROCESSING,
    UNRESOLVED_RECEIVED,
    WITHDRAWABLE,
    DossierState,
)
from portal.extensions import db
from portal.workflow import inter_agency
from portal.workflow.appointments import apology_owed
from portal.workflow.plan import next_processing

S = DossierState


class Actor(enum.StrEnum):
    """The capacity in which a user acts on one dossier."""

    APPLICANT = "applicant"  # the applicant (or a member of the applicant organisation)
    COUNTER = "counter"  # counter officer of the dossier's agency
    SPECIALIST = "specialist"  # specialist of the dossier's agency
    LEADER = "leader"  # leader of the dossier's agency
    CONSULTED = "consulted"  # specialist/leader of an agency with an open consultation
    # Specialist/leader (and the leader alone) of the agency holding the dossier on an
    # inter-agency leg (liên thông): the agency of its chain it was sent to.
    RECEIVER = "receiver"
    RECEIVER_LEADER = "receiver_leader"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    REQUEST_COMPLETION = "request_completion"
    REFUSE_RECEPTION = "refuse_reception"
    RESOLVE_ON_THE_SPOT = "resolve_on_the_spot"
    RESUBMIT = "resubmit"
    TAKE = "take"
    ASSIGN = "assign"
    COMPLETE_STEP = "complete_step"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    REQUEST_CONSULTATION = "request_consultation"
    ANSWER_CONSULTATION = "answer_consultation"
    FORWARD_INTER_AGENCY = "forward_inter_agency"
    RECORD_INTER_AGENCY_RESULT = "record_inter_agency_result"
    INTER_AGENCY_RETURNED = "inter_agency_returned"
    INTER_AGENCY_ONWARD = "inter_agency_onward"
    REQUEST_OBLIGATION = "request_obligation"
    OBLIGATION_FULFILLED = "obligation_fulfilled"
    APPROVE = "approve"
    REFUSE = "refuse"
    STOP = "stop"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    CONFIRM_WITHDRAWAL = "confirm_withdrawal"
    HAND_OVER = "hand_over"
    APOLOGISE = "apologise"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def transition(self) -> Transition:
        return TRANSITIONS[self]


ACTION_LABELS = {
    Action.SUBMIT: N_("Nộp hồ sơ"),
    Action.RECEIVE: N_("Tiếp nhận hồ sơ"),
    Action.REQUEST_COMPLETION: N_("Yêu cầu bổ sung trước khi tiếp nhận"),
    Action.REFUSE_RECEPTION: N_("Từ chối tiếp nhận"),
    Action.RESOLVE_ON_THE_SPOT: N_("Tiếp nhận và trả kết quả ngay"),
    Action.RESUBMIT: N_("Gửi lại hồ sơ đã hoàn thiện"),
    Action.TAKE: N_("Nhận xử lý"),
    Action.ASSIGN: N_("Phân công"),
    Action.COMPLETE_STEP: N_("Hoàn thành bước, chuyển bước tiếp theo"),
    Action.REQUEST_SUPPLEMENT: N_("Yêu cầu bổ sung hồ sơ"),
    Action.SUPPLEMENT: N_("Nộp bổ sung"),
    Action.REQUEST_CONSULTATION: N_("Lấy ý kiến cơ quan khác"),
    Action.ANSWER_CONSULTATION: N_("Trả lời xin ý kiến"),
    Action.FORWARD_INTER_AGENCY: N_("Chuyển liên thông"),
    Action.RECORD_INTER_AGENCY_RESULT: N_("Ghi kết quả xử lý liên thông"),
    Action.INTER_AGENCY_RETURNED: N_("Chuyển trả hồ sơ liên thông về cơ quan chủ trì"),
    Action.INTER_AGENCY_ONWARD: N_("Chuyển tiếp cơ quan liên thông kế tiếp"),
    Action.REQUEST_OBLIGATION: N_("Thông báo nghĩa vụ tài chính"),
    Action.OBLIGATION_FULFILLED: N_("Xác nhận đã thực hiện nghĩa vụ tài chính"),
    Action.APPROVE: N_("Phê duyệt, ban hành kết quả"),
    Action.REFUSE: N_("Từ chối giải quyết"),
    Action.STOP: N_("Dừng xử lý"),
    Action.REQUEST_WITHDRAWAL: N_("Rút hồ sơ"),
    Action.CONFIRM_WITHDRAWAL: N_("Xác nhận rút hồ sơ"),
    Action.HAND_OVER: N_("Trả kết quả"),
    Action.APOLOGISE: N_("Xin lỗi và hẹn lại ngày trả"),
}

@dataclass(frozen=True)
class Transition:
    sources: frozenset[DossierState]
    target: DossierState | None  # None: the state does not change
    actors: frozenset[Actor]


def _t(sources, target, *actors: Actor) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors))


A = Actor
TRANSITIONS: dict[Action, Transition] = {
    # The online submission (dossiers.operations.submit); the counter's intake
    # (workflow.intake) files a paper dossier straight into the same state.
    Action.SUBMIT: _t({S.DRAFT}, S.SUBMITTED, A.APPLICANT),
    Action.RECEIVE: _t({S.SUBMITTED}, S.RECEIVED, A.COUNTER),
    Action.REQUEST_COMPLETION: _t({S.SUBMITTED}, S.NEEDS_COMPLETION, A.COUNTER),
    Action.REFUSE_RECEPTION: _t(BEFORE_RECEPTION, S.REFUSED, A.COUNTER),
    Action.RESOLVE_ON_THE_SPOT: _t({S.SUBMITTED}, S.RETURNED, A.COUNTER),
    Action.RESUBMIT: _t({S.NEEDS_COMPLETION}, S.SUBMITTED, A.APPLICANT),
    Action.TAKE: _t(PROCESSING, S.IN_PROGRESS, A.SPECIALIST, A.LEADER),
    Action.ASSIGN: _t(PROCESSING, S.IN_PROGRESS, A.LEADER),
    Action.COMPLETE_STEP: _t({S.IN_PROGRESS}, S.IN_PROGRESS, A.SPECIALIST, A.LEADER),
    Action.REQUEST_SUPPLEMENT: _t(PROCESSING, S.AWAITING_SUPPLEMENT, A.SPECIALIST, A.LEADER),
    Action.SUPPLEMENT: _t({S.AWAITING_SUPPLEMENT}, S.IN_PROGRESS, A.APPLICANT, A.COUNTER),
    Action.REQUEST_CONSULTATION: _t({S.IN_PROGRESS}, S.AWAITING_CONSULTATION, A.SPECIALIST,
                                    A.LEADER),
    # Back to in_progress once every consultation of the dossier is answered; until then
    # the state does not change.
    Action.ANSWER_CONSULTATION: _t({S.AWAITING_CONSULTATION}, S.IN_PROGRESS, A.CONSULTED),
    Action.FORWARD_INTER_AGENCY: _t({S.IN_PROGRESS}, S.INTER_AGENCY, A.LEADER),
    # The receiving agency acts while it holds the dossier: its specialist (or leader)
    # records its result, its leader sends the dossier back to the dossier's agency or on to
    # the next agency of the chain (issue 18). The sender no longer records the return.
    Action.RECORD_INTER_AGENCY_RESULT: _t({S.INTER_AGENCY}, None, A.RECEIVER),
    Action.INTER_AGENCY_RETURNED: _t({S.INTER_AGENCY}, S.IN_PROGRESS, A.RECEIVER_LEADER),
    Action.INTER_AGENCY_ONWARD: _t({S.INTER_AGENCY}, None, A.RECEIVER_LEADER),
    Action.REQUEST_OBLIGATION: _t({S.IN_PROGRESS}, S.AWAITING_PAYMENT_OF_OBLIGATION,
                                  A.SPECIALIST, A.LEADER),
    Action.OBLIGATION_FULFILLED: _t({S.AWAITING_PAYMENT_OF_OBLIGATION}, S.IN_PROGRESS,
                                    A.SPECIALIST, A.LEADER, A.COUNTER),
    Action.APPROVE: _t({S.IN_PROGRESS}, S.RESULT_READY, A.LEADER),
    Action.REFUSE: _t(PROCESSING, S.REFUSED, A.LEADER),
    Action.STOP: _t(UNRESOLVED_RECEIVED, S.STOPPED, A.LEADER),
    # The applicant's request (dossiers.operations.request_withdrawal) only records it; an
    # officer's confirmation withdraws the dossier.
    Action.REQUEST_WITHDRAWAL: _t(WITHDRAWABLE, None, A.APPLICANT),
    Action.CONFIRM_WITHDRAWAL: _t(WITHDRAWABLE, S.WITHDRAWN, A.COUNTER, A.LEADER),
    Action.HAND_OVER: _t({S.RESULT_READY}, S.RETURNED, A.COUNTER),
    Action.APOLOGISE: _t(UNRESOLVED_RECEIVED, None, A.LEADER),
}

# What the applicant is told after each action (issue 13; the texts are in
# notifications/defaults.py, sent by notifications/events.py): a message key, or None for an
# action that tells them nothing — they took it themselves (submit, resubmit, supplement, ask
# to withdraw), it is the agency's internal work (take, assign, steps, answers, the
# return of a forwarded dossier, a payment the officer records), or they are at the counter
# (resolved on the spot). Every action is in this table (tests/unit/notifications).
MESSAGES: dict[Action, str | None] = {
    Action.SUBMIT: None,
    Action.RECEIVE: "received",
    Action.REQUEST_COMPLETION: "completion_requested",
    Action.REFUSE_RECEPTION: "refused",
    Action.RESOLVE_ON_THE_SPOT: None,
    Action.RESUBMIT: None,
    Action.TAKE: None,
    Action.ASSIGN: None,
    Action.COMPLETE_STEP: None,
    Action.REQUEST_SUPPLEMENT: "supplement_requested",
    Action.SUPPLEMENT: None,
    Action.REQUEST_CONSULTATION: "consultation",
    Action.ANSWER_CONSULTATION: None,
    Action.FORWARD_INTER_AGENCY: "forwarded",
    Action.INTER_AGENCY_RETURNED: None,
    Action.RECORD_INTER_AGENCY_RESULT: None,
    Action.INTER_AGENCY_ONWARD: None,
    Action.REQUEST_OBLIGATION: "obligation",
    Action.OBLIGATION_FULFILLED: None,
    Action.APPROVE: "result_ready",
    Action.REFUSE: "refused",
    Action.STOP: "stopped",
    Action.REQUEST_WITHDRAWAL: None,
    Action.CONFIRM_WITHDRAWAL: "withdrawn",
    Action.HAND_OVER: "handed_over",
    Action.APOLOGISE: "apology",
}

_ROLE_ACTOR = {Role.COUNTER_OFFICER: Actor.COUNTER, Role.SPECIALIST: Actor.SPECIALIST,
               Role.LEADER: Actor.LEADER}


def move(dossier: Dossier, action: Action) -> None:
    """The dossier enters the state the table says ``action`` leads to: the one place a
    target state is written."""
    target = action.transition.target
    assert target is not None, f"{action} does not change the state"
    dossier.state = target


def actors_for(user: Any, dossier: Dossier) -> frozenset[Actor]:
    """Every capacity in which ``user`` may act on ``dossier``."""
    if user is None or not getattr(user, "is_authenticated", True):
        return frozenset()
    found = {_ROLE_ACTOR[role] for role in policy.officer_roles_in(user, dossier.agency_id)}
    if dossier.applicant_id is not None and is_visible_to(dossier, user):
        found.add(Actor.APPLICANT)
    consulting = policy.consulting_agency_ids(user)
    if consulting and dossier.state is S.INTER_AGENCY:
        found |= _receiver(user, dossier, consulting)
    if consulting and dossier.state is S.AWAITING_CONSULTATION:
        from portal.workflow.models import Consultation

        open_asks = db.session.scalars(select(Consultation.agency_id).where(
            Consultation.dossier_id == dossier.id, Consultation.answered_at.is_(None))).all()
        if consulting & set(open_asks):
            found.add(Actor.CONSULTED)
    return frozenset(found)


def _receiver(user: Any, dossier: Dossier, consulting: set[int]) -> set[Actor]:
    """The capacities of an officer of the agency holding an inter-agency dossier. A dossier
    forwarded before the chains existed has no leg: the dossier's own agency records its
    return, as it did then."""
    leg = inter_agency.open_leg(dossier)
    holder = leg.agency_id if leg is not None else dossier.agency_id
    if holder not in consulting:
        return set()
    found = {Actor.RECEIVER}
    if Role.LEADER in policy.officer_roles_in(user, holder):
        found.add(Actor.RECEIVER_LEADER)
    return found


# The actions that turn a dossier aside (to another agency, to its end without a result, an
# apology) rather than forward: the workspace groups them under "other actions", after the
# usual next ones (receive or ask for completion, take, ask for a supplement, complete the
# step, approve, hand over; issue 18).
RARE_ACTIONS = frozenset({
    Action.REFUSE_RECEPTION, Action.REQUEST_CONSULTATION, Action.FORWARD_INTER_AGENCY,
    Action.REQUEST_OBLIGATION,
    Action.REFUSE, Action.STOP, Action.CONFIRM_WITHDRAWAL, Action.APOLOGISE})

# The actions of the step in progress: a leader may take them on any step; a specialist only on
# a step they hold, or on a free step that is not the leader's (they become its holder).
STEP_ACTIONS = frozenset({Action.COMPLETE_STEP, Action.REQUEST_SUPPLEMENT,
                          Action.REQUEST_CONSULTATION, Action.REQUEST_OBLIGATION})


def step_refusal(action: Action, user: Any, actors: frozenset[Actor], dossier: Dossier
                 ) -> LazyText | None:
    """Why ``user`` (in ``actors``) may not take ``action`` on the dossier's open step, or
    None. One rule for the page (which actions are offered: ``allowed_actions``) and for the
    action functions (which refuse with this message as a ``Conflict``: the step moved on, or
    is someone else's, since the page was drawn)."""
    if action is not Action.TAKE and action not in STEP_ACTIONS:
        return None
    step = next((s for s in dossier.steps if s.finished_at is None), None)
    if step is None:
        return None  # the action refuses it in its own words (no step in progress)
    user_id = getattr(user, "id", None)
    leader = Actor.LEADER in actors
    if action is Action.TAKE:
        if step.holder_id == user_id:
            return _l("Bạn đang xử lý bước “%(step)s” của hồ sơ này.", step=step.name)
        if step.holder_id is not None:
            return _l("Hồ sơ đang do %(name)s xử lý; lãnh đạo có thể phân công lại.",
                      name=step.holder.full_name if step.holder else "")
    if leader or step.holder_id == user_id:
        return None
    if step.role is StepRole.LEADER:
        return _l("Bước “%(step)s” thuộc lãnh đạo cơ quan; chỉ lãnh đạo thực hiện được thao "
                  "tác này.", step=step.name)
    if step.holder_id is not None:
        return _l("Bước “%(step)s” đang do %(name)s xử lý; chỉ người xử lý bước (hoặc lãnh "
                  "đạo) mới thực hiện được thao tác này.", step=step.name,
                  name=step.holder.full_name if step.holder else "")
    return None


# Cheap conditions that decide whether an action is worth offering at all; the action
# functions enforce them (and the rest of their guards) again.
_OFFERED_WHEN: dict[Action, Callable[[Dossier, datetime | None], bool]] = {
    Action.REQUEST_WITHDRAWAL: lambda d, now: d.withdrawal_requested_at is None,
    Action.CONFIRM_WITHDRAWAL: lambda d, now: d.withdrawal_requested_at is not None,
    Action.RESOLVE_ON_THE_SPOT: lambda d, now: d.procedure_version.on_the_spot,
    Action.APOLOGISE: lambda d, now: now is not None and apology_owed(d, now),
    # Forwarded only along the version's chain; returned once the receiver recorded a result
    # (or, forwarded before the chains, at once); on only when an agency follows in the chain.
    Action.FORWARD_INTER_AGENCY: lambda d, now: (d.procedure_version.inter_agency
                                                 and bool(d.procedure_version.chain)),
    Action.INTER_AGENCY_RETURNED: lambda d, now: inter_agency.result_recorded(d),
    Action.INTER_AGENCY_ONWARD: lambda d, now: (inter_agency.result_recorded(d)
                                                and inter_agency.onward_link(d) is not None),
    Action.RECORD_INTER_AGENCY_RESULT: lambda d, now: inter_agency.open_leg(d) is not None,
    # The last processing step is not completed: its leader approves (or refuses).
    Action.COMPLETE_STEP: lambda d, now: _open_step_position(d) is not None and (
        next_processing(d, _open_step_position(d)) is not None),
}


def _open_step_position(dossier: Dossier) -> int | None:
    return next((s.position for s in dossier.steps if s.finished_at is None), None)


def allowed_actions(user: Any, dossier: Dossier, now: datetime | None = None, *,
                    actors: frozenset[Actor] | None = None) -> list[Action]:
    """The actions ``user`` may start on ``dossier`` in its current state, in table order.
    ``actors``: the user's capacities on it, when the caller has them already."""
    if actors is None:
        actors = actors_for(user, dossier)
    return [action for action, t in TRANSITIONS.items()
            if dossier.state in t.sources and actors & t.actors
            and _OFFERED_WHEN.get(action, lambda d, n: True)(dossier, now)
            and step_refusal(action, user, actors, dossier) is None]
