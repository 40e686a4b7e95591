"""A procedure whose fees are paid at submission, a citizen's dossier waiting for payment,
another citizen, the agency's counter officer, another agency's counter officer and the
bank's collection officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factories
import pytest

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.catalog.models import FeeBasis, FeeKind
from portal.extensions import db
from portal.payments import operations as ops

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


@dataclass
class World:
    dossier_id: int
    request_id: int
    code: str
    version_id: int
    emails: dict[str, str]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        other_agency = factories.agency("SXD", "Sở Xây dựng")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp", payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Phí cung cấp thông tin lý lịch tư pháp", 200000),
                  catalog_ops.FeeData("Lệ phí cấp bản sao", 8000, kind=FeeKind.CHARGE,
                                      basis=FeeBasis.PER_UNIT, unit_label="bản")],
            exemptions=["Hộ nghèo"])
        owner = factories.citizen("dan@example.vn", full_name="Nguyễn Thị Hồng")
        factories.citizen("khac@example.vn")
        factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn")
        factories.staff(Role.COUNTER_OFFICER, other_agency, "motcua.khac@example.vn")
        factories.staff(Role.BANK_COLLECTOR, None, "nganhang@example.vn")
        dossier = factories.submitted_dossier(version, owner, NOW)
        request = ops.request_at_submission(dossier, NOW, owner)
        db.session.commit()
        return World(dossier.id, request.id, dossier.code, version.id,
                     {"owner": "dan@example.vn", "other": "khac@example.vn",
                      "counter": "motcua@example.vn", "foreign": "motcua.khac@example.vn",
                      "bank": "nganhang@example.vn"})


@pytest.fixture
def as_(signed_in, world):
    return lambda who: signed_in(world.emails[who])
