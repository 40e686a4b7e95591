"""Counter and postal intake on the domain layer: the dossier is created already submitted,
only by a counter officer of the procedure's agency, only on the published version; it can
be linked to an applicant's account; the officer scans the papers, then receives it."""

from __future__ import annotations

import io
from datetime import datetime

import factories
import pytest

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.dossiers import operations as dossier_ops
from portal.dossiers import queries as dossier_queries
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Channel, FileKind, ReturnMethod
from portal.dossiers.models import DossierState as S
from portal.storage import LocalStorage
from portal.workflow import actions as wf
from portal.workflow import intake
from portal.workflow.queries import get_dossier_for_staff

WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WALK_IN = dossier_ops.ApplicantData(name="Trần Thị Hoa", id_number="051190001122",
                                    phone="0905123456", email="", address="Thôn 2, Tịnh Hà")
POSTAL = dossier_ops.PostalAddress("Trần Thị Hoa", "0905123456", "Quảng Ngãi", "Sơn Tịnh",
                                   "Tịnh Hà", "Thôn 2")


def _intake(world, channel=Channel.COUNTER, user=None, version=None, **changes):
    data = intake.Intake(channel=channel, applicant=changes.pop("applicant", WALK_IN),
                         return_method=changes.pop("return_method", ReturnMethod.COUNTER),
                         **changes)
    return intake.create_intake(version or world.version, user or world.counter, data,
                                current_calendar(), WED_0900)


def test_counter_intake_creates_a_submitted_dossier_with_a_code(world):
    d = _intake(world, note="Nộp 2 bản chính")
    assert d.state is S.SUBMITTED and d.channel is Channel.COUNTER
    assert d.code.startswith(world.agency.unit_code + "-250312-")
    assert d.submitted_at == WED_0900 and d.due_at is not None
    assert d.applicant_id is None and d.applicant_name == "Trần Thị Hoa"
    assert d.agency_id == world.agency.id and d.note == "Nộp 2 bản chính"
    assert [(e.action, e.message) for e in d.events] == [
        ("submitted", f"Tiếp nhận trực tiếp tại quầy, mã hồ sơ {d.code}.")]
    assert d.events[0].actor_id == world.counter.id
    assert intake.is_being_scanned(d)


def test_postal_intake_with_postal_return(world):
    d = _intake(world, Channel.POSTAL, return_method=ReturnMethod.POSTAL, postal=POSTAL)
    assert d.channel is Channel.POSTAL and d.return_method is ReturnMethod.POSTAL
    assert d.postal_ward == "Tịnh Hà"
    assert "qua bưu chính" in d.events[0].message
    # Codes are numbered per agency per day.
    second = _intake(world)
    assert int(second.code[-4:]) == int(d.code[-4:]) + 1


def test_postal_return_needs_the_address(world):
    with pytest.raises(wf.WorkflowError) as refused:
        _intake(world, return_method=ReturnMethod.POSTAL, postal=None)
    assert refused.value.field == "province_code"


@pytest.mark.parametrize("missing, field", [("name", "name"), ("id_number", "id_number")])
def test_applicant_details_are_required_without_an_account(world, missing, field):
    applicant = dossier_ops.ApplicantData(**{**WALK_IN.__dict__, missing: ""})
    with pytest.raises(wf.WorkflowError) as refused:
        _intake(world, applicant=applicant)
    assert refused.value.field == field


def test_online_channel_is_not_an_intake(world):
    with pytest.raises(wf.WorkflowError, match="hình thức tiếp nhận"):
        _intake(world, Channel.ONLINE)


def test_officer_of_another_agency_is_refused(world):
    other_counter = factories.staff(Role.COUNTER_OFFICER, world.other)
    with pytest.raises(wf.Forbidden):
        _intake(world, user=other_counter)
    with pytest.raises(wf.Forbidden):  # the right agency, the wrong role
        _intake(world, user=world.specialist)


def test_unpublished_or_superseded_version_is_refused(world):
    draft = catalog_ops.draft_for_edit(world.version.procedure, None)
    with pytest.raises(wf.WorkflowError, match="không nhận hồ sơ"):
        _intake(world, version=draft)
    catalog_ops.publish(draft, None)  # the old version is now superseded
    with pytest.raises(wf.WorkflowError, match="không nhận hồ sơ"):
        _intake(world, version=world.version)
    assert _intake(world, version=draft).procedure_version_id == draft.id


def test_linking_an_existing_person_fills_blanks_from_the_profile(world):
    person = world.applicant
    d = _intake(world, applicant=dossier_ops.ApplicantData("", "", "", "", "Thôn 5"),
                person=person)
    assert d.applicant_id == person.id
    assert (d.applicant_name, d.applicant_id_number, d.applicant_phone, d.applicant_email) == (
        person.full_name, person.id_number, person.phone, person.email)
    mine = dossier_queries.dossiers_of(person, "submitted", 1, 20).items
    assert d in mine
    assert dossier_queries.get_dossier_for(person, d.id) is d


def test_a_staff_account_cannot_be_the_applicant(world):
    with pytest.raises(wf.WorkflowError):
        _intake(world, person=world.specialist)
    assert intake.applicant_account(world.specialist.id) is None
    assert intake.applicant_account(world.applicant.id) is world.applicant


def test_search_people_by_folded_name_cccd_or_phone(world):
    hoa = factories.citizen(full_name="Nguyễn Thị Hoà", id_number="051190009999")
    assert hoa in intake.search_people("nguyen thi hoa")
    assert hoa in intake.search_people("Hoà")
    assert intake.search_people("051190009999") == [hoa]
    assert hoa in intake.search_people("0912 345 678")  # factories' phone
    assert hoa in intake.search_people("84912345678")  # +84 without its "+" (core.phones)
    assert hoa in intake.search_people("+84912345678")
    assert world.counter not in intake.search_people(world.counter.full_name)
    assert intake.search_people("x") == []


def test_intake_procedures_are_the_officers_agencys(world):
    factories.published_procedure(world.other, name="Thủ tục của cơ quan khác")
    names = [v.name for v in intake.intake_procedures(world.counter).items]
    assert names == [world.version.name]
    code = world.version.procedure.code
    assert intake.intake_procedures(world.counter, code).items == [world.version]
    assert intake.intake_procedures(world.counter, "dang ky the chap").items == [world.version]
    assert intake.intake_procedures(world.counter, "khong co").items == []
    assert intake.intake_procedures(world.specialist).total == 0


def test_dossier_for_staff_hides_other_agencies(world):
    d = _intake(world)
    assert get_dossier_for_staff(world.counter, d.id, own_agency=True) is d
    assert get_dossier_for_staff(world.leader, d.id, own_agency=True) is d
    assert get_dossier_for_staff(world.other_specialist, d.id, own_agency=True) is None
    assert get_dossier_for_staff(world.applicant, d.id, own_agency=True) is None


def test_scan_then_receive(world, tmp_path):
    d = _intake(world)
    storage = LocalStorage(tmp_path / "store")
    requirement = world.version.documents[0]
    item = dossier_ops.add_file(d, requirement.id, io.BytesIO(PDF), "to-khai.pdf",
                                world.counter, storage, UploadLimits(2**20, 2**22))
    assert item.kind is FileKind.APPLICANT and storage.exists(item.storage_key)
    wf.receive(d, world.ctx(world.counter, WED_0900))
    assert d.state is S.RECEIVED and d.received_by_id == world.counter.id
    assert not intake.is_being_scanned(d)
    with pytest.raises(dossier_ops.DossierError):  # reception closes the papers
        dossier_ops.add_file(d, requirement.id, io.BytesIO(PDF), "them.pdf", world.counter,
                             storage, UploadLimits(2**20, 2**22))


def test_on_the_spot_procedure_is_returned_at_once(world):
    version = _on_the_spot_version(world)
    d = _intake(world, version=version)
    wf.resolve_on_the_spot(d, world.ctx(world.counter), "GCN kiểm dịch số 12/KD",
                           "Trần Thị Hoa")
    assert d.state is S.RETURNED and d.finished_at == WED_0900 == d.returned_at
    assert d.returned_to == "Trần Thị Hoa" and wf.invariant_problems(d) == []


def _on_the_spot_version(world):
    return factories.published_procedure(
        world.agency, name="Cấp giấy chứng nhận kiểm dịch động vật", on_the_spot=True)


def test_a_counter_dossier_may_get_a_paper_result(world):
    d = _intake(world)
    wf.receive(d, world.ctx(world.counter, WED_0900))
    wf.take(d, world.ctx(world.specialist, WED_0900))
    wf.complete_step(d, world.ctx(world.specialist, WED_0900), "Đủ điều kiện")
    with pytest.raises(wf.WorkflowError, match="tệp kết quả điện tử") as refused:
        wf.approve(d, world.ctx(world.leader, WED_0900))  # neither a file nor a number
    assert refused.value.field == "result"
    wf.approve(d, world.ctx(world.leader, WED_0900), "Giấy phép số 15/GP")
    assert d.state is S.RESULT_READY and not d.result_files
    assert d.events[-1].message == "Hồ sơ đã có kết quả; kết quả bản giấy: Giấy phép số 15/GP."
    assert wf.invariant_problems(d) == []


def test_an_online_dossier_needs_its_e_result(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, WED_0900))
    wf.take(d, world.ctx(world.specialist, WED_0900))
    wf.complete_step(d, world.ctx(world.specialist, WED_0900), "Đủ điều kiện")
    with pytest.raises(wf.WorkflowError, match="tệp kết quả điện tử"):
        wf.approve(d, world.ctx(world.leader, WED_0900), "Giấy phép số 15/GP")
    assert d.state is S.IN_PROGRESS


# --- the papers handed in (issue 18) -------------------------------------------------------

def test_papers_handed_in_decide_what_is_missing_and_reception_asks(world):
    from portal.catalog.models import DocumentForm
    from portal.workflow import papers

    d = _intake(world)
    mandatory = [doc for doc in world.version.documents if doc.mandatory]
    assert mandatory and papers.missing_mandatory(d) == mandatory
    ctx = world.ctx(world.counter, WED_0900)
    with pytest.raises(wf.NeedsConfirmation) as refused:
        wf.receive(d, ctx, confirm_missing=False)
    assert refused.value.field == "confirm_missing" and d.state is S.SUBMITTED
    problems = papers.check_papers(d, [papers.Handed(mandatory[0].id, "photo", 1),
                                       papers.Handed(mandatory[0].id, "copy", 100)])
    assert [p.field for p in problems] == [f"paper-{mandatory[0].id}",
                                          f"paper-{mandatory[0].id}-quantity"]
    handed = [papers.Handed(doc.id, DocumentForm.CERTIFIED_COPY, 2) for doc in mandatory]
    papers.record_papers(d, handed, world.counter, WED_0900)
    assert papers.missing_mandatory(d) == []
    assert [(p.form, p.quantity) for p in d.papers] == [(DocumentForm.CERTIFIED_COPY, 2)] * len(
        mandatory)
    wf.receive(d, ctx, confirm_missing=False)
    assert d.state is S.RECEIVED
    with pytest.raises(papers.PapersRefused):  # reception closes the record
        papers.record_papers(d, handed, world.counter, WED_0900)


def test_an_intake_not_yet_received_is_cancelled_with_its_files(world, tmp_path):
    from portal.extensions import db

    d = _intake(world)
    storage = LocalStorage(tmp_path / "store")
    item = dossier_ops.add_file(d, None, io.BytesIO(PDF), "nham.pdf", world.counter, storage,
                                UploadLimits(2**20, 2**22))
    with pytest.raises(wf.Forbidden):
        intake.cancel_intake(d, world.specialist)
    assert intake.cancel_intake(d, world.counter) == [item.storage_key]
    assert db.session.get(type(d), d.id) is None
    received = _intake(world)
    wf.receive(received, world.ctx(world.counter, WED_0900))
    with pytest.raises(wf.WorkflowError, match="khi chưa tiếp nhận"):
        intake.cancel_intake(received, world.counter)
