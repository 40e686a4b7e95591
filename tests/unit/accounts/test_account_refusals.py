"""What the account operations refuse, and on which form field the refusal is shown."""

import factories
import pytest

from portal.accounts import operations as ops
from portal.accounts.models import Role

PASSWORD = "mot-mat-khau-dai"


def _registration(**changes) -> ops.Registration:
    values = {"full_name": "Nguyễn Thị Hoa", "email": "hoa@example.vn", "phone": "0905123456",
              "id_number": "051195001111", "password": PASSWORD}
    return ops.Registration(**(values | changes))


def _refused(call, *args) -> ops.AccountError:
    with pytest.raises(ops.AccountError) as refusal:
        call(*args)
    return refusal.value


def test_registration_refuses_a_known_email_id_number_or_tax_code(db_session):
    ops.register(_registration(tax_code="43 0012 3456", organisation_name="Công ty Ba Tơ"))
    assert _refused(ops.register, _registration(email=" HOA@example.vn ")).field == "email"
    again = _registration(email="lan@example.vn", id_number="0511 9500 1111")
    assert _refused(ops.register, again).field == "id_number"
    company = _registration(email="lan@example.vn", id_number="051195002222",
                            tax_code="4300123456", organisation_name="Công ty Ba Tơ")
    assert _refused(ops.register, company).field == "tax_code"


def test_staff_accounts_refuse_a_known_email(db_session):
    ops.create_staff("Cán Bộ Một", "canbo@example.vn", PASSWORD)
    assert _refused(ops.create_staff, "Cán Bộ Hai", "canbo@example.vn", PASSWORD).field == "email"


def test_roles_refuse_a_missing_or_unknown_agency_and_a_duplicate(db_session):
    user = ops.create_staff("Cán Bộ Một", "canbo@example.vn", PASSWORD)
    assert _refused(ops.grant_role, user, Role.LEADER, None).field == "agency"
    assert _refused(ops.grant_role, user, Role.LEADER, 999_999).field == "agency"
    agency = factories.agency()
    ops.grant_role(user, Role.LEADER, agency.id)
    assert _refused(ops.grant_role, user, Role.LEADER, agency.id).field == "role"
    ops.grant_role(user, Role.SUPERVISOR, None)
    assert _refused(ops.grant_role, user, Role.SUPERVISOR, agency.id).field == "role"
    assert _refused(ops.revoke_role, user, 999_999).field is None


def test_members_refuse_strangers_duplicates_and_losing_the_last_owner(db_session):
    owner = ops.register(_registration(tax_code="4300123456", organisation_name="Công ty Ba Tơ"))
    organisation = owner.organisations[0]
    assert _refused(ops.add_member, organisation, "ai@example.vn").field == "email"
    colleague = factories.citizen("lan@example.vn")
    ops.add_member(organisation, colleague.email)
    assert _refused(ops.add_member, organisation, "lan@example.vn").field == "email"
    owner_row = next(m for m in organisation.members if m.is_owner)
    _refused(ops.remove_member, organisation, owner_row.id)
    _refused(ops.remove_member, organisation, 999_999)


def test_a_wrong_password_or_an_inactive_account_does_not_authenticate(db_session):
    user = ops.create_staff("Cán Bộ Một", "canbo@example.vn", PASSWORD)
    assert ops.authenticate("canbo@example.vn", PASSWORD) is user
    assert ops.authenticate("canbo@example.vn", "sai-mat-khau") is None
    assert ops.authenticate("khong-co@example.vn", PASSWORD) is None
    stamp = user.security_stamp
    ops.set_active(user, False)
    assert user.security_stamp == stamp + 1
    assert ops.authenticate("canbo@example.vn", PASSWORD) is None
