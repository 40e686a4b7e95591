"""A small world for the staff pages: one agency with its officers, a second agency (to be
consulted, and whose officer must see nothing of the first), the Committee's office (the
procedure's inter-agency chain: 3 working days, then the finance department), the centre's
supervisor, a citizen, and a 5-working-day procedure with one required document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factories
import pytest

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.extensions import db

WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


@dataclass
class World:
    agency_id: int
    other_id: int
    version_id: int
    emails: dict[str, str]  # role name -> e-mail
    user_ids: dict[str, int]
    dossier_id: int  # submitted online, waiting for reception


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        other = factories.agency("SXD", "Sở Xây dựng")
        liaison = factories.agency("VPUBND", "Văn phòng UBND tỉnh")
        factories.agency("STC", "Sở Tài chính")  # the chain's second agency
        version = factories.published_procedure(
            agency, name="Đăng ký biến động đất đai", time_amount=5, time_unit=TimeUnit.DAYS,
            inter_agency=True, chain=[catalog_ops.ChainData("VPUBND", 3),
                                      catalog_ops.ChainData("STC", 2)],
            cutoff=None, steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
                                catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
                                catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
        users = {
            "counter": factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn"),
            "specialist": factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn"),
            "leader": factories.staff(Role.LEADER, agency, "lanhdao@example.vn"),
            "other": factories.staff(Role.SPECIALIST, other, "khac@example.vn"),
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn"),
            "liaison": factories.staff(Role.SPECIALIST, liaison, "chuyenvien.vp@example.vn"),
            "liaison_leader": factories.staff(Role.LEADER, liaison, "lanhdao.vp@example.vn"),
            "citizen": factories.citizen("dan@example.vn", full_name="Nguyễn Thị Hồng"),
        }
        dossier = factories.submitted_dossier(version, users["citizen"], WED_0900)
        db.session.commit()
        return World(agency.id, other.id, version.id,
                     {k: u.email for k, u in users.items()}, {k: u.id for k, u in users.items()},
                     dossier.id)


@pytest.fixture
def as_(signed_in, world):
    """as_("leader") → a CSRF-aware client logged in as that user (cached per test)."""
    return lambda who: signed_in(world.emails[who])
