"""Catalog versioning rules: a published version never changes; edits go to a draft."""

import factories
import pytest

from portal.catalog import operations as ops
from portal.catalog.models import ProcedureFee, PublishedVersionChanged, VersionStatus
from portal.catalog.queries import published_by_code
from portal.extensions import db


def test_publish_new_version_supersedes_the_old_one(db_session):
    agency = factories.agency()
    v1 = factories.published_procedure(agency, name="Cấp giấy phép A", code="1.000001")
    draft = ops.draft_for_edit(v1.procedure, None)
    assert draft.number == 2 and draft.status is VersionStatus.DRAFT
    data = ops.data_of(draft)
    data.name, data.fees = "Cấp giấy phép A (sửa đổi)", [ops.FeeData("Lệ phí", 50000)]
    ops.update_draft(draft, data)
    db.session.commit()
    assert published_by_code("1.000001").name == "Cấp giấy phép A"
    ops.publish(draft, None)
    db.session.commit()
    assert published_by_code("1.000001").number == 2
    assert v1.status is VersionStatus.SUPERSEDED and v1.name == "Cấp giấy phép A"
    assert [f.amount for f in v1.fees] == [80000]


def test_published_versions_are_frozen(db_session):
    version = factories.published_procedure(factories.agency())
    db.session.commit()
    version.name = "Đổi tên trái phép"
    with pytest.raises(PublishedVersionChanged):
        db.session.flush()
    db.session.rollback()
    version.fees.append(ProcedureFee(position=9, name="Phí mới", amount=1))
    with pytest.raises(PublishedVersionChanged):
        db.session.flush()
    db.session.rollback()
    version.fees[0].amount = 1
    with pytest.raises(PublishedVersionChanged):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ops.CatalogError, match="không được sửa"):
        ops.update_draft(version, ops.data_of(version))


def test_unpublish_and_republish(db_session):
    version = factories.published_procedure(factories.agency(), code="1.000002")
    ops.unpublish(version.procedure)
    db.session.commit()
    assert published_by_code("1.000002") is None
    assert version.status is VersionStatus.UNPUBLISHED
    with pytest.raises(ops.CatalogError):
        ops.unpublish(version.procedure)
    ops.publish(version, None)
    assert published_by_code("1.000002").id == version.id


def test_invalid_data_and_duplicate_codes_are_refused(db_session):
    agency = factories.agency()
    factories.published_procedure(agency, code="1.000003")
    with pytest.raises(ops.CatalogError, match="đã tồn tại"):
        ops.create_procedure(factories.procedure_data(agency, code="1.000003"), None)
    bad = factories.procedure_data(agency, documents=[], time_amount=3)
    with pytest.raises(ops.CatalogError, match="ít nhất một thành phần hồ sơ"):
        ops.create_procedure(bad, None)
    with pytest.raises(ops.CatalogError, match="không có lĩnh vực"):
        ops.create_procedure(factories.procedure_data(agency, field_code="XX"), None)


def test_discard_draft(db_session):
    agency = factories.agency()
    only_draft = ops.create_procedure(factories.procedure_data(agency, code="1.000004"), None)
    ops.discard_draft(only_draft.procedure)
    published = factories.published_procedure(agency, code="1.000005")
    ops.draft_for_edit(published.procedure, None)
    ops.discard_draft(published.procedure)
    db.session.commit()
    assert [v.number for v in published.procedure.versions] == [1]
    assert published_by_code("1.000004") is None
