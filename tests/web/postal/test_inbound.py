"""Postal intake records the envelope's tracking number, S10-checked, optional (issue 15)."""

from __future__ import annotations

import factories
import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.catalog.models import TimeUnit
from portal.delivery.models import Direction, Shipment
from portal.dossiers.models import Dossier
from portal.extensions import db

FORM = {"name": "Trần Thị Hoa", "id_number": "051190001122", "applicant_phone": "0905123456",
        "email": "", "address": "Thôn 2", "channel": "postal", "return_method": "counter",
        "person_id": ""}


@pytest.fixture
def intake(app, signed_in):
    with app.app_context():
        agency = factories.agency()
        version = factories.published_procedure(agency, time_amount=5,
                                                time_unit=TimeUnit.DAYS, cutoff=None)
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        db.session.commit()
        email, version_id = counter.email, version.id
    return signed_in(email), version_id


def _inbound(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Shipment.tracking_number).where(
            Shipment.direction == Direction.INBOUND)))


def test_an_invalid_envelope_number_is_refused_next_to_its_field(app, intake):
    client, version_id = intake
    response = client.post("/can-bo/tiep-nhan/moi", data=dict(
        FORM, version_id=version_id, envelope_tracking="EB123456784VN"))
    assert response.status_code == 422
    assert 'id="envelope_tracking-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Dossier)) == 0


def test_the_envelope_number_is_recorded_or_left_out(app, intake):
    client, version_id = intake
    assert client.post("/can-bo/tiep-nhan/moi", data=dict(
        FORM, version_id=version_id)).status_code == 303
    assert _inbound(app) == []
    assert client.post("/can-bo/tiep-nhan/moi", data=dict(
        FORM, version_id=version_id, envelope_tracking="rr 473124829 gb")).status_code == 303
    assert _inbound(app) == ["RR473124829GB"]
