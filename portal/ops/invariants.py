"""What must hold in the data whatever failed (issue 17's fault drills run
``flask ops check-invariants`` after each): each check is one SQL query over the whole table,
portable to SQLite and PostgreSQL, returning the offending rows; the checker counts them and
shows the first few. On 100,000 dossiers and 930,000 events (copies of the demo's, PostgreSQL
on the shared 2-core machine under load) the seven checks then present took 4.7 s together.

The checks and why they hold (docs/OPERATIONS.md, "Backups" → the invariant checker):

- **state_events** — a dossier's state is where its last state-changing event leads. Every
  workflow action moves the state with ``transitions.move`` and writes its event in the same
  flush (docs/workflow.md); the event names are the actions' (``Action.value``), except the
  draft's ``created`` and the submission's ``submitted``. Events of actions that do not move
  the state (an apology, a recorded inter-agency result, a payment, a posting…) are skipped.
  ``answer_consultation`` leads back to in_progress only once every consultation is
  answered, so it allows both.
- **half_saved** — a dossier past the draft has its code, its submission time, its due time
  and its ``submitted`` event; one received has its reception time; a draft has no code.
- **workflow_records** — ``workflow.actions.invariant_problems``, which the workflow's tests
  check after every action, over every dossier: an end time exactly when finished, a result
  (file or note) when ready or returned, a hand-over time when returned, one open clock pause
  exactly in the paused states, at most one open step and none once finished, a due time once
  received, at most one open inter-agency leg and only in that state, an open consultation
  while awaiting one.
- **stats_days** — the statistics' daily rollup (``portal.stats.days``, kept by database
  triggers) equals its direct computation from the dossiers (``flask stats check-days``).
- **payment_paid_twice** / **receipt_twice** / **request_paid_twice** /
  **paid_without_receipt** — the ledger (docs/payments.md): one ``paid`` event per payment,
  one receipt per confirmed payment, one confirmed payment per request, a receipt for each.

The outbox has no idempotency key (an ``OutboxMessage`` row is one message; the event that
caused it is not recorded), so "no message twice" is the delivery's guarantee, proven by the
worker's tests, not a property of rows this checker can read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, or_, select

from portal.dossiers.models import Dossier, DossierEvent, DossierFile, FileKind
from portal.dossiers.states import (
    PAUSED_STATES,
    RESOLVED_STATES,
    RESULT_STATES,
    UNRESOLVED_RECEIVED,
    DossierState,
)
from portal.extensions import db
from portal.ops.backup import Finding
from portal.payments.models import PAID_STATES, Payment, PaymentEvent, Receipt
from portal.stats import days as stats_days
from portal.workflow.models import Consultation, DossierStep, InterAgencyLeg, Pause
from portal.workflow.transitions import TRANSITIONS, Action

S = DossierState

# States in which the dossier has certainly been received (a refusal or withdrawal may come
# before reception, so they are not here).
RECEIVED_STATES = UNRESOLVED_RECEIVED | RESULT_STATES | {S.STOPPED}


def state_after_event() -> dict[str, frozenset[DossierState]]:
    """The states a dossier may be in when ``action`` is its last state-changing event."""
    after: dict[str, frozenset[DossierState]] = {"created": frozenset({S.DRAFT}),
                                                 "submitted": frozenset({S.SUBMITTED})}
    for action, transition in TRANSITIONS.items():
        if transition.target is None or action is Action.SUBMIT:
            continue
        after[action.value] = frozenset({transition.target})
    after[Action.ANSWER_CONSULTATION.value] = frozenset({S.IN_PROGRESS,
                                                         S.AWAITING_CONSULTATION})
    return after


def _state_events() -> Select:
    d, e = Dossier.__table__, DossierEvent.__table__
    after = state_after_event()
    last = (select(e.c.dossier_id, func.max(e.c.id).label("event_id"))
            .where(e.c.action.in_(list(after)))
            .group_by(e.c.dossier_id).subquery("last_state_event"))
    event = e.alias("event")
    agrees = or_(*(and_(event.c.action == action, d.c.state.in_(sorted(states)))
                   for action, states in after.items()))
    return (select(d.c.id, d.c.code, d.c.state, event.c.action)
            .select_from(d.outerjoin(last, last.c.dossier_id == d.c.id)
                         .outerjoin(event, event.c.id == last.c.event_id))
            .where(or_(event.c.id.is_(None), ~agrees))
            .order_by(d.c.id))


def _describe_state_events(row) -> str:
    last = row.action or "không có sự kiện đổi trạng thái"
    return f"hồ sơ #{row.id} {row.code or '(chưa có mã)'}: trạng thái {row.state}, " \
           f"sự kiện cuối {last}"


def _half_saved() -> Select:
    d, e = Dossier.__table__, DossierEvent.__table__
    submitted = exists().where(e.c.dossier_id == d.c.id, e.c.action == "submitted")
    past_draft = d.c.state != S.DRAFT
    return (select(d.c.id, d.c.code, d.c.state, d.c.submitted_at, d.c.due_at, d.c.received_at,
                   submitted.label("has_submitted"))
            .where(or_(
                and_(past_draft, or_(d.c.code.is_(None), d.c.submitted_at.is_(None),
                                     d.c.due_at.is_(None), ~submitted)),
                and_(d.c.state == S.DRAFT, d.c.code.is_not(None)),
                and_(d.c.state.in_(sorted(RECEIVED_STATES)), d.c.received_at.is_(None))))
            .order_by(d.c.id))


def _describe_half_saved(row) -> str:
    state = S(row.state) if not isinstance(row.state, S) else row.state
    lacks = []
    if state is S.DRAFT:
        lacks.append("bản nháp đã có mã")
    else:
        lacks += [what for what, missing in (
            ("mã hồ sơ", row.code is None), ("thời điểm nộp", row.submitted_at is None),
            ("hạn giải quyết", row.due_at is None),
            ("sự kiện submitted", not row.has_submitted)) if missing]
    if state in RECEIVED_STATES and row.received_at is None:
        lacks.append("thời điểm tiếp nhận")
    return f"hồ sơ #{row.id} {row.code or '(chưa có mã)'} ({state.value}): thiếu " \
           + ", ".join(lacks)


def _open(model, finished) -> object:
    """(dossier_id, n) of the dossiers with ``n`` rows of ``model`` still open."""
    table = model.__table__
    return (select(table.c.dossier_id, func.count().label("n"))
            .where(table.c[finished].is_(None)).group_by(table.c.dossier_id).subquery())


def _workflow_records() -> Select:
    """``workflow.actions.invariant_problems`` — what every action leaves true, checked after
    each action by the workflow's tests — as one query over every dossier: the open pauses,
    steps, legs and consultations are counted per dossier once (outer joins to small
    aggregates: only open rows), not looked up dossier by dossier."""
    d, f = Dossier.__table__, DossierFile.__table__
    pauses, steps = _open(Pause, "ended_at"), _open(DossierStep, "finished_at")
    legs, asks = _open(InterAgencyLeg, "returned_at"), _open(Consultation, "answered_at")
    results = (select(f.c.dossier_id, func.count().label("n")).where(f.c.kind == FileKind.RESULT)
               .group_by(f.c.dossier_id).subquery())
    n = {name: func.coalesce(sub.c.n, 0) for name, sub in
         (("pauses", pauses), ("steps", steps), ("legs", legs), ("asks", asks),
          ("results", results))}
    resolved = d.c.state.in_(sorted(RESOLVED_STATES))
    paused = d.c.state.in_(sorted(PAUSED_STATES))
    problems = or_(
        and_(resolved, d.c.finished_at.is_(None)),
        and_(~resolved, d.c.finished_at.is_not(None)),
        and_(d.c.state.in_(sorted(RESULT_STATES)), n["results"] == 0, d.c.result_note == ""),
        and_(d.c.state == S.RETURNED, d.c.returned_at.is_(None)),
        and_(paused, n["pauses"] != 1), and_(~paused, n["pauses"] > 0),
        n["steps"] > 1, and_(resolved, n["steps"] > 0),
        and_(d.c.received_at.is_not(None), d.c.due_at.is_(None)),
        n["legs"] > 1, and_(n["legs"] > 0, d.c.state != S.INTER_AGENCY),
        and_(d.c.state == S.AWAITING_CONSULTATION, n["asks"] == 0))
    joined = d
    for sub in (pauses, steps, legs, asks, results):
        joined = joined.outerjoin(sub, sub.c.dossier_id == d.c.id)
    return (select(d.c.id, d.c.code, d.c.state, d.c.finished_at, d.c.returned_at,
                   d.c.received_at, d.c.due_at, d.c.result_note,
                   *(value.label(name) for name, value in n.items()))
            .select_from(joined).where(problems).order_by(d.c.id))


def _describe_workflow_records(row) -> str:
    state = S(row.state)
    resolved, paused = state in RESOLVED_STATES, state in PAUSED_STATES
    found = [text for text, wrong in (
        ("kết thúc mà không có thời điểm kết thúc", resolved and row.finished_at is None),
        ("chưa kết thúc mà có thời điểm kết thúc", not resolved and row.finished_at is not None),
        ("có kết quả mà không có tệp hay ghi chú kết quả",
         state in RESULT_STATES and not row.results and not row.result_note),
        ("đã trả mà không có thời điểm trả", state is S.RETURNED and row.returned_at is None),
        (f"{row.pauses} lần tạm dừng đang mở", (row.pauses != 1) if paused else row.pauses > 0),
        (f"{row.steps} bước đang mở", row.steps > 1 or (resolved and row.steps > 0)),
        ("tiếp nhận mà không có hạn", row.received_at is not None and row.due_at is None),
        (f"{row.legs} lượt liên thông đang mở",
         row.legs > 1 or (row.legs > 0 and state is not S.INTER_AGENCY)),
        ("chờ ý kiến mà không còn yêu cầu nào mở",
         state is S.AWAITING_CONSULTATION and not row.asks)) if wrong]
    return f"hồ sơ #{row.id} {row.code or '(chưa có mã)'} ({state.value}): " + "; ".join(found)


def _payment_paid_twice() -> Select:
    pe = PaymentEvent.__table__
    return (select(pe.c.payment_id, func.count().label("n")).where(pe.c.kind == "paid")
            .group_by(pe.c.payment_id).having(func.count() > 1).order_by(pe.c.payment_id))


def _receipt_twice() -> Select:
    r = Receipt.__table__
    return (select(r.c.payment_id, func.count().label("n")).group_by(r.c.payment_id)
            .having(func.count() > 1).order_by(r.c.payment_id))


def _request_paid_twice() -> Select:
    p = Payment.__table__
    return (select(p.c.request_id, func.count().label("n"))
            .where(p.c.state.in_(sorted(PAID_STATES)))
            .group_by(p.c.request_id).having(func.count() > 1).order_by(p.c.request_id))


def _paid_without_receipt() -> Select:
    p, r = Payment.__table__, Receipt.__table__
    return (select(p.c.id, p.c.state, p.c.request_id)
            .where(p.c.state.in_(sorted(PAID_STATES)), ~exists().where(r.c.payment_id == p.c.id))
            .order_by(p.c.id))


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    query: Callable[[], Select]
    describe: Callable[[object], str]


CHECKS: tuple[Check, ...] = (
    Check("state_events", "Trạng thái hồ sơ khác sự kiện cuối cùng (state vs events)",
          _state_events, _describe_state_events),
    Check("half_saved", "Hồ sơ lưu dở (half-saved dossier)", _half_saved, _describe_half_saved),
    Check("workflow_records", "Bước, tạm dừng, liên thông, kết quả khác trạng thái hồ sơ "
          "(workflow records)", _workflow_records, _describe_workflow_records),
    Check("stats_days", "Bảng tổng hợp thống kê theo ngày lệch với hồ sơ (stats_day rollup)",
          stats_days.differences_query, stats_days.describe),
    Check("payment_paid_twice", "Khoản thanh toán có hai sự kiện paid (paid twice)",
          _payment_paid_twice, lambda r: f"thanh toán #{r.payment_id}: {r.n} sự kiện paid"),
    Check("receipt_twice", "Khoản thanh toán có hai biên lai (two receipts)", _receipt_twice,
          lambda r: f"thanh toán #{r.payment_id}: {r.n} biên lai"),
    Check("request_paid_twice", "Yêu cầu thu có hai khoản đã thanh toán (request paid twice)",
          _request_paid_twice, lambda r: f"yêu cầu thu #{r.request_id}: {r.n} khoản đã trả"),
    Check("paid_without_receipt", "Khoản đã thanh toán không có biên lai (no receipt)",
          _paid_without_receipt,
          lambda r: f"thanh toán #{r.id} ({r.state}) của yêu cầu #{r.request_id}"),
)


def run_checks(limit: int = 20, only: set[str] | None = None) -> list[tuple[Check, Finding]]:
    """Each check: its count (one COUNT over the query) and up to ``limit`` examples."""
    results = []
    for check in CHECKS:
        if only is not None and check.name not in only:
            continue
        query = check.query()
        finding = Finding(check.title)
        finding.count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if finding.count:
            finding.examples = [check.describe(row)
                                for row in db.session.execute(query.limit(limit))]
        results.append((check, finding))
    return results
