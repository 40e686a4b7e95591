"""Changing feedback items: submit (or record for the counter and the hotline), attach files,
route, answer, the citizen's word on the answer, publish. Each flushes; the route commits.

Spam limits (docs/feedback.md): submissions per client address per hour (``core.throttle``,
counted before anything is written, never given back), a bounded text, at most
``MAX_FILES`` attachments of ``MAX_FILE_BYTES`` each of the dossiers' allowed types, and a
honeypot field the route checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from portal.calendar import Duration, DurationUnit, WorkCalendar
from portal.catalog.models import Agency
from portal.core import throttle
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Forbidden, Refusal
from portal.core.text import fold
from portal.dossiers.files import (
    after_head,
    allowed_labels,
    detect_type,
    megabytes,
    name_for_type,
    read_head,
    safe_filename,
)
from portal.dossiers.models import Dossier
from portal.dossiers.queries import by_code
from portal.extensions import db
from portal.feedback.complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintFile,
    ComplaintState,
    ComplaintTopic,
)
from portal.notifications import outbox
from portal.storage import Storage, StorageError, TooLarge

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # characters of the feedback, and of an answer
MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024
_REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class ComplaintError(Refusal):
    """A refusal with a Vietnamese message (core.refusal)."""


@dataclass
class ComplaintData:
    topic: ComplaintTopic
    text: str
    contact_name: str
    contact_phone: str = ""
    contact_email: str = ""
    dossier_code: str = ""
    channel: ComplaintChannel = ComplaintChannel.ONLINE


def submission_policy(config: Any) -> throttle.Policy:
    return throttle.Policy(limit=config.feedback_max_per_address, window=timedelta(hours=1))


def count_submission(address: str, config: Any) -> None:
    """Count one submission from ``address`` (before anything is written: the throttle's own
    transaction); raises ``throttle.Throttled`` past the hourly limit."""
    decision = throttle.attempt(throttle.address_key("feedback:address", address),
                                submission_policy(config))
    if not decision.allowed:
        raise throttle.Throttled(decision)


def _reference(now: datetime) -> str:
    return "PA" + now.strftime("%y%m%d") + "-" + "".join(
        secrets.choice(_REFERENCE_LETTERS) for _ in range(6))


def answer_deadline(received: datetime, calendar: WorkCalendar, days: int):
    """The answer is due ``days`` working days after receipt (the calendar engine: office
    sessions, weekends, Vietnamese holidays and the administrators' overrides)."""
    return calendar.add(received, Duration(days, DurationUnit.DAYS))


def _dossier(code: str) -> Dossier | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    found = by_code(code)
    if found is None:
        raise ComplaintError(_l("Không có hồ sơ nào mang mã %(code)s. Vui lòng kiểm tra lại mã "
                               "in trên giấy tiếp nhận, hoặc để trống.", code=code),
                            "dossier_code")
    return found


def submit(data: ComplaintData, *, now: datetime, calendar: WorkCalendar, answer_days: int,
           user=None, recorded_by=None) -> Complaint:
    """A new item, received now, due ``answer_days`` working days later. ``user``: the
    signed-in citizen who sent it; ``recorded_by``: the officer who typed it in (counter,
    hotline)."""
    if not (data.contact_phone or data.contact_email):
        raise ComplaintError(_l("Vui lòng nhập số điện thoại hoặc e-mail để nhận trả lời."),
                            "contact_phone")
    if len(data.text) > MAX_TEXT:
        raise ComplaintError(_l("Nội dung tối đa %(n)s ký tự.", n=MAX_TEXT), "text")
    dossier = _dossier(data.dossier_code)
    deadline = answer_deadline(now, calendar, answer_days)
    item = Complaint(reference=_reference(now), channel=data.channel, topic=data.topic,
                    state=ComplaintState.NEW, text=data.text.strip(),
                    contact_name=data.contact_name.strip(), contact_phone=data.contact_phone,
                    contact_email=data.contact_email, dossier_id=dossier.id if dossier else None,
                    submitted_by_id=getattr(user, "id", None),
                    recorded_by_id=getattr(recorded_by, "id", None), received_at=now,
                    due_at=deadline.due, due_explanation=deadline.explanation_vi)
    db.session.add(item)
    db.session.flush()
    return item


def attach(item: Complaint, stream: BinaryIO, filename: str, storage: Storage) -> ComplaintFile:
    """Stream one attachment into storage (type from its content, as dossier files), then add
    its row. Object first, then the row: the request frame deletes the object if the commit
    fails."""
    name = safe_filename(filename)
    if len(item.files) >= MAX_FILES:
        raise ComplaintError(_l("Chỉ được đính kèm tối đa %(n)s tệp.", n=MAX_FILES), "files")
    too_big = ComplaintError(_l("Tệp “%(name)s” vượt quá dung lượng tối đa %(size)s cho mỗi tệp.",
                               name=name, size=megabytes(MAX_FILE_BYTES)), "files")
    try:
        head = read_head(stream)
    except TooLarge:
        raise too_big from None
    if not head:
        raise ComplaintError(_l("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.", name=name),
                            "files")
    content_type = detect_type(head, filename or "")
    if content_type is None:
        raise ComplaintError(_l("Tệp “%(name)s” không đúng định dạng cho phép. Chỉ nhận tệp "
                               "%(types)s.", name=name, types=allowed_labels()), "files")
    if len(head) > MAX_FILE_BYTES:
        raise too_big
    key = f"feedback/{item.id}/{uuid.uuid4().hex}"
    try:
        stored = storage.put(key, after_head(head, stream), content_type=content_type,
                             max_size=MAX_FILE_BYTES)
    except TooLarge:
        raise too_big from None
    except StorageError as exc:
        log.warning("feedback upload to %s failed: %s", key, exc)
        raise ComplaintError(_l("Không lưu được tệp đính kèm lúc này. Vui lòng thử lại sau."),
                            "files") from exc
    file = ComplaintFile(storage_key=key, original_name=name_for_type(name, content_type),
                        content_type=content_type, size=stored.size, sha256=stored.sha256)
    item.files.append(file)
    db.session.flush()
    return file


def route(item: Complaint, agency: Agency, user, now: datetime, note: str = "") -> None:
    """The supervisor sends the item to the agency responsible for it (again, while it is
    unanswered: a wrong agency can be corrected)."""
    if item.state is ComplaintState.ANSWERED:
        raise ComplaintError(_l("Phản ánh này đã được trả lời."))
    item.agency_id, item.agency = agency.id, agency
    item.state = ComplaintState.ROUTED
    item.routed_at, item.routed_by_id, item.routing_note = now, user.id, note.strip()
    db.session.flush()


def answer(item: Complaint, text: str, user, now: datetime, *, link: str) -> None:
    """The agency's answer; the citizen is told at the contact they gave (the outbox: sent
    once this transaction commits), with ``link`` to read it and say whether it settled the
    matter."""
    if item.state is not ComplaintState.ROUTED:
        raise Forbidden(_l("Phản ánh này không chờ cơ quan trả lời."))
    if not text.strip():
        raise ComplaintError(_l("Vui lòng nhập nội dung trả lời."), "answer")
    item.answer, item.answered_at, item.answered_by_id = text.strip(), now, user.id
    item.state = ComplaintState.ANSWERED
    _tell_citizen(item, link)
    db.session.flush()


def _tell_citizen(item: Complaint, link: str) -> None:
    agency = item.agency.name if item.agency else ""
    if item.contact_email:
        body = (f"Kính gửi {item.contact_name},\n\n{agency} đã trả lời phản ánh, kiến nghị "
                f"{item.reference} của Ông/Bà:\n\n{item.answer}\n\nXem trả lời và cho biết "
                f"vấn đề đã được giải quyết chưa: {link}\n")
        outbox.queue("email", item.contact_email, body,
                     subject=f"Trả lời phản ánh, kiến nghị {item.reference}",
                     dossier_id=item.dossier_id)
    if item.contact_phone:
        outbox.queue("sms", item.contact_phone,
                     f"Phan anh {item.reference} da duoc tra loi. Xem tai: {link}",
                     dossier_id=item.dossier_id)


def record_settlement(item: Complaint, settled: bool, now: datetime) -> None:
    """The citizen says whether the answer settled the matter (changeable: the last word)."""
    if item.state is not ComplaintState.ANSWERED:
        raise ComplaintError(_l("Phản ánh này chưa được trả lời."))
    item.settled, item.settled_at = settled, now
    db.session.flush()


# Personal data the public page must never show (docs/feedback.md, "Publication").
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A dossier code: <unit code>-YYMMDD-NNNN, the unit code made of letters, digits and dots.
_DOSSIER_CODE = re.compile(r"[\w.]+-\d{6}-\d{3,}")
_FEEDBACK_REFERENCE = re.compile(r"\bPA\d{6}-[A-Z0-9]{6}\b", re.IGNORECASE)
# Seven digits or more, grouped by spaces, dots or dashes, with or without +84: phones, ID
# numbers, tax codes, bank accounts. Dates (12/03/2025) and sums keep fewer in a row.
_DIGITS = re.compile(r"\+?\d(?:[\s.\-()]?\d){6,}")
HIDDEN = "[…]"


def scrub(text: str, names: list[str] = ()) -> str:
    """``text`` with e-mails, phone and ID numbers, dossier codes and the given names
    replaced by "[…]"."""
    text = _EMAIL.sub(HIDDEN, text or "")
    text = _DOSSIER_CODE.sub(HIDDEN, text)
    text = _FEEDBACK_REFERENCE.sub(HIDDEN, text)
    text = _DIGITS.sub(HIDDEN, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len,
                       reverse=True):
        text = re.sub(re.escape(name), HIDDEN, text, flags=re.IGNORECASE)
    return text


def personal_names(item: Complaint) -> list[str]:
    names = [item.contact_name]
    if item.dossier is not None:
        names.append(item.dossier.applicant_name)
    return names


def publish(item: Complaint, public_text: str, public_answer: str, user, now: datetime) -> None:
    """Publish an answered item with the edited texts, scrubbed again whatever the editor
    left in them: the public page never shows the personal data ``scrub`` knows."""
    if item.state is not ComplaintState.ANSWERED:
        raise ComplaintError(_l("Chỉ công khai được phản ánh đã có trả lời."))
    if not public_text.strip() or not public_answer.strip():
        raise ComplaintError(_l("Vui lòng nhập nội dung công khai và trả lời công khai."),
                            "public_text")
    names = personal_names(item)
    item.public_text = scrub(public_text.strip(), names)
    item.public_answer = scrub(public_answer.strip(), names)
    item.search_text = fold(f"{item.public_text} {item.public_answer}")
    item.published_at, item.published_by_id = now, user.id
    db.session.flush()


def unpublish(item: Complaint) -> None:
    item.published_at = item.published_by_id = None
    db.session.flush()


def lookup_token(reference: str, secret: str) -> str:
    """The signed link's token for one item (an HMAC of its reference, nothing stored): it
    opens the item's answer and the settled / not settled question without the contact."""
    mac = hmac.new(secret.encode(), b"feedback:" + reference.strip().upper().encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


def token_matches(reference: str, token: str, secret: str) -> bool:
    return bool(token) and hmac.compare_digest(token.strip().encode(),
                                               lookup_token(reference, secret).encode())


def _lookup_counter(address: str, config: Any) -> tuple[str, throttle.Policy]:
    return (throttle.address_key("feedback-lookup:address", address),
            throttle.Policy(limit=config.lookup_max_failures_per_address,
                            window=timedelta(minutes=15)))


def look_up(reference: str, *, contact: str = "", token: str = "", address: str,
            config: Any, secret: str) -> Complaint | None:
    """The item when ``reference`` and its contact (phone or e-mail) or the signed link's
    ``token`` match, else None — an unknown reference reads the same. Failures count per
    client address (as the dossier lookup's); raises ``throttle.Throttled`` past the limit.
    A success gives its counted attempt back (the caller commits)."""
    from portal.feedback.complaints.queries import by_reference, contact_matches

    reference = (reference or "").strip().upper()[:20]
    if token and token_matches(reference, token, secret):
        return by_reference(reference)
    key, policy = _lookup_counter(address, config)
    decision = throttle.attempt(key, policy)
    if not decision.allowed:
        raise throttle.Throttled(decision)
    found = by_reference(reference)
    if found is None or not contact_matches(found, contact):
        return None
    throttle.forgive(key)
    return found
