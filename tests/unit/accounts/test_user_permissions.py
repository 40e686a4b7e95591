"""The can_<verb> questions of the account models, asked of objects never stored."""

import pytest

from portal.accounts.models import (
    DOSSIER_ROLES,
    AccountKind,
    Organisation,
    OrganisationMember,
    Role,
    RoleAssignment,
    User,
)


def _user(kind=AccountKind.STAFF, *roles: tuple[Role, int | None], user_id=1, **fields) -> User:
    user = User(id=user_id, kind=kind, security_stamp=2, **fields)
    user.roles = [RoleAssignment(role=role, agency_id=agency) for role, agency in roles]
    return user


def test_only_an_admin_manages_the_catalog():
    assert _user(AccountKind.STAFF, (Role.ADMIN, None)).can_manage_catalog()
    assert not _user(AccountKind.STAFF, (Role.SUPERVISOR, None)).can_manage_catalog()
    assert not _user(AccountKind.CITIZEN).can_manage_catalog()


def test_the_staff_area_needs_two_factor_login():
    officer = _user(AccountKind.STAFF, (Role.COUNTER_OFFICER, 7), totp_enabled=False)
    assert officer.is_staff and not officer.can_use_staff_area()
    officer.totp_enabled = True
    assert officer.can_use_staff_area()
    assert not _user(AccountKind.CITIZEN, totp_enabled=True).can_use_staff_area()


def test_a_staff_account_without_a_role_is_staff_and_a_citizen_with_one_is_too():
    assert _user(AccountKind.STAFF).is_staff
    assert not _user(AccountKind.CITIZEN).is_staff
    assert _user(AccountKind.CITIZEN, (Role.ADMIN, None)).is_staff


@pytest.mark.parametrize("role", list(Role))
def test_only_the_dossier_roles_work_on_dossiers(role):
    assert _user(AccountKind.STAFF, (role, 7)).works_on_dossiers() == (role in DOSSIER_ROLES)


def test_has_role_with_and_without_an_agency():
    leader = _user(AccountKind.STAFF, (Role.LEADER, 7))
    assert leader.has_role(Role.LEADER) and leader.has_role(Role.LEADER, 7)
    assert not leader.has_role(Role.LEADER, 8) and not leader.has_role(Role.SPECIALIST)


def test_the_officers_and_leaders_need_an_agency_the_others_do_not():
    assert {role for role in Role if role.needs_agency} == {
        Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER}


def test_the_session_id_carries_the_security_stamp():
    assert _user(user_id=12).get_id() == "12:2"
    assert not _user(active=False).is_active


def test_only_an_owner_manages_the_organisation_members():
    owner, member = _user(AccountKind.BUSINESS, user_id=1), _user(AccountKind.CITIZEN, user_id=2)
    organisation = Organisation(name="Công ty TNHH Ba Tơ", tax_code="4300123456")
    organisation.members = [OrganisationMember(user_id=1, is_owner=True),
                            OrganisationMember(user_id=2, is_owner=False)]
    assert organisation.can_manage_members(owner)
    assert not organisation.can_manage_members(member)
    assert not organisation.can_manage_members(_user(AccountKind.CITIZEN, user_id=3))
