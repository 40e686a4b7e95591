"""Reading feedback: who sees which item (the visibility rule in the SQL ``WHERE``, so a
foreign id is a 404 in one query), the staff's lists, the citizen's lookup, the public page's
search and the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, false, func, select, true

from portal.accounts import policy
from portal.core.pagination import Page, paginate
from portal.core.text import search_terms
from portal.extensions import db
from portal.feedback.complaints.models import (
    Complaint,
    ComplaintState,
    ComplaintTopic,
    Timeliness,
)

# ---- who may do what (the pages ask these for the 403 and to hide the buttons) ----


def may_handle(user: Any) -> bool:
    """The centre's supervisor and any agency officer work with feedback."""
    return policy.is_supervisor(user) or bool(policy.served_agency_ids(user))


def may_record(user: Any) -> bool:
    """Items received in person or on the hotline are typed in by the supervisor's office
    and the counter officers."""
    return policy.is_supervisor(user) or bool(policy.counter_agency_ids(user))


def may_route(user: Any, item: Complaint | None = None) -> bool:
    return policy.is_supervisor(user) and (item is None
                                           or item.state is not ComplaintState.ANSWERED)


def may_answer(user: Any, item: Complaint) -> bool:
    """The officers of the agency it was routed to, while it waits for them."""
    return (item.state is ComplaintState.ROUTED
            and item.agency_id in policy.served_agency_ids(user))


def may_publish(user: Any, item: Complaint) -> bool:
    return policy.is_supervisor(user) and item.state is ComplaintState.ANSWERED


def may_read_figures(user: Any) -> bool:
    return policy.may_read_statistics(user)


def figure_agency_ids(user: Any) -> set[int] | None:
    """None: every agency (the supervisor); else the agencies a leader leads."""
    return None if policy.is_supervisor(user) else policy.led_agency_ids(user)


def _visible(user: Any):
    if policy.is_supervisor(user):
        return true()
    ids = policy.served_agency_ids(user)
    return Complaint.agency_id.in_(ids) if ids else false()


def get_for_staff(feedback_id: int, user: Any) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.id == feedback_id,
                                                    _visible(user)))


def get_own(feedback_id: int, user: Any) -> Complaint | None:
    """A signed-in citizen's own item (the one they sent while signed in)."""
    return db.session.scalar(select(Complaint).where(Complaint.id == feedback_id,
                                                    Complaint.submitted_by_id == user.id))


def own_items(user: Any) -> list[Complaint]:
    return list(db.session.scalars(select(Complaint).where(Complaint.submitted_by_id == user.id)
                                   .order_by(Complaint.received_at.desc())))


@dataclass(frozen=True)
class StaffFilter:
    state: ComplaintState | None = None
    topic: ComplaintTopic | None = None
    agency_id: int | None = None
    timeliness: Timeliness | None = None
    start: datetime | None = None  # received in [start, end)
    end: datetime | None = None
    unrouted: bool = False


def _timeliness_condition(value: Timeliness, now: datetime):
    answered = Complaint.answered_at.is_not(None)
    return {
        Timeliness.ON_TIME: answered & (Complaint.answered_at <= Complaint.due_at),
        Timeliness.LATE: answered & (Complaint.answered_at > Complaint.due_at),
        Timeliness.OPEN: Complaint.answered_at.is_(None) & (Complaint.due_at >= now),
        Timeliness.OVERDUE: Complaint.answered_at.is_(None) & (Complaint.due_at < now),
    }[value]


def staff_query(user: Any, wanted: StaffFilter, now: datetime) -> Select:
    query = select(Complaint).where(_visible(user))
    if wanted.state is not None:
        query = query.where(Complaint.state == wanted.state)
    if wanted.topic is not None:
        query = query.where(Complaint.topic == wanted.topic)
    if wanted.agency_id is not None:
        query = query.where(Complaint.agency_id == wanted.agency_id)
    if wanted.unrouted:
        query = query.where(Complaint.agency_id.is_(None))
    if wanted.timeliness is not None:
        query = query.where(_timeliness_condition(wanted.timeliness, now))
    if wanted.start is not None:
        query = query.where(Complaint.received_at >= wanted.start)
    if wanted.end is not None:
        query = query.where(Complaint.received_at < wanted.end)
    return query.order_by(Complaint.due_at, Complaint.id)


def staff_page(user: Any, wanted: StaffFilter, now: datetime, number: int, size: int) -> Page:
    return paginate(staff_query(user, wanted, now), number, size)


def overdue_count(agency_ids: list[int] | None, now: datetime) -> int:
    """Unanswered items past their due time, for the monitoring dashboard: of these
    agencies (None: every item, the unrouted ones included)."""
    query = select(func.count(Complaint.id)).where(
        _timeliness_condition(Timeliness.OVERDUE, now))
    if agency_ids is not None:
        query = query.where(Complaint.agency_id.in_(agency_ids))
    return db.session.scalar(query) or 0


def by_reference(reference: str) -> Complaint | None:
    reference = (reference or "").strip().upper()[:20]
    if not reference:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.reference == reference))


def contact_matches(item: Complaint, contact: str) -> bool:
    """The phone (any spelling, see core.phones) or the e-mail given with the item."""
    from portal.core.phones import canonical_phone

    contact = (contact or "").strip()
    if not contact:
        return False
    if "@" in contact:
        return bool(item.contact_email) and item.contact_email.casefold() == contact.casefold()
    return bool(item.contact_phone) and item.contact_phone == canonical_phone(contact)


def public_page(q: str, number: int, size: int) -> Page:
    """Published items, newest first; every word of ``q`` found, accents or not."""
    query = select(Complaint).where(Complaint.published_at.is_not(None))
    for term in search_terms(q):
        query = query.where(Complaint.search_text.like(f"%{term}%"))
    return paginate(query.order_by(Complaint.published_at.desc(), Complaint.id.desc()),
                    number, size)


# ---- figures ----


@dataclass
class FigureRow:
    """Counts of one agency (or topic): by state and by timeliness."""

    key: Any
    label: str
    total: int = 0
    states: Counter = field(default_factory=Counter)
    timeliness: Counter = field(default_factory=Counter)

    def add(self, state: ComplaintState, timely: Timeliness, n: int) -> None:
        self.total += n
        self.states[state] += n
        self.timeliness[timely] += n


@dataclass
class Figures:
    by_agency: list[FigureRow]
    by_topic: list[FigureRow]
    total: FigureRow


def figures(start: datetime, end: datetime, agencies: list, agency_ids: set[int] | None,
            now: datetime) -> Figures:
    """Items received in [start, end) by agency (``None`` for those not routed yet, shown to
    the supervisor only) and by topic, each by state and timeliness. One aggregate query."""
    timely = case(*[(_timeliness_condition(t, now), t.value) for t in Timeliness])
    query = (select(Complaint.agency_id, Complaint.topic, Complaint.state, timely.label("timely"),
                    func.count(Complaint.id))
             .where(Complaint.received_at >= start, Complaint.received_at < end)
             .group_by(Complaint.agency_id, Complaint.topic, Complaint.state, timely))
    if agency_ids is not None:
        query = query.where(Complaint.agency_id.in_(agency_ids))
    rows = {a.id: FigureRow(a.id, a.name) for a in agencies}
    unrouted = FigureRow(None, "")
    topics = {t: FigureRow(t, t.label) for t in ComplaintTopic}
    total = FigureRow(None, "")
    for agency_id, topic, state, timely_value, n in db.session.execute(query):
        timeliness = Timeliness(timely_value)
        target = rows.get(agency_id) if agency_id is not None else unrouted
        if target is None:
            continue  # an agency no longer listed
        for row in (target, topics[ComplaintTopic(topic)], total):
            row.add(ComplaintState(state), timeliness, n)
    by_agency = list(rows.values()) + ([unrouted] if agency_ids is None else [])
    return Figures(by_agency, list(topics.values()), total)
