"""The payment ledger (docs/payments.md, "Ledger states"): what a dossier owes
(``PaymentRequest`` and its lines), each attempt to pay it (``Payment``, integer VND), and the
append-only history of every attempt (``PaymentEvent``). Nothing here is ever deleted: a
refund is an event and an amount on the payment, never a removed row."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.catalog.models import FeeKind
from portal.core.i18n import N_
from portal.core.models import LabelledEnum, UTCDateTime, str_enum, utcnow
from portal.extensions import db


class RequestReason(LabelledEnum):
    SUBMISSION = "submission", N_("Phí, lệ phí nộp khi nộp hồ sơ")
    OBLIGATION = "obligation", N_("Nghĩa vụ tài chính")


class RequestState(LabelledEnum):
    OPEN = "open", N_("Chờ thanh toán")
    PAID = "paid", N_("Đã thanh toán")
    CANCELLED = "cancelled", N_("Đã hủy")


class PaymentMethod(LabelledEnum):
    GATEWAY = "gateway", N_("Thẻ/tài khoản qua cổng thanh toán")
    VIETQR = "vietqr", N_("Chuyển khoản VietQR")
    COUNTER = "counter", N_("Tại quầy một cửa")
    BANK_COUNTER = "bank_counter", N_("Tại quầy thu của ngân hàng")


class PaymentState(LabelledEnum):
    CREATED = "created", N_("Mới tạo")
    PENDING = "pending", N_("Đang chờ xác nhận")
    PAID = "paid", N_("Đã thanh toán")
    FAILED = "failed", N_("Không thành công")
    EXPIRED = "expired", N_("Hết hạn")
    PARTLY_REFUNDED = "partly_refunded", N_("Đã hoàn một phần")
    REFUNDED = "refunded", N_("Đã hoàn toàn bộ")

    @property
    def is_open(self) -> bool:
        return self in OPEN_PAYMENT_STATES

    @property
    def was_paid(self) -> bool:
        return self in PAID_STATES


OPEN_PAYMENT_STATES = frozenset({PaymentState.CREATED, PaymentState.PENDING})
PAID_STATES = frozenset({PaymentState.PAID, PaymentState.PARTLY_REFUNDED,
                         PaymentState.REFUNDED})


class PostageRate(db.Model):
    """The administrator's postage tariff for returning a result by post: one flat amount per
    zone (the row with an empty province is the default for every other province)."""

    __tablename__ = "postage_rate"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),
                      UniqueConstraint("province", name="uq_postage_rate_province"))

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[int] = mapped_column(Integer)


class DossierFeeAnswer(db.Model):
    """What the applicant said about the fees of a draft: how many copies of a per-unit line,
    or the exemption category claimed (one row per line; ``fee_id`` None for the claim)."""

    __tablename__ = "dossier_fee_answer"
    __table_args__ = (UniqueConstraint("dossier_id", "fee_id", name="uq_fee_answer_line"),
                      CheckConstraint("quantity >= 0", name="quantity_non_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    fee_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_fee.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    exemption_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_fee_exemption.id"))
    # The claim's proof and the counter's decision (issue 14): "" (no claim), pending,
    # confirmed or rejected (then the full amount is due).
    proof_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("dossier_file.id", ondelete="SET NULL"))
    exemption_state: Mapped[str] = mapped_column(String(20), default="", server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    proof_file = relationship("DossierFile")


class PaymentRequest(db.Model):
    """An amount a dossier owes, frozen when it is issued (at submission, or when staff issue
    it during processing). At most one payment confirms it (``Payment.confirmed_request_id``)."""

    __tablename__ = "payment_request"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    reason: Mapped[RequestReason] = mapped_column(str_enum(RequestReason, "request_reason"))
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, "request_state"),
                                                default=RequestState.OPEN)
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[PaymentRequestLine]] = relationship(
        order_by="PaymentRequestLine.position", cascade="all")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="request", order_by="Payment.id",
        foreign_keys="Payment.request_id")
    dossier = relationship("Dossier", lazy="joined")

    @property
    def confirmed_payment(self) -> Payment | None:
        return next((p for p in self.payments if p.state.was_paid), None)


class PaymentRequestLine(db.Model):
    __tablename__ = "payment_request_line"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("payment_request.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[FeeKind] = mapped_column(str_enum(FeeKind, "fee_kind"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_amount: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(300), default="")


class Payment(db.Model):
    """One attempt to pay a request by one method. ``confirmed_request_id`` is set (to the
    request's id) only when the payment is confirmed, and is unique: the database itself
    refuses a second confirmed payment of the same request, whatever races."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount",
                        name="refund_within_amount"),
        UniqueConstraint("confirmed_request_id", name="uq_payment_confirmed_request"),
        UniqueConstraint("txn_ref", name="uq_payment_txn_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("payment_request.id"), index=True)
    confirmed_request_id: Mapped[int | None] = mapped_column(ForeignKey("payment_request.id"))
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    state: Mapped[PaymentState] = mapped_column(str_enum(PaymentState, "payment_state"),
                                                default=PaymentState.CREATED, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    txn_ref: Mapped[str] = mapped_column(String(40))  # our reference, sent to the gateway
    gateway_txn_no: Mapped[str] = mapped_column(String(40), default="")
    bank_code: Mapped[str] = mapped_column(String(20), default="")
    bank_receipt_no: Mapped[str] = mapped_column(String(40), default="")
    payer_name: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[PaymentRequest] = relationship(back_populates="payments",
                                                   foreign_keys=[request_id])
    events: Mapped[list[PaymentEvent]] = relationship(order_by="PaymentEvent.id",
                                                      back_populates="payment")


class PaymentEvent(db.Model):
    """Append-only: a ``before_flush`` guard refuses to change or delete one."""

    __tablename__ = "payment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(32), default="")
    to_state: Mapped[str] = mapped_column(String(32), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(30), default="")  # ipn, return, querydr, staff…
    detail: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    payment: Mapped[Payment] = relationship(back_populates="events")


class LedgerChanged(RuntimeError):
    """A payment event was about to be changed or deleted; the ledger only grows."""


@event.listens_for(Session, "before_flush")
def _guard_ledger(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, PaymentEvent) and (obj in session.deleted
                                              or session.is_modified(obj)):
            raise LedgerChanged(f"payment event {obj.id}")
        if isinstance(obj, Payment | PaymentRequest) and obj in session.deleted:
            raise LedgerChanged(f"{type(obj).__name__} {obj.id}")


class Receipt(db.Model):
    """The electronic receipt (*biên lai điện tử*) of one confirmed payment: a template symbol
    and a number without gaps per issuing agency and year (``ReceiptSequence``). What it says
    is copied in when it is issued, so the paper and the verification page never change;
    a refund only marks it."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "number", name="uq_receipt_number"),
        UniqueConstraint("payment_id", name="uq_receipt_payment"),
        UniqueConstraint("token", name="uq_receipt_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(20))
    token: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agency_name: Mapped[str] = mapped_column(String(300))
    payer_name: Mapped[str] = mapped_column(String(300))
    dossier_code: Mapped[str] = mapped_column(String(40))
    procedure_name: Mapped[str] = mapped_column(String(500))
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)

    payment: Mapped[Payment] = relationship()

    @property
    def number_text(self) -> str:
        return f"{self.number:07d}"


class ReceiptSequence(db.Model):
    """The last receipt number of an agency in a year, bumped under a row lock."""

    __tablename__ = "receipt_sequence"
    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_receipt_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class StatementImport(db.Model):
    """One bank statement file the accountant imported (``/thu-phi/sao-ke``): who, when, how
    many lines it held and how many confirmed a payment."""

    __tablename__ = "statement_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    matched_count: Mapped[int] = mapped_column(Integer, default=0)

    imported_by = relationship("User")


class StatementLineRecord(db.Model):
    """A statement line a person must resolve (docs/payments.md "Unmatched statement
    lines"): short, excess, unknown, or a second transfer for a code already paid. Written in
    the import's transaction; the bank's reference is unique, so a statement imported again
    adds nothing. Resolved once (``resolved_at``, who, a required note), never deleted.
    ``agency_id`` is the agency of the dossier the line names, when it names one."""

    __tablename__ = "statement_line"
    __table_args__ = (UniqueConstraint("reference", name="uq_statement_line_reference"),
                      CheckConstraint("amount > 0", name="amount_positive"),
                      Index("ix_statement_line_open", "resolved_at", "imported_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_import.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100))
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20))  # short, excess, duplicate, unknown
    dossier_code: Mapped[str] = mapped_column(String(40), default="")
    expected_amount: Mapped[int | None] = mapped_column(BigInteger)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution_note: Mapped[str] = mapped_column(String(500), default="")

    statement_import: Mapped[StatementImport] = relationship()
    imported_by = relationship("User", foreign_keys=[imported_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    agency = relationship("Agency")

    @property
    def difference(self) -> int:
        """Paid minus due (negative: short), 0 when the line names no amount due."""
        return 0 if self.expected_amount is None else self.amount - self.expected_amount
