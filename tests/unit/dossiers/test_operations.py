"""Online submission operations: start, fill, upload (each refusal), submit, delete, withdraw."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

import factories
import pytest

from portal.accounts.models import OrganisationMember
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import ApplicantType, OnlineLevel, TimeUnit
from portal.dossiers import operations as ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Channel, DossierFile, DossierState, ReturnMethod
from portal.extensions import db
from portal.storage import LocalStorage, StorageError

MiB = 1024 * 1024
PDF = b"%PDF-1.7\n" + b"0" * 200
LIMITS = UploadLimits(max_file=MiB, max_dossier=4 * MiB, max_files_per_requirement=3)
# Wednesday 12 March 2025, 15:30 in Viet Nam: after a 15:00 cut-off, on a normal working day.
WED_1530 = datetime(2025, 3, 12, 15, 30, tzinfo=VN_TZ)
POSTAL = ops.PostalAddress("Nguyễn Văn An", "0912345678", "Quảng Ngãi", "Sơn Tịnh",
                           "Tịnh Phong", "Thôn 1")


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "store")


def _draft(version=None, user=None, organisation=None):
    version = version or factories.published_procedure(factories.agency())
    user = user or factories.citizen()
    return ops.start_dossier(version, user, organisation), user


def _upload(dossier, user, storage, content=PDF, name="don.pdf", requirement_id=None,
            limits=LIMITS):
    requirement_id = requirement_id or dossier.procedure_version.documents[0].id
    return ops.add_file(dossier, requirement_id, io.BytesIO(content), name, user, storage,
                        limits)


def _complete(dossier, user, storage):
    for document in dossier.procedure_version.documents:
        _upload(dossier, user, storage, requirement_id=document.id)
    ops.set_return_method(dossier, ReturnMethod.COUNTER, None)


def _business():
    return factories.citizen(organisation_name="Công ty TNHH Sông Trà", tax_code="4300123456")


# --- start ---------------------------------------------------------------------------------

def test_start_prefills_a_citizen(db_session):
    user = factories.citizen(full_name="Trần Thị Bình", id_number="051234567890")
    dossier, _ = _draft(user=user)
    assert dossier.state is DossierState.DRAFT and dossier.channel is Channel.ONLINE
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Trần Thị Bình",
                                                                     "051234567890")
    assert dossier.applicant_phone == user.phone and dossier.applicant_email == user.email
    assert dossier.organisation_id is None and dossier.code is None
    assert dossier.agency_id == dossier.procedure_version.procedure.agency_id
    assert [e.action for e in dossier.events] == ["created"]


def test_start_prefills_a_business(db_session):
    owner = _business()
    organisation = owner.organisations[0]
    organisation.address = "12 Hùng Vương, Quảng Ngãi"
    dossier, _ = _draft(user=owner, organisation=organisation)
    assert dossier.organisation_id == organisation.id
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_address) == (
        "Công ty TNHH Sông Trà", "4300123456", "12 Hùng Vương, Quảng Ngãi")
    assert dossier.representative == owner.full_name


def test_start_refusals(db_session):
    agency = factories.agency()
    unpublished = catalog_ops.create_procedure(factories.procedure_data(agency), None)
    with pytest.raises(ops.DossierError, match="không nhận hồ sơ"):
        _draft(unpublished)
    offline = factories.published_procedure(agency, online_level=OnlineLevel.OFFLINE)
    with pytest.raises(ops.DossierError, match="trực tiếp"):
        _draft(offline)
    business_only = factories.published_procedure(agency, applicant=ApplicantType.BUSINESS)
    with pytest.raises(ops.DossierError, match="tổ chức, doanh nghiệp") as refused:
        _draft(business_only)
    assert refused.value.field == "on_behalf"
    organisation = _business().organisations[0]
    with pytest.raises(ops.DossierError, match="không phải thành viên"):
        _draft(business_only, factories.citizen(), organisation)
    citizen_only = factories.published_procedure(agency, applicant=ApplicantType.CITIZEN)
    with pytest.raises(ops.DossierError, match="dành cho cá nhân"):
        _draft(citizen_only, organisation.members[0].user, organisation)


# --- applicant and return method -------------------------------------------------------------

def test_update_applicant_and_its_refusals(db_session):
    dossier, _ = _draft()
    ops.update_applicant(dossier, ops.ApplicantData(" Lê Văn C ", "051234567891", "0905111222",
                                                    "c@example.vn", "Tư Nghĩa"))
    assert dossier.applicant_name == "Lê Văn C" and dossier.applicant_address == "Tư Nghĩa"
    with pytest.raises(ops.DossierError) as refused:
        ops.update_applicant(dossier, ops.ApplicantData("", "1", "2", "", ""))
    assert refused.value.field == "name"


def test_return_method(db_session):
    dossier, _ = _draft()
    ops.set_return_method(dossier, ReturnMethod.POSTAL, POSTAL)
    assert (dossier.postal_province, dossier.postal_ward) == ("Quảng Ngãi", "Tịnh Phong")
    ops.set_return_method(dossier, "counter", None)
    assert dossier.return_method is ReturnMethod.COUNTER and dossier.postal_province == ""
    # No district since the two-level structure of 2025 (issue 15); the province and the
    # ward are the address selects' fields.
    for missing, field in (("recipient", "recipient"), ("province", "province_code"),
                           ("ward", "ward_code"), ("street", "street")):
        address = ops.PostalAddress(**{**POSTAL.__dict__, missing: "  "})
        with pytest.raises(ops.DossierError, match="bưu chính") as refused:
            ops.set_return_method(dossier, ReturnMethod.POSTAL, address)
        assert refused.value.field == field
    with pytest.raises(ops.DossierError):
        ops.set_return_method(dossier, ReturnMethod.POSTAL, None)
    with pytest.raises(ops.DossierError) as refused:
        ops.set_return_method(dossier, "pigeon", None)
    assert refused.value.field == "return_method"


# --- files ---------------------------------------------------------------------------------

def test_add_file_stores_object_then_row(db_session, storage):
    dossier, user = _draft()
    item = _upload(dossier, user, storage, name="../Đơn đề nghị.pdf")
    assert item.id is not None and item.storage_key.startswith(f"dossiers/{dossier.id}/")
    assert (item.original_name, item.content_type, item.size) == (
        "Đơn đề nghị.pdf", "application/pdf", len(PDF))
    assert item.uploaded_by_id == user.id and item.version == 1 and len(item.sha256) == 64
    assert b"".join(storage.open(item.storage_key)) == PDF


def _refusal(dossier, user, storage, **kwargs) -> ops.DossierError:
    requirement_id = kwargs.pop("requirement_id", dossier.procedure_version.documents[0].id)
    with pytest.raises(ops.DossierError) as refused:
        _upload(dossier, user, storage, requirement_id=requirement_id, **kwargs)
    assert refused.value.field == f"req-{requirement_id}"
    return refused.value


def test_upload_refusals_each_with_a_message_at_its_requirement(db_session, storage):
    dossier, user = _draft()
    assert "rỗng" in str(_refusal(dossier, user, storage, content=b""))
    exe = b"MZ\x90\x00" + b"\x00" * 500
    assert "không phải là PDF" in str(_refusal(dossier, user, storage, content=exe,
                                                name="ho-so.pdf"))
    assert "không đúng định dạng" in str(_refusal(dossier, user, storage, content=exe,
                                                  name="ho-so.exe"))
    small = UploadLimits(max_file=1000, max_dossier=1500, max_files_per_requirement=2)
    too_big = _refusal(dossier, user, storage, content=PDF + b"1" * 1000, limits=small)
    assert "vượt quá dung lượng tối đa" in str(too_big)
    _upload(dossier, user, storage, content=PDF + b"1" * 700, limits=small)
    over_total = _refusal(dossier, user, storage, content=PDF + b"1" * 700, limits=small)
    assert "Tổng dung lượng" in str(over_total)
    _upload(dossier, user, storage, limits=small)
    assert "tối đa 2 tệp" in str(_refusal(dossier, user, storage, limits=small))
    other = factories.published_procedure(factories.agency()).documents[0].id
    assert "không thuộc thủ tục" in str(_refusal(dossier, user, storage, requirement_id=other))
    assert len(dossier.files) == 2
    assert sorted(k for k, _ in storage.list("dossiers/")) == sorted(
        f.storage_key for f in dossier.files)  # no refused upload left an object behind


class _DownStorage(LocalStorage):
    def put(self, key: str, stream: BinaryIO, **kwargs):
        raise StorageError("connection refused")


def test_storage_down_is_a_vietnamese_refusal(db_session, tmp_path):
    dossier, user = _draft()
    refused = _refusal(dossier, user, _DownStorage(tmp_path))
    assert str(refused).startswith("Kho lưu trữ tạm thời không phản hồi")
    assert dossier.files == []


@pytest.mark.parametrize("name", ["don.docx", "bang.xlsx", "don.odt", "anh.jpg", "anh.png"])
def test_other_allowed_types_are_accepted(db_session, storage, name):
    from test_files import PNG_HEAD, _odt, _xlsx

    from portal.core.docx import make_docx

    content = {"don.docx": make_docx("Đơn", ["Nội dung"]), "bang.xlsx": _xlsx(),
               "don.odt": _odt(), "anh.jpg": b"\xff\xd8\xff\xe0" + b"0" * 100,
               "anh.png": PNG_HEAD}[name]
    dossier, user = _draft()
    item = _upload(dossier, user, storage, content=content, name=name)
    assert item.size == len(content)


def test_remove_file_and_delete_draft_return_keys(db_session, storage):
    version = factories.published_procedure(factories.agency())
    dossier, user = _draft(version)
    first = _upload(dossier, user, storage)
    second = _upload(dossier, user, storage)
    db.session.commit()
    assert ops.remove_file(dossier, first.id) == first.storage_key
    db.session.commit()
    assert [f.id for f in dossier.files] == [second.id]
    with pytest.raises(ops.DossierError, match="Không tìm thấy tệp"):
        ops.remove_file(dossier, first.id)
    third = _upload(dossier, user, storage)
    db.session.commit()
    dossier_id = dossier.id
    keys = ops.delete_draft(dossier)
    db.session.commit()
    assert sorted(keys) == sorted([second.storage_key, third.storage_key])
    assert ops.discard_objects(storage, keys + [first.storage_key]) == []
    assert list(storage.list(f"dossiers/{dossier_id}/")) == []
    assert db.session.query(DossierFile).count() == 0


def test_discard_objects_reports_failures(tmp_path):
    class Broken(LocalStorage):
        def delete(self, key):
            raise StorageError("down")

    assert ops.discard_objects(Broken(tmp_path), ["dossiers/1/a", "dossiers/1/b"]) == [
        "dossiers/1/a", "dossiers/1/b"]


# --- submit --------------------------------------------------------------------------------

def test_submit_same_day_procedure_after_cutoff_is_due_next_working_day(db_session, storage):
    dossier, user = _draft()  # the factory's procedure: same day, cut-off 15:00
    _complete(dossier, user, storage)
    ops.submit(dossier, user, current_calendar(), WED_1530)
    assert dossier.state is DossierState.SUBMITTED and not dossier.is_draft
    assert dossier.submitted_at == WED_1530
    assert dossier.due_at == datetime(2025, 3, 13, 17, 0, tzinfo=VN_TZ)
    assert "15:00" in dossier.due_explanation and "hẹn trả" in dossier.due_explanation
    assert dossier.code == f"{dossier.agency.unit_code}-250312-0001"
    assert dossier.events[-1].action == "submitted" and dossier.code in dossier.events[-1].message


def test_submit_ten_working_days(db_session, storage):
    version = factories.published_procedure(factories.agency(), time_amount=10,
                                             time_unit=TimeUnit.DAYS, cutoff=None)
    dossier, user = _draft(version)
    _complete(dossier, user, storage)
    monday_9 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 09:00 in Viet Nam
    ops.submit(dossier, user, current_calendar(), monday_9)
    assert dossier.due_at == datetime(2025, 3, 24, 9, 0, tzinfo=VN_TZ)
    assert "10 ngày làm việc" in dossier.due_explanation


def test_codes_increment_per_agency_and_day(db_session, storage):
    version = factories.published_procedure(factories.agency())
    codes = []
    for at in (WED_1530, WED_1530 + timedelta(minutes=1), WED_1530 + timedelta(hours=9)):
        dossier, user = _draft(version)
        _complete(dossier, user, storage)
        ops.submit(dossier, user, current_calendar(), at)
        codes.append(dossier.code)
    unit = version.procedure.agency.unit_code
    assert codes == [f"{unit}-250312-0001", f"{unit}-250312-0002", f"{unit}-250313-0001"]


def test_submit_checks(db_session, storage):
    """A refusal lists every gap (issue 12), its field is the first one's."""
    version = factories.published_procedure(factories.agency())
    dossier, user = _draft(version)
    requirement = version.documents[0]
    with pytest.raises(ops.DossierIncomplete, match="còn thiếu 2 mục") as refused:
        ops.submit(dossier, user, current_calendar(), WED_1530)
    assert refused.value.field == f"req-{requirement.id}"
    assert [gap.field for gap in refused.value.missing] == [f"req-{requirement.id}",
                                                             "return_method"]
    assert requirement.name in str(refused.value.missing.gaps[0])
    _upload(dossier, user, storage)
    with pytest.raises(ops.DossierError, match="còn thiếu 1 mục") as refused:
        ops.submit(dossier, user, current_calendar(), WED_1530)
    assert refused.value.field == "return_method"
    ops.set_return_method(dossier, ReturnMethod.POSTAL, POSTAL)
    dossier.postal_ward = ""
    with pytest.raises(ops.DossierError) as refused:
        ops.submit(dossier, user, current_calendar(), WED_1530)
    assert refused.value.field == "ward_code"
    assert "phường, xã" in str(refused.value.missing.gaps[0])
    assert dossier.is_draft and dossier.code is None
    dossier.postal_ward = "Tịnh Phong"
    ops.submit(dossier, user, current_calendar(), WED_1530)
    with pytest.raises(ops.DossierError, match="Hồ sơ này đã được nộp"):
        ops.submit(dossier, user, current_calendar(), WED_1530)
    with pytest.raises(ops.DossierError, match="đã được nộp"):
        _upload(dossier, user, storage)
    with pytest.raises(ops.DossierError):
        ops.delete_draft(dossier)


def test_naive_now_is_a_programming_error(db_session):
    dossier, user = _draft()
    with pytest.raises(ValueError, match="aware"):
        ops.submit(dossier, user, current_calendar(), datetime(2025, 3, 12, 9, 0))


def test_superseded_version_still_submits_under_its_own_rules(db_session, storage):
    v1 = factories.published_procedure(factories.agency())
    dossier, user = _draft(v1)
    _complete(dossier, user, storage)
    v2 = catalog_ops.draft_for_edit(v1.procedure, None)
    catalog_ops.publish(v2, None)
    ops.submit(dossier, user, current_calendar(), WED_1530)
    assert dossier.state is DossierState.SUBMITTED and dossier.procedure_version_id == v1.id
    assert "submitted_on_old_version" in [e.action for e in dossier.events]


def test_unpublished_procedure_refuses_clearly(db_session, storage):
    version = factories.published_procedure(factories.agency())
    dossier, user = _draft(version)
    _complete(dossier, user, storage)
    catalog_ops.unpublish(version.procedure)
    with pytest.raises(ops.DossierError, match="ngừng tiếp nhận"):
        ops.submit(dossier, user, current_calendar(), WED_1530)
    assert dossier.is_draft


def test_a_business_member_submits_the_organisations_dossier(db_session, storage):
    owner = _business()
    organisation = owner.organisations[0]
    colleague = factories.citizen()
    db.session.add(OrganisationMember(organisation=organisation, user=colleague))
    dossier, _ = _draft(user=owner, organisation=organisation)
    _complete(dossier, colleague, storage)
    with pytest.raises(ops.DossierError, match="không có quyền"):
        ops.submit(dossier, factories.citizen(), current_calendar(), WED_1530)
    ops.submit(dossier, colleague, current_calendar(), WED_1530)
    assert dossier.events[-1].actor_id == colleague.id


# --- withdrawal ----------------------------------------------------------------------------

def test_withdrawal(db_session, storage):
    dossier, user = _draft()
    with pytest.raises(ops.DossierError, match="xóa bản nháp"):
        ops.request_withdrawal(dossier, user, "Nộp nhầm")
    _complete(dossier, user, storage)
    ops.submit(dossier, user, current_calendar(), WED_1530)
    with pytest.raises(ops.DossierError, match="không có quyền"):
        ops.request_withdrawal(dossier, factories.citizen(), "Không phải của tôi")
    with pytest.raises(ops.DossierError) as refused:
        ops.request_withdrawal(dossier, user, "  ")
    assert refused.value.field == "reason"
    later = WED_1530 + timedelta(hours=1)
    ops.request_withdrawal(dossier, user, "Nộp nhầm thủ tục", now=later)
    assert dossier.withdrawal_requested_at == later
    assert dossier.withdrawal_reason == "Nộp nhầm thủ tục"
    assert dossier.state is DossierState.SUBMITTED  # staff confirm it (workflow issue)
    assert dossier.events[-1].action == "withdrawal_requested"
    with pytest.raises(ops.DossierError, match="đã gửi yêu cầu"):
        ops.request_withdrawal(dossier, user, "Lần nữa")
    dossier.state = DossierState.RETURNED
    dossier.withdrawal_requested_at = None
    with pytest.raises(ops.DossierError, match="đã kết thúc"):
        ops.request_withdrawal(dossier, user, "Quá muộn")
