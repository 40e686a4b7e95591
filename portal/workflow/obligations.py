"""The financial obligation (*nghĩa vụ tài chính*, issue 18): what the applicant must pay
before the agency goes on — an amount, a payee, where to pay, a deadline and the tax notice
(*thông báo nộp thuế*) as a file — and, once paid, when, with the receipt if the officer has
one.

``request_obligation`` and ``obligation_fulfilled`` (workflow.actions) write these rows; the
clock pause is the workflow's (``PauseKind.OBLIGATION``). Paying itself belongs to the
payments area: today the applicant pays at the payee and the officer confirms.

Files: the notice and the receipt are stored under ``obligations/<dossier id>/<uuid>``,
checked like every upload (magic bytes, the allow-list, per-file limit: ``dossiers.files``),
object first and then the row, inside the route's unit of work (a refusal deletes the
object); ``flask storage sweep`` knows the prefix."""

from __future__ import annotations

import enum
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import BinaryIO

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.calendar import VN_TZ, WorkCalendar
from portal.core.i18n import lazy_text as _l
from portal.core.models import UTCDateTime, str_enum, utcnow
from portal.core.refusal import Refusal
from portal.dossiers.files import (
    ALLOWED_TYPES,
    UploadLimits,
    after_head,
    allowed_labels,
    detect_type,
    megabytes,
    name_for_type,
    read_head,
    safe_filename,
)
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.storage import Storage, StorageError, TooLarge

log = logging.getLogger(__name__)

# Decree 126/2020/NĐ-CP: a tax notice for a registration fee or a land-related obligation is
# paid within 30 days of its issue. The proposed deadline is that day, moved to the next
# working day when it falls on a weekend or a holiday (the officer may change it).
PAY_WITHIN_DAYS = 30
MAX_AMOUNT = 10**13  # ten thousand billion đồng: anything larger is a typing mistake
MAX_DEADLINE_DAYS = 366
PAYEE_LIMIT = 300
PAY_TO_LIMIT = 1000
NOTE_LIMIT = 500
PREFIX = "obligations/"


class ObligationFileKind(enum.StrEnum):
    NOTICE = "notice"  # the tax notice: what to pay, to whom, by when
    RECEIPT = "receipt"  # the proof of payment the officer saw


class Obligation(db.Model):
    """One financial obligation of a dossier. A dossier may owe more than once (a second
    notice after the first is paid): the latest row is the current one."""

    __tablename__ = "dossier_obligation"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # đồng
    payee: Mapped[str] = mapped_column(String(PAYEE_LIMIT))
    pay_to: Mapped[str] = mapped_column(Text)  # where and how: account, address
    due_on: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    receipt_note: Mapped[str] = mapped_column(String(NOTE_LIMIT), default="")

    dossier = relationship("Dossier", backref=backref(
        "obligations", order_by="Obligation.id", cascade="all, delete-orphan"))
    files: Mapped[list[ObligationFile]] = relationship(
        order_by="ObligationFile.id", cascade="all, delete-orphan", back_populates="obligation")

    @property
    def notice(self) -> ObligationFile | None:
        return next((f for f in self.files if f.kind is ObligationFileKind.NOTICE), None)

    @property
    def receipt(self) -> ObligationFile | None:
        return next((f for f in self.files if f.kind is ObligationFileKind.RECEIPT), None)

    @property
    def open(self) -> bool:
        return self.confirmed_at is None

    def is_late(self, today: date) -> bool:
        return self.open and today > self.due_on


class ObligationFile(db.Model):
    """The tax notice or the receipt of one obligation, as stored."""

    __tablename__ = "dossier_obligation_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("dossier_obligation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ObligationFileKind] = mapped_column(str_enum(ObligationFileKind,
                                                              "obligation_file_kind"))
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    obligation: Mapped[Obligation] = relationship(back_populates="files")

    @property
    def previewable(self) -> bool:
        return self.content_type in {"application/pdf", "image/jpeg", "image/png"}


class ObligationError(Refusal):
    """A refusal with a Vietnamese message and the form field it belongs to."""


@dataclass(frozen=True)
class Terms:
    """What the officer states: the amount in đồng, who is paid, where and how, by when."""

    amount: int | None
    payee: str
    pay_to: str
    due_on: date | None


def local_today(now: datetime) -> date:
    return now.astimezone(VN_TZ).date()


def proposed_due_on(calendar: WorkCalendar, now: datetime) -> date:
    """PAY_WITHIN_DAYS after today, or the first working day after that."""
    day = local_today(now) + timedelta(days=PAY_WITHIN_DAYS)
    for _ in range(60):  # Tết and its swap days are never this long
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


def checked_terms(terms: Terms, now: datetime) -> Terms:
    """The terms, trimmed; the first problem refused with its field (the staff form lists
    every problem at once before this runs)."""
    if terms.amount is None or terms.amount <= 0:
        raise ObligationError(_l("Vui lòng nhập số tiền phải nộp (số nguyên dương, đơn vị "
                                 "đồng)."), "amount")
    if terms.amount > MAX_AMOUNT:
        raise ObligationError(_l("Số tiền quá lớn; vui lòng kiểm tra lại."), "amount")
    payee = (terms.payee or "").strip()
    if not payee:
        raise ObligationError(_l("Vui lòng nhập cơ quan thu (nơi nhận tiền)."), "payee")
    if len(payee) > PAYEE_LIMIT:
        raise ObligationError(_l("Nội dung quá dài (tối đa %(limit)s ký tự).",
                                 limit=PAYEE_LIMIT), "payee")
    pay_to = (terms.pay_to or "").strip()
    if not pay_to:
        raise ObligationError(_l("Vui lòng ghi nơi nộp hoặc số tài khoản nhận tiền."), "pay_to")
    if len(pay_to) > PAY_TO_LIMIT:
        raise ObligationError(_l("Nội dung quá dài (tối đa %(limit)s ký tự).",
                                 limit=PAY_TO_LIMIT), "pay_to")
    today = local_today(now)
    if terms.due_on is None or terms.due_on < today:
        raise ObligationError(_l("Hạn nộp phải từ hôm nay trở đi."), "due_on")
    if terms.due_on > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise ObligationError(_l("Hạn nộp không được quá một năm kể từ hôm nay."), "due_on")
    return Terms(terms.amount, payee, pay_to, terms.due_on)


def file_problem(stream: BinaryIO, filename: str) -> str | None:
    """Why this upload cannot be a notice or receipt (empty, not an allowed type), or None.
    Reads the head and rewinds: the form asks before anything is stored."""
    name = safe_filename(filename)
    head = read_head(stream)
    stream.seek(0)
    if not head:
        return str(_l("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.", name=name))
    if detect_type(head, filename or "") is None:
        return str(_l("Tệp “%(name)s” không đúng định dạng cho phép. Chỉ nhận tệp %(types)s.",
                      name=name, types=allowed_labels()))
    return None


def store_file(dossier_id: int, kind: ObligationFileKind, stream: BinaryIO, filename: str,
               user_id: int | None, storage: Storage, limits: UploadLimits) -> ObligationFile:
    """Stream the upload into storage and give back its row, not yet added to the session
    (the action attaches it). Inside the caller's unit of work, a refusal later in the
    change deletes the object again."""
    field = "notice" if kind is ObligationFileKind.NOTICE else "receipt"
    name = safe_filename(filename)
    head = read_head(stream)
    if not head:
        raise ObligationError(_l("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.",
                                 name=name), field)
    content_type = detect_type(head, filename or "", ALLOWED_TYPES)
    if content_type is None:
        raise ObligationError(_l("Tệp “%(name)s” không đúng định dạng cho phép. Chỉ nhận tệp "
                                 "%(types)s.", name=name, types=allowed_labels()), field)
    name = name_for_type(name, content_type)
    key = f"{PREFIX}{dossier_id}/{uuid.uuid4().hex}"
    try:
        stored = storage.put(key, after_head(head, stream), content_type=content_type,
                             max_size=limits.max_file)
    except TooLarge:
        raise ObligationError(_l("Tệp “%(name)s” vượt quá dung lượng tối đa %(size)s cho mỗi "
                                 "tệp.", name=name, size=megabytes(limits.max_file)),
                              field) from None
    except StorageError as exc:
        log.warning("upload to %s failed: %s", key, exc)
        raise ObligationError(_l("Kho lưu trữ tạm thời không phản hồi, tệp chưa được lưu. "
                                 "Vui lòng thử lại sau ít phút."), field) from exc
    return ObligationFile(kind=kind, storage_key=key, original_name=name,
                          content_type=content_type, size=stored.size, sha256=stored.sha256,
                          uploaded_by_id=user_id)


def current(dossier) -> Obligation | None:
    """The dossier's latest obligation (open, or the last one paid)."""
    items = getattr(dossier, "obligations", None) or []
    return items[-1] if items else None


def owed(dossier) -> bool:
    """Whether the applicant has still to pay: the latest obligation is open and the dossier
    waits for it (what the citizen's page puts first)."""
    obligation = current(dossier)
    return (obligation is not None and obligation.open
            and dossier.state is DossierState.AWAITING_PAYMENT_OF_OBLIGATION)


def file_of(dossier, file_id: int) -> ObligationFile | None:
    """A notice or receipt of one of ``dossier``'s obligations, or None."""
    for obligation in getattr(dossier, "obligations", None) or []:
        for item in obligation.files:
            if item.id == file_id:
                return item
    return None


@dataclass(frozen=True)
class PausedClock:
    """The dossier's clock while it waits for the applicant: since when, why, and the working
    days that will be left when it resumes (the appointment moves by the wait)."""

    since: datetime
    reason: str  # the pause kind's label (N_: translate where shown)
    days_left: float
    obligation: bool


def paused_clock(dossier, calendar: WorkCalendar) -> PausedClock | None:
    """The open pause of ``dossier`` (supplement or obligation), or None while the clock runs."""
    pause = next((p for p in getattr(dossier, "pauses", None) or [] if p.ended_at is None), None)
    if pause is None:
        return None
    days = pause.remaining_seconds / calendar.day_length.total_seconds()
    return PausedClock(pause.started_at, pause.kind.label, round(days, 1),
                       pause.kind.value == "obligation")
