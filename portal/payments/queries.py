"""Reading the ledger: the visibility rules in the SQL ``WHERE`` (a foreign id is None, so
the route answers 404 in one query), and the lists of each page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.accounts.models import OrganisationMember, User
from portal.catalog.models import ProcedureVersion
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments.models import (
    PAID_STATES,
    Payment,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    PostageRate,
    Receipt,
    RequestReason,
    RequestState,
)


def _own_dossiers(user: User):
    """The dossiers a citizen sees: their own and their organisations'."""
    organisations = select(OrganisationMember.organisation_id).where(
        OrganisationMember.user_id == user.id)
    return or_(Dossier.applicant_id == user.id, Dossier.organisation_id.in_(organisations))


def request_for_applicant(user: User, request_id: int) -> PaymentRequest | None:
    return db.session.scalar(select(PaymentRequest).join(Dossier).where(
        PaymentRequest.id == request_id, _own_dossiers(user)))


def payment_for_applicant(user: User, payment_id: int) -> Payment | None:
    return db.session.scalar(select(Payment).join(
        PaymentRequest, Payment.request_id == PaymentRequest.id).join(Dossier).where(
        Payment.id == payment_id, _own_dossiers(user)))


def payment_for_applicant_by_txn_ref(user: User, txn_ref: str) -> Payment | None:
    if not txn_ref or len(txn_ref) > 40:
        return None
    return db.session.scalar(select(Payment).join(
        PaymentRequest, Payment.request_id == PaymentRequest.id).join(Dossier).where(
        Payment.txn_ref == txn_ref, _own_dossiers(user)).options(contains_eager(
            Payment.request)))


def receipt_for_applicant(user: User, receipt_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).join(Payment, Receipt.payment_id == Payment.id)
                             .join(PaymentRequest, Payment.request_id == PaymentRequest.id)
                             .join(Dossier).where(Receipt.id == receipt_id,
                                                  _own_dossiers(user)))


def requests_of(dossier: Dossier) -> list[PaymentRequest]:
    return list(db.session.scalars(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id).order_by(PaymentRequest.id)))


def receipts_of(dossier: Dossier) -> list[Receipt]:
    return list(db.session.scalars(
        select(Receipt).join(Payment, Receipt.payment_id == Payment.id)
        .join(PaymentRequest, Payment.request_id == PaymentRequest.id)
        .where(PaymentRequest.dossier_id == dossier.id).order_by(Receipt.id)))


def awaits_payment_at_submission(dossier_id: int) -> bool:
    """The fees due at submission are still unpaid: the counter may not receive it."""
    return db.session.scalar(select(PaymentRequest.id).where(
        PaymentRequest.dossier_id == dossier_id,
        PaymentRequest.reason == RequestReason.SUBMISSION,
        PaymentRequest.state == RequestState.OPEN).limit(1)) is not None


def exemption_pending_at_submission(dossier) -> bool:
    """An exemption claim the counter has not decided, on a procedure whose fees are due at
    submission: the dossier cannot be received until it is decided."""
    from portal.payments import fees

    if not dossier.procedure_version.payment_due_at_submission:
        return False
    claim = fees.claim_of(dossier)
    return claim is not None and claim.exemption_state == fees.PENDING


def payment_by_txn_ref(txn_ref: str) -> Payment | None:
    if not txn_ref or len(txn_ref) > 40:
        return None
    # With its request, its dossier and the applicant: a gateway result that settles reads
    # all three (the applicant is told), so one query instead of three round trips.
    # Of the procedure only its name (the receipt, the message), not its whole text.
    dossier = joinedload(Payment.request).joinedload(PaymentRequest.dossier)
    return db.session.scalar(select(Payment).where(Payment.txn_ref == txn_ref).options(
        dossier.joinedload(Dossier.applicant),
        dossier.joinedload(Dossier.procedure_version).load_only(ProcedureVersion.name)
        .lazyload(ProcedureVersion.field)))


def open_requests(q: str = "", agency_ids: set[int] | None = None, limit: int = 100
                  ) -> list[PaymentRequest]:
    """What the bank's collection counter sees: amounts due by dossier code and payer."""
    statement = (select(PaymentRequest).join(Dossier)
                 .where(PaymentRequest.state == RequestState.OPEN)
                 .order_by(PaymentRequest.created_at.desc()).limit(limit))
    q = q.strip()
    if q:
        statement = statement.where(or_(Dossier.code == q,
                                         Dossier.applicant_name.ilike(f"%{q[:100]}%")))
    if agency_ids is not None:
        statement = statement.where(Dossier.agency_id.in_(agency_ids))
    return list(db.session.scalars(statement))


def open_request_by_id(request_id: int) -> PaymentRequest | None:
    return db.session.scalar(select(PaymentRequest).where(
        PaymentRequest.id == request_id, PaymentRequest.state == RequestState.OPEN))


def postage_rates() -> list[PostageRate]:
    return list(db.session.scalars(select(PostageRate).order_by(PostageRate.province.desc(),
                                                                PostageRate.zone)))


def paid_payments(q: str, agency_ids: set[int] | None, limit: int = 50) -> list[Payment]:
    """Confirmed payments of a dossier code (what a refund starts from)."""
    q = q.strip()
    if not q:
        return []
    statement = (select(Payment).join(PaymentRequest, Payment.request_id == PaymentRequest.id)
                 .join(Dossier).where(Dossier.code == q,
                                      Payment.state.in_([s.value for s in PAID_STATES]))
                 .order_by(Payment.id).limit(limit))
    if agency_ids is not None:
        statement = statement.where(Dossier.agency_id.in_(agency_ids))
    return list(db.session.scalars(statement))


def payment_of_agencies(payment_id: int, agency_ids: set[int]) -> Payment | None:
    return db.session.scalar(select(Payment).join(
        PaymentRequest, Payment.request_id == PaymentRequest.id).join(Dossier).where(
        Payment.id == payment_id, Dossier.agency_id.in_(agency_ids)))


def pending_by_method() -> dict[PaymentMethod, tuple[int, datetime]]:
    """Per method, the payments still waiting for the gateway's or the bank's word (state
    pending: a card payment whose IPN has not come, a VietQR transfer not yet matched) and
    when the oldest of them started; one statement over ``ix_payment_state`` (the metrics,
    docs/OPERATIONS.md)."""
    rows = db.session.execute(
        select(Payment.method, func.count(Payment.id), func.min(Payment.created_at))
        .where(Payment.state == PaymentState.PENDING).group_by(Payment.method))
    return {method: (int(count), oldest) for method, count, oldest in rows}
