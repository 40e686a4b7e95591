"""What a draft lacks, step by step (issue 12): one answer for the step indicator, the
review page, the refusal of submit and the drafts list."""

from __future__ import annotations

import factories

from portal.catalog import operations as catalog_ops
from portal.catalog.models import DocumentForm
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.completeness import Step, missing
from portal.dossiers.models import DossierFile, ReturnMethod

DOCUMENTS = [
    catalog_ops.DocumentData("Tờ khai", DocumentForm.ORIGINAL, 1, True, "Mẫu 01"),
    catalog_ops.DocumentData("Bản chụp CCCD", DocumentForm.COPY, 1, True, ""),
    catalog_ops.DocumentData("Giấy ủy quyền", DocumentForm.COPY, 1, False, ""),
]


def _draft():
    version = factories.published_procedure(factories.agency(), documents=DOCUMENTS)
    user = factories.citizen()
    return ops.start_dossier(version, user, None), user


def _attach(dossier, requirement_id):
    dossier.files.append(DossierFile(
        requirement_id=requirement_id, storage_key=f"dossiers/{dossier.id}/{requirement_id}",
        original_name="a.pdf", content_type="application/pdf", size=10, sha256="0" * 64))


def test_every_gap_of_a_fresh_draft_in_the_order_of_the_steps(db_session):
    dossier, _user = _draft()
    form, id_card, _proxy = dossier.procedure_version.documents
    dossier.applicant_id_number = " "
    gaps = missing(dossier)
    assert not gaps.complete and len(gaps) == 4
    assert [(gap.step, gap.field) for gap in gaps] == [
        (Step.APPLICANT, "id_number"), (Step.DOCUMENTS, f"req-{form.id}"),
        (Step.DOCUMENTS, f"req-{id_card.id}"), (Step.RETURN, "return_method")]
    assert str(gaps.gaps[2]) == "Chưa đính kèm giấy tờ bắt buộc “Bản chụp CCCD”."
    assert gaps.first_incomplete_step is Step.APPLICANT
    assert [gaps.step_complete(step) for step in Step] == [False, False, False]


def test_optional_papers_and_counter_return_complete_a_draft(db_session):
    dossier, _user = _draft()
    form, id_card, _proxy = dossier.procedure_version.documents
    _attach(dossier, form.id)
    assert [gap.field for gap in missing(dossier).in_step(Step.DOCUMENTS)] == [
        f"req-{id_card.id}"]
    _attach(dossier, id_card.id)
    ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
    gaps = missing(dossier)
    assert gaps.complete and len(gaps) == 0 and gaps.first_incomplete_step is None


def test_postal_return_lists_each_missing_part_of_the_address(db_session):
    dossier, _user = _draft()
    ops.set_return_method(dossier, ReturnMethod.POSTAL, ops.PostalAddress(
        "Nguyễn Văn An", "0912345678", "Quảng Ngãi", "Sơn Tịnh", "Tịnh Phong", "Thôn 1"))
    dossier.postal_ward = dossier.postal_street = ""
    assert [(gap.field, str(gap)) for gap in missing(dossier).in_step(Step.RETURN)] == [
        ("ward_code", "Vui lòng nhập phường, xã để nhận kết quả qua bưu chính."),
        ("street", "Vui lòng nhập số nhà, đường, thôn, xóm để nhận kết quả qua bưu chính.")]


def test_drafts_of_a_procedure_are_the_users_own_latest_first(db_session):
    dossier, user = _draft()
    procedure_id = dossier.procedure_version.procedure_id
    second = ops.start_dossier(dossier.procedure_version, user, None)
    other_procedure = ops.start_dossier(factories.published_procedure(factories.agency()),
                                        user, None)
    someone_else = ops.start_dossier(dossier.procedure_version, factories.citizen(), None)
    found = queries.drafts_of_procedure(user, procedure_id)
    assert {d.id for d in found} == {dossier.id, second.id}
    assert other_procedure not in found and someone_else not in found
    assert queries.drafts_of_procedure(someone_else.applicant, procedure_id) == [someone_else]
