"""Fixtures of the online-submission web tests: a published online procedure with two
required documents and two logged-in citizens."""

from __future__ import annotations

import factories
import pytest
from submission_helpers import Setup

from portal.catalog import operations as catalog_ops
from portal.catalog.models import DocumentForm, TimeUnit
from portal.extensions import db


@pytest.fixture
def setup(app) -> Setup:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp cho công dân", time_amount=5,
            time_unit=TimeUnit.DAYS,
            documents=[
                catalog_ops.DocumentData("Tờ khai yêu cầu cấp Phiếu", DocumentForm.ORIGINAL, 1,
                                         True, "Mẫu số 03/2013/TT-LLTP"),
                catalog_ops.DocumentData("Bản chụp CCCD", DocumentForm.COPY, 1, True, ""),
            ])
        owner = factories.citizen(email="binh@example.vn")
        factories.citizen(email="khac@example.vn")
        db.session.commit()
        assert owner.id
        return Setup(version.procedure.code, [d.id for d in version.documents],
                     "binh@example.vn", "khac@example.vn")


@pytest.fixture
def citizen(csrf_client, login, setup):
    login(csrf_client, setup.email)
    return csrf_client


@pytest.fixture
def other(app, login, setup):
    from factories import CsrfClient

    client = CsrfClient(app.test_client())
    login(client, setup.other_email)
    return client


