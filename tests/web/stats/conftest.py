"""A small world for the statistics pages: four agencies in three groups (two departments,
the land section, the Committee's office), the people who may and may not read their
figures, and dossiers of January 2019 whose cells are known (the hand-made histories of
tests/unit/stats/test_figures.py, spread over the agencies)."""

from __future__ import annotations

from dataclasses import dataclass, field

import factories
import pytest
from stats_helpers import at, make

from portal.accounts.models import Role
from portal.catalog.models import AgencyKind
from portal.dossiers.models import Channel, DossierState
from portal.extensions import db
from portal.workflow.models import Pause, PauseKind

S = DossierState


@dataclass
class World:
    agencies: dict[str, int]  # short name -> id
    versions: dict[str, int]
    emails: dict[str, str]
    dossiers: dict[str, int] = field(default_factory=dict)


def _agency(code, name, kind):
    agency = factories.agency(code, name)
    agency.kind = kind
    return agency


@pytest.fixture(scope="module")
def world(module_db) -> World:
    """Built once per module: the tests only read it (what they change is rolled back)."""
    with module_db.app_context():
        justice = _agency("STP", "Sở Tư pháp", AgencyKind.DEPARTMENT)
        finance = _agency("STC", "Sở Tài chính", AgencyKind.DEPARTMENT)
        land = _agency("VPDKDD", "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi",
                       AgencyKind.LAND)
        office = _agency("VPUBND", "Văn phòng UBND tỉnh", AgencyKind.COMMITTEE)
        versions = {
            "justice": factories.published_procedure(justice, name="Cấp Phiếu lý lịch tư pháp"),
            "finance": factories.published_procedure(finance, name="Cấp mã số đơn vị"),
            "land": factories.published_procedure(land, name="Đăng ký thế chấp"),
            "office": factories.published_procedure(office, name="Liên thông"),
        }
        users = {
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn"),
            "leader": factories.staff(Role.LEADER, justice, "lanhdao@example.vn"),
            "counter": factories.staff(Role.COUNTER_OFFICER, justice, "motcua@example.vn"),
            "specialist": factories.staff(Role.SPECIALIST, justice, "chuyenvien@example.vn"),
            "citizen": factories.citizen("dan@example.vn"),
        }
        j = versions["justice"]
        dossiers = {
            "carried_late": make(j, at(20, month=12, year=2018), at(28, month=12, year=2018),
                                 at(3)),
            "carried_pending": make(j, at(20, month=12, year=2018),
                                    at(28, month=12, year=2018)),
            "online_early": make(j, at(2), at(9), at(4), channel=Channel.ONLINE),
            "on_due_day": make(j, at(2), at(9, 16), at(9, 10)),
            "postal_late": make(j, at(3), at(10), at(11), channel=Channel.POSTAL),
            "withdrawn": make(j, at(3), at(10), at(5), S.WITHDRAWN),
            "refused": make(j, at(3), at(10), at(5), S.REFUSED),
            "within": make(j, at(28), at(6, month=2)),
            "overdue": make(j, at(7), at(14)),
            "paused": make(j, at(7), at(14), state=S.AWAITING_SUPPLEMENT),
            "spot": make(j, at(8), at(8), at(8), S.RETURNED),
            "finance_online": make(versions["finance"], at(15), at(20), at(16),
                                   channel=Channel.ONLINE),
            "finance_late": make(versions["finance"], at(15), at(20), at(25)),
            "land_pending": make(versions["land"], at(10), at(12)),
            "land_done": make(versions["land"], at(10, month=2), at(12, month=2),
                              at(11, month=2)),
            "office_done": make(versions["office"], at(21), at(25), at(24)),
        }
        dossiers["paused"].pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=at(10),
                                               remaining_seconds=3600))
        db.session.commit()
        return World(
            {"justice": justice.id, "finance": finance.id, "land": land.id,
             "office": office.id},
            {k: v.id for k, v in versions.items()},
            {k: u.email for k, u in users.items()},
            {k: d.id for k, d in dossiers.items()})


@pytest.fixture
def as_(signed_in, world):
    """as_("leader") → a CSRF-aware client logged in as that user (cached per test)."""
    return lambda who: signed_in(world.emails[who])
