"""What the workflow records besides the dossier itself: the internal steps (the digital
process control slip, form 05), clock pauses, consultations with other agencies, the official
notices issued (forms 02, 03, 04 and the stop-processing notice). The message outbox is
``portal.notifications.models``."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import StepRole
from portal.core.i18n import N_
from portal.core.models import UTCDateTime, str_enum
from portal.extensions import db


class DossierStep(db.Model):
    """One handover in the internal process: who held the dossier, from when, until when."""

    __tablename__ = "dossier_step"
    __table_args__ = (
        Index("ix_dossier_step_holder_open", "holder_id", "finished_at"),
        # The open steps only (a few percent of the rows): the monitoring's steps held per
        # officer, counted and their oldest dossiers found from the index alone.
        Index("ix_dossier_step_open", "holder_id", "started_at", "agency_id", "due_at",
              "dossier_id",
              postgresql_where=text("finished_at IS NULL"),
              sqlite_where=text("finished_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[StepRole] = mapped_column(str_enum(StepRole, "step_role"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    holder = relationship("User", foreign_keys=[holder_id])
    finished_by = relationship("User", foreign_keys=[finished_by_id])
    agency = relationship("Agency")


class PauseKind(enum.StrEnum):
    SUPPLEMENT = "supplement"
    OBLIGATION = "obligation"

    @property
    def label(self) -> str:
        return {"supplement": N_("Chờ bổ sung hồ sơ"),
                "obligation": N_("Chờ thực hiện nghĩa vụ tài chính")}[self.value]


class Pause(db.Model):
    """A stretch during which the clock stops (the applicant has the dossier's next move)."""

    __tablename__ = "dossier_pause"
    # Supplement requests (each pauses the clock at the instant it is issued) by date, with
    # what the monitoring's late-request rule reads.
    # The pauses that can hold a clock, by their end (``workflow.overdue.holds_clock``: the
    # open ones are ``ended_at IS NULL``, those ended after an instant a range): which
    # dossiers are held at an instant without reading every pause (issue 19).
    __table_args__ = (Index("ix_dossier_pause_kind_started", "kind", "started_at", "dossier_id",
                            "remaining_seconds"),
                      Index("ix_dossier_pause_holding", "ended_at", "started_at", "dossier_id",
                            postgresql_where=text("remaining_seconds > 0"),
                            sqlite_where=text("remaining_seconds > 0")))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[PauseKind] = mapped_column(str_enum(PauseKind, "pause_kind"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Working time left before the due time when the pause began (seconds).
    remaining_seconds: Mapped[int] = mapped_column(Integer, default=0)


class Consultation(db.Model):
    """A question to another agency (*lấy ý kiến*), answered in that agency's queue."""

    __tablename__ = "consultation"
    __table_args__ = (
        Index("ix_consultation_agency_open", "agency_id", "answered_at"),
        # The monitoring's consultations past their date (issue 19): the open ones by due
        # time, with what the list reads.
        Index("ix_consultation_unanswered", "due_at", "agency_id", "dossier_id",
              "requested_by_id", "requested_at", "id",
              postgresql_where=text("answered_at IS NULL"),
              sqlite_where=text("answered_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))  # the agency asked
    question: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    agency = relationship("Agency")
    dossier = relationship("Dossier")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    def is_late(self, now: datetime) -> bool:
        return (self.answered_at or now) > self.due_at


class NoticeKind(enum.StrEnum):
    """Official notices of Circular 01/2018/TT-VPCP (03/2025): the number is the form's."""

    COMPLETION = "completion"  # 02, before reception
    SUPPLEMENT = "supplement"  # 02, during processing
    REFUSAL = "refusal"  # 03
    APOLOGY = "apology"  # 04, with a new appointment
    STOP = "stop"  # stop-processing notice (Circular 03/2025)

    @property
    def label(self) -> str:
        return NOTICE_LABELS[self]

    @property
    def form(self) -> str:
        return {"completion": "02", "supplement": "02", "refusal": "03", "apology": "04",
                "stop": "TB"}[self.value]

    @property
    def symbol(self) -> str:
        """The suffix of the notice number, e.g. 12/HDHS."""
        return {"completion": "HDHS", "supplement": "HDHS", "refusal": "TCHS",
                "apology": "XLHS", "stop": "DXL"}[self.value]


NOTICE_LABELS = {
    NoticeKind.COMPLETION: N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    NoticeKind.SUPPLEMENT: N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    NoticeKind.REFUSAL: N_("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
    NoticeKind.APOLOGY: N_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    NoticeKind.STOP: N_("Thông báo dừng xử lý hồ sơ"),
}


class Notice(db.Model):
    """One official notice issued on a dossier; printed from its template (docs/forms.md)."""

    __tablename__ = "dossier_notice"
    __table_args__ = (UniqueConstraint("agency_id", "kind", "year", "number",
                                       name="uq_notice_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[str] = mapped_column(Text, default="")  # one missing item per line
    original_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A request for papers (form 02): when the applicant is asked to answer by
    # (workflow.actions.ANSWER_WITHIN); None on other notices and on requests made before it.
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier = relationship("Dossier")
    issued_by = relationship("User")
    agency = relationship("Agency")

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.kind.symbol}"

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class NoticeSequence(db.Model):
    """The last number an agency gave to a kind of notice in a year (numbered like the
    dossier codes: one atomic upsert, so two officers never get the same number)."""

    __tablename__ = "notice_sequence"
    __table_args__ = (UniqueConstraint("agency_id", "kind", "year",
                                       name="uq_notice_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class InterAgencyLeg(db.Model):
    """One leg of an inter-agency transfer (*liên thông*): the dossier held by another agency
    of its procedure's chain, from when it was sent until that agency sent it back (or on).
    Its due time is the agency's share of the legal time (``workflow.inter_agency``), so a
    lateness is the holding agency's: the workspace and the statistics read it per leg."""

    __tablename__ = "inter_agency_leg"
    __table_args__ = (
        # The receiving agency's queue: its open legs.
        Index("ix_inter_agency_leg_agency_open", "agency_id", "returned_at"),
        Index("ix_inter_agency_leg_sent", "sent_at", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))  # the agency holding it
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))  # who sent it
    note: Mapped[str] = mapped_column(String(500), default="")  # the sender's note
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The receiving agency's result: its note and (optionally) a file, recorded by one of
    # its specialists or leaders before its leader sends the dossier back or on.
    result: Mapped[str] = mapped_column(Text, default="")
    result_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("dossier_file.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Where it went next: None back to the dossier's agency, else the next agency's id.
    onward_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))

    agency = relationship("Agency", foreign_keys=[agency_id])
    from_agency = relationship("Agency", foreign_keys=[from_agency_id])
    onward_agency = relationship("Agency", foreign_keys=[onward_agency_id])
    dossier = relationship("Dossier", back_populates="legs")
    result_file = relationship("DossierFile")
    sent_by = relationship("User", foreign_keys=[sent_by_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def is_late(self, now: datetime) -> bool:
        """Held past its share: attributed to the agency that held the dossier."""
        return (self.returned_at or now) > self.due_at
