"""A small world for the satisfaction pages (issue 16): two agencies with a counter each,
their officers, a leader, the supervisor, an administrator, and citizens with finished and
unfinished dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import factories
import pytest

from portal.accounts.models import Role
from portal.catalog.models import Counter
from portal.dossiers.models import DossierState
from portal.extensions import db

S = DossierState
NOW = datetime.now(UTC)


@dataclass
class World:
    agencies: dict[str, int]
    counters: dict[str, int]
    emails: dict[str, str]
    users: dict[str, int]
    dossiers: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)


def _finished(version, user, officer, state):
    dossier = factories.submitted_dossier(version, user)
    dossier.state = state
    dossier.received_at = dossier.submitted_at
    dossier.received_by_id = officer.id
    dossier.finished_at = NOW
    if state == S.RETURNED:
        dossier.returned_at = NOW
    return dossier


@pytest.fixture(scope="module")
def world(module_db) -> World:
    with module_db.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        finance = factories.agency("STC", "Sở Tài chính")
        counters = {"justice": Counter(agency_id=justice.id, number=7, name="Tư pháp"),
                    "finance": Counter(agency_id=finance.id, number=8, name="Tài chính")}
        db.session.add_all(counters.values())
        users = {
            "officer": factories.staff(Role.COUNTER_OFFICER, justice, "motcua@example.vn"),
            "colleague": factories.staff(Role.COUNTER_OFFICER, justice, "motcua2@example.vn"),
            "finance_officer": factories.staff(Role.COUNTER_OFFICER, finance,
                                               "taichinh@example.vn"),
            "leader": factories.staff(Role.LEADER, justice, "lanhdao@example.vn"),
            "finance_leader": factories.staff(Role.LEADER, finance, "lanhdaotc@example.vn"),
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn"),
            "admin": factories.staff(Role.ADMIN, None, "quantri@example.vn"),
            "citizen": factories.citizen("dan@example.vn", full_name="Trần Thị Đánh Giá"),
            "other": factories.citizen("khac@example.vn"),
        }
        users["officer"].full_name = "Lê Văn Quầy"
        version = factories.published_procedure(justice, name="Cấp Phiếu lý lịch tư pháp")
        finance_version = factories.published_procedure(finance, name="Cấp mã số đơn vị")
        citizen, officer = users["citizen"], users["officer"]
        dossiers = {
            "returned": _finished(version, citizen, officer, S.RETURNED),
            "refused": _finished(version, citizen, officer, S.REFUSED),
            "withdrawn": _finished(version, citizen, officer, S.WITHDRAWN),
            "finance": _finished(finance_version, citizen, users["finance_officer"],
                                 S.RETURNED),
            "pending": factories.submitted_dossier(version, citizen),
            "others": _finished(version, users["other"], officer, S.RETURNED),
        }
        db.session.commit()
        return World({"justice": justice.id, "finance": finance.id},
                     {k: c.id for k, c in counters.items()},
                     {k: u.email for k, u in users.items()},
                     {k: u.id for k, u in users.items()},
                     {k: d.id for k, d in dossiers.items()},
                     {k: d.code for k, d in dossiers.items()})


@pytest.fixture
def as_(signed_in, world):
    """as_("leader") → a CSRF-aware client logged in as that user."""
    return lambda who: signed_in(world.emails[who])
