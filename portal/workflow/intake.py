"""Counter and postal intake (issue #4): the counter officer files a dossier on behalf of an
applicant who came to the counter or sent the papers by post.

The dossier is created already submitted (its code taken now, like an online submission);
the officer then scans the papers (``dossiers.operations.add_file`` accepts applicant files
on a submitted counter or postal dossier) and receives it (``actions.receive``) or, for an
on-the-spot procedure, resolves it at once (``actions.resolve_on_the_spot``). The applicant
need not have an account; when they have one, the dossier is linked to it and appears in
their "my dossiers". Operations flush, never commit (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import or_, select

from portal.accounts import policy
from portal.accounts.models import AccountKind, Role, RoleAssignment, User
from portal.calendar import Duration, DurationUnit, WorkCalendar
from portal.catalog.models import ProcedureVersion, VersionStatus
from portal.catalog.queries import CatalogFilter, search_catalog
from portal.core.i18n import lazy_text as _l
from portal.core.pagination import Page
from portal.core.phones import canonical_phone
from portal.core.text import search_terms
from portal.dossiers import codes
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Channel, Dossier, DossierState, ReturnMethod
from portal.extensions import db
from portal.workflow import papers
from portal.workflow.actions import Context, Forbidden, WorkflowError, receive
from portal.workflow.transitions import Action, move

INTAKE_CHANNELS = (Channel.COUNTER, Channel.POSTAL)
INTAKE_PAGE = 30  # procedures listed at once; the page says how many more match
INTAKE_EVENT = {Channel.COUNTER: "Tiếp nhận trực tiếp tại quầy",
                Channel.POSTAL: "Tiếp nhận hồ sơ qua bưu chính"}


@dataclass(frozen=True)
class Intake:
    """What the officer typed at the counter (or read from the postal envelope)."""

    channel: Channel | str
    applicant: dossier_ops.ApplicantData
    return_method: ReturnMethod | str
    postal: dossier_ops.PostalAddress | None = None
    person: User | None = None  # an existing account to link the dossier to
    note: str = ""
    # The tracking number (UPU S10) of the envelope a postal dossier came in; optional.
    envelope_tracking: str = ""


# --- reading -----------------------------------------------------------------------------

def intake_procedures(user: User, q: str = "", size: int = INTAKE_PAGE) -> Page:
    """The published procedures of the officer's agencies matching ``q``, searched and ranked
    as the public catalog does (``catalog.queries.search_catalog``: accent-insensitive, name
    or code, the procedure people mean first): one page of ``size``, with the total."""
    agencies = frozenset(policy.counter_agency_ids(user))
    return search_catalog(CatalogFilter(q=q, agency_ids=agencies), page=1, size=size)


def intake_version(user: User, version_id: int) -> ProcedureVersion | None:
    """A procedure the officer may take a dossier for (published, of their agencies)."""
    version = db.session.get(ProcedureVersion, version_id)
    if (version is None or version.status is not VersionStatus.PUBLISHED
            or version.procedure.published_version_id != version.id
            or version.procedure.agency_id not in policy.counter_agency_ids(user)):
        return None
    return version


def published_version(version_id: int) -> ProcedureVersion | None:
    return db.session.get(ProcedureVersion, version_id)


def search_people(q: str, limit: int = 10) -> list[User]:
    """Applicants with an account, by name (accent-insensitive), CCCD or phone. Staff
    accounts are not applicants and never appear."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    query = select(User).where(User.active.is_(True), User.kind != AccountKind.STAFF,
                               ~User.id.in_(select(RoleAssignment.user_id)))
    digits = q.replace(" ", "").replace(".", "")
    if digits.lstrip("+").isdigit():  # a CCCD, or a phone as typed (core.phones)
        query = query.where(or_(User.id_number == digits, User.phone == canonical_phone(q)))
    else:
        terms = search_terms(q)
        if not terms:
            return []
        for term in terms:
            query = query.where(User.name_folded.contains(term, autoescape=True))
    return list(db.session.scalars(query.order_by(User.full_name, User.id).limit(limit)))


def applicant_account(user_id: int) -> User | None:
    """An applicant account to link a dossier to (never a staff account)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.is_staff:
        return None
    return user


def is_being_scanned(dossier: Dossier) -> bool:
    """A counter or postal dossier between its intake and its reception: scans may be
    added and removed, the papers handed in recorded, the intake cancelled (issue 18)."""
    return papers.at_the_counter(dossier)


# --- the operation ------------------------------------------------------------------------

def _merged(applicant: dossier_ops.ApplicantData, person: User | None
            ) -> dossier_ops.ApplicantData:
    """Blank details are taken from the linked account's profile."""
    if person is None:
        return applicant
    return replace(applicant,
                   name=applicant.name.strip() or person.full_name,
                   id_number=applicant.id_number.strip() or (person.id_number or ""),
                   phone=applicant.phone.strip() or person.phone,
                   email=applicant.email.strip() or person.email)


def create_intake(version: ProcedureVersion, officer: User, data: Intake,
                  calendar: WorkCalendar, now: datetime) -> Dossier:
    """A counter or postal dossier, already submitted: code, appointment, event."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("create_intake needs an aware datetime")
    procedure = version.procedure
    if not officer.has_role(Role.COUNTER_OFFICER, procedure.agency_id):
        raise Forbidden(_l("Bạn không phải cán bộ một cửa của cơ quan giải quyết thủ tục này."))
    if (version.status is not VersionStatus.PUBLISHED
            or procedure.published_version_id != version.id):
        raise WorkflowError(_l("Thủ tục này hiện không nhận hồ sơ (phiên bản chưa công bố hoặc đã "
                               "được thay thế). Vui lòng chọn lại thủ tục."), "version_id")
    try:
        channel = Channel(data.channel)
    except ValueError:
        channel = None
    if channel not in INTAKE_CHANNELS:
        raise WorkflowError(_l("Vui lòng chọn hình thức tiếp nhận: tại quầy hoặc qua bưu chính."),
                            "channel")
    person = data.person
    if person is not None and person.is_staff:
        raise WorkflowError(_l("Chỉ liên kết hồ sơ với tài khoản của công dân, doanh nghiệp."),
                            "person_id")
    dossier = Dossier(procedure_version=version, procedure_version_id=version.id,
                      agency=procedure.agency, agency_id=procedure.agency_id,
                      state=DossierState.DRAFT, channel=channel,
                      applicant_id=person.id if person else None,
                      note=(data.note or "").strip())
    db.session.add(dossier)
    # The same checks as online filing, in the same words.
    try:
        dossier_ops.update_applicant(dossier, _merged(data.applicant, person))
        dossier_ops.set_return_method(dossier, data.return_method, data.postal)
    except dossier_ops.DossierError as error:
        raise WorkflowError(error.args[0], error.field) from None
    dossier.code = codes.next_code(dossier.agency, now)
    duration = Duration(version.time_amount, DurationUnit(version.time_unit.value))
    deadline = calendar.add(now, duration, version.cutoff)
    move(dossier, Action.SUBMIT)  # filed by the officer, not by an applicant online
    dossier.submitted_at = now
    dossier.due_at = deadline.due  # the expected appointment; reception fixes it
    dossier.due_explanation = deadline.explanation_vi
    dossier_ops.add_event(dossier, "submitted",
                          f"{INTAKE_EVENT[channel]}, mã hồ sơ {dossier.code}.", officer, now)
    if channel is Channel.POSTAL and data.envelope_tracking.strip():
        from portal.delivery import operations as delivery

        try:
            delivery.record_inbound(dossier, data.envelope_tracking, officer, now)
        except delivery.DeliveryError as error:
            raise WorkflowError(error.message, error.field) from None
    db.session.flush()
    return dossier


def cancel_intake(dossier: Dossier, officer: User) -> list[str]:
    """Cancel a mistaken intake not yet received (issue 18): the dossier goes with its
    scans, papers and events, as a deleted draft does; returns the stored objects' keys, to
    delete after the commit (``dossier_ops.discard_objects``). Its code is not reused."""
    if not officer.has_role(Role.COUNTER_OFFICER, dossier.agency_id):
        raise Forbidden(_l("Bạn không phải cán bộ một cửa của cơ quan giải quyết hồ sơ này."))
    if not papers.at_the_counter(dossier):
        raise WorkflowError(_l("Chỉ hủy được hồ sơ tiếp nhận tại quầy hoặc qua bưu chính khi chưa "
                               "tiếp nhận; hồ sơ đã tiếp nhận được xử lý theo quy trình (từ "
                               "chối, rút, dừng)."))
    keys = [f.storage_key for f in dossier.files]
    db.session.delete(dossier)
    db.session.flush()
    return keys


def receive_at_counter(dossier: Dossier, ctx: Context, handed: list[papers.Handed],
                       confirm_missing: bool) -> None:
    """Record the papers handed in as the officer set them, then receive (refused, with
    nothing kept, while a mandatory paper is missing and the officer has not confirmed)."""
    if handed and papers.at_the_counter(dossier):
        try:
            papers.record_papers(dossier, handed, ctx.user, ctx.now)
        except papers.PapersRefused as refusal:
            raise WorkflowError(refusal.message, refusal.field) from refusal
    missing = papers.missing_mandatory(dossier) if confirm_missing else []
    receive(dossier, ctx, confirm_missing=confirm_missing)
    if missing:  # on record for the control slip: who received it incomplete, and without what
        dossier_ops.add_event(
            dossier, "received_with_papers_missing",
            "Cán bộ tiếp nhận xác nhận tiếp nhận khi còn thiếu giấy tờ bắt buộc: "
            + "; ".join(d.name for d in missing) + ".", ctx.user, ctx.now, public=False)
        db.session.flush()
