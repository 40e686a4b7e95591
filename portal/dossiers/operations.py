"""Online submission (issue #3): start a draft, fill it, attach files, submit, withdraw.

Operations flush, never commit (STYLE.md): the route commits once. Files are written to
storage *before* their row (DESIGN.md §5), so the caller deletes the returned keys with
``discard_objects`` after a failed commit (new files) or a successful one (removed files)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import addresses
from portal.accounts.models import Organisation, OrganisationMember, User
from portal.calendar import Duration, DurationUnit, WorkCalendar
from portal.catalog.models import (
    ApplicantType,
    OnlineLevel,
    ProcedureDocument,
    ProcedureVersion,
    VersionStatus,
)
from portal.core.i18n import lazy_text as _l
from portal.core.models import utcnow
from portal.core.refusal import Refusal
from portal.dossiers import codes, completeness
from portal.dossiers.files import (
    UploadLimits,
    after_head,
    allowed_labels,
    claimed_type,
    detect_type,
    megabytes,
    name_for_type,
    read_head,
    safe_filename,
    type_names,
)
from portal.dossiers.models import (
    AGENCY_OUTPUT,
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    FileKind,
    ReturnMethod,
)
from portal.extensions import db
from portal.storage import Storage, StorageError, TooLarge
from portal.workflow.transitions import Action, actors_for, move

log = logging.getLogger(__name__)

STORAGE_DOWN = _l("Kho lưu trữ tạm thời không phản hồi, tệp chưa được lưu. "
                  "Vui lòng thử lại sau ít phút.")


class DossierError(Refusal):
    """A refusal with a Vietnamese message; ``field`` names the form field or upload area
    (``"req-<requirement id>"``) the message belongs next to."""


class DossierIncomplete(DossierError):
    """Submission refused because the draft lacks something: ``missing`` holds every gap
    (``completeness.missing``), not only the first; ``field`` is the first gap's."""

    def __init__(self, missing: completeness.Completeness):
        super().__init__(_l("Chưa nộp được hồ sơ: còn thiếu %(n)s mục. Vui lòng bổ sung các "
                            "mục được liệt kê.", n=len(missing)), missing.gaps[0].field)
        self.missing = missing


@dataclass
class ApplicantData:
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    representative: str = ""


@dataclass
class PostalAddress:
    """Where the result goes by post. Chosen from the official list (issue 15): the codes
    are set and the names are taken from the list; typed as text (the replay's old-style
    addresses), the codes are empty and the text is kept as given."""

    recipient: str
    phone: str
    province: str
    district: str
    ward: str
    street: str
    province_code: str = ""
    ward_code: str = ""


_POSTAL_WHAT = completeness.POSTAL_WHAT


def add_event(dossier: Dossier, action: str, message: str, actor: User | None,
           at: datetime | None = None, public: bool = True) -> None:
    event = DossierEvent(action=action, message=message[:500], public=public,
                         actor_id=actor.id if actor else None, at=at or utcnow())
    state = inspect(dossier)
    if state.persistent and "events" in state.unloaded:
        # Through the event's side: the row is queued on the unloaded collection, without
        # loading the dossier's whole history first (as ``dossier.events.append`` would).
        event.dossier = dossier
        db.session.add(event)
    else:  # a dossier not in the session yet (the replay adds its own) stays out of it
        dossier.events.append(event)


def _require_draft(dossier: Dossier) -> None:
    if not dossier.is_draft:
        raise DossierError(_l("Hồ sơ này đã được nộp nên không thể sửa đổi."))


def _is_member(user: User, organisation: Organisation) -> bool:
    return db.session.scalar(select(OrganisationMember.id).where(
        OrganisationMember.user_id == user.id,
        OrganisationMember.organisation_id == organisation.id)) is not None


# --- the draft ---------------------------------------------------------------------------

def start_dossier(version: ProcedureVersion, user: User,
                  organisation: Organisation | None = None) -> Dossier:
    """A new online draft for ``version``, prefilled from the user's (or organisation's)
    profile. The dossier keeps this version's rules even if the procedure changes later."""
    if version.status is not VersionStatus.PUBLISHED:
        raise DossierError(_l("Thủ tục này hiện không nhận hồ sơ (phiên bản chưa công bố hoặc đã "
                              "được thay thế). Vui lòng mở lại trang thủ tục."))
    if version.online_level is OnlineLevel.OFFLINE:
        raise DossierError(_l("Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp hồ "
                              "sơ trực tiếp tại Trung tâm hoặc qua bưu chính."))
    if organisation is not None and not _is_member(user, organisation):
        raise DossierError(_l("Bạn không phải thành viên của tổ chức này nên không thể nộp hồ sơ "
                              "thay cho tổ chức."), "on_behalf")
    if version.applicant is ApplicantType.BUSINESS and organisation is None:
        raise DossierError(_l("Thủ tục này dành cho tổ chức, doanh nghiệp: hãy chọn tổ chức mà "
                              "bạn nộp hồ sơ thay mặt."), "on_behalf")
    if version.applicant is ApplicantType.CITIZEN and organisation is not None:
        raise DossierError(_l("Thủ tục này dành cho cá nhân: hãy nộp hồ sơ với tư cách cá nhân."),
                           "on_behalf")
    dossier = Dossier(
        procedure_version=version, procedure_version_id=version.id,
        agency_id=version.procedure.agency_id, state=DossierState.DRAFT,
        channel=Channel.ONLINE, applicant_id=user.id, applicant_phone=user.phone or "",
        applicant_email=user.email or "")
    if organisation is not None:
        dossier.organisation = organisation
        dossier.organisation_id = organisation.id
        dossier.applicant_name = organisation.name
        dossier.applicant_id_number = organisation.tax_code
        dossier.applicant_address = organisation.address or ""
        dossier.representative = user.full_name
    else:
        dossier.applicant_name = user.full_name
        dossier.applicant_id_number = user.id_number or ""
        dossier.applicant_address = user.address or ""  # kept on the profile
    db.session.add(dossier)
    add_event(dossier, "created", "Tạo bản nháp hồ sơ trực tuyến.", user)
    db.session.flush()
    return dossier


def update_applicant(dossier: Dossier, data: ApplicantData) -> None:
    _require_draft(dossier)
    values = {f.name: (getattr(data, f.name) or "").strip() for f in fields(ApplicantData)}
    required = {"name": _l("họ và tên (hoặc tên tổ chức)"),
                "id_number": _l("số định danh hoặc mã số thuế"), "phone": _l("số điện thoại")}
    for name, what in required.items():
        if not values[name]:
            raise DossierError(_l("Vui lòng nhập %(what)s.", what=what), name)
    limits = {"name": 200, "id_number": 20, "phone": 20, "email": 254, "address": 300,
              "representative": 200}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            raise DossierError(_l("Nội dung quá dài (tối đa %(limit)s ký tự).", limit=limit),
                               name)
    dossier.applicant_name = values["name"]
    dossier.applicant_id_number = values["id_number"]
    dossier.applicant_phone = values["phone"]
    dossier.applicant_email = values["email"]
    dossier.applicant_address = values["address"]
    dossier.representative = values["representative"]
    db.session.flush()


def _postal_problem(address: PostalAddress | None) -> DossierError | None:
    if address is None:
        return DossierError(_l("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."),
                            "province_code")
    if address.province_code or address.ward_code:
        try:  # the names come from the list: only the codes need checking
            province, ward = addresses.check(address.province_code, address.ward_code)
        except addresses.AddressError as error:
            return DossierError(error.message, error.field)
        address.province, address.ward, address.district = province.full_name, ward.name, ""
        address.province_code, address.ward_code = province.code, ward.code
    for name, what in _POSTAL_WHAT.items():
        if not (getattr(address, name) or "").strip():
            return DossierError(_l("Vui lòng nhập %(what)s để nhận kết quả qua bưu chính.",
                                   what=what), completeness.POSTAL_FIELD.get(name, name))
    return None


def set_return_method(dossier: Dossier, method: ReturnMethod | str,
                      address: PostalAddress | None) -> None:
    _require_draft(dossier)
    try:
        method = ReturnMethod(method)
    except ValueError:
        raise DossierError(_l("Vui lòng chọn cách nhận kết quả."), "return_method") from None
    if method is ReturnMethod.POSTAL:
        if (problem := _postal_problem(address)) is not None:
            raise problem
        assert address is not None
        dossier.postal_recipient = address.recipient.strip()[:200]
        dossier.postal_phone = address.phone.strip()[:20]
        dossier.postal_province = address.province.strip()[:100]
        dossier.postal_district = address.district.strip()[:100]
        dossier.postal_ward = address.ward.strip()[:100]
        dossier.postal_street = address.street.strip()[:300]
        dossier.postal_province_code = address.province_code
        dossier.postal_ward_code = address.ward_code
    else:  # a stale postal address must not be printed on the receipt
        dossier.postal_province_code = dossier.postal_ward_code = ""
        dossier.postal_recipient = dossier.postal_phone = ""
        dossier.postal_province = dossier.postal_district = ""
        dossier.postal_ward = dossier.postal_street = ""
    dossier.return_method = method
    db.session.flush()


# --- files -------------------------------------------------------------------------------

def _touch_draft(dossier: Dossier) -> None:
    """A draft's "last change" (``updated_at``, shown in "Hồ sơ của tôi" and on the start
    page) also moves when a paper is added or removed, which changes no column of its own.
    A plain UPDATE rather than the ORM's: the ORM would bump ``lock_version`` too, and two
    areas uploading at once would then lose to each other on the optimistic lock."""
    if not dossier.is_draft or dossier.id is None:
        return
    now = utcnow()
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id)
                       .values(updated_at=now).execution_options(synchronize_session=False))
    set_committed_value(dossier, "updated_at", now)


def _require_open_for(dossier: Dossier, kind: FileKind) -> None:
    """Who adds files when: the applicant while drafting, the counter officer scanning the
    papers of a counter or postal dossier, the applicant answering a completion or
    supplement request, and the agency attaching its e-result while processing (or, for an
    on-the-spot procedure, at the counter in the resolving action itself)."""
    if kind is FileKind.APPLICANT:
        if dossier.state is DossierState.SUBMITTED and dossier.channel is not Channel.ONLINE:
            return
        _require_draft(dossier)
    elif kind is FileKind.SUPPLEMENT:
        if not dossier.awaits_supplement:
            raise DossierError(_l("Hồ sơ hiện không có yêu cầu bổ sung nên không thể nộp thêm "
                                  "tệp."))
    elif kind is FileKind.INTER_AGENCY:
        if dossier.state is not DossierState.INTER_AGENCY:
            raise DossierError(_l("Chỉ đính kèm kết quả liên thông khi hồ sơ đang liên thông."),
                               "result_file")
    elif dossier.state is not DossierState.IN_PROGRESS and not (
            dossier.state is DossierState.SUBMITTED
            and dossier.procedure_version.on_the_spot):
        raise DossierError(_l("Chỉ đính kèm kết quả khi hồ sơ đang được xử lý."), "result")


def add_file(dossier: Dossier, requirement_id: int | None, stream: BinaryIO, filename: str,
             user: User, storage: Storage, limits: UploadLimits,
             kind: FileKind = FileKind.APPLICANT) -> DossierFile:
    """Stream one upload into storage, then add its row (flushed, not committed)."""
    field = f"req-{requirement_id}" if requirement_id is not None else "req-other"
    if kind in AGENCY_OUTPUT:
        field = "result" if kind is FileKind.RESULT else "result_file"
        requirement_id = None
    _require_open_for(dossier, kind)
    if requirement_id is not None:
        requirement = db.session.get(ProcedureDocument, requirement_id)
        if requirement is None or requirement.version_id != dossier.procedure_version_id:
            raise DossierError(_l("Giấy tờ này không thuộc thủ tục của hồ sơ."), field)
    # The applicant's papers share the dossier's budget; the agency's result does not.
    counted = [f for f in dossier.files if (f.kind in AGENCY_OUTPUT) == (kind in AGENCY_OUTPUT)]
    total = sum(f.size for f in counted)
    same = sum(1 for f in counted if f.requirement_id == requirement_id
               and f.round == dossier.supplement_round)
    if same >= limits.max_files_per_requirement:
        raise DossierError(_l("Mỗi giấy tờ chỉ được đính kèm tối đa %(count)s tệp.",
                              count=limits.max_files_per_requirement), field)
    name = safe_filename(filename)
    too_big_file = DossierError(_l("Tệp “%(name)s” vượt quá dung lượng tối đa %(size)s cho mỗi "
                                   "tệp.", name=name, size=megabytes(limits.max_file)), field)
    try:
        head = read_head(stream)
    except TooLarge:  # a staged upload already refused while it arrived (per-file limit)
        raise too_big_file from None
    if not head:
        raise DossierError(_l("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.", name=name),
                           field)
    content_type = detect_type(head, filename or "")
    if content_type is None:
        raise _type_refused(name, field)
    name = name_for_type(name, content_type)  # a PDF sent as "hoso.bat" is "hoso.pdf"
    room = limits.max_dossier - total
    too_big_dossier = DossierError(_l("Tổng dung lượng các tệp của hồ sơ vượt quá %(size)s; "
                                      "không thể thêm tệp “%(name)s”.",
                                      size=megabytes(limits.max_dossier), name=name), field)
    if room < len(head):
        raise too_big_file if len(head) > limits.max_file else too_big_dossier
    key = f"dossiers/{dossier.id}/{uuid.uuid4().hex}"
    max_size = min(limits.max_file, room)
    try:
        stored = storage.put(key, after_head(head, stream), content_type=content_type,
                             max_size=max_size)
    except TooLarge:
        raise (too_big_file if max_size == limits.max_file else too_big_dossier) from None
    except StorageError as exc:
        log.warning("upload to %s failed: %s", key, exc)
        raise DossierError(STORAGE_DOWN, field) from exc
    earlier = [f.version for f in dossier.files
               if f.requirement_id == requirement_id and f.kind not in AGENCY_OUTPUT]
    version = max(earlier, default=0) + 1 if kind is FileKind.SUPPLEMENT else 1
    item = DossierFile(
        requirement_id=requirement_id, storage_key=key, original_name=name,
        content_type=content_type, size=stored.size, sha256=stored.sha256, version=version,
        kind=kind, round=dossier.supplement_round, uploaded_by_id=user.id)
    try:
        dossier.files.append(item)
        db.session.flush()
        _touch_draft(dossier)
    except Exception:
        discard_objects(storage, [key])
        raise
    return item


def _type_refused(name: str, field: str) -> DossierError:
    """A file of no allowed type. Named as one ("hop-dong.pdf" holding a program, or a PDF
    damaged on the way), it is its content that is wrong, and the refusal says so."""
    claimed = claimed_type(name)
    if claimed is None:
        return DossierError(_l("Tệp “%(name)s” không đúng định dạng cho phép. Chỉ nhận tệp "
                               "%(types)s.", name=name, types=allowed_labels()), field)
    return DossierError(_l("Nội dung tệp “%(name)s” không phải là %(type)s, dù tên tệp có đuôi "
                           ".%(extension)s: tệp có thể bị hỏng hoặc đã bị đổi đuôi. Chỉ nhận "
                           "tệp %(types)s.", name=name, type=type_names([claimed]),
                           extension=name.rpartition(".")[2], types=allowed_labels()), field)


def remove_file(dossier: Dossier, file_id: int) -> str:
    """Drop the file's row; returns its key, for ``discard_objects`` after the commit.
    Only a file still being put together may go: a draft's, or one added in the current
    supplement round, or an e-result not yet approved."""
    item = next((f for f in dossier.files if f.id == file_id), None)
    if item is None:
        raise DossierError(_l("Không tìm thấy tệp này trong hồ sơ; có thể tệp đã được xóa."))
    _require_open_for(dossier, item.kind)
    if item.kind is FileKind.SUPPLEMENT and item.round != dossier.supplement_round:
        raise DossierError(_l("Tệp đã nộp bổ sung trước đây không thể xóa."))
    dossier.files.remove(item)
    db.session.flush()
    _touch_draft(dossier)
    return item.storage_key


def delete_draft(dossier: Dossier) -> list[str]:
    """Delete a draft with its rows; returns every object key, to delete after the commit."""
    if not dossier.is_draft:
        raise DossierError(_l("Chỉ xóa được hồ sơ còn là bản nháp; hồ sơ đã nộp có thể rút."))
    keys = [f.storage_key for f in dossier.files]
    db.session.delete(dossier)
    db.session.flush()
    return keys


def discard_objects(storage: Storage, keys: Iterable[str]) -> list[str]:
    """Best effort: delete objects no row refers to. Returns the keys that could not be
    deleted (logged); ``flask storage sweep`` removes them later."""
    failed = []
    for key in keys:
        try:
            storage.delete(key)
        except (StorageError, ValueError) as exc:
            log.warning("could not delete stored object %s (the sweep will): %s", key, exc)
            failed.append(key)
    return failed


# --- submission --------------------------------------------------------------------------

def _check_complete(dossier: Dossier) -> None:
    """Every gap at once (issue 12: a refusal naming only the first sent the citizen round
    the steps once per missing item)."""
    missing = completeness.missing(dossier)
    if not missing.complete:
        raise DossierIncomplete(missing)


def submit(dossier: Dossier, user: User, calendar: WorkCalendar, now: datetime) -> None:
    """Submit a complete draft: code, state, appointment (working-time calendar), event.
    The transition table's ``Action.SUBMIT`` row says from where, to where and who."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("submit needs an aware datetime")
    submission = Action.SUBMIT.transition
    if dossier.state not in submission.sources:
        raise DossierError(_l("Hồ sơ này đã được nộp; không thể nộp lại."))
    if not actors_for(user, dossier) & submission.actors:
        raise DossierError(_l("Bạn không có quyền nộp hồ sơ này."))
    version = dossier.procedure_version
    superseded = version.status is not VersionStatus.PUBLISHED
    if superseded and version.procedure.published_version is None:
        raise DossierError(_l("Thủ tục này đã ngừng tiếp nhận hồ sơ trực tuyến nên không thể nộp "
                              "bản nháp. Vui lòng liên hệ Trung tâm để được hướng dẫn."))
    _check_complete(dossier)
    dossier.code = codes.next_code(dossier.agency, now)
    duration = Duration(version.time_amount, DurationUnit(version.time_unit.value))
    deadline = calendar.add(now, duration, version.cutoff)
    move(dossier, Action.SUBMIT)
    dossier.submitted_at = now
    dossier.due_at = deadline.due
    dossier.due_explanation = deadline.explanation_vi
    if superseded:
        # The rules a dossier was started under are the ones it is judged by.
        add_event(dossier, "submitted_on_old_version",
               f"Thủ tục đã có phiên bản mới; hồ sơ được nộp và giải quyết theo phiên bản "
               f"{version.number} (phiên bản khi bắt đầu lập hồ sơ).", user, now)
    add_event(dossier, "submitted", f"Nộp hồ sơ trực tuyến, mã hồ sơ {dossier.code}.", user, now)
    db.session.flush()


def request_withdrawal(dossier: Dossier, user: User, reason: str,
                       now: datetime | None = None) -> None:
    """Record the applicant's request (``Action.REQUEST_WITHDRAWAL``: the state does not
    change); an officer confirms it (``Action.CONFIRM_WITHDRAWAL``)."""
    now = now or utcnow()
    request = Action.REQUEST_WITHDRAWAL.transition
    if dossier.is_draft:
        raise DossierError(_l("Hồ sơ chưa nộp không cần rút; bạn có thể xóa bản nháp."))
    if dossier.state not in request.sources:
        raise DossierError(_l("Hồ sơ đã kết thúc hoặc đã có kết quả nên không thể rút."))
    if dossier.withdrawal_requested_at is not None:
        raise DossierError(_l("Bạn đã gửi yêu cầu rút hồ sơ này; Trung tâm đang xem xét."))
    if not actors_for(user, dossier) & request.actors:
        raise DossierError(_l("Bạn không có quyền rút hồ sơ này."))
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_l("Vui lòng nêu lý do rút hồ sơ."), "reason")
    dossier.withdrawal_requested_at = now
    dossier.withdrawal_reason = reason[:500]
    add_event(dossier, "withdrawal_requested", f"Người nộp đề nghị rút hồ sơ. Lý do: {reason}",
           user, now)
    db.session.flush()
