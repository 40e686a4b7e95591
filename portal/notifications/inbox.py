"""The notification centre (issue 13): every message the portal sends an account holder is
also kept here, shown under the bell in the navbar and on the messages page. A person reads
only their own (every query filters by ``user_id``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import UTCDateTime, utcnow
from portal.core.pagination import Page, paginate
from portal.extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),
                      Index("ix_notification_user_created", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id",
                                                              ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier = relationship("Dossier", lazy="joined")


def add(user_id: int, dossier_id: int | None, title: str, body: str,
        now: datetime | None = None) -> Notification:
    item = Notification(user_id=user_id, dossier_id=dossier_id, title=title[:300], body=body,
                        created_at=now or utcnow())
    db.session.add(item)
    return item


def row(user_id: int, dossier_id: int | None, title: str, body: str, now: datetime
        ) -> dict[str, Any]:
    """``add``'s notification as the values of its row, for ``outbox.write``."""
    return {"user_id": user_id, "dossier_id": dossier_id, "title": title[:300], "body": body,
            "created_at": now}


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def page_of(user_id: int, page: int, per_page: int = 20) -> Page:
    query = (select(Notification).where(Notification.user_id == user_id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return paginate(query, page, per_page)


def get_own(user_id: int, notification_id: int) -> Notification | None:
    """The notification if it is ``user_id``'s; None (a 404) for anyone else's."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user_id))


def mark_read(item: Notification, now: datetime | None = None) -> None:
    if item.read_at is None:
        item.read_at = now or utcnow()
        db.session.flush()


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow()))
    return result.rowcount or 0
