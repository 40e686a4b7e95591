"""The postal desk's world: two agencies, each with a result handed to the post, a postal
officer of each, and the first dossier's applicant (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from delivery_world import postal_world

from portal.delivery.operations import latest_outbound
from portal.extensions import db


@dataclass
class Desk:
    emails: dict[str, str]
    dossier_id: int  # agency 1, handed to the post
    shipment_id: int
    other_dossier_id: int  # agency 2, handed to the post
    other_shipment_id: int
    code: str


@pytest.fixture
def desk(app) -> Desk:
    with app.app_context():
        w = postal_world()
        mine, theirs = w.posted(), w.posted(version=w.other_version)
        db.session.commit()
        emails = {k: getattr(w, k).email for k in (
            "applicant", "counter", "leader", "postal", "other_postal", "stranger")}
        return Desk(emails, mine.id, latest_outbound(mine.id).id, theirs.id,
                    latest_outbound(theirs.id).id, mine.code)


@pytest.fixture
def as_(signed_in, desk):
    return lambda who: signed_in(desk.emails[who])
