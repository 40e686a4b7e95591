"""Rating a finished dossier online (issue 16): its applicant — or a member of the
organisation it was filed for, the dossier's own visibility rule — gives each criterion a
score, an overall judgement and an optional comment. One rating per dossier (a unique
column), changeable for ``CHANGEABLE_FOR`` after it was first given, then frozen.

Operations flush, never commit (the route's ``unit_of_work`` does)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.core.i18n import N_
from portal.core.refusal import Forbidden, Refusal
from portal.dossiers.models import Dossier
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.feedback.models import CRITERION_NAMES, Overall, Rating, RatingChannel

# The ends after which the applicant is asked to rate: the result handed over, the dossier
# refused, or withdrawn at their request (``workflow.transitions``: HAND_OVER, REFUSE /
# REFUSE_RECEPTION, CONFIRM_WITHDRAWAL).
RATEABLE_STATES = frozenset({DossierState.RETURNED, DossierState.REFUSED,
                             DossierState.WITHDRAWN})
CHANGEABLE_FOR = timedelta(days=7)
COMMENT_LIMIT = 2000


class RatingError(Refusal):
    """A rating the rules refuse."""


@dataclass
class Answers:
    overall: Overall
    scores: dict[str, int | None] = field(default_factory=dict)
    comment: str = ""


def is_rateable(dossier: Dossier) -> bool:
    return dossier.state in RATEABLE_STATES


def rating_of(dossier: Dossier) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.dossier_id == dossier.id))


def frozen_at(rating: Rating) -> datetime:
    return rating.rated_at + CHANGEABLE_FOR


def is_frozen(rating: Rating, now: datetime) -> bool:
    return now >= frozen_at(rating)


def _check(answers: Answers) -> None:
    for name in CRITERION_NAMES:
        score = answers.scores.get(name)
        if score is not None and score not in (0, 1, 2):
            raise RatingError(N_("Chọn một mức cho tiêu chí này."), name)
    if len(answers.comment) > COMMENT_LIMIT:
        raise RatingError(N_("Ý kiến dài quá %(n)s ký tự.") % {"n": COMMENT_LIMIT}, "comment")


def rate_dossier(dossier: Dossier, user, answers: Answers, now: datetime) -> Rating:
    """Record (or, within the window, change) the rating of ``dossier``. The caller has loaded
    the dossier through the applicant's visibility rule (``dossiers.queries``)."""
    if not is_rateable(dossier):
        raise Forbidden(N_("Hồ sơ chưa kết thúc: chưa thể đánh giá."))
    _check(answers)
    rating = rating_of(dossier)
    if rating is None:
        rating = Rating(uuid=str(uuid.uuid4()), channel=RatingChannel.ONLINE,
                        agency_id=dossier.agency_id, dossier_id=dossier.id,
                        officer_id=dossier.received_by_id, rater_id=user.id, rated_at=now)
        db.session.add(rating)
    elif is_frozen(rating, now):
        raise RatingError(N_("Đánh giá đã được khóa: chỉ có thể sửa trong 7 ngày kể từ khi "
                             "gửi."))
    else:
        rating.changed_at = now
        rating.rater_id = user.id
    rating.overall = answers.overall
    for name in CRITERION_NAMES:
        setattr(rating, name, answers.scores.get(name))
    rating.comment = answers.comment.strip()
    db.session.flush()
    return rating
