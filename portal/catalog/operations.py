"""Changing the catalog. A published version is frozen; every edit goes to a draft version.

Operations flush, never commit (STYLE.md): the caller commits once, so an import of many
procedures is all-or-nothing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import select

from portal.catalog.models import (
    Agency,
    ApplicantType,
    DocumentForm,
    FeeBasis,
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ProcedureFeeExemption,
    ProcedureInterAgency,
    ProcedureStep,
    ProcedureVersion,
    ShareUnit,
    StepRole,
    TimeUnit,
    VersionStatus,
)
from portal.core.i18n import LazyText, lazy_join
from portal.core.i18n import lazy_text as _l
from portal.core.models import utcnow
from portal.core.refusal import Refusal
from portal.extensions import db


class CatalogError(Refusal):
    """A refusal with a Vietnamese message for the administrator."""


@dataclass
class DocumentData:
    name: str
    form: DocumentForm = DocumentForm.ORIGINAL
    quantity: int = 1
    mandatory: bool = True
    template_label: str = ""


@dataclass
class FeeData:
    name: str
    amount: int
    note: str = ""
    kind: FeeKind = FeeKind.FEE
    basis: FeeBasis = FeeBasis.PER_DOSSIER
    unit_label: str = ""


@dataclass
class StepData:
    name: str
    role: StepRole
    hours: int


@dataclass
class ChainData:
    """One agency of the inter-agency chain (liên thông) and its share of the legal time."""

    agency_code: str
    share: int
    unit: ShareUnit = ShareUnit.DAYS


@dataclass
class ProcedureData:
    """Everything a version holds, independent of HTTP forms and import files."""

    code: str
    agency_code: str
    field_code: str
    name: str
    online_level: OnlineLevel
    applicant: ApplicantType
    time_amount: int
    time_unit: TimeUnit
    cutoff: time | None = None
    inter_agency: bool = False
    on_the_spot: bool = False
    result: str = ""
    legal_basis: str = ""
    description: str = ""
    change_note: str = ""
    documents: list[DocumentData] = field(default_factory=list)
    fees: list[FeeData] = field(default_factory=list)
    steps: list[StepData] = field(default_factory=list)
    chain: list[ChainData] = field(default_factory=list)
    exemptions: list[str] = field(default_factory=list)
    payment_due_at_submission: bool = False

    def problems(self) -> list[LazyText]:
        found = []
        if not self.code.strip():
            found.append(_l("Thiếu mã thủ tục."))
        if not self.name.strip():
            found.append(_l("Thiếu tên thủ tục."))
        if self.time_unit is TimeUnit.SAME_DAY:
            if self.time_amount:
                found.append(_l("Thủ tục giải quyết trong ngày phải có thời hạn bằng 0."))
        elif self.time_amount <= 0:
            found.append(_l("Thời hạn giải quyết phải lớn hơn 0."))
        if not self.documents:
            found.append(_l("Thủ tục phải có ít nhất một thành phần hồ sơ."))
        if any(f.amount < 0 for f in self.fees):
            found.append(_l("Mức phí, lệ phí không được âm."))
        if self.payment_due_at_submission and not any(f.amount for f in self.fees):
            found.append(_l("Thủ tục thu phí khi nộp hồ sơ phải có ít nhất một khoản thu."))
        if any(d.quantity < 1 for d in self.documents):
            found.append(_l("Số lượng giấy tờ phải từ 1 trở lên."))
        if any(s.hours < 0 for s in self.steps):
            found.append(_l("Thời gian của bước xử lý không được âm."))
        return found + self._chain_problems()

    def _chain_problems(self) -> list[LazyText]:
        found = []
        if self.chain and not self.inter_agency:
            found.append(_l("Chỉ khai báo cơ quan liên thông cho thủ tục liên thông."))
        if any(c.share <= 0 for c in self.chain):
            found.append(_l("Thời gian của cơ quan liên thông phải lớn hơn 0."))
        percent = sum(c.share for c in self.chain if c.unit is ShareUnit.PERCENT)
        if percent > 100:
            found.append(_l("Tổng tỷ lệ thời gian của các cơ quan liên thông không được vượt "
                            "quá 100%."))
        codes = [c.agency_code.strip() for c in self.chain]
        if len(set(codes)) != len(codes):
            found.append(_l("Mỗi cơ quan chỉ xuất hiện một lần trong chuỗi liên thông."))
        return found


def resolve_agency_field(agency_code: str, field_code: str) -> tuple[Agency, Field]:
    agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise CatalogError(_l("Không có cơ quan mã “%(code)s”.", code=agency_code))
    found = next((f for f in agency.fields if f.code == field_code), None)
    if found is None:
        raise CatalogError(_l("Cơ quan %(agency)s không có lĩnh vực mã “%(code)s”.",
                              agency=agency.name, code=field_code))
    return agency, found


def _fill(version: ProcedureVersion, data: ProcedureData, field_: Field) -> None:
    version.name = data.name.strip()
    version.field = field_
    version.field_id = field_.id
    version.online_level = data.online_level
    version.applicant = data.applicant
    version.time_amount = data.time_amount
    version.time_unit = data.time_unit
    version.cutoff = data.cutoff
    version.inter_agency = data.inter_agency
    version.on_the_spot = data.on_the_spot
    version.result = data.result.strip()
    version.legal_basis = data.legal_basis.strip()
    version.description = data.description.strip()
    version.change_note = data.change_note.strip()
    _replace_documents(version, data.documents)
    version.fees = [ProcedureFee(position=i, name=f.name.strip(), amount=f.amount, note=f.note,
                                 kind=f.kind, basis=f.basis, unit_label=f.unit_label.strip())
                    for i, f in enumerate(data.fees, 1)]
    version.exemptions = [ProcedureFeeExemption(position=i, name=name.strip())
                          for i, name in enumerate(data.exemptions, 1) if name.strip()]
    version.payment_due_at_submission = data.payment_due_at_submission
    version.steps = [ProcedureStep(position=i, name=s.name.strip(), role=s.role, hours=s.hours)
                     for i, s in enumerate(data.steps, 1)]
    version.chain = _chain(data.chain, version.procedure.agency_id)
    version.refresh_search_text()


def _chain(chain: list[ChainData], own_agency_id: int) -> list[ProcedureInterAgency]:
    """The chain's rows, each agency found by its code: never the procedure's own agency."""
    rows = []
    with db.session.no_autoflush:
        for position, item in enumerate(chain, 1):
            agency = db.session.scalar(select(Agency).where(
                Agency.code == item.agency_code.strip()))
            if agency is None:
                raise CatalogError(_l("Không có cơ quan mã “%(code)s”.", code=item.agency_code))
            if agency.id == own_agency_id:
                raise CatalogError(_l("Chuỗi liên thông gồm các cơ quan khác, không gồm cơ quan "
                                      "giải quyết thủ tục (%(agency)s).", agency=agency.name))
            rows.append(ProcedureInterAgency(position=position, agency_id=agency.id,
                                             agency=agency, share=item.share,
                                             share_unit=item.unit))
    return rows


def _replace_documents(version: ProcedureVersion, documents: list[DocumentData]) -> None:
    """Keep uploaded template/sample files of documents whose name is unchanged."""
    files = {d.name: d for d in version.documents}
    new = []
    for i, d in enumerate(documents, 1):
        old = files.get(d.name.strip())
        new.append(ProcedureDocument(
            position=i, name=d.name.strip(), form=d.form, quantity=d.quantity,
            mandatory=d.mandatory, template_label=d.template_label.strip(),
            template_key=old.template_key if old else None,
            template_filename=old.template_filename if old else None,
            sample_key=old.sample_key if old else None,
            sample_filename=old.sample_filename if old else None))
    version.documents = new


def create_procedure(data: ProcedureData, user_id: int | None) -> ProcedureVersion:
    """A new procedure with its first version as a draft."""
    problems = data.problems()
    if problems:
        raise CatalogError(lazy_join(problems))
    if db.session.scalar(select(Procedure.id).where(Procedure.code == data.code.strip())):
        raise CatalogError(_l("Mã thủ tục “%(code)s” đã tồn tại.", code=data.code))
    agency, field_ = resolve_agency_field(data.agency_code, data.field_code)
    procedure = Procedure(code=data.code.strip(), agency=agency, agency_id=agency.id)
    version = ProcedureVersion(number=1, status=VersionStatus.DRAFT, created_at=utcnow(),
                               created_by_id=user_id, procedure=procedure)
    db.session.add(procedure)
    _fill(version, data, field_)
    db.session.flush()
    return version


def draft_for_edit(procedure: Procedure, user_id: int | None) -> ProcedureVersion:
    """The procedure's draft; if none, a new draft copied from its latest version."""
    if procedure.draft is not None:
        return procedure.draft
    source = procedure.latest
    # Read the source completely before the half-built draft exists: a lazy load would
    # otherwise autoflush it (NOT NULL on procedure_version.name).
    data = data_of(source)
    with db.session.no_autoflush:
        version = ProcedureVersion(number=source.number + 1, status=VersionStatus.DRAFT,
                                   created_at=utcnow(), created_by_id=user_id,
                                   procedure=procedure)
        db.session.add(version)  # back-references do not cascade into the session (SA 2)
        _fill(version, data, source.field)
    version.change_note = ""
    for new, old in zip(version.documents, source.documents, strict=True):
        new.template_key, new.template_filename = old.template_key, old.template_filename
        new.sample_key, new.sample_filename = old.sample_key, old.sample_filename
    db.session.flush()
    return version


def update_draft(version: ProcedureVersion, data: ProcedureData) -> None:
    if not version.is_editable:
        raise CatalogError(_l("Phiên bản đã công bố không được sửa; hãy tạo bản nháp mới."))
    problems = data.problems()
    if problems:
        raise CatalogError(lazy_join(problems))
    agency, field_ = resolve_agency_field(version.procedure.agency.code, data.field_code)
    _fill(version, data, field_)
    db.session.flush()


def publish(version: ProcedureVersion, user_id: int | None) -> None:
    if version.status not in (VersionStatus.DRAFT, VersionStatus.UNPUBLISHED):
        raise CatalogError(_l("Chỉ bản nháp hoặc phiên bản đã ngừng công bố mới được công bố."))
    procedure = version.procedure
    current = procedure.published_version
    if current is not None and current is not version:
        current.status = VersionStatus.SUPERSEDED
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = user_id
    procedure.published_version = version
    db.session.flush()


def unpublish(procedure: Procedure) -> None:
    current = procedure.published_version
    if current is None:
        raise CatalogError(_l("Thủ tục này hiện không được công bố."))
    current.status = VersionStatus.UNPUBLISHED
    procedure.published_version = None
    db.session.flush()


def discard_draft(procedure: Procedure) -> None:
    draft = procedure.draft
    if draft is None:
        raise CatalogError(_l("Thủ tục không có bản nháp."))
    if len(procedure.versions) == 1:
        db.session.delete(procedure)
    else:
        procedure.versions.remove(draft)
    db.session.flush()


def data_of(version: ProcedureVersion) -> ProcedureData:
    return ProcedureData(
        code=version.procedure.code, agency_code=version.procedure.agency.code,
        field_code=version.field.code, name=version.name, online_level=version.online_level,
        applicant=version.applicant, time_amount=version.time_amount,
        time_unit=version.time_unit, cutoff=version.cutoff, inter_agency=version.inter_agency,
        on_the_spot=version.on_the_spot, result=version.result,
        legal_basis=version.legal_basis, description=version.description,
        change_note=version.change_note,
        documents=[DocumentData(d.name, d.form, d.quantity, d.mandatory, d.template_label)
                   for d in version.documents],
        fees=[FeeData(f.name, f.amount, f.note, f.kind, f.basis, f.unit_label)
              for f in version.fees],
        exemptions=[e.name for e in version.exemptions],
        payment_due_at_submission=version.payment_due_at_submission,
        steps=[StepData(s.name, s.role, s.hours) for s in version.steps],
        chain=[ChainData(c.agency.code, c.share, c.share_unit) for c in version.chain],
    )


# --- form template and sample-dossier files of a draft's documents ------------------------

DOCUMENT_FILE_KINDS = {"template": "mau", "sample": "ho-so-mau"}


def version_file_prefix(version: ProcedureVersion) -> str:
    """Files of one version live under their own prefix, so a new draft never overwrites the
    objects a published version points to (it copies the keys, not the files)."""
    code = re.sub(r"[^A-Za-z0-9._-]", "-", version.procedure.code).strip(".") or "thu-tuc"
    return f"catalog/{code}/v{version.number}/"


def document_file_key(document: ProcedureDocument, version: ProcedureVersion, kind: str,
                      extension: str) -> str:
    stem = f"{version_file_prefix(version)}{document.position}-{DOCUMENT_FILE_KINDS[kind]}"
    # After the rows of a draft are reordered, another document may still hold the file
    # stored under this position: never overwrite it.
    taken = {k for d in version.documents if d is not document
             for k in (d.template_key, d.sample_key)}
    if f"{stem}.{extension}" in taken:
        stem = f"{stem}-{uuid.uuid4().hex[:8]}"
    return f"{stem}.{extension}"


def attach_document_file(document: ProcedureDocument, version: ProcedureVersion, kind: str,
                         key: str, filename: str) -> str | None:
    """Point a draft document at a stored file; returns the key it pointed to before."""
    if not version.is_editable or document.version_id != version.id:
        raise CatalogError(_l("Chỉ tải tệp lên cho bản nháp; phiên bản đã công bố không được sửa."))
    previous = getattr(document, f"{kind}_key")
    setattr(document, f"{kind}_key", key)
    setattr(document, f"{kind}_filename", filename)
    db.session.flush()
    return previous


def own_files(version: ProcedureVersion) -> list[str]:
    """Keys stored for this version itself (not those inherited from the version before)."""
    prefix = version_file_prefix(version)
    keys = [k for d in version.documents for k in (d.template_key, d.sample_key)]
    return [k for k in keys if k and k.startswith(prefix)]
