"""A dossier of one agency whose result is ready to go back by post, and the people around
it (issue 15): its applicant, the agency's counter officer and leader, a postal officer of
the agency and one of another agency. Used by the delivery's unit, web and browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factories

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, StepRole, TimeUnit
from portal.dossiers.models import Dossier, ReturnMethod
from portal.workflow import actions as wf

WED_0900 = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=VN_TZ)


@dataclass
class PostalWorld:
    agency: Agency
    other: Agency
    version: ProcedureVersion
    other_version: ProcedureVersion
    applicant: User
    counter: User
    specialist: User
    leader: User
    postal: User
    other_postal: User
    stranger: User

    def ctx(self, user: User, now: datetime) -> wf.Context:
        return wf.Context(user, now, current_calendar())

    def result_ready(self, method: ReturnMethod = ReturnMethod.POSTAL, *,
                     version: ProcedureVersion | None = None,
                     applicant: User | None = None) -> Dossier:
        version = version or self.version
        counter, specialist, leader = self.counter, self.specialist, self.leader
        if version is self.other_version:
            counter, specialist, leader = self.other_staff
        d = factories.submitted_dossier(version, applicant or self.applicant, WED_0900,
                                        return_method=method)
        wf.receive(d, self.ctx(counter, at(12, 10)))
        wf.take(d, self.ctx(leader, at(12, 11)))
        factories.result_file(d, leader)
        wf.approve(d, self.ctx(leader, at(13, 9)))
        return d

    def posted(self, **kwargs) -> Dossier:
        """Result ready, handed to the post at the counter: a shipment ready to post."""
        d = self.result_ready(**kwargs)
        counter = self.other_staff[0] if kwargs.get("version") is self.other_version else (
            self.counter)
        wf.hand_over(d, self.ctx(counter, at(13, 10)), ReturnMethod.POSTAL)
        return d


def _version(agency: Agency) -> ProcedureVersion:
    return factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])


def postal_world() -> PostalWorld:
    agency, other = factories.agency(), factories.agency()
    world = PostalWorld(
        agency=agency, other=other, version=_version(agency), other_version=_version(other),
        applicant=factories.citizen(),
        counter=factories.staff(Role.COUNTER_OFFICER, agency),
        specialist=factories.staff(Role.SPECIALIST, agency),
        leader=factories.staff(Role.LEADER, agency),
        postal=factories.staff(Role.POSTAL_OFFICER, agency),
        other_postal=factories.staff(Role.POSTAL_OFFICER, other),
        stranger=factories.citizen())
    world.other_staff = (factories.staff(Role.COUNTER_OFFICER, other),  # type: ignore[attr-defined]
                         factories.staff(Role.SPECIALIST, other),
                         factories.staff(Role.LEADER, other))
    return world
