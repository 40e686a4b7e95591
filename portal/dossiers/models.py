"""Dossier models. A dossier is bound to one procedure version, frozen when it was started."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.catalog.models import DocumentForm
from portal.core.i18n import N_
from portal.core.models import LabelledEnum, TimestampMixin, UTCDateTime, str_enum, utcnow
from portal.core.text import fold
from portal.dossiers.states import (
    CLOCK_RUNNING_STATES,
    PAUSED_STATES,  # noqa: F401 (imported from here by callers)
    RESOLVED_STATES,
    RESULT_STATES,
    SUPPLEMENT_STATES,
    WITHDRAWABLE,
    DossierState,
)
from portal.extensions import db

CLOCK_RUNNING_SQL = "state IN ({})".format(", ".join(f"'{s.value}'" for s in CLOCK_RUNNING_STATES))
# The statistics at volume (issue 19, portal/stats/days.py): the dossiers open at an instant
# (pending at a period's end, carried over at its start) are the ranges (received_at,
# finished_at] that contain it — a GiST index of them (PostgreSQL) finds those without reading
# the period's finished dossiers. A dossier recorded as finished before it was received has an
# empty range (it is pending at no instant).
SPAN_SQL = ("tstzrange(received_at, CASE WHEN finished_at < received_at THEN received_at "
            "ELSE finished_at END, '(]')")
FINISHED_BEFORE_RECEIVED_SQL = "finished_at < received_at"
POSTAL_RETURNED_SQL = "return_method = 'postal' AND state = 'returned'"
ON_THE_SPOT_SQL = "finished_at = received_at AND state = 'returned'"
STOPPED_SQL = "state = 'stopped'"
FORWARD_INTER_AGENCY_SQL = "action = 'forward_inter_agency'"


class Channel(LabelledEnum):
    ONLINE = "online", N_("Trực tuyến")
    COUNTER = "counter", N_("Trực tiếp tại quầy")
    POSTAL = "postal", N_("Qua bưu chính")


class FileKind(enum.StrEnum):
    APPLICANT = "applicant"  # attached by the applicant when filing (or scanned at intake)
    SUPPLEMENT = "supplement"  # added in answer to a completion or supplement request
    RESULT = "result"  # the e-result issued by the agency
    INTER_AGENCY = "inter_agency"  # the result of another agency of the inter-agency chain



# Files an agency made (its e-result, another agency's inter-agency result), not papers the
# applicant handed in. (A row not flushed yet may have no kind: the applicant's default.)
AGENCY_OUTPUT = frozenset({FileKind.RESULT, FileKind.INTER_AGENCY})


class ReturnMethod(LabelledEnum):
    COUNTER = "counter", N_("Nhận tại quầy của Trung tâm")
    POSTAL = "postal", N_("Nhận qua dịch vụ bưu chính")


class Dossier(TimestampMixin, db.Model):
    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_applicant_state", "applicant_id", "state"),
        Index("ix_dossier_organisation_state", "organisation_id", "state"),
        # Officers' queues: an agency's dossiers by state, soonest due first.
        Index("ix_dossier_agency_state_due", "agency_id", "state", "due_at", "id"),
        Index("ix_dossier_holder_state", "holder_id", "state"),
        # The staff's agency-wide search by CCCD/tax number or phone (queries.search_dossiers).
        Index("ix_dossier_applicant_id_number", "applicant_id_number"),
        Index("ix_dossier_applicant_phone", "applicant_phone"),
        # The statistics table (issue #5) reads every dossier of a period: these columns
        # alone, from this narrow index instead of the wide rows (portal/stats/figures.py).
        Index("ix_dossier_statistics", "agency_id", "received_at", "finished_at", "due_at",
              "channel", "state"),
        # The centre's monitoring (issue #5): the dossiers whose clock runs, by agency and due
        # time, with the apology's date — overdue, due today and "no apology yet" are counted
        # from this small index alone (a few percent of the rows).
        Index("ix_dossier_clock_running", "agency_id", "due_at", "new_appointment_at", "id",
              postgresql_where=text(CLOCK_RUNNING_SQL), sqlite_where=text(CLOCK_RUNNING_SQL)),
        # The statistics at volume (issue 19): the GiST index of the dossiers' open ranges,
        # ix_dossier_open_span (SPAN_SQL), is PostgreSQL's only and made beside the table, not
        # here (portal/stats/days.py; Alembic cannot compare an expression index on SQLite).
        # The few dossiers finished before their reception, which the daily rollup leaves
        # out and the table counts directly (normally none: the index stays empty).
        Index("ix_dossier_finished_before_received", "agency_id",
              postgresql_where=text(FINISHED_BEFORE_RECEIVED_SQL),
              sqlite_where=text(FINISHED_BEFORE_RECEIVED_SQL)),
        # The monitoring (issue 19): the dossier of each supplement request, inter-agency
        # forward and consultation of a period — agency, procedure, due time, end — read from
        # this index alone, not from the wide rows (tens of thousands of lookups a month).
        Index("ix_dossier_lookup", "id", "agency_id", "procedure_version_id", "due_at",
              "finished_at"),
        # The monitoring: the dossiers stopped in a period (stopped after their due time).
        Index("ix_dossier_stopped", "finished_at", "agency_id", "due_at", "id",
              postgresql_where=text(STOPPED_SQL), sqlite_where=text(STOPPED_SQL)),
        # The annual figures: results sent back by post in a period (a few percent).
        Index("ix_dossier_postal_returned", "returned_at", "agency_id",
              postgresql_where=text(POSTAL_RETURNED_SQL),
              sqlite_where=text(POSTAL_RETURNED_SQL)),
        # The annual figures: the dossiers resolved on the spot, per procedure.
        Index("ix_dossier_on_the_spot", "received_at", "agency_id", "procedure_version_id",
              postgresql_where=text(ON_THE_SPOT_SQL), sqlite_where=text(ON_THE_SPOT_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)  # set at submission
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"),
                                                      index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    state: Mapped[DossierState] = mapped_column(str_enum(DossierState, "dossier_state"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    # Who filed it online; None for a walk-in or postal applicant without an account.
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # Applicant details as declared on this dossier (prefilled from the profile).
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    # The name without diacritics (core.text.fold), set with it: the staff's agency-wide
    # search finds "Nguyễn Thị Hồng" typed as "nguyen thi hong", walk-ins included.
    applicant_name_folded: Mapped[str] = mapped_column(String(200), default="",
                                                       server_default="")
    applicant_id_number: Mapped[str] = mapped_column(String(20), default="")  # CCCD or tax code
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    applicant_email: Mapped[str] = mapped_column(String(254), default="")
    applicant_address: Mapped[str] = mapped_column(String(300), default="")
    representative: Mapped[str] = mapped_column(String(200), default="")
    return_method: Mapped[ReturnMethod | None] = mapped_column(
        str_enum(ReturnMethod, "return_method"))
    postal_province: Mapped[str] = mapped_column(String(100), default="")
    postal_district: Mapped[str] = mapped_column(String(100), default="")
    postal_ward: Mapped[str] = mapped_column(String(100), default="")
    postal_street: Mapped[str] = mapped_column(String(300), default="")
    # Chosen from the official list (portal.addresses, issue 15): the province and ward
    # names above are then the list's, and the district is empty (two levels since 2025).
    # Empty on addresses typed before the list, which are shown as stored.
    postal_province_code: Mapped[str] = mapped_column(String(2), default="", server_default="")
    postal_ward_code: Mapped[str] = mapped_column(String(5), default="", server_default="")
    postal_recipient: Mapped[str] = mapped_column(String(200), default="")
    postal_phone: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # expected appointment
    due_explanation: Mapped[str] = mapped_column(Text, default="")
    withdrawal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(String(500), default="")
    # --- processing (portal.workflow) ---
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The statutory due time (moved only by clock pauses); statistics judge against it.
    # ``new_appointment_at`` is the date promised in an apology (form 04), shown to the
    # applicant, never used to judge lateness.
    new_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # any ending
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # result handed over
    # Who collected the result at the counter, or the postal tracking number.
    returned_to: Mapped[str] = mapped_column(String(300), default="", server_default="")
    result_note: Mapped[str] = mapped_column(String(500), default="",
                                             server_default="")
    # The open internal step's role and holder, kept here so queues are one indexed query.
    current_role: Mapped[str | None] = mapped_column(String(32))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    supplement_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Optimistic locking: concurrent changes to one dossier cannot both win.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    procedure_version = relationship("ProcedureVersion", lazy="joined")
    agency = relationship("Agency", lazy="joined")
    applicant = relationship("User", foreign_keys=[applicant_id])
    holder = relationship("User", foreign_keys=[holder_id])
    received_by = relationship("User", foreign_keys=[received_by_id])
    organisation = relationship("Organisation")
    files: Mapped[list[DossierFile]] = relationship(
        back_populates="dossier", order_by="DossierFile.id", cascade="all, delete-orphan")
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id", cascade="all, delete-orphan")
    # Workflow records (portal.workflow.models), oldest first.
    steps = relationship("DossierStep", order_by="DossierStep.id",
                         cascade="all, delete-orphan", passive_deletes=True)
    pauses = relationship("Pause", order_by="Pause.id", cascade="all, delete-orphan",
                          passive_deletes=True)
    notices = relationship("Notice", order_by="Notice.id", cascade="all, delete-orphan",
                           passive_deletes=True, overlaps="dossier")
    consultations = relationship("Consultation", order_by="Consultation.id",
                                 cascade="all, delete-orphan", passive_deletes=True,
                                 overlaps="dossier")
    # The papers the counter took from the applicant (walk-in and postal intake, issue 18).
    papers: Mapped[list[DossierPaper]] = relationship(
        back_populates="dossier", order_by="DossierPaper.id", cascade="all, delete-orphan",
        passive_deletes=True)
    # Inter-agency legs (liên thông), oldest first.
    legs = relationship("InterAgencyLeg", order_by="InterAgencyLeg.id",
                        cascade="all, delete-orphan", passive_deletes=True,
                        back_populates="dossier")

    @property
    def is_draft(self) -> bool:
        return self.state is DossierState.DRAFT

    @property
    def is_resolved(self) -> bool:
        return self.state in RESOLVED_STATES

    @property
    def awaits_supplement(self) -> bool:
        """The applicant has been asked for papers and may upload them now."""
        return self.state in SUPPLEMENT_STATES

    @property
    def withdrawable(self) -> bool:
        """The applicant may still ask to withdraw it (not asked yet, not ended)."""
        return self.state in WITHDRAWABLE and self.withdrawal_requested_at is None

    @property
    def withdrawal_pending(self) -> bool:
        """The applicant asked to withdraw it and no officer has confirmed yet."""
        return self.state in WITHDRAWABLE and self.withdrawal_requested_at is not None

    @property
    def result_issued(self) -> bool:
        return self.state in RESULT_STATES

    def file_removable(self, item: DossierFile) -> bool:
        """Whether the applicant may still take ``item`` back: any paper of a draft, and
        the papers of the supplement round being answered (earlier rounds are on record)."""
        if self.is_draft:
            return item.kind is FileKind.APPLICANT
        return (self.awaits_supplement and item.kind is FileKind.SUPPLEMENT
                and item.round == self.supplement_round)

    @validates("applicant_name")
    def _fold_applicant_name(self, _key: str, value: str) -> str:
        self.applicant_name_folded = fold(value)
        return value

    @property
    def appointment_at(self) -> datetime | None:
        """The date the applicant is told: the apology's new date if there is one."""
        return self.new_appointment_at or self.due_at

    def is_overdue(self, now: datetime) -> bool:
        """Past its statutory due time, not finished, and no pause holds its clock: the rule
        the statistics, the monitoring and the queues apply (``portal.workflow.overdue``)."""
        from portal.workflow.overdue import is_overdue

        return is_overdue(self, now)

    @property
    def result_files(self) -> list[DossierFile]:
        return [f for f in self.files if f.kind is FileKind.RESULT]

    @property
    def applicant_files(self) -> list[DossierFile]:
        return [f for f in self.files if f.kind not in AGENCY_OUTPUT]


class DossierFile(db.Model):
    """One uploaded file for one required document (DESIGN.md §5). Never overwritten:
    a replacement is a new row (and, once submitted, a new version)."""

    __tablename__ = "dossier_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedure_document.id"), index=True)  # None: an extra, unlisted paper
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind, "file_kind"),
                                           default=FileKind.APPLICANT,
                                           server_default=FileKind.APPLICANT.value)
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="files")
    requirement = relationship("ProcedureDocument")

    @property
    def previewable(self) -> bool:
        return self.content_type in {"application/pdf", "image/jpeg", "image/png"}


class DossierPaper(db.Model):
    """One required paper the counter officer took from the applicant, scanned or not
    (issue 18): in which form (original, copy, certified copy) and how many. Form 01 prints
    it; reception checks the mandatory papers against these rows and the scans."""

    __tablename__ = "dossier_paper"
    __table_args__ = (
        UniqueConstraint("dossier_id", "requirement_id"),
        CheckConstraint("quantity >= 1 AND quantity <= 99", name="quantity_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_document.id", ondelete="CASCADE"), index=True)
    form: Mapped[DocumentForm] = mapped_column(str_enum(DocumentForm, "document_form"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="papers")
    requirement = relationship("ProcedureDocument")


class DossierEvent(db.Model):
    """Audit trail and citizen timeline (public events are shown to the applicant)."""

    __tablename__ = "dossier_event"
    __table_args__ = (
        # Inter-agency forwards by time (the monitoring's "sent with too little time left").
        Index("ix_dossier_event_inter_agency", "at", "dossier_id", "actor_id", "id",
              postgresql_where=text(FORWARD_INTER_AGENCY_SQL),
              sqlite_where=text(FORWARD_INTER_AGENCY_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(500), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class DossierCodeSequence(db.Model):
    """The last number used for an agency on a day: codes <unit code>-YYMMDD-NNNN."""

    __tablename__ = "dossier_code_sequence"
    __table_args__ = (UniqueConstraint("agency_id", "day", name="uq_code_sequence_agency_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    day: Mapped[date] = mapped_column(Date)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
