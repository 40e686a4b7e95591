"""One function per workflow action (DESIGN.md §4, issue #4).

Each function checks, in this order: that the dossier is the version the officer looked at
(optimistic locking), that the user may act (``transitions.TRANSITIONS``; else ``Forbidden``),
that the dossier is in a state the action starts from, and the action's own guard; then it
changes the state, timestamps, steps and pauses, writes a ``DossierEvent`` and the outbox
rows, and flushes. The route commits once; the dossier's version column makes a concurrent
commit by someone else fail instead of silently overwriting (``Conflict``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.accounts import policy
from portal.accounts.models import Role, User
from portal.calendar import VN_TZ, Duration, DurationUnit, WorkCalendar
from portal.calendar.holidays_vn import fmt_dt_vi
from portal.catalog.models import Agency, StepRole
from portal.core import refusal
from portal.core.formatting import vn_money
from portal.core.i18n import LazyText
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.dossiers.codes import bump_sequence
from portal.dossiers.models import (
    Channel,
    Dossier,
    DossierState,
    FileKind,
    ReturnMethod,
)
from portal.dossiers.operations import add_event
from portal.dossiers.states import PAUSED_STATES
from portal.extensions import db
from portal.notifications import events
from portal.payments import operations as payment_ops
from portal.payments.models import RequestReason
from portal.payments.queries import (
    awaits_payment_at_submission,
    exemption_pending_at_submission,
)
from portal.workflow import appointments, inter_agency, obligations, papers
from portal.workflow.models import (
    Consultation,
    DossierStep,
    InterAgencyLeg,
    Notice,
    NoticeKind,
    NoticeSequence,
    Pause,
    PauseKind,
)
from portal.workflow.plan import DEFAULT_STEPS, Planned, next_processing, plan_of
from portal.workflow.transitions import Action, Actor, actors_for, move, step_refusal

S = DossierState
INTER_AGENCY_MIN_DAYS = 3  # forwarding with less left than this needs a confirmation
# A request for papers (form 02) asks the applicant to answer within this many working days;
# the date (Notice.answer_by) is shown on their dossier page. Nothing happens by itself when
# it passes: the officer decides (a reminder, a refusal or a stop, each with its notice).
ANSWER_WITHIN = 10


class WorkflowError(Refusal):
    """A refusal with a Vietnamese message for the officer (``field``: the form field)."""


class Forbidden(WorkflowError, refusal.Forbidden):
    """The user may not take this action on this dossier (the route answers 403)."""


class Conflict(WorkflowError, refusal.Stale):
    """Someone changed the dossier since the user loaded it; show the fresh state."""


class NeedsConfirmation(WorkflowError):
    """Allowed, but the officer must confirm a warning first (e.g. little time left)."""


# Issue 14: a version whose fees are due at submission is received only once they are paid.
UNPAID_AT_SUBMISSION = _l("Chưa thể tiếp nhận: thủ tục này thu phí, lệ phí ngay khi nộp hồ sơ "
                          "và hồ sơ đang chờ thanh toán. Đề nghị người nộp thanh toán trực "
                          "tuyến, hoặc ghi nhận khoản thanh toán tại quầy rồi tiếp nhận.")
EXEMPTION_UNDECIDED = _l("Chưa thể tiếp nhận: người nộp đề nghị miễn phí, lệ phí và thủ tục "
                         "thu phí, lệ phí ngay khi nộp hồ sơ. Hãy xem giấy tờ chứng minh và "
                         "xác nhận hoặc không xác nhận miễn phí trước khi tiếp nhận.")
CONFLICT_MESSAGE = _l("Hồ sơ vừa được người khác cập nhật trước thao tác của bạn. Trang đã "
                      "được tải lại với trạng thái mới nhất; vui lòng kiểm tra rồi thao tác lại.")


@dataclass(frozen=True)
class Context:
    """Who acts, when, under which calendar, on which version of the dossier they saw."""

    user: User
    now: datetime
    calendar: WorkCalendar
    expected_version: int | None = None
    # False when replaying the past (``flask demo replay-2019``): its messages belonged to
    # their day, and made-up applicants' numbers must never receive one.
    messages: bool = True
    # The user's capacities on the dossier when the caller has them already (the staff page
    # computes them once per request); None: the action computes them.
    actors: frozenset[Actor] | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("workflow actions need an aware datetime")


# --- the common frame ---------------------------------------------------------------------

def _begin(dossier: Dossier, action: Action, ctx: Context) -> frozenset[Actor]:
    if ctx.expected_version is not None and dossier.lock_version != ctx.expected_version:
        raise Conflict(CONFLICT_MESSAGE)
    transition = action.transition
    known = actors_for(ctx.user, dossier) if ctx.actors is None else ctx.actors
    actors = known & transition.actors
    if not actors:
        raise Forbidden(_l("Bạn không có quyền “%(action)s” đối với hồ sơ này.",
                           action=_l(action.label)))
    if dossier.state not in transition.sources:
        raise WorkflowError(_l("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.",
                               action=_l(action.label), state=_l(dossier.state.label)))
    return actors


def _flush(dossier: Dossier) -> None:
    """The end of every action: the dossier's version changes even when its row does not
    (a consultation answered while others are still open, a step taken again by its holder),
    so two concurrent actions on one dossier can never both commit."""
    if not db.session.is_modified(dossier, include_collections=False):
        dossier.lock_version += 1  # SQLAlchemy still checks the old version in the UPDATE
    db.session.flush()


def _local(dt: datetime) -> str:
    return fmt_dt_vi(dt.astimezone(VN_TZ))


def _text(value: str | None, what: str | LazyText, field: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(_l("Vui lòng nhập %(what)s.", what=what), field)
    if len(value) > limit:
        raise WorkflowError(_l("Nội dung quá dài (tối đa %(limit)s ký tự).", limit=limit), field)
    return value


def _issue(dossier: Dossier, kind: NoticeKind, ctx: Context, reason: str = "",
           items: str = "", new_appointment_at: datetime | None = None) -> Notice:
    year = ctx.now.astimezone(VN_TZ).year
    number = bump_sequence(NoticeSequence.__table__, agency_id=dossier.agency_id,
                           kind=kind.value, year=year)
    answer_by = None
    if kind in (NoticeKind.COMPLETION, NoticeKind.SUPPLEMENT):
        answer_by = ctx.calendar.add_working_time(ctx.now,
                                                  ANSWER_WITHIN * ctx.calendar.day_length)
    notice = Notice(agency_id=dossier.agency_id, kind=kind, year=year, number=number,
                    issued_at=ctx.now, issued_by_id=ctx.user.id, reason=reason, items=items,
                    original_due_at=dossier.due_at, new_appointment_at=new_appointment_at,
                    answer_by=answer_by)
    dossier.notices.append(notice)
    return notice


# --- steps (the digital control slip) -----------------------------------------------------

# The plan (portal.workflow.plan), under the names the replay reads.
_plan = plan_of
_next_planned = next_processing


def open_step(dossier: Dossier) -> DossierStep | None:
    return next((s for s in dossier.steps if s.finished_at is None), None)


def _own_step(dossier: Dossier, action: Action, ctx: Context, actors: frozenset[Actor]
              ) -> DossierStep:
    """The open step, which ``ctx.user`` holds or may hold (``transitions.step_refusal``,
    the rule the page offers the action by). A refusal is a ``Conflict``: the officer's page
    is drawn afresh, without the action."""
    step = open_step(dossier)
    if step is None:
        raise WorkflowError(_l("Hồ sơ không có bước xử lý đang mở."))
    why = step_refusal(action, ctx.user, actors, dossier)
    if why is not None:
        raise Conflict(why)
    return step


def _claim(dossier: Dossier, step: DossierStep, ctx: Context) -> None:
    """A free step becomes the acting officer's (once every guard has passed)."""
    if step.holder_id is None:
        step.holder_id = dossier.holder_id = ctx.user.id


def _start_step(dossier: Dossier, planned: Planned, ctx: Context,
                holder: User | None) -> DossierStep:
    position, name, role, hours = planned
    step = DossierStep(position=position, name=name, role=role, agency_id=dossier.agency_id,
                       holder_id=holder.id if holder else None, started_at=ctx.now,
                       due_at=ctx.calendar.add_working_time(
                           ctx.calendar.next_working_instant(ctx.now), timedelta(hours=hours)))
    dossier.steps.append(step)
    dossier.current_role = role.value
    dossier.holder_id = step.holder_id
    return step


def _finish_step(dossier: Dossier, ctx: Context, note: str = "") -> DossierStep | None:
    step = open_step(dossier)
    if step is not None:
        step.finished_at = ctx.now
        step.finished_by_id = ctx.user.id
        step.note = note[:500]
        if step.holder_id is None:
            step.holder_id = ctx.user.id
    dossier.current_role = None
    dossier.holder_id = None
    return step


def _holder_for(dossier: Dossier, user: User | None, role: StepRole) -> User | None:
    if user is None:
        return None
    wanted = Role.LEADER if role is StepRole.LEADER else Role.SPECIALIST
    if not (user.has_role(wanted, dossier.agency_id) or user.has_role(Role.LEADER,
                                                                      dossier.agency_id)):
        raise WorkflowError(_l("%(name)s không phải %(role)s của cơ quan xử lý hồ sơ này.",
                               name=user.full_name, role=_l(wanted.label)), "assignee")
    return user


# --- the clock ----------------------------------------------------------------------------

def _clock_start(dossier: Dossier, ctx: Context) -> datetime:
    """When the legal clock began to count: the reception, or the next working morning when
    the dossier came after the cut-off or out of hours (``WorkCalendar.add``)."""
    version = dossier.procedure_version
    duration = Duration(version.time_amount, DurationUnit(version.time_unit.value))
    return ctx.calendar.add(dossier.received_at, duration, version.cutoff).counted_from


def _pause(dossier: Dossier, kind: PauseKind, ctx: Context) -> None:
    remaining = timedelta()
    # A pause before the clock began (after the cut-off, on the day of reception) keeps the
    # whole duration: what lies between now and the clock's start was never counted.
    counting = max(ctx.now, _clock_start(dossier, ctx))
    if dossier.due_at is not None and dossier.due_at > counting:
        remaining = ctx.calendar.elapsed(counting, dossier.due_at)
    # Whole seconds, rounded up: a pause never takes a fraction of a second off the applicant
    # (resumed at once, the due time is not earlier than before).
    dossier.pauses.append(Pause(kind=kind, started_at=ctx.now,
                                remaining_seconds=math.ceil(remaining.total_seconds())))


def _resume(dossier: Dossier, ctx: Context) -> None:
    """End the open pause: the due time moves by exactly the working time spent waiting
    (paused time is never counted against the agency)."""
    pause = next((p for p in dossier.pauses if p.ended_at is None), None)
    if pause is None:
        return
    pause.ended_at = ctx.now
    if pause.remaining_seconds > 0:
        start = max(ctx.calendar.next_working_instant(ctx.now), _clock_start(dossier, ctx))
        dossier.due_at = ctx.calendar.add_working_time(
            start, timedelta(seconds=pause.remaining_seconds))
        dossier.due_explanation = (
            f"Thời hạn giải quyết được tính lại sau thời gian chờ người nộp "
            f"({pause.kind.label.lower()}); hạn mới {_local(dossier.due_at)}.")


def _end(dossier: Dossier, action: Action, ctx: Context, note: str = "") -> None:
    """Every ending: the clock stops for good and the open step closes. A dossier ended while
    waiting for the applicant (withdrawn, stopped) closes its pause as a resume does, so it is
    judged against its due time moved by the wait, not against the one from before it."""
    _resume(dossier, ctx)
    _finish_step(dossier, ctx, note)
    leg = inter_agency.open_leg(dossier)
    if leg is not None:  # withdrawn or stopped while another agency held it
        _close_leg(leg, ctx)
    move(dossier, action)
    dossier.finished_at = ctx.now


def _end_with_notice(dossier: Dossier, ctx: Context, action: Action, kind: NoticeKind,
                     reason: str, what: LazyText, *, step_note: str, event: str) -> Notice:
    """The endings the applicant is given a notice for, with its reason: refusal (at reception
    or later) and stop. The reason goes into the notice, the history and the message."""
    _begin(dossier, action, ctx)
    reason = _text(reason, what, "reason")
    notice = _issue(dossier, kind, ctx, reason)
    _end(dossier, action, ctx, step_note)
    add_event(dossier, action.value, f"{event}. Lý do: {reason}", ctx.user, ctx.now)
    events.announce(dossier, action, ctx, reason=reason,
                    at_reception=action is Action.REFUSE_RECEPTION)
    _flush(dossier)
    return notice


def _receipt_of(dossier: Dossier, ctx: Context) -> None:
    version = dossier.procedure_version
    duration = Duration(version.time_amount, DurationUnit(version.time_unit.value))
    deadline = ctx.calendar.add(ctx.now, duration, version.cutoff)
    dossier.received_at = ctx.now
    dossier.received_by_id = ctx.user.id
    dossier.due_at = deadline.due
    dossier.due_explanation = deadline.explanation_vi
    counter = next((p for p in _plan(dossier) if p[2] is StepRole.COUNTER),
                   DEFAULT_STEPS[0])
    step = _start_step(dossier, counter, ctx, ctx.user)
    step.finished_at = ctx.now
    step.finished_by_id = ctx.user.id
    dossier.current_role = dossier.holder_id = None


# --- reception (counter officer) ----------------------------------------------------------

def receive(dossier: Dossier, ctx: Context, confirm_missing: bool | None = None) -> None:
    """Accept a complete dossier: the legal clock starts now (cut-off rules apply). At the
    counter (``confirm_missing`` given: the staff pages), a paper dossier with a mandatory
    paper neither handed in nor scanned is received only when the officer confirms it
    (issue 18). None: a caller replaying or generating history, where the papers are not
    known (``replay``, ``workflow.demo``), is not asked."""
    _begin(dossier, Action.RECEIVE, ctx)
    if awaits_payment_at_submission(dossier.id):
        raise WorkflowError(UNPAID_AT_SUBMISSION)
    if exemption_pending_at_submission(dossier):
        raise WorkflowError(EXEMPTION_UNDECIDED)
    if dossier.channel is not Channel.ONLINE and confirm_missing is False:
        if missing := papers.missing_mandatory(dossier):
            raise NeedsConfirmation(papers.missing_message(missing), papers.CONFIRM_FIELD)
    _receipt_of(dossier, ctx)
    first = _next_planned(dossier, 0)
    assert first is not None  # _plan always has a processing step
    _start_step(dossier, first, ctx, None)
    move(dossier, Action.RECEIVE)
    add_event(dossier, Action.RECEIVE.value,
              f"Cơ quan đã tiếp nhận hồ sơ. Hẹn trả kết quả: {_local(dossier.due_at)}.",
              ctx.user, ctx.now)
    events.announce(dossier, Action.RECEIVE, ctx)
    _flush(dossier)


def request_completion(dossier: Dossier, ctx: Context, items: str, reason: str) -> Notice:
    """Form 02 before reception: the online dossier is incomplete; nothing is counted yet."""
    _begin(dossier, Action.REQUEST_COMPLETION, ctx)
    items = _text(items, _l("các giấy tờ cần bổ sung"), "items")
    reason = _text(reason, _l("lý do"), "reason")
    dossier.supplement_round += 1
    notice = _issue(dossier, NoticeKind.COMPLETION, ctx, reason, items)
    move(dossier, Action.REQUEST_COMPLETION)
    add_event(dossier, Action.REQUEST_COMPLETION.value,
              f"Yêu cầu bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận: {items}", ctx.user,
              ctx.now)
    events.announce(dossier, Action.REQUEST_COMPLETION, ctx, items=items, reason=reason,
                    answer_by=notice.answer_by)
    _flush(dossier)
    return notice


def refuse_reception(dossier: Dossier, ctx: Context, reason: str) -> Notice:
    """Form 03 at reception: the dossier is not accepted."""
    return _end_with_notice(dossier, ctx, Action.REFUSE_RECEPTION, NoticeKind.REFUSAL,
                            reason, _l("lý do từ chối"), step_note="",
                            event="Từ chối tiếp nhận hồ sơ")


def resolve_on_the_spot(dossier: Dossier, ctx: Context, result_note: str,
                        collected_by: str = "") -> None:
    """An on-the-spot procedure: received, resolved and handed over in one action."""
    _begin(dossier, Action.RESOLVE_ON_THE_SPOT, ctx)
    if not dossier.procedure_version.on_the_spot:
        raise WorkflowError(_l("Thủ tục này không giải quyết ngay tại quầy; hãy tiếp nhận hồ sơ."))
    result_note = _text(result_note, _l("kết quả (số giấy chứng nhận, văn bản…)"), "result_note",
                        500)
    _receipt_of(dossier, ctx)
    dossier.due_at = ctx.now
    dossier.due_explanation = "Thủ tục giải quyết ngay trong ngày tại quầy."
    dossier.result_note = result_note
    move(dossier, Action.RESOLVE_ON_THE_SPOT)
    dossier.finished_at = dossier.returned_at = ctx.now
    dossier.returned_to = (collected_by or dossier.applicant_name).strip()[:300]
    add_event(dossier, Action.RESOLVE_ON_THE_SPOT.value,
              f"Tiếp nhận, giải quyết và trả kết quả ngay tại quầy: {result_note}.", ctx.user,
              ctx.now)
    _flush(dossier)


def resubmit(dossier: Dossier, ctx: Context) -> None:
    """The applicant sends back an online dossier completed as asked (form 02)."""
    _begin(dossier, Action.RESUBMIT, ctx)
    if not any(f.kind is FileKind.SUPPLEMENT and f.round == dossier.supplement_round
               for f in dossier.files):
        raise WorkflowError(_l("Vui lòng đính kèm ít nhất một tệp bổ sung trước khi gửi lại."),
                            "files")
    move(dossier, Action.RESUBMIT)
    add_event(dossier, Action.RESUBMIT.value, "Người nộp đã bổ sung, hoàn thiện hồ sơ.",
              ctx.user, ctx.now)
    _flush(dossier)


# --- processing (specialist, leader) ------------------------------------------------------

def take(dossier: Dossier, ctx: Context) -> None:
    actors = _begin(dossier, Action.TAKE, ctx)
    step = _own_step(dossier, Action.TAKE, ctx, actors)
    _claim(dossier, step, ctx)
    move(dossier, Action.TAKE)
    add_event(dossier, Action.TAKE.value, f"{ctx.user.full_name} nhận xử lý bước “{step.name}”.",
              ctx.user, ctx.now, public=False)
    _flush(dossier)


def assign(dossier: Dossier, ctx: Context, assignee: User) -> None:
    _begin(dossier, Action.ASSIGN, ctx)
    step = open_step(dossier)
    if step is None:
        raise WorkflowError(_l("Hồ sơ không có bước xử lý đang mở."))
    holder = _holder_for(dossier, assignee, step.role)
    assert holder is not None
    step.holder_id = dossier.holder_id = holder.id
    move(dossier, Action.ASSIGN)
    add_event(dossier, Action.ASSIGN.value,
              f"Phân công {holder.full_name} xử lý bước “{step.name}”.", ctx.user, ctx.now,
              public=False)
    _flush(dossier)


def complete_step(dossier: Dossier, ctx: Context, note: str = "",
                  next_holder: User | None = None) -> DossierStep:
    """Close the current step and hand the dossier to the next step's holder."""
    actors = _begin(dossier, Action.COMPLETE_STEP, ctx)
    step = _own_step(dossier, Action.COMPLETE_STEP, ctx, actors)
    following = _next_planned(dossier, step.position)
    if following is None:
        raise WorkflowError(_l("Đây là bước cuối cùng: lãnh đạo phê duyệt và ban hành kết quả."))
    holder = _holder_for(dossier, next_holder, following[2])
    _finish_step(dossier, ctx, note)
    new = _start_step(dossier, following, ctx, holder)
    add_event(dossier, Action.COMPLETE_STEP.value,
              f"Hoàn thành bước “{step.name}”, chuyển bước “{new.name}”"
              + (f" cho {holder.full_name}" if holder else "") + ".",
              ctx.user, ctx.now, public=False)
    _flush(dossier)
    return new


def request_supplement(dossier: Dossier, ctx: Context, items: str, reason: str) -> Notice:
    """Form 02 during processing: the clock pauses until the applicant supplements."""
    actors = _begin(dossier, Action.REQUEST_SUPPLEMENT, ctx)
    items = _text(items, _l("các giấy tờ cần bổ sung"), "items")
    reason = _text(reason, _l("lý do"), "reason")
    _claim(dossier, _own_step(dossier, Action.REQUEST_SUPPLEMENT, ctx, actors), ctx)
    dossier.supplement_round += 1
    notice = _issue(dossier, NoticeKind.SUPPLEMENT, ctx, reason, items)
    _pause(dossier, PauseKind.SUPPLEMENT, ctx)
    move(dossier, Action.REQUEST_SUPPLEMENT)
    add_event(dossier, Action.REQUEST_SUPPLEMENT.value,
              f"Yêu cầu bổ sung hồ sơ (số {notice.reference}): {items}. Thời hạn giải quyết "
              f"tạm dừng cho đến khi nhận đủ hồ sơ bổ sung.", ctx.user, ctx.now)
    events.announce(dossier, Action.REQUEST_SUPPLEMENT, ctx, items=items, reason=reason,
                    answer_by=notice.answer_by)
    _flush(dossier)
    return notice


def supplement(dossier: Dossier, ctx: Context, note: str = "") -> None:
    """The applicant (online) or the counter officer (papers brought in) answers form 02."""
    actors = _begin(dossier, Action.SUPPLEMENT, ctx)
    uploaded = any(f.kind is FileKind.SUPPLEMENT and f.round == dossier.supplement_round
                   for f in dossier.files)
    if Actor.COUNTER not in actors and not uploaded:
        raise WorkflowError(_l("Vui lòng đính kèm ít nhất một tệp bổ sung trước khi gửi."), "files")
    if not uploaded and not note.strip():
        raise WorkflowError(_l("Ghi rõ giấy tờ bổ sung đã nhận tại quầy."), "note")
    _resume(dossier, ctx)
    move(dossier, Action.SUPPLEMENT)
    add_event(dossier, Action.SUPPLEMENT.value,
              "Đã nhận hồ sơ bổ sung" + (f": {note.strip()}" if note.strip() else "")
              + f". Hẹn trả kết quả: {_local(dossier.due_at)}.", ctx.user, ctx.now)
    _flush(dossier)


def request_consultation(dossier: Dossier, ctx: Context, agencies: Sequence[Agency],
                         question: str, due_at: datetime) -> list[Consultation]:
    actors = _begin(dossier, Action.REQUEST_CONSULTATION, ctx)
    question = _text(question, _l("nội dung xin ý kiến"), "question")
    asked = [a for a in agencies if a.id != dossier.agency_id]
    if not asked:
        raise WorkflowError(_l("Vui lòng chọn ít nhất một cơ quan khác để xin ý kiến."), "agencies")
    if due_at <= ctx.now:
        raise WorkflowError(_l("Hạn trả lời phải sau thời điểm hiện tại."), "due_at")
    _claim(dossier, _own_step(dossier, Action.REQUEST_CONSULTATION, ctx, actors), ctx)
    made = [Consultation(agency_id=a.id, question=question, requested_at=ctx.now,
                         requested_by_id=ctx.user.id, due_at=due_at) for a in asked]
    dossier.consultations.extend(made)
    move(dossier, Action.REQUEST_CONSULTATION)
    names = ", ".join(a.name for a in asked)
    add_event(dossier, Action.REQUEST_CONSULTATION.value,
              f"Xin ý kiến {names}, hạn trả lời {_local(due_at)}.", ctx.user, ctx.now,
              public=False)
    events.announce(dossier, Action.REQUEST_CONSULTATION, ctx)
    _flush(dossier)
    return made


def answer_consultation(dossier: Dossier, ctx: Context, consultation_id: int,
                        answer: str) -> Consultation:
    _begin(dossier, Action.ANSWER_CONSULTATION, ctx)
    answer = _text(answer, _l("nội dung trả lời"), "answer")
    mine = policy.consulting_agency_ids(ctx.user)
    item = next((c for c in dossier.consultations if c.id == consultation_id), None)
    if item is None or item.agency_id not in mine:
        raise Forbidden(_l("Yêu cầu xin ý kiến này không gửi đến cơ quan của bạn."))
    if item.answered_at is not None:
        raise Conflict(_l("Yêu cầu xin ý kiến này đã được trả lời."))
    item.answer, item.answered_at, item.answered_by_id = answer, ctx.now, ctx.user.id
    if all(c.answered_at is not None for c in dossier.consultations):
        move(dossier, Action.ANSWER_CONSULTATION)
    add_event(dossier, Action.ANSWER_CONSULTATION.value,
              f"{item.agency.name} đã trả lời xin ý kiến.", ctx.user, ctx.now, public=False)
    _flush(dossier)
    return item


def working_days_left(dossier: Dossier, ctx: Context) -> float:
    if dossier.due_at is None or dossier.due_at <= ctx.now:
        return 0.0
    return ctx.calendar.elapsed(ctx.now, dossier.due_at) / ctx.calendar.day_length


def _time_left_confirmed(dossier: Dossier, ctx: Context, confirmed: bool) -> float:
    """The 3-working-day rule of forwarding (liên thông): with fewer than
    INTER_AGENCY_MIN_DAYS working days left before the due time, the leader confirms the
    warning first (the monitoring lists such forwards)."""
    left = working_days_left(dossier, ctx)
    if left < INTER_AGENCY_MIN_DAYS and not confirmed:
        raise NeedsConfirmation(
            _l("Chỉ còn %(left).1f ngày làm việc trước hạn trả kết quả (dưới %(min)s ngày). "
               "Hãy xác nhận nếu vẫn chuyển liên thông.", left=left, min=INTER_AGENCY_MIN_DAYS),
            "confirmed")
    return left


def _send_leg(dossier: Dossier, ctx: Context, link, from_agency_id: int,
              note: str) -> InterAgencyLeg:
    due = inter_agency.leg_deadline(dossier.procedure_version, link, ctx.now, ctx.calendar).due
    # The agency object too: a dossier the replay plays outside the session loads nothing.
    leg = InterAgencyLeg(agency_id=link.agency_id, agency=link.agency,
                         from_agency_id=from_agency_id, note=note, sent_at=ctx.now,
                         sent_by_id=ctx.user.id, due_at=due)
    dossier.legs.append(leg)
    return leg


def forward_inter_agency(dossier: Dossier, ctx: Context, note: str, confirmed: bool = False,
                         agency_id: int | None = None) -> InterAgencyLeg:
    """Send the dossier to an agency of its procedure's inter-agency chain (the next one not
    visited yet, unless another of the chain is chosen). Its share of the legal time gives
    the leg's due time; with fewer than three working days left the leader confirms first."""
    _begin(dossier, Action.FORWARD_INTER_AGENCY, ctx)
    version = dossier.procedure_version
    if not version.inter_agency or not version.chain:
        raise WorkflowError(_l("Thủ tục này không giải quyết liên thông (phiên bản thủ tục chưa "
                               "khai báo cơ quan liên thông)."))
    link = (inter_agency.default_destination(dossier) if agency_id is None
            else inter_agency.link_for(dossier, agency_id))
    if link is None:
        raise WorkflowError(_l("Cơ quan được chọn không thuộc chuỗi liên thông của thủ tục."),
                            "agency_id")
    note = _text(note, _l("nội dung chuyển liên thông"), "note", 500)
    left = _time_left_confirmed(dossier, ctx, confirmed)
    leg = _send_leg(dossier, ctx, link, dossier.agency_id, note)
    move(dossier, Action.FORWARD_INTER_AGENCY)
    add_event(dossier, Action.FORWARD_INTER_AGENCY.value,
              f"Chuyển liên thông đến {link.agency.name} ({note}); hạn chuyển trả "
              f"{_local(leg.due_at)}; còn {left:.1f} ngày làm việc trước hạn.", ctx.user, ctx.now)
    events.announce(dossier, Action.FORWARD_INTER_AGENCY, ctx)
    _flush(dossier)
    return leg


def _holding_leg(dossier: Dossier) -> InterAgencyLeg:
    leg = inter_agency.open_leg(dossier)
    if leg is None:
        raise WorkflowError(_l("Hồ sơ không có lượt liên thông đang mở."))
    return leg


def record_inter_agency_result(dossier: Dossier, ctx: Context, result: str) -> InterAgencyLeg:
    """The receiving agency's specialist (or leader) records its result: a note, and the file
    attached in the same request (``FileKind.INTER_AGENCY``) if any."""
    _begin(dossier, Action.RECORD_INTER_AGENCY_RESULT, ctx)
    leg = _holding_leg(dossier)
    result = _text(result, _l("kết quả xử lý của cơ quan"), "result", 2000)
    attached = [f for f in dossier.files if f.kind is FileKind.INTER_AGENCY
                and f.id != leg.result_file_id and f.created_at is not None
                and f.created_at >= leg.sent_at]
    if attached:
        leg.result_file_id = attached[-1].id
    leg.result, leg.recorded_at, leg.recorded_by_id = result, ctx.now, ctx.user.id
    add_event(dossier, Action.RECORD_INTER_AGENCY_RESULT.value,
              f"{leg.agency.name} ghi kết quả xử lý liên thông: {result}", ctx.user, ctx.now,
              public=False)
    _flush(dossier)
    return leg


def _close_leg(leg: InterAgencyLeg, ctx: Context, onward_agency_id: int | None = None) -> str:
    leg.returned_at, leg.returned_by_id = ctx.now, ctx.user.id
    leg.onward_agency_id = onward_agency_id
    return " (trễ hạn)" if leg.is_late(ctx.now) else ""


def inter_agency_returned(dossier: Dossier, ctx: Context, note: str = "") -> None:
    """The receiving agency's leader sends the dossier back to the dossier's agency, which
    continues processing. (A dossier forwarded before the chains has no leg: its own leader
    records the return, with the note.)"""
    _begin(dossier, Action.INTER_AGENCY_RETURNED, ctx)
    leg = inter_agency.open_leg(dossier)
    if leg is None:
        note = _text(note, _l("kết quả xử lý liên thông"), "note", 500)
        text = f"Nhận lại hồ sơ liên thông: {note}."
    else:
        if leg.recorded_at is None:
            raise WorkflowError(_l("Chưa ghi kết quả xử lý của cơ quan; hãy ghi kết quả trước "
                                   "khi chuyển trả."), "note")
        late = _close_leg(leg, ctx)
        text = (f"{leg.agency.name} đã xử lý xong phần liên thông{late} và chuyển trả hồ sơ "
                f"về {dossier.agency.name}: {leg.result}"
                + (f" ({note.strip()[:500]})" if note.strip() else ""))
    move(dossier, Action.INTER_AGENCY_RETURNED)
    add_event(dossier, Action.INTER_AGENCY_RETURNED.value, text, ctx.user, ctx.now)
    _flush(dossier)


def inter_agency_onward(dossier: Dossier, ctx: Context, note: str = "",
                        confirmed: bool = False) -> InterAgencyLeg:
    """The receiving agency's leader sends the dossier on to the next agency of the chain."""
    _begin(dossier, Action.INTER_AGENCY_ONWARD, ctx)
    leg = _holding_leg(dossier)
    link = inter_agency.onward_link(dossier)
    if link is None:
        raise WorkflowError(_l("Cơ quan của bạn là cơ quan cuối của chuỗi liên thông; hãy chuyển "
                               "trả hồ sơ về cơ quan chủ trì."))
    if leg.recorded_at is None:
        raise WorkflowError(_l("Chưa ghi kết quả xử lý của cơ quan; hãy ghi kết quả trước "
                               "khi chuyển tiếp."), "note")
    left = _time_left_confirmed(dossier, ctx, confirmed)
    late = _close_leg(leg, ctx, link.agency_id)
    text = note.strip()[:500] or leg.result[:500]
    new = _send_leg(dossier, ctx, link, leg.agency_id, text)
    add_event(dossier, Action.INTER_AGENCY_ONWARD.value,
              f"{leg.agency.name} đã xử lý xong phần liên thông{late}, chuyển tiếp đến "
              f"{link.agency.name}; hạn chuyển trả {_local(new.due_at)}; còn {left:.1f} ngày "
              f"làm việc trước hạn.", ctx.user, ctx.now)
    _flush(dossier)
    return new


def request_obligation(dossier: Dossier, ctx: Context, terms: obligations.Terms,
                       notice: obligations.ObligationFile | None = None) -> None:
    """The tax notice is issued (issue 18): the applicant owes ``terms`` (amount, payee, where
    to pay, deadline); the clock pauses until the officer confirms the payment. The staff
    form requires the notice file (``obligations.store_file``, stored before this runs);
    the 2019 replay and the domain tests have none."""
    actors = _begin(dossier, Action.REQUEST_OBLIGATION, ctx)
    terms = obligations.checked_terms(terms, ctx.now)
    _claim(dossier, _own_step(dossier, Action.REQUEST_OBLIGATION, ctx, actors), ctx)
    item = obligations.Obligation(amount=terms.amount, payee=terms.payee, pay_to=terms.pay_to,
                                  due_on=terms.due_on, requested_at=ctx.now,
                                  requested_by_id=ctx.user.id)
    if notice is not None:
        item.files.append(notice)
    dossier.obligations.append(item)
    if ctx.messages:  # issue 14: payable online; not for a replay of the past
        payment_ops.request_for_obligation(dossier, terms.amount, terms.payee, ctx.now,
                                           ctx.user)
    _pause(dossier, PauseKind.OBLIGATION, ctx)
    move(dossier, Action.REQUEST_OBLIGATION)
    what = (f"{vn_money(terms.amount)} nộp cho {terms.payee}, hạn nộp "
            f"{terms.due_on.strftime('%d/%m/%Y')}")
    add_event(dossier, Action.REQUEST_OBLIGATION.value,
              f"Thông báo nghĩa vụ tài chính: {what}. Thời hạn giải quyết tạm dừng đến khi "
              f"người nộp hoàn thành nghĩa vụ.", ctx.user, ctx.now)
    events.announce(dossier, Action.REQUEST_OBLIGATION, ctx, note=terms.payee,
                    amount=terms.amount, deadline=terms.due_on)
    _flush(dossier)


def obligation_fulfilled(dossier: Dossier, ctx: Context, note: str = "",
                         paid_on: date | None = None,
                         receipt: obligations.ObligationFile | None = None) -> None:
    """The officer saw the payment: when it was paid (today unless told), the receipt's
    number and, optionally, its scan. The clock resumes."""
    _begin(dossier, Action.OBLIGATION_FULFILLED, ctx)
    note = note.strip()
    if len(note) > obligations.NOTE_LIMIT:
        raise WorkflowError(_l("Nội dung quá dài (tối đa %(limit)s ký tự).",
                               limit=obligations.NOTE_LIMIT), "note")
    item = obligations.current(dossier)
    today = obligations.local_today(ctx.now)
    paid_on = paid_on or today
    if paid_on > today:
        raise WorkflowError(_l("Ngày nộp không được sau hôm nay."), "paid_on")
    if item is not None and item.open:
        if paid_on < obligations.local_today(item.requested_at):
            raise WorkflowError(_l("Ngày nộp không được trước ngày thông báo nghĩa vụ "
                                   "(%(day)s).", day=obligations.local_today(
                                       item.requested_at).strftime("%d/%m/%Y")), "paid_on")
        item.paid_on, item.confirmed_at, item.confirmed_by_id = paid_on, ctx.now, ctx.user.id
        item.receipt_note = note
        if receipt is not None:
            item.files.append(receipt)
        # Confirmed by an officer (paid elsewhere): nothing is owed through the portal now.
        payment_ops.cancel_open(dossier, RequestReason.OBLIGATION, ctx.now, ctx.user)
    _resume(dossier, ctx)
    move(dossier, Action.OBLIGATION_FULFILLED)
    add_event(dossier, Action.OBLIGATION_FULFILLED.value,
              f"Người nộp đã hoàn thành nghĩa vụ tài chính ngày {paid_on.strftime('%d/%m/%Y')}"
              + (f" ({note})" if note else "") + f". Hẹn trả kết quả: {_local(dossier.due_at)}.",
              ctx.user, ctx.now)
    _flush(dossier)


def approve(dossier: Dossier, ctx: Context, result_note: str = "") -> None:
    """The leader signs: the e-result (attached beforehand) is issued to the applicant.
    A dossier filed at the counter or by post may instead get a paper result, identified
    by its number in ``result_note``: its applicant collects paper, not a download."""
    _begin(dossier, Action.APPROVE, ctx)
    paper = dossier.channel is not Channel.ONLINE and bool(result_note.strip())
    if not dossier.result_files and not paper:
        raise WorkflowError(_l("Vui lòng đính kèm tệp kết quả điện tử trước khi phê duyệt."),
                            "result")
    dossier.result_note = result_note.strip()[:500]
    _end(dossier, Action.APPROVE, ctx, "Phê duyệt")
    late = dossier.due_at is not None and ctx.now > dossier.due_at
    add_event(dossier, Action.APPROVE.value,
              "Hồ sơ đã có kết quả" + (" (trễ hạn)" if late else "")
              + ("; kết quả điện tử có thể tải về." if dossier.result_files
                 else f"; kết quả bản giấy: {dossier.result_note}."), ctx.user, ctx.now)
    events.announce(dossier, Action.APPROVE, ctx)
    _flush(dossier)


def refuse(dossier: Dossier, ctx: Context, reason: str) -> Notice:
    """Form 03 during processing: the dossier cannot be resolved."""
    return _end_with_notice(dossier, ctx, Action.REFUSE, NoticeKind.REFUSAL,
                            reason, _l("lý do từ chối giải quyết"),
                            step_note="Từ chối giải quyết", event="Từ chối giải quyết hồ sơ")


def stop(dossier: Dossier, ctx: Context, reason: str) -> Notice:
    """The stop-processing notice (Circular 03/2025)."""
    return _end_with_notice(dossier, ctx, Action.STOP, NoticeKind.STOP,
                            reason, _l("lý do dừng xử lý"),
                            step_note="Dừng xử lý", event="Dừng xử lý hồ sơ")


def confirm_withdrawal(dossier: Dossier, ctx: Context) -> None:
    _begin(dossier, Action.CONFIRM_WITHDRAWAL, ctx)
    if dossier.withdrawal_requested_at is None:
        raise WorkflowError(_l("Người nộp chưa đề nghị rút hồ sơ này."))
    _end(dossier, Action.CONFIRM_WITHDRAWAL, ctx, "Rút hồ sơ theo đề nghị")
    add_event(dossier, Action.CONFIRM_WITHDRAWAL.value,
              "Cơ quan xác nhận rút hồ sơ theo đề nghị của người nộp.", ctx.user, ctx.now)
    events.announce(dossier, Action.CONFIRM_WITHDRAWAL, ctx)
    _flush(dossier)


def hand_over(dossier: Dossier, ctx: Context, method: ReturnMethod | str,
              collected_by: str = "", tracking_number: str = "") -> None:
    """The result leaves the centre: collected at the counter, or handed to the post. By
    post the dossier stays *result ready* with a shipment ready to post (issue 15): it is
    returned when the delivery is confirmed (``record_postal_delivery``), never while the
    paper is in the mail. ``tracking_number`` is no longer taken here: the postal officer
    records it on the shipment (kept in the signature for old callers; ignored)."""
    from portal.delivery import operations as delivery

    _begin(dossier, Action.HAND_OVER, ctx)
    method = ReturnMethod(method)
    try:
        if method is ReturnMethod.POSTAL:
            delivery.post_result(dossier, ctx.user, ctx.now)
            add_event(dossier, "posted", "Đã chuyển kết quả cho bộ phận bưu chính để gửi đến "
                      "địa chỉ người nhận.", ctx.user, ctx.now)
            _flush(dossier)
            return
        delivery.collect(dossier, ctx.user, ctx.now)
    except delivery.DeliveryError as error:
        raise WorkflowError(error.message, error.field) from None
    who = _text(collected_by, _l("họ tên, số giấy tờ của người nhận kết quả"), "collected_by",
                300)
    _returned(dossier, ctx.user, ctx.now, who, method, f"Đã trả kết quả tại quầy cho {who}.")
    events.announce(dossier, Action.HAND_OVER, ctx, returned_to=who)
    _flush(dossier)


def _returned(dossier: Dossier, user: User | None, at: datetime, who: str,
              method: ReturnMethod, text: str) -> None:
    dossier.returned_at = at
    dossier.returned_to = who
    dossier.return_method = method  # how it actually left (the statistics count postal returns)
    move(dossier, Action.HAND_OVER)
    add_event(dossier, Action.HAND_OVER.value, text, user, at)


def record_postal_delivery(dossier: Dossier, user: User | None, at: datetime,
                           tracking_number: str, *, by_applicant: bool = False,
                           messages: bool = True) -> None:
    """The post delivered the result (the postal officer, the carrier's status file or the
    applicant confirmed it): the dossier is returned. Called only by
    ``delivery.operations.deliver``, which checked who may confirm it."""
    if dossier.state is not S.RESULT_READY:
        raise WorkflowError(_l("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.",
                               action=_l(Action.HAND_OVER.label),
                               state=_l(dossier.state.label)))
    text = (f"Người nhận xác nhận đã nhận kết quả qua bưu chính (số hiệu {tracking_number})."
            if by_applicant else
            f"Bưu chính đã phát kết quả thành công, số hiệu bưu gửi {tracking_number}.")
    _returned(dossier, user, at, tracking_number, ReturnMethod.POSTAL, text)
    if messages:
        events.send(dossier, "postal_delivered", at, tracking_number=tracking_number)
    _flush(dossier)


def apologise(dossier: Dossier, ctx: Context, reason: str,
              new_appointment_at: datetime) -> Notice:
    """Form 04: an overdue dossier gets an apology and a new appointment. The statutory due
    time does not change (statistics still judge against it)."""
    _begin(dossier, Action.APOLOGISE, ctx)
    # While the applicant has the next move by a pause begun with time left, the clock is
    # held: not overdue. Asked for papers after the due time, it is (workflow.overdue).
    if not dossier.is_overdue(ctx.now):
        if dossier.state in PAUSED_STATES:
            raise WorkflowError(_l("Hồ sơ đang tạm dừng tính thời hạn (chờ người nộp) nên chưa "
                                   "bị tính quá hạn."))
        raise WorkflowError(_l("Hồ sơ chưa quá hạn nên chưa cần phiếu xin lỗi."))
    if not appointments.apology_owed(dossier, ctx.now):
        raise WorkflowError(_l("Hồ sơ đã có phiếu xin lỗi, hẹn lại %(at)s; chỉ lập phiếu mới khi "
                               "đã qua ngày hẹn đó.", at=_local(dossier.new_appointment_at)))
    reason = _text(reason, _l("lý do quá hạn"), "reason")
    if new_appointment_at.tzinfo is None or new_appointment_at <= ctx.now:
        raise WorkflowError(_l("Ngày hẹn mới phải sau thời điểm hiện tại."), "new_date")
    if not appointments.is_appointment_instant(ctx.calendar, new_appointment_at):
        proposal = appointments.proposed_appointment(dossier, ctx.calendar, ctx.now).due
        raise WorkflowError(_l("Ngày hẹn mới phải trong giờ làm việc: %(at)s là ngày nghỉ hoặc "
                               "ngoài giờ làm việc. Đề xuất: %(proposal)s.",
                               at=_local(new_appointment_at), proposal=_local(proposal)),
                            "new_date")
    notice = _issue(dossier, NoticeKind.APOLOGY, ctx, reason,
                    new_appointment_at=new_appointment_at)
    dossier.new_appointment_at = new_appointment_at
    add_event(dossier, Action.APOLOGISE.value,
              f"Cơ quan xin lỗi vì hồ sơ quá hạn giải quyết ({reason}). Hẹn lại ngày trả kết "
              f"quả: {_local(new_appointment_at)}.", ctx.user, ctx.now)
    events.announce(dossier, Action.APOLOGISE, ctx, reason=reason,
                    original_appointment=notice.original_due_at,
                    new_appointment=new_appointment_at)
    _flush(dossier)
    return notice


# --- who calls what ------------------------------------------------------------------------

# The function of every action taken on a ``Context`` (the staff workspace calls them through
# this map). The applicant's submission and withdrawal request are dossier operations:
# ``dossiers.operations.submit`` and ``request_withdrawal``, called by the citizen pages.
FUNCTIONS: dict[Action, Callable[..., object]] = {
    Action.RECEIVE: receive,
    Action.REQUEST_COMPLETION: request_completion,
    Action.REFUSE_RECEPTION: refuse_reception,
    Action.RESOLVE_ON_THE_SPOT: resolve_on_the_spot,
    Action.RESUBMIT: resubmit,
    Action.TAKE: take,
    Action.ASSIGN: assign,
    Action.COMPLETE_STEP: complete_step,
    Action.REQUEST_SUPPLEMENT: request_supplement,
    Action.SUPPLEMENT: supplement,
    Action.REQUEST_CONSULTATION: request_consultation,
    Action.ANSWER_CONSULTATION: answer_consultation,
    Action.FORWARD_INTER_AGENCY: forward_inter_agency,
    Action.RECORD_INTER_AGENCY_RESULT: record_inter_agency_result,
    Action.INTER_AGENCY_RETURNED: inter_agency_returned,
    Action.INTER_AGENCY_ONWARD: inter_agency_onward,
    Action.REQUEST_OBLIGATION: request_obligation,
    Action.OBLIGATION_FULFILLED: obligation_fulfilled,
    Action.APPROVE: approve,
    Action.REFUSE: refuse,
    Action.STOP: stop,
    Action.CONFIRM_WITHDRAWAL: confirm_withdrawal,
    Action.HAND_OVER: hand_over,
    Action.APOLOGISE: apologise,
}


# --- invariants (checked by the stateful test; cheap enough to assert anywhere) ------------

def invariant_problems(dossier: Dossier) -> list[str]:
    problems = []
    if dossier.is_resolved and dossier.finished_at is None:
        problems.append("resolved without an end time")
    if not dossier.is_resolved and dossier.finished_at is not None:
        problems.append("end time on an unresolved dossier")
    if dossier.state in (S.RESULT_READY, S.RETURNED) and not (dossier.result_files
                                                              or dossier.result_note):
        problems.append("result ready or returned without a result")
    if dossier.state is S.RETURNED and dossier.returned_at is None:
        problems.append("returned without a hand-over time")
    open_pauses = [p for p in dossier.pauses if p.ended_at is None]
    if (dossier.state in PAUSED_STATES) != bool(open_pauses) or len(open_pauses) > 1:
        problems.append("clock pause does not match the state")
    open_steps = [s for s in dossier.steps if s.finished_at is None]
    if len(open_steps) > 1:
        problems.append("more than one open step")
    if dossier.is_resolved and open_steps:
        problems.append("open step on a resolved dossier")
    if dossier.received_at is not None and dossier.due_at is None:
        problems.append("received without a due time")
    open_legs = [leg for leg in dossier.legs if leg.returned_at is None]
    if len(open_legs) > 1 or (open_legs and dossier.state is not S.INTER_AGENCY):
        problems.append("an inter-agency leg open outside the inter-agency state")
    if dossier.state is S.AWAITING_CONSULTATION and all(
            c.answered_at is not None for c in dossier.consultations):
        problems.append("awaiting consultation with none open")
    return problems
