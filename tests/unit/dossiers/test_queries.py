"""Who sees which dossier: own dossiers, the organisation's for its members, nobody else's."""

from __future__ import annotations

import io
from datetime import datetime

import factories
import pytest
from flask_login import AnonymousUserMixin

from portal.accounts.models import OrganisationMember
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import ReturnMethod
from portal.extensions import db
from portal.storage import LocalStorage

AT = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)


def _submitted(version, user, storage, organisation=None):
    dossier = ops.start_dossier(version, user, organisation)
    for document in version.documents:
        ops.add_file(dossier, document.id, io.BytesIO(b"%PDF-1.4 x"), "a.pdf", user, storage,
                     UploadLimits(1024, 4096))
    ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
    ops.submit(dossier, user, current_calendar(), AT)
    return dossier


@pytest.fixture
def world(db_session, tmp_path):
    storage = LocalStorage(tmp_path)
    version = factories.published_procedure(factories.agency())
    alice, bob = factories.citizen(), factories.citizen()
    owner = factories.citizen(organisation_name="Công ty CP Sa Huỳnh", tax_code="4300999888")
    organisation = owner.organisations[0]
    member, outsider = factories.citizen(), factories.citizen()
    db.session.add(OrganisationMember(organisation=organisation, user=member))
    db.session.flush()
    return {
        "alice": alice, "bob": bob, "owner": owner, "member": member, "outsider": outsider,
        "alice_draft": ops.start_dossier(version, alice),
        "alice_sent": _submitted(version, alice, storage),
        "company": _submitted(version, owner, storage, organisation),
        "owner_own": ops.start_dossier(version, owner),
    }


def test_a_citizen_sees_only_their_own(world):
    alice, bob = world["alice"], world["bob"]
    assert queries.get_dossier_for(alice, world["alice_draft"].id) is world["alice_draft"]
    assert queries.get_dossier_for(bob, world["alice_draft"].id) is None
    assert queries.get_dossier_for(alice, world["company"].id) is None
    assert queries.get_dossier_for(alice, 987654) is None
    assert not queries.is_visible_to(world["alice_sent"], bob)


def test_a_business_member_sees_the_organisations_but_not_the_owners_personal(world):
    member, outsider = world["member"], world["outsider"]
    assert queries.get_dossier_for(member, world["company"].id) is world["company"]
    assert queries.is_visible_to(world["company"], member)
    assert queries.get_dossier_for(member, world["owner_own"].id) is None
    assert queries.get_dossier_for(outsider, world["company"].id) is None
    assert not queries.is_visible_to(world["company"], outsider)


def test_anonymous_users_see_nothing(world):
    assert queries.get_dossier_for(AnonymousUserMixin(), world["alice_sent"].id) is None
    assert queries.get_dossier_for(None, world["alice_sent"].id) is None
    assert not queries.is_visible_to(world["alice_sent"], AnonymousUserMixin())


def test_dossiers_of_groups_and_pages(world):
    alice, owner = world["alice"], world["owner"]
    assert [d.id for d in queries.dossiers_of(alice, "draft", 1, 10).items] == [
        world["alice_draft"].id]
    assert [d.id for d in queries.dossiers_of(alice, "submitted", 1, 10).items] == [
        world["alice_sent"].id]
    everything = queries.dossiers_of(owner, None, 1, 1)
    assert everything.total == 2 and len(everything.items) == 1 and everything.has_next
    assert queries.dossiers_of(world["member"], "submitted", 1, 10).items == [world["company"]]
    assert queries.dossiers_of(world["outsider"], None, 1, 10).total == 0
    with pytest.raises(ValueError):
        queries.dossiers_of(alice, "archived", 1, 10)


def test_by_code(world):
    sent = world["alice_sent"]
    assert queries.by_code(f"  {sent.code} ") is sent
    assert queries.by_code(sent.code.lower()) is sent
    assert queries.by_code("") is None and queries.by_code("000.00.00.H48-000000-0000") is None
