"""Shipments, their batches and their status history (issue 15).

An outbound shipment carries one dossier's result to the applicant by post; its state
machine is ``states.TRANSITIONS``. An inbound one records the envelope a postal dossier came
in (its tracking number), nothing more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.i18n import N_
from portal.core.models import LabelledEnum, UTCDateTime, str_enum, utcnow
from portal.extensions import db


class Direction(LabelledEnum):
    OUTBOUND = "outbound", N_("Chuyển trả kết quả")
    INBOUND = "inbound", N_("Tiếp nhận hồ sơ qua bưu chính")


class ShipmentState(LabelledEnum):
    READY = "ready", N_("Chờ gửi bưu chính")
    IN_BATCH = "in_batch", N_("Đã đưa vào bảng kê")
    DISPATCHED = "dispatched", N_("Đã giao cho bưu chính")
    FAILED_ATTEMPT = "failed_attempt", N_("Phát không thành công")
    DELIVERED = "delivered", N_("Đã phát thành công")
    RETURNED_TO_CENTRE = "returned_to_centre", N_("Đã chuyển hoàn về Trung tâm")
    COLLECTED = "collected", N_("Đã nhận tại quầy")
    RECEIVED = "received", N_("Đã nhận bưu gửi đến")  # inbound: the envelope arrived


class BatchState(LabelledEnum):
    OPEN = "open", N_("Đang lập")
    DISPATCHED = "dispatched", N_("Đã giao bưu chính")


class PostalBatch(db.Model):
    """A hand-over to the post office: the items of one manifest (bảng kê giao nhận)."""

    __tablename__ = "postal_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[BatchState] = mapped_column(str_enum(BatchState, "batch_state"),
                                              default=BatchState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by = relationship("User", foreign_keys=[created_by_id])
    dispatched_by = relationship("User", foreign_keys=[dispatched_by_id])
    shipments: Mapped[list[Shipment]] = relationship(back_populates="batch",
                                                     order_by="Shipment.id")


class Shipment(db.Model):
    __tablename__ = "shipment"
    __table_args__ = (
        UniqueConstraint("direction", "tracking_number", name="uq_shipment_tracking"),
        CheckConstraint("postage_vnd >= 0", name="postage_not_negative"),
        Index("ix_shipment_state", "direction", "state", "dossier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "shipment_direction"))
    state: Mapped[ShipmentState] = mapped_column(str_enum(ShipmentState, "shipment_state"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("postal_batch.id"), index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(13))
    # What the label says, copied when the result was handed to the post: a later change
    # of the dossier cannot change where this envelope went.
    recipient: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(600), default="")
    # The postage (cước), in đồng: recorded for later, not charged yet (docs/delivery.md).
    postage_vnd: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # back at the centre
    # Optimistic locking: two status changes of one item cannot both win.
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    dossier = relationship("Dossier")
    batch: Mapped[PostalBatch | None] = relationship(back_populates="shipments")
    events: Mapped[list[ShipmentEvent]] = relationship(
        back_populates="shipment", order_by="ShipmentEvent.id", cascade="all, delete-orphan",
        passive_deletes=True)


class ShipmentEvent(db.Model):
    """One status of a shipment, with its date: what the applicant's page lists."""

    __tablename__ = "shipment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"),
                                             index=True)
    state: Mapped[ShipmentState] = mapped_column(str_enum(ShipmentState, "shipment_state"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    shipment: Mapped[Shipment] = relationship(back_populates="events")
