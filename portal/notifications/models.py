"""The message outbox (DESIGN.md §6, docs/messages.md): what the portal has to tell people,
written in the same transaction as the change it reports and delivered by the worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db

CHANNELS = ("email", "sms", "zalo")


class OutboxState:
    """pending: waiting for its first or next attempt (``next_attempt_at``); sent: the
    provider accepted it (``sent_at``, ``provider_message_id``); failed: it stopped after
    the last attempt or a permanent refusal; cancelled: an administrator stopped it."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ALL = (PENDING, SENT, FAILED, CANCELLED)


class OutboxMessage(db.Model):
    """A message to send, written in the same transaction as the change it reports.

    Writers set ``channel`` ("email" | "sms" | "zalo"), ``recipient`` (an e-mail address or
    a phone), ``subject`` (e-mail) and ``body`` (for "zalo" a JSON object
    ``{"template_id": …, "template_data": {…}}``); everything else has a default and belongs
    to the delivery (portal/notifications/delivery.py)."""

    __tablename__ = "outbox_message"
    # The worker's claim walks the pending rows in id order and checks each recipient for an
    # older pending one: both through partial indexes holding only pending rows, so the cost
    # does not grow with the messages already sent. The delivery log filters by state.
    __table_args__ = (
        Index("ix_outbox_pending", "id", postgresql_where=text("state = 'pending'"),
              sqlite_where=text("state = 'pending'")),
        Index("ix_outbox_pending_recipient", "recipient", "channel", "id",
              postgresql_where=text("state = 'pending'"), sqlite_where=text("state = 'pending'")),
        Index("ix_outbox_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id",
                                                              ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))  # email | sms | zalo
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING,
                                       server_default=OutboxState.PENDING)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                      server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str] = mapped_column(String(200), default="",
                                                     server_default="")
