"""Changing the ledger (docs/payments.md). Operations flush, never commit: the caller's unit
of work commits the payment's change, its ``PaymentEvent``, the dossier's event, the receipt
and the outbox rows together, or none of them.

Exactly one confirmed payment per request, whatever arrives and in whatever order (IPN,
browser return, status query, a person at the counter): ``confirm`` moves a payment to
*paid* with one conditional ``UPDATE … WHERE state IN ('created', 'pending')`` — the second
of two racing transactions waits on the row lock and then updates nothing — and the same
statement sets ``confirmed_request_id``, unique in the database, so a second payment of the
same request can never be confirmed too."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.catalog.models import FeeKind
from portal.core.formatting import vn_money
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.dossiers.models import Dossier
from portal.dossiers.operations import add_event
from portal.extensions import db
from portal.payments import fees as fee_rules
from portal.payments.models import (
    OPEN_PAYMENT_STATES,
    PAID_STATES,
    DossierFeeAnswer,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentRequest,
    PaymentRequestLine,
    PaymentState,
    PostageRate,
    RequestReason,
    RequestState,
)


class PaymentError(Refusal):
    """A refusal with a Vietnamese message for the user."""


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # this call confirmed the payment
    ALREADY = "already"  # it was confirmed before (a repeated IPN, the return after the IPN)
    WRONG_AMOUNT = "wrong_amount"
    NOT_OPEN = "not_open"  # failed, expired: a late success is kept for a person to resolve
    OTHER_PAID = "other_paid"  # another payment of the request was confirmed first


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    payment: Payment


def _committed(row, **values) -> None:
    """Tell the session what an UPDATE statement just wrote to ``row`` (its rowcount said
    so), instead of reading the row back."""
    for key, value in values.items():
        set_committed_value(row, key, value)


def _event(payment: Payment, kind: str, now: datetime, *, before: PaymentState | None = None,
           after: PaymentState | None = None, amount: int = 0, source: str = "",
           detail: str = "", actor: User | None = None) -> PaymentEvent:
    row = PaymentEvent(payment_id=payment.id, kind=kind, at=now,
                       from_state=before.value if before else "",
                       to_state=after.value if after else "", amount=amount, source=source,
                       detail=detail[:500], actor_id=actor.id if actor else None)
    db.session.add(row)
    return row


# --- what the applicant answers about fees ----------------------------------------------

def answer_fees(dossier: Dossier, quantities: dict[int, int], exemption_id: int | None) -> None:
    """Store the quantity of each per-unit line and the exemption category claimed."""
    version = dossier.procedure_version
    if not dossier.is_draft:
        raise PaymentError(_l("Hồ sơ đã nộp nên không thể sửa phí, lệ phí."))
    known = {f.id for f in version.fees}
    if exemption_id is not None and exemption_id not in {e.id for e in version.exemptions}:
        raise PaymentError(_l("Đối tượng miễn phí, lệ phí không có trong thủ tục."), "exemption")
    if any(q < 1 or q > 1000 for q in quantities.values()):
        raise PaymentError(_l("Số bản phải từ 1 đến 1000."), "quantity")
    rows = {a.fee_id: a for a in fee_rules.answers_of(dossier)}
    for fee_id, quantity in quantities.items():
        if fee_id not in known:
            continue
        row = rows.get(fee_id) or DossierFeeAnswer(dossier_id=dossier.id, fee_id=fee_id)
        row.quantity = quantity
        db.session.add(row)
    claim = rows.get(None) or DossierFeeAnswer(dossier_id=dossier.id, fee_id=None, quantity=0)
    if claim.exemption_id != exemption_id:  # another category: its proof is asked again
        claim.proof_file_id = None
    claim.exemption_id = exemption_id
    claim.exemption_state = fee_rules.PENDING if exemption_id is not None else ""
    db.session.add(claim)
    db.session.flush()


def attach_exemption_proof(dossier: Dossier, stream, filename: str, user: User, storage,
                           limits) -> None:
    """The proof of the claimed category: a dossier file of its own (no required document),
    checked like every upload (type by content, size limits); it replaces an earlier one."""
    from portal.dossiers import operations as dossier_ops

    claim = fee_rules.claim_of(dossier)
    if claim is None or not dossier.is_draft:
        raise PaymentError(_l("Hãy chọn đối tượng miễn phí, lệ phí trước khi đính kèm giấy tờ "
                              "chứng minh."), "proof")
    try:
        item = dossier_ops.add_file(dossier, None, stream, filename, user, storage, limits)
    except dossier_ops.DossierError as error:
        raise PaymentError(str(error), "proof") from error
    claim.proof_file_id = item.id
    db.session.flush()


def require_exemption_proof(dossier: Dossier) -> None:
    """A claimed exemption needs its proof before submission."""
    claim = fee_rules.claim_of(dossier)
    if claim is not None and claim.proof_file_id is None:
        raise PaymentError(_l("Vui lòng đính kèm giấy tờ chứng minh thuộc đối tượng miễn phí, "
                              "lệ phí."), "proof")


def decide_exemption(dossier: Dossier, confirmed: bool, reason: str, now: datetime,
                     actor: User) -> PaymentRequest | None:
    """The counter officer's decision on a pending claim. Confirmed: phí and lệ phí stay
    waived. Rejected (a reason is required): the full amount is due — the open submission
    request is cancelled and one request for the full amount replaces it; when the waived
    request was already paid (a service charge), a request for the waived lines only is
    added. Never two open requests. The applicant is told through the outbox."""
    claim = fee_rules.claim_of(dossier)
    if claim is not None:  # two officers at once: the second waits, then sees it decided
        db.session.refresh(claim, with_for_update=True)
    if claim is None or claim.exemption_state != fee_rules.PENDING:
        raise PaymentError(_l("Hồ sơ không có đề nghị miễn phí, lệ phí đang chờ xác nhận."))
    if dossier.is_draft:
        raise PaymentError(_l("Hồ sơ chưa được nộp."))
    reason = (reason or "").strip()
    if not confirmed and not reason:
        raise PaymentError(_l("Vui lòng nêu lý do không xác nhận miễn phí, lệ phí."), "reason")
    name = fee_rules.exemption_of(dossier).name
    claim.exemption_state = fee_rules.CONFIRMED if confirmed else fee_rules.REJECTED
    claim.decided_at, claim.decided_by_id = now, actor.id
    claim.decision_reason = reason[:500]
    db.session.flush()
    if confirmed:
        add_event(dossier, "exemption_confirmed",
                  f"Đã xác nhận miễn phí, lệ phí: {name}.", actor, now)
        return None
    add_event(dossier, "exemption_rejected",
              f"Không xác nhận miễn phí, lệ phí ({name}): {reason}", actor, now)
    return _reissue_after_rejection(dossier, now, actor, reason, name)


def _reissue_after_rejection(dossier: Dossier, now: datetime, actor: User,
                             reason: str, exemption: str) -> PaymentRequest | None:
    """The full amount due again, and the applicant told once, by the rejection's own
    message (``exemption_rejected``: the category, the reason, the amount now due and how to
    pay), not by ``payment_requested``."""
    from portal.notifications import events  # messages are a layer above the ledger

    lines = list(fee_rules.due_for(dossier).lines)  # now at full amount
    paid = db.session.scalar(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id,
        PaymentRequest.reason == RequestReason.SUBMISSION,
        PaymentRequest.state == RequestState.PAID).limit(1))
    if paid is not None:  # what was paid stays paid: only the lines that were waived
        waived = {(line.name, line.kind) for line in paid.lines if line.amount == 0}
        lines = [line for line in lines if (line.name, line.kind) in waived]
    cancel_open(dossier, RequestReason.SUBMISSION, now, actor)
    request = issue_request(dossier, RequestReason.SUBMISSION, lines, now, actor,
                            note=f"Không được miễn phí, lệ phí: {reason}")
    if request is not None:
        add_event(dossier, "payment_requested",
                  f"Chờ thanh toán phí, lệ phí: {vn_money(request.amount)}.", actor, now)
    events.send(dossier, "exemption_rejected", now, exemption=exemption, reason=reason,
                amount=request.amount if request is not None else "")
    return request


def set_postage(zone: str, province: str, amount: int) -> PostageRate:
    """Add a zone of the postage tariff, or change the amount of the province's row."""
    zone, province = zone.strip(), province.strip()
    if not zone:
        raise PaymentError(_l("Vui lòng nhập tên vùng."), "zone")
    if amount < 0:
        raise PaymentError(_l("Cước không được âm."), "amount")
    row = db.session.scalar(select(PostageRate).where(PostageRate.province == province))
    if row is None:
        row = PostageRate(province=province)
        db.session.add(row)
    row.zone, row.amount = zone[:200], amount
    db.session.flush()
    return row


# --- requests -----------------------------------------------------------------------------

def issue_request(dossier: Dossier, reason: RequestReason, lines: list[fee_rules.DueLine],
                  now: datetime, actor: User | None = None, note: str = ""
                  ) -> PaymentRequest | None:
    """Freeze what is owed; nothing when it comes to 0 (exempt, or free)."""
    total = sum(line.amount for line in lines)
    if total <= 0:
        return None
    request = PaymentRequest(dossier_id=dossier.id, reason=reason, amount=total,
                             created_at=now, created_by_id=actor.id if actor else None,
                             note=note[:500])
    request.lines = [PaymentRequestLine(position=i, name=line.name[:300], kind=line.kind,
                                        quantity=line.quantity, unit_amount=line.unit_amount,
                                        amount=line.amount, note=line.note[:300])
                     for i, line in enumerate(lines, 1)]
    db.session.add(request)
    db.session.flush()
    return request


def request_at_submission(dossier: Dossier, now: datetime, actor: User | None
                          ) -> PaymentRequest | None:
    """Right after an online submission: when the version says the fees are due now, the
    dossier waits for payment (*Chờ thanh toán*) and the counter cannot receive it."""
    if not dossier.procedure_version.payment_due_at_submission:
        return None
    request = issue_request(dossier, RequestReason.SUBMISSION,
                            list(fee_rules.due_for(dossier).lines), now, actor)
    if request is not None:
        add_event(dossier, "payment_requested",
                  f"Chờ thanh toán phí, lệ phí: {vn_money(request.amount)}.", actor, now)
        _announce_request(dossier, request, now)
    return request


def request_for_obligation(dossier: Dossier, amount: int, payee: str, now: datetime,
                           actor: User | None) -> PaymentRequest | None:
    """Pay later (issue 14): the workflow's financial obligation becomes an amount the
    applicant can pay by any method; its confirmation resumes the dossier (``resume``).
    The obligation's own message already tells the applicant what and why: no second one."""
    cancel_open(dossier, RequestReason.OBLIGATION, now, actor)  # a new notice replaces it
    return issue_request(dossier, RequestReason.OBLIGATION, [fee_rules.DueLine(
        f"Nghĩa vụ tài chính nộp cho {payee}"[:300], FeeKind.FEE, 1, amount)], now, actor,
        note=f"Nghĩa vụ tài chính: {payee}")


def cancel_open(dossier: Dossier, reason: RequestReason, now: datetime,
                actor: User | None) -> int:
    """Close what is no longer owed (an officer confirmed the obligation paid elsewhere, a
    new notice replaced it): its open payments expire, the request is cancelled."""
    requests = list(db.session.scalars(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id, PaymentRequest.reason == reason,
        PaymentRequest.state == RequestState.OPEN)))
    for request in requests:
        for payment in request.payments:
            if payment.state in OPEN_PAYMENT_STATES:
                fail(payment, now, "staff", "request cancelled", expired=True)
        request.state = RequestState.CANCELLED
    db.session.flush()
    return len(requests)


def _announce_request(dossier: Dossier, request: PaymentRequest, now: datetime) -> None:
    from portal.notifications import events  # messages are a layer above the ledger

    events.send(dossier, "payment_requested", now, amount=request.amount,
                reason=request.note or "Phí, lệ phí")


# --- payments -----------------------------------------------------------------------------

def new_txn_ref(now: datetime) -> str:
    """Our transaction reference: unique, at most 40 characters, no secret."""
    return f"{now:%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def start_payment(request: PaymentRequest, method: PaymentMethod, now: datetime,
                  actor: User | None = None, payer_name: str = "") -> Payment:
    """A new attempt, pending until the gateway, the bank statement or a person confirms it."""
    if request.state is not RequestState.OPEN:
        raise PaymentError(_l("Khoản này đã được thanh toán hoặc đã hủy."))
    payment = Payment(request_id=request.id, method=method, amount=request.amount,
                      state=PaymentState.PENDING, txn_ref=new_txn_ref(now), created_at=now,
                      created_by_id=actor.id if actor else None,
                      payer_name=(payer_name or request.dossier.applicant_name)[:300])
    db.session.add(payment)
    db.session.flush()
    _event(payment, "created", now, after=PaymentState.PENDING, amount=payment.amount,
           source=method.value, actor=actor)
    db.session.flush()
    return payment


def confirm(payment: Payment, *, amount: int, now: datetime, source: str,
            gateway_txn_no: str = "", bank_code: str = "", bank_receipt_no: str = "",
            actor: User | None = None) -> Result:
    """Confirm ``payment`` once; any later call answers what happened the first time."""
    if amount != payment.amount:
        _event(payment, "wrong_amount", now, amount=amount, source=source, actor=actor,
               detail=f"expected {payment.amount}")
        db.session.flush()
        return Result(Outcome.WRONG_AMOUNT, payment)
    statement = (update(Payment)
                 .where(Payment.id == payment.id,
                        Payment.state.in_([s.value for s in OPEN_PAYMENT_STATES]))
                 .values(state=PaymentState.PAID, confirmed_request_id=payment.request_id,
                         paid_at=now, gateway_txn_no=gateway_txn_no[:40],
                         bank_code=bank_code[:20], bank_receipt_no=bank_receipt_no[:40])
                 .execution_options(synchronize_session=False))
    try:
        with db.session.begin_nested():
            changed = db.session.execute(statement).rowcount
    except IntegrityError:  # uq_payment_confirmed_request: another payment won
        db.session.refresh(payment)
        _event(payment, "paid_twice", now, amount=amount, source=source, actor=actor,
               detail="the request was already paid by another payment; refund this one")
        db.session.flush()
        return Result(Outcome.OTHER_PAID, payment)
    if changed:  # what the UPDATE wrote, without reading the row back
        _committed(payment, state=PaymentState.PAID, confirmed_request_id=payment.request_id,
                   paid_at=now, gateway_txn_no=gateway_txn_no[:40], bank_code=bank_code[:20],
                   bank_receipt_no=bank_receipt_no[:40])
    else:
        db.session.refresh(payment)
    if not changed:
        outcome = Outcome.ALREADY if payment.state in PAID_STATES else Outcome.NOT_OPEN
        _event(payment, "repeated" if outcome is Outcome.ALREADY else "late_success", now,
               amount=amount, source=source, actor=actor)
        db.session.flush()
        return Result(outcome, payment)
    _event(payment, "paid", now, before=PaymentState.PENDING, after=PaymentState.PAID,
           amount=amount, source=source, actor=actor)
    with db.session.no_autoflush:  # the event, the receipt and the dossier's event: one flush
        _settle_request(payment, now, actor)
    db.session.flush()
    return Result(Outcome.CONFIRMED, payment)


def _settle_request(payment: Payment, now: datetime, actor: User | None) -> None:
    from portal.payments import receipts  # receipts read the ledger; imported on use

    request = payment.request
    settled = db.session.execute(update(PaymentRequest)
                                 .where(PaymentRequest.id == request.id,
                                        PaymentRequest.state == RequestState.OPEN)
                                 .values(state=RequestState.PAID, paid_at=now)
                                 .execution_options(synchronize_session=False)).rowcount
    if settled:
        _committed(request, state=RequestState.PAID, paid_at=now)
    else:
        db.session.refresh(request)
    # The payment has just become paid, under the unique confirmed request: no receipt yet.
    receipt = receipts.issue(payment, now, fresh=True)
    dossier = request.dossier
    add_event(dossier, "payment_confirmed",
              f"Đã thanh toán {vn_money(payment.amount)} ({payment.method.label}); biên lai "
              f"{receipt.symbol} số {receipt.number_text}.", actor, now)
    from portal.notifications import events

    events.send(dossier, "payment_received", now, amount=payment.amount,
                receipt=f"{receipt.symbol} {receipt.number_text}")
    if request.reason is RequestReason.OBLIGATION:
        from portal.payments import resume

        resume.after_obligation_paid(dossier, payment, now)


def fail(payment: Payment, now: datetime, source: str, detail: str = "",
         expired: bool = False) -> bool:
    """The gateway said no (or the attempt ran out of time): the request stays open."""
    target = PaymentState.EXPIRED if expired else PaymentState.FAILED
    changed = db.session.execute(
        update(Payment).where(Payment.id == payment.id,
                              Payment.state.in_([s.value for s in OPEN_PAYMENT_STATES]))
        .values(state=target).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(payment)
    if changed:
        _event(payment, target.value, now, before=PaymentState.PENDING, after=target,
               source=source, detail=detail)
        db.session.flush()
    return bool(changed)


def refund(payment: Payment, amount: int, now: datetime, actor: User | None, reason: str,
           source: str = "staff") -> None:
    """Record money given back (a refused or withdrawn dossier, an overpayment): the payment
    and its receipt are marked, nothing is deleted."""
    from portal.payments.models import Receipt

    db.session.refresh(payment, with_for_update=True)
    if payment.state not in {PaymentState.PAID, PaymentState.PARTLY_REFUNDED}:
        raise PaymentError(_l("Chỉ hoàn tiền cho khoản đã thanh toán."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_l("Vui lòng nêu lý do hoàn tiền."), "reason")
    left = payment.amount - payment.refunded_amount
    if amount < 1 or amount > left:
        raise PaymentError(_l("Số tiền hoàn phải từ 1 đến %(left)s đồng.", left=left),
                           "amount")
    before = payment.state
    payment.refunded_amount += amount
    payment.state = (PaymentState.REFUNDED if payment.refunded_amount == payment.amount
                     else PaymentState.PARTLY_REFUNDED)
    receipt = db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))
    if receipt is not None:
        receipt.refunded_amount = payment.refunded_amount
    _event(payment, "refunded", now, before=before, after=payment.state, amount=amount,
           source=source, detail=reason, actor=actor)
    add_event(payment.request.dossier, "payment_refunded",
              f"Hoàn trả {vn_money(amount)}: {reason}", actor, now)
    db.session.flush()


def open_request_of(dossier: Dossier) -> PaymentRequest | None:
    return db.session.scalar(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id, PaymentRequest.state == RequestState.OPEN)
        .order_by(PaymentRequest.id))
