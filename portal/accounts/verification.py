"""Proving a phone number or an e-mail address with a code, and choosing the channels of
one's messages (issue 13).

A 6-digit code goes through the outbox (SMS to the phone, e-mail to the address), valid for
``CODE_LIFETIME``; only its salted hash is kept. ``MAX_ATTEMPTS`` wrong answers spend it; a
new one can be asked for after ``RESEND_AFTER``, at most ``MAX_CODES_PER_HOUR`` an hour.
A proved number is remembered as ``user.phone_verified``: changing the number on the profile
unverifies it by itself. Operations flush, never commit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts.models import User
from portal.core.i18n import lazy_text as _l
from portal.core.models import UTCDateTime, utcnow
from portal.core.refusal import Refusal
from portal.extensions import db
from portal.notifications.models import OutboxMessage

CODE_LIFETIME = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_CODES_PER_HOUR = 5
MAX_ATTEMPTS = 5
KINDS = ("phone", "email")


class VerificationError(Refusal):
    """A refusal about a code (``field``: the form field)."""


class ContactVerification(db.Model):
    __tablename__ = "contact_verification"
    __table_args__ = (Index("ix_contact_verification_user_kind", "user_id", "kind",
                            "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # phone | email
    target: Mapped[str] = mapped_column(String(254))  # the number or address being proved
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def _target(user: User, kind: str) -> str:
    return user.phone if kind == "phone" else user.email


_TEXTS = {
    ("phone", "vi"): "TT PVHCC: Ma xac minh so dien thoai cua Ong/Ba la {code}, hieu luc 10 "
                     "phut. Khong cung cap ma nay cho nguoi khac.",
    ("phone", "en"): "PASC: Your phone verification code is {code}, valid for 10 minutes. "
                     "Do not share it.",
    ("email", "vi"): "Mã xác minh e-mail của bạn trên Cổng dịch vụ công là {code}, hiệu lực "
                     "10 phút.\nNếu bạn không yêu cầu, vui lòng bỏ qua thư này.",
    ("email", "en"): "Your e-mail verification code for the public service portal is {code}, "
                     "valid for 10 minutes.\nIf you did not ask for it, please ignore this "
                     "message.",
}
_SUBJECTS = {"vi": "Mã xác minh e-mail", "en": "Your e-mail verification code"}


def _latest(user: User, kind: str) -> ContactVerification | None:
    return db.session.scalar(select(ContactVerification).where(
        ContactVerification.user_id == user.id, ContactVerification.kind == kind)
        .order_by(ContactVerification.created_at.desc(), ContactVerification.id.desc()).limit(1))


def send_code(user: User, kind: str, now: datetime | None = None) -> ContactVerification:
    """A new code for the user's phone or e-mail, written to the outbox. Refused when there
    is nothing to verify, when the last code is less than a minute old, or after five codes
    in an hour."""
    now = now or utcnow()
    if kind not in KINDS:
        raise VerificationError(_l("Không có loại xác minh này."))
    target = _target(user, kind)
    if not target:
        raise VerificationError(_l("Vui lòng nhập số điện thoại trong thông tin liên hệ trước."),
                                "phone")
    last = _latest(user, kind)
    if last is not None and now - last.created_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
        raise VerificationError(_l("Mã vừa được gửi. Vui lòng chờ %(n)s giây rồi yêu cầu mã mới.",
                                   n=wait))
    sent = db.session.scalar(select(func.count()).select_from(ContactVerification).where(
        ContactVerification.user_id == user.id, ContactVerification.kind == kind,
        ContactVerification.created_at > now - timedelta(hours=1)))
    if sent >= MAX_CODES_PER_HOUR:
        raise VerificationError(_l("Bạn đã yêu cầu quá nhiều mã trong một giờ. Vui lòng thử lại "
                                   "sau."))
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    record = ContactVerification(user_id=user.id, kind=kind, target=target, salt=salt,
                                 code_hash=_hash(salt, code), created_at=now,
                                 expires_at=now + CODE_LIFETIME, attempts=0)
    db.session.add(record)
    language = user.language if user.language in ("vi", "en") else "vi"
    text = _TEXTS[(kind, language)].format(code=code)
    db.session.add(OutboxMessage(channel="sms" if kind == "phone" else "email",
                                 recipient=target, subject="" if kind == "phone"
                                 else _SUBJECTS[language], body=text))
    db.session.flush()
    return record


def check_code(user: User, kind: str, code: str, now: datetime | None = None) -> None:
    """Accept the code of the user's latest request: the phone or e-mail it was sent to is
    verified. Wrong, expired, spent or for a number since changed: refused."""
    now = now or utcnow()
    code = "".join((code or "").split())
    record = _latest(user, kind) if kind in KINDS else None
    if record is None or record.used_at is not None:
        raise VerificationError(_l("Chưa có mã xác minh đang chờ. Vui lòng yêu cầu gửi mã."),
                                "code")
    if record.target != _target(user, kind):
        raise VerificationError(_l("Mã này được gửi cho thông tin liên hệ trước khi bạn sửa. "
                                   "Vui lòng yêu cầu mã mới."), "code")
    if record.attempts >= MAX_ATTEMPTS:
        raise VerificationError(_l("Mã đã bị nhập sai quá %(n)s lần. Vui lòng yêu cầu mã mới.",
                                   n=MAX_ATTEMPTS), "code")
    if now >= record.expires_at:
        raise VerificationError(_l("Mã xác minh đã hết hạn. Vui lòng yêu cầu mã mới."), "code")
    if not (len(code) == 6 and code.isdigit()
            and hmac.compare_digest(_hash(record.salt, code), record.code_hash)):
        record.attempts += 1
        db.session.flush()
        left = MAX_ATTEMPTS - record.attempts
        raise VerificationError(_l("Mã xác minh không đúng (còn %(n)s lần thử).", n=left), "code")
    record.used_at = now
    if kind == "phone":
        user.phone_verified = record.target
    else:
        user.email_verified = record.target
    db.session.flush()


def attempt_code(user: User, kind: str, code: str, now: datetime | None = None
                 ) -> VerificationError | None:
    """``check_code`` for the route: the refusal is returned, not raised, so that the wrong
    attempt it counted is committed with the request."""
    try:
        check_code(user, kind, code, now)
    except VerificationError as refusal:
        return refusal
    return None


def pending(user: User, kind: str, now: datetime | None = None) -> bool:
    """Whether a code was sent and can still be entered (the profile shows the code field)."""
    now = now or utcnow()
    record = _latest(user, kind)
    return (record is not None and record.used_at is None and record.attempts < MAX_ATTEMPTS
            and now < record.expires_at and record.target == _target(user, kind))


def set_preferences(user: User, email: bool, sms: bool, zalo: bool, language: str) -> None:
    """The channels of the person's messages, at least one, each to a proved contact: e-mail
    stays allowed for the login address it was already on (where password resets go)."""
    if not (email or sms or zalo):
        raise VerificationError(_l("Vui lòng chọn ít nhất một cách nhận thông báo."), "channels")
    if (sms or zalo) and not user.phone_is_verified and not (
            (sms <= user.notify_sms) and (zalo <= user.notify_zalo)):
        raise VerificationError(_l("Vui lòng xác minh số điện thoại trước khi chọn nhận tin "
                                   "nhắn SMS hoặc Zalo."), "channels")
    if email and not user.notify_email and not user.email_is_verified:
        raise VerificationError(_l("Vui lòng xác minh e-mail trước khi chọn nhận thông báo qua "
                                   "e-mail."), "channels")
    user.notify_email, user.notify_sms, user.notify_zalo = email, sms, zalo
    user.language = language if language in ("vi", "en") else "vi"
    db.session.flush()
