"""Feedback items (*phản ánh, kiến nghị*) and their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.i18n import N_
from portal.core.models import LabelledEnum, UTCDateTime, str_enum, utcnow
from portal.extensions import db


class ComplaintTopic(LabelledEnum):
    """What the feedback is about: the short fixed list the form offers."""

    DELAY = "delay", N_("Chậm trễ giải quyết hồ sơ")
    ATTITUDE = "attitude", N_("Thái độ, tác phong của cán bộ")
    PAPERWORK = "paperwork", N_("Thủ tục, giấy tờ")
    FEES = "fees", N_("Phí, lệ phí")
    OTHER = "other", N_("Khác")


class ComplaintChannel(LabelledEnum):
    """How it reached the centre: the website, in person at the counter, or the hotline."""

    ONLINE = "online", N_("Trực tuyến")
    COUNTER = "counter", N_("Trực tiếp tại Trung tâm")
    HOTLINE = "hotline", N_("Đường dây nóng")


class ComplaintState(LabelledEnum):
    """new → routed (to the responsible agency) → answered (docs/feedback.md's diagram)."""

    NEW = "new", N_("Mới tiếp nhận")
    ROUTED = "routed", N_("Đã chuyển cơ quan xử lý")
    ANSWERED = "answered", N_("Đã trả lời")


class Timeliness(LabelledEnum):
    """Judged against ``due_at`` (working days from receipt, the calendar engine)."""

    ON_TIME = "on_time", N_("Trả lời đúng hạn")
    LATE = "late", N_("Trả lời quá hạn")
    OPEN = "open", N_("Chưa trả lời, trong hạn")
    OVERDUE = "overdue", N_("Chưa trả lời, quá hạn")


class Complaint(db.Model):
    """One *phản ánh, kiến nghị*. The contact details are personal and shown only to the
    centre's and the agency's staff and to whoever proves them (the lookup); the public page
    shows only ``public_text`` / ``public_answer``, edited and scrubbed at publication."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint("contact_phone <> '' OR contact_email <> ''", name="contact_given"),
        Index("ix_complaint_agency_state_due", "agency_id", "state", "due_at"),
        Index("ix_complaint_received", "received_at"),
        Index("ix_complaint_published", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[ComplaintChannel] = mapped_column(str_enum(ComplaintChannel,
                                                              "complaint_channel"))
    topic: Mapped[ComplaintTopic] = mapped_column(str_enum(ComplaintTopic, "complaint_topic"))
    state: Mapped[ComplaintState] = mapped_column(str_enum(ComplaintState, "complaint_state"),
                                                 default=ComplaintState.NEW)
    text: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id",
                                                              ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_explanation: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    routed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    routing_note: Mapped[str] = mapped_column(String(500), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The citizen's word on the answer: True settled, False not settled, None not said.
    settled: Mapped[bool | None] = mapped_column()
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_text: Mapped[str] = mapped_column(Text, default="")
    public_answer: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # core.text.fold of the published texts: the public search (accent-insensitive LIKE).
    search_text: Mapped[str] = mapped_column(Text, default="")

    agency = relationship("Agency", lazy="joined")
    dossier = relationship("Dossier")
    files: Mapped[list[ComplaintFile]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintFile.id")

    def is_overdue(self, now: datetime) -> bool:
        return self.answered_at is None and now > self.due_at

    def timeliness(self, now: datetime) -> Timeliness:
        if self.answered_at is not None:
            return Timeliness.ON_TIME if self.answered_at <= self.due_at else Timeliness.LATE
        return Timeliness.OVERDUE if now > self.due_at else Timeliness.OPEN

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ComplaintFile(db.Model):
    """An attachment, checked like a dossier's files (type by content, size) and streamed to
    storage under ``feedback/<id>/<uuid>``."""

    __tablename__ = "complaint_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"),
                                             index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="files")

    @property
    def previewable(self) -> bool:
        return self.content_type in {"application/pdf", "image/jpeg", "image/png"}
