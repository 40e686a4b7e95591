"""A small world for the feedback pages: two agencies, each with a leader and a specialist,
the centre's supervisor, a counter officer, a citizen, and a dossier of the first agency."""

from __future__ import annotations

from dataclasses import dataclass

import factories
import pytest

from portal.accounts.models import Role
from portal.extensions import db


@dataclass
class World:
    agency_id: int
    other_id: int
    dossier_code: str
    emails: dict[str, str]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        other = factories.agency("SXD", "Sở Xây dựng")
        version = factories.published_procedure(agency, name="Đăng ký biến động đất đai")
        dossier = factories.submitted_dossier(version)
        dossier.applicant_name = "Trần Thị Hoa"
        emails = {
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn").email,
            "leader": factories.staff(Role.LEADER, agency, "lanhdao@example.vn").email,
            "specialist": factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn").email,
            "counter": factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn").email,
            "other_leader": factories.staff(Role.LEADER, other, "lanhdaoxd@example.vn").email,
            "citizen": factories.citizen("dan@example.vn").email,
            "other_citizen": factories.citizen("khac@example.vn").email,
        }
        db.session.commit()  # a savepoint of the test's transaction (tests/conftest.py)
        return World(agency.id, other.id, dossier.code, emails)
