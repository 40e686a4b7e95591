"""accounts.policy: which agencies a user serves, in which capacity, and which areas they enter.
Users here are never stored: the policy reads only their role assignments."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

import portal.models  # noqa: F401  (every model: the role's agency relationship resolves)
from portal.accounts import policy
from portal.accounts.models import AccountKind, Role, RoleAssignment, User

PROVINCE, JUSTICE, HEALTH = 1, 2, 3


def person(*roles: tuple[Role, int | None], active: bool = True) -> User:
    user = User(email="x@example.vn", full_name="Nguyễn Văn A", kind=AccountKind.STAFF,
                active=active)
    user.roles = [RoleAssignment(role=role, agency_id=agency) for role, agency in roles]
    return user


COUNTER = person((Role.COUNTER_OFFICER, JUSTICE))
SPECIALIST = person((Role.SPECIALIST, JUSTICE))
LEADER = person((Role.LEADER, HEALTH))
SUPERVISOR = person((Role.SUPERVISOR, None))
POSTAL = person((Role.POSTAL_OFFICER, None))
ADMIN = person((Role.ADMIN, None))
CITIZEN = person()
# Counter officer of one agency, specialist of another, leader of a third.
MANY_HATS = person((Role.COUNTER_OFFICER, PROVINCE), (Role.SPECIALIST, JUSTICE),
                   (Role.LEADER, HEALTH))


def test_agencies_by_capacity():
    assert policy.served_agency_ids(MANY_HATS) == {PROVINCE, JUSTICE, HEALTH}
    assert policy.counter_agency_ids(MANY_HATS) == {PROVINCE}
    assert policy.consulting_agency_ids(MANY_HATS) == {JUSTICE, HEALTH}
    assert policy.led_agency_ids(MANY_HATS) == {HEALTH}


def test_a_counter_officer_answers_no_consultation():
    assert policy.consulting_agency_ids(COUNTER) == set()
    assert policy.consulting_agency_ids(SPECIALIST) == {JUSTICE}


@pytest.mark.parametrize("user", [SUPERVISOR, POSTAL, ADMIN, CITIZEN])
def test_roles_without_an_agency_serve_none(user):
    assert policy.served_agency_ids(user) == set()


def test_officer_roles_in_one_agency():
    assert policy.officer_roles_in(MANY_HATS, JUSTICE) == [Role.SPECIALIST]
    assert policy.officer_roles_in(MANY_HATS, 99) == []


def test_the_supervisor_watches_every_queue_but_acts_in_no_agency():
    assert policy.is_supervisor(SUPERVISOR)
    assert policy.officer_roles_in(SUPERVISOR, JUSTICE) == []
    assert policy.roles_in(SUPERVISOR, JUSTICE) == [Role.SUPERVISOR]


def test_a_supervisor_who_is_also_an_officer_works_as_the_officer_there():
    both = person((Role.SUPERVISOR, None), (Role.LEADER, HEALTH))
    assert policy.roles_in(both, HEALTH) == [Role.LEADER]
    assert policy.roles_in(both, JUSTICE) == [Role.SUPERVISOR]
    assert policy.roles_in(LEADER, JUSTICE) == []


@pytest.mark.parametrize(("user", "staff", "statistics", "administration"), [
    (COUNTER, True, False, False),
    (SPECIALIST, True, False, False),
    (LEADER, True, True, False),
    (SUPERVISOR, True, True, False),
    (POSTAL, False, False, False),
    (ADMIN, False, False, True),
    (CITIZEN, False, False, False),
])
def test_who_enters_which_area(user, staff, statistics, administration):
    assert policy.works_in_staff_area(user) is staff
    assert policy.may_read_statistics(user) is statistics
    assert policy.may_administer(user) is administration


@pytest.mark.parametrize("user", [
    None,
    AnonymousUserMixin(),
    person((Role.SUPERVISOR, None), (Role.LEADER, HEALTH), (Role.ADMIN, None), active=False),
], ids=["none", "anonymous", "deactivated"])
def test_only_a_signed_in_user_holds_roles(user):
    assert policy.assignments(user) == []
    assert policy.served_agency_ids(user) == set()
    assert not policy.is_supervisor(user)
    assert policy.roles_in(user, HEALTH) == []
    assert not policy.works_in_staff_area(user)
    assert not policy.may_read_statistics(user)
    assert not policy.may_administer(user)


def applicant(kind: AccountKind = AccountKind.CITIZEN) -> User:
    user = User(email="dan@example.vn", full_name="Trần Thị B", kind=kind, active=True)
    user.roles = []
    return user


@pytest.mark.parametrize("user,endpoint", [
    (applicant(), "citizen.dossiers"),
    (applicant(AccountKind.BUSINESS), "citizen.dossiers"),
    (COUNTER, "staff.dashboard"), (SPECIALIST, "staff.dashboard"), (LEADER, "staff.dashboard"),
    (MANY_HATS, "staff.dashboard"),
    (SUPERVISOR, "stats.monitoring"),
    (person((Role.SUPERVISOR, None), (Role.LEADER, HEALTH)), "staff.dashboard"),
    (ADMIN, "admin.index"),
    (person((Role.ADMIN, None), (Role.COUNTER_OFFICER, JUSTICE)), "admin.index"),
    (POSTAL, "auth.profile"),
    (CITIZEN, "auth.profile"),  # a staff account without a role yet
])
def test_a_login_lands_where_the_person_works(user, endpoint):
    """Issue 12, item 1: one answer for the login, the registration and the TOTP step."""
    assert policy.landing_endpoint(user) == endpoint


def test_only_applicants_submit_dossiers():
    assert policy.submits_dossiers(applicant())
    assert policy.submits_dossiers(applicant(AccountKind.BUSINESS))
    for user in (COUNTER, SUPERVISOR, POSTAL, ADMIN, CITIZEN, None, AnonymousUserMixin()):
        assert not policy.submits_dossiers(user)
    closed = applicant()
    closed.active = False  # a deactivated account is not signed in (is_authenticated)
    assert not policy.submits_dossiers(closed)
