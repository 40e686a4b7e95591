"""Catalog models. A published ProcedureVersion never changes: editing makes a new draft."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.core.i18n import N_
from portal.core.models import LabelledEnum, TimestampMixin, UTCDateTime, str_enum
from portal.core.text import fold
from portal.extensions import db


class AgencyKind(enum.StrEnum):
    DEPARTMENT = "department"
    LAND = "land"
    OFFICE = "office"
    COMMITTEE = "committee"


class OnlineLevel(LabelledEnum):
    FULL = "full", N_("Toàn trình")  # was level 4
    PARTIAL = "partial", N_("Một phần")  # was level 3
    OFFLINE = "offline", N_("Trực tiếp")

    @property
    def is_online(self) -> bool:
        return self is not OnlineLevel.OFFLINE


class ApplicantType(LabelledEnum):
    CITIZEN = "citizen", N_("Công dân")
    BUSINESS = "business", N_("Tổ chức, doanh nghiệp")
    BOTH = "both", N_("Công dân, tổ chức, doanh nghiệp")


class TimeUnit(enum.StrEnum):
    DAYS = "days"
    HOURS = "hours"
    SAME_DAY = "same_day"


class DocumentForm(LabelledEnum):
    ORIGINAL = "original", N_("Bản chính")
    COPY = "copy", N_("Bản sao")
    CERTIFIED_COPY = "certified_copy", N_("Bản sao chứng thực")


class StepRole(LabelledEnum):
    COUNTER = "counter", N_("Cán bộ một cửa")
    SPECIALIST = "specialist", N_("Chuyên viên")
    LEADER = "leader", N_("Lãnh đạo")
    POSTAL = "postal", N_("Bưu điện")
    COMMITTEE = "committee", N_("Văn phòng UBND tỉnh")


class VersionStatus(LabelledEnum):
    DRAFT = "draft", N_("Bản nháp")
    PUBLISHED = "published", N_("Đang công bố")
    SUPERSEDED = "superseded", N_("Đã thay thế")  # replaced by a newer published version
    UNPUBLISHED = "unpublished", N_("Ngừng công bố")  # taken down by an administrator


class Agency(TimestampMixin, db.Model):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    unit_code: Mapped[str] = mapped_column(String(32), unique=True)  # Circular 10/2016/TT-BTTTT
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    fields: Mapped[list[Field]] = relationship(
        back_populates="agency", order_by="Field.name", cascade="all, delete-orphan"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="agency", order_by="Counter.number", cascade="all, delete-orphan"
    )


class Field(db.Model):
    """Lĩnh vực: a group of an agency's procedures."""

    __tablename__ = "field"
    __table_args__ = (UniqueConstraint("agency_id", "code", name="uq_field_agency_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship(back_populates="fields")


class Counter(db.Model):
    """Quầy: a reception counter of an agency at the centre."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("number", name="uq_counter_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency] = relationship(back_populates="counters")


class Procedure(TimestampMixin, db.Model):
    """The identity of a procedure across its versions."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedure_version.id", use_alter=True, name="fk_procedure_published_version"),
        index=True,
    )

    agency: Mapped[Agency] = relationship(lazy="joined")
    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure",
        order_by="ProcedureVersion.number",
        foreign_keys="ProcedureVersion.procedure_id",
        cascade="all, delete-orphan",
    )
    published_version: Mapped[ProcedureVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )

    @property
    def draft(self) -> ProcedureVersion | None:
        return next((v for v in self.versions if v.status is VersionStatus.DRAFT), None)

    @property
    def latest(self) -> ProcedureVersion:
        return self.versions[-1]


class ProcedureVersion(db.Model):
    __tablename__ = "procedure_version"
    __table_args__ = (
        UniqueConstraint("procedure_id", "number", name="uq_procedure_version_number"),
        CheckConstraint("time_amount >= 0", name="time_amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus, "version_status"))
    name: Mapped[str] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text, default="")
    field_id: Mapped[int] = mapped_column(ForeignKey("field.id"), index=True)
    online_level: Mapped[OnlineLevel] = mapped_column(str_enum(OnlineLevel, "online_level"))
    applicant: Mapped[ApplicantType] = mapped_column(str_enum(ApplicantType, "applicant_type"))
    time_amount: Mapped[int] = mapped_column(Integer)
    time_unit: Mapped[TimeUnit] = mapped_column(str_enum(TimeUnit, "time_unit"))
    cutoff: Mapped[time | None] = mapped_column(Time)
    inter_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    # The fees are paid before the counter receives the dossier (payments.operations).
    payment_due_at_submission: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(String(500), default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    procedure: Mapped[Procedure] = relationship(
        back_populates="versions", foreign_keys=[procedure_id]
    )
    field: Mapped[Field] = relationship(lazy="joined")
    documents: Mapped[list[ProcedureDocument]] = relationship(
        order_by="ProcedureDocument.position", cascade="all, delete-orphan"
    )
    fees: Mapped[list[ProcedureFee]] = relationship(
        order_by="ProcedureFee.position", cascade="all, delete-orphan"
    )
    steps: Mapped[list[ProcedureStep]] = relationship(
        order_by="ProcedureStep.position", cascade="all, delete-orphan"
    )
    exemptions: Mapped[list[ProcedureFeeExemption]] = relationship(
        order_by="ProcedureFeeExemption.position", cascade="all, delete-orphan"
    )
    # The inter-agency chain (liên thông): the other agencies the dossier goes to, in order.
    chain: Mapped[list[ProcedureInterAgency]] = relationship(
        order_by="ProcedureInterAgency.position", cascade="all, delete-orphan"
    )

    @property
    def is_editable(self) -> bool:
        return self.status is VersionStatus.DRAFT

    @property
    def total_fee(self) -> int:
        """The fixed lines' sum: per-unit lines depend on the applicant's quantity."""
        return sum(f.amount for f in self.fees if f.basis is not FeeBasis.PER_UNIT)

    def refresh_search_text(self) -> None:
        agency = self.procedure.agency if self.procedure else None
        # The name comes first so a search can rank names that start with the query.
        parts = [self.name, self.procedure.code if self.procedure else "",
                 self.field.name if self.field else "", agency.name if agency else ""]
        self.search_text = fold(" ".join(p for p in parts if p))


class _VersionPart:
    """A row in one of a version's ordered lists (documents, fees, steps), deleted with it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class ProcedureDocument(_VersionPart, db.Model):
    """Thành phần hồ sơ: one required document of a procedure version."""

    __tablename__ = "procedure_document"

    name: Mapped[str] = mapped_column(String(500))
    form: Mapped[DocumentForm] = mapped_column(str_enum(DocumentForm, "document_form"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    template_label: Mapped[str] = mapped_column(String(200), default="")
    template_key: Mapped[str | None] = mapped_column(String(300))
    template_filename: Mapped[str | None] = mapped_column(String(200))
    sample_key: Mapped[str | None] = mapped_column(String(300))
    sample_filename: Mapped[str | None] = mapped_column(String(200))


class FeeKind(LabelledEnum):
    """What the law calls the amount (Law 97/2015/QH13 on fees and charges): *phí* pays for a
    service, *lệ phí* for a state act; a service charge (e.g. the postal service) is neither."""

    FEE = "fee", N_("Phí")
    CHARGE = "charge", N_("Lệ phí")
    SERVICE = "service", N_("Giá dịch vụ")


class FeeBasis(LabelledEnum):
    """Per dossier (one fixed amount) or per copy/unit (the applicant enters how many)."""

    PER_DOSSIER = "per_dossier", N_("Mỗi hồ sơ")
    PER_UNIT = "per_unit", N_("Theo số bản, đơn vị")


class ProcedureFee(_VersionPart, db.Model):
    """One typed fee line of a version (docs/payments.md, "The fee model"). Lines written
    before fees were typed read as a fixed *phí* per dossier (the migration's defaults)."""

    __tablename__ = "procedure_fee"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    name: Mapped[str] = mapped_column(String(300))
    amount: Mapped[int] = mapped_column(Integer)  # VND, per dossier or per unit
    note: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[FeeKind] = mapped_column(str_enum(FeeKind, "fee_kind"), default=FeeKind.FEE)
    basis: Mapped[FeeBasis] = mapped_column(str_enum(FeeBasis, "fee_basis"),
                                            default=FeeBasis.PER_DOSSIER)
    unit_label: Mapped[str] = mapped_column(String(50), default="")  # "bản", "trang"…


class ProcedureFeeExemption(_VersionPart, db.Model):
    """A category of applicants exempt from the version's phí and lệ phí (e.g. people with
    meritorious service, poor households): the applicant ticks one and shows its proof."""

    __tablename__ = "procedure_fee_exemption"

    name: Mapped[str] = mapped_column(String(300))


class ProcedureStep(_VersionPart, db.Model):
    """One step of the internal electronic process (quy trình nội bộ)."""

    __tablename__ = "procedure_step"

    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[StepRole] = mapped_column(str_enum(StepRole, "step_role"))
    hours: Mapped[int] = mapped_column(Integer)


class ShareUnit(LabelledEnum):
    """How an agency's share of the legal processing time is given."""

    DAYS = "days", N_("ngày làm việc")
    PERCENT = "percent", N_("% thời hạn giải quyết")


class ProcedureInterAgency(_VersionPart, db.Model):
    """One agency of a version's inter-agency chain (liên thông) and its share of the legal
    time: so many working days, or a percentage of the procedure's processing time. A
    forwarded dossier is due back from that agency when its share has run
    (``workflow.inter_agency``)."""

    __tablename__ = "procedure_inter_agency"
    __table_args__ = (CheckConstraint("share > 0", name="share_positive"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    share: Mapped[int] = mapped_column(Integer)
    share_unit: Mapped[ShareUnit] = mapped_column(str_enum(ShareUnit, "share_unit"))

    agency: Mapped[Agency] = relationship(lazy="joined")


class PublishedVersionChanged(RuntimeError):
    """A published procedure version was about to change; that must never happen."""


_FROZEN_CHILDREN = (ProcedureDocument, ProcedureFee, ProcedureStep, ProcedureInterAgency,
                    ProcedureFeeExemption)


@event.listens_for(Session, "before_flush")
def _guard_published_versions(session, flush_context, instances):
    """Last line of defence: the operations never edit a published version; this proves it."""
    with session.no_autoflush:
        _check_frozen(session)


def _check_frozen(session) -> None:
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if isinstance(obj, ProcedureVersion) and obj in session.dirty:
            state = inspect(obj)
            changed = {a.key for a in state.attrs if a.history.has_changes()}
            frozen = _status_before_flush(obj) is not VersionStatus.DRAFT
            allowed = {"status", "published_at", "published_by_id", "search_text"}
            if frozen and changed - allowed:
                raise PublishedVersionChanged(f"version {obj.id}: {sorted(changed - allowed)}")
        elif isinstance(obj, _FROZEN_CHILDREN) and obj.version_id:
            version = session.get(ProcedureVersion, obj.version_id)
            if version is None or version in session.new or version in session.deleted:
                continue
            if _status_before_flush(version) is not VersionStatus.DRAFT:
                raise PublishedVersionChanged(f"child of version {version.id}")


def _status_before_flush(version: ProcedureVersion) -> VersionStatus:
    history = inspect(version).attrs.status.history
    return history.deleted[0] if history.deleted else version.status
