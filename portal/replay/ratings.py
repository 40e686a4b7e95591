"""The year's satisfaction ratings (issue 16). Report 62/BC-HCC: "trong năm 2019 đã có
26.294 lượt đánh giá mức độ hài lòng …, trong đó mức độ rất hài lòng và hài lòng 26.259
lượt" — given on tablets at the counters of the 16 departments (and on the website). The
report does not break them down, so the replay shares them out over the departments in
proportion to the dossiers each received directly at its counter (Appendix 1's "Trực tiếp"),
dissatisfied ones likewise; it does not say how many of the satisfied were *very* satisfied:
the replay takes ``VERY_SATISFIED_SHARE`` of them. Each rating is a kiosk rating of the
agency's replay counter officer, on a working day of the period, during office hours; the
rows go in with bulk inserts (about 26,000 rows in a second or two)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time

from sqlalchemy import delete, insert, select

from portal.calendar import VN_TZ
from portal.catalog.models import Agency, AgencyKind, Counter
from portal.extensions import db
from portal.feedback.models import Overall, Rating, RatingChannel
from portal.replay.cast import Cast
from portal.replay.placing import Days
from portal.replay.plan import apportion
from portal.stats import published
from portal.stats.figures import Cell

RATINGS = 26_294
SATISFIED_OR_BETTER = 26_259
VERY_SATISFIED_SHARE = 0.8
CHUNK = 5000


def shares(agencies: list[Agency]) -> dict[str, tuple[int, int, int]]:
    """Per department code: (very satisfied, satisfied, dissatisfied)."""
    weights = {agency.code: published.expected_cells(row.key)[Cell.DIRECT]
               for row, agency in published.agency_rows(agencies)
               if agency.kind is AgencyKind.DEPARTMENT}
    total = apportion(RATINGS, weights)
    unhappy = apportion(RATINGS - SATISFIED_OR_BETTER, weights, total)
    happy = {code: total[code] - unhappy[code] for code in weights}
    very = apportion(round(SATISFIED_OR_BETTER * VERY_SATISFIED_SHARE), weights, happy)
    return {code: (very[code], happy[code] - very[code], unhappy[code]) for code in weights}


def forget(staff_ids) -> None:
    """Delete an earlier replay's ratings (those of the replay's officers)."""
    db.session.execute(delete(Rating).where(Rating.officer_id.in_(staff_ids))
                       .execution_options(synchronize_session=False))


def rate_year(agencies: list[Agency], cast: Cast, days: Days) -> int:
    """Insert the year's ratings; their number."""
    counters = dict(db.session.execute(
        select(Counter.agency_id, Counter.id).order_by(Counter.number.desc())).all())
    by_code = {a.code: a for a in agencies}
    rows: list[dict] = []
    for code, (very, satisfied, unhappy) in shares(agencies).items():
        agency = by_code[code]
        rng = random.Random(f"ratings-{code}")
        officer = cast.staff[code].counter.id
        overalls = ([Overall.VERY_SATISFIED] * very + [Overall.SATISFIED] * satisfied
                    + [Overall.DISSATISFIED] * unhappy)
        for overall in overalls:
            day = days.days[days.sample(days.start, days.end - 1, rng)]
            minute = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
            at = datetime.combine(day, time(minute // 60, minute % 60), VN_TZ)
            rows.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                         "channel": RatingChannel.KIOSK, "agency_id": agency.id,
                         "counter_id": counters.get(agency.id), "officer_id": officer,
                         "overall": overall, "rated_at": at, "comment": ""})
    for first in range(0, len(rows), CHUNK):
        db.session.execute(insert(Rating), rows[first:first + CHUNK])
    return len(rows)
