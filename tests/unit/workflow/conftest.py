"""A small world for workflow tests: one agency with its staff, a second agency to consult,
a 5-working-day procedure with counter → specialist → leader steps, and a submitted dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factories
import pytest

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, StepRole, TimeUnit
from portal.dossiers.models import Dossier
from portal.workflow.actions import Context

# Wednesday 12 March 2025, 09:00 in Viet Nam: an ordinary working morning.
WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


@dataclass
class World:
    agency: Agency
    other: Agency
    version: ProcedureVersion
    applicant: User
    counter: User
    specialist: User
    specialist2: User
    leader: User
    other_specialist: User
    supervisor: User
    stranger: User
    dossier: Dossier

    def ctx(self, user: User, now: datetime = WED_0900, expected_version=None) -> Context:
        return Context(user, now, current_calendar(), expected_version)


@pytest.fixture
def world(db_session) -> World:
    agency, other = factories.agency(), factories.agency()
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
               catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
    applicant = factories.citizen()
    return World(
        agency=agency, other=other, version=version, applicant=applicant,
        counter=factories.staff(Role.COUNTER_OFFICER, agency),
        specialist=factories.staff(Role.SPECIALIST, agency),
        specialist2=factories.staff(Role.SPECIALIST, agency),
        leader=factories.staff(Role.LEADER, agency),
        other_specialist=factories.staff(Role.SPECIALIST, other),
        supervisor=factories.staff(Role.SUPERVISOR),
        stranger=factories.citizen(),
        dossier=factories.submitted_dossier(version, applicant, WED_0900),
    )
