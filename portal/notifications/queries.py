"""What the delivery log shows (portal/blueprints/admin/deliveries.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from portal.core.i18n import N_
from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.notifications.models import CHANNELS, OutboxMessage, OutboxState

STATE_LABELS = {OutboxState.PENDING: N_("Đang chờ gửi"), OutboxState.SENT: N_("Đã gửi"),
                OutboxState.FAILED: N_("Gửi lỗi"), OutboxState.CANCELLED: N_("Đã hủy")}
CHANNEL_LABELS = {"email": N_("E-mail"), "sms": N_("SMS"), "zalo": N_("Zalo")}


def delivery_log(state: str | None, channel: str | None, number: int, size: int) -> Page:
    """The newest messages first; ``state``/``channel`` outside the known ones are ignored."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state in OutboxState.ALL:
        query = query.where(OutboxMessage.state == state)
    if channel in CHANNELS:
        query = query.where(OutboxMessage.channel == channel)
    return paginate(query, number, size)


def pending_backlog() -> tuple[int, datetime | None]:
    """How many messages wait to be sent (first attempt or a retry) and when the oldest of
    them was written, in one statement over ``ix_outbox_pending`` (the metrics, docs/
    OPERATIONS.md): ids grow with ``created_at``, so the lowest pending id is the oldest."""
    pending = OutboxMessage.state == OutboxState.PENDING
    oldest = (select(OutboxMessage.created_at).where(pending)
              .order_by(OutboxMessage.id).limit(1).scalar_subquery())
    count, first = db.session.execute(
        select(func.count(OutboxMessage.id), oldest).where(pending)).one()
    return int(count), first
