"""The messages of a dossier's ends invite the applicant to rate it (issue 16): the result
handed over, a refusal, a withdrawal — the states in which the dossier page shows the
invitation (``feedback.ratings.RATEABLE_STATES``)."""

from __future__ import annotations

from datetime import UTC, datetime

import factories
from sqlalchemy import select

from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.feedback.ratings import RATEABLE_STATES
from portal.notifications import events
from portal.notifications.models import OutboxMessage

ENDS = {"handed_over": DossierState.RETURNED, "refused": DossierState.REFUSED,
        "withdrawn": DossierState.WITHDRAWN}


def test_every_end_the_applicant_can_rate_has_an_inviting_message(db_session):
    assert set(ENDS.values()) == RATEABLE_STATES
    dossier = factories.submitted_dossier()
    for key, state in ENDS.items():
        dossier.state = state
        written = events.send(dossier, key, datetime.now(UTC), reason="Thiếu giấy tờ",
                              at_reception=False, by_post=False,
                              returned_to="Nguyễn Văn An")
        assert written  # events.send writes its rows in SQL and says how many
        mail = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dossier_id == dossier.id,
                                        OutboxMessage.channel == "email")
            .order_by(OutboxMessage.id.desc()).limit(1)).one()
        assert "đánh giá mức độ hài lòng" in mail.body, key
