"""Reading dossiers as staff (issue #4): who sees what, and the officers' queues.

Visibility: an officer (counter officer, specialist, leader) sees the dossiers of the agencies
they work for, and those on which one of their agencies was consulted; the centre's
supervisor sees every dossier, read-only (acting is decided by ``transitions``). Drafts are
the applicant's own and never shown to staff.

Queues are one indexed query each: ``ix_dossier_agency_state_due`` (agency, state, due time)
serves every state filter and its count, ``ix_dossier_holder_state`` the "mine" queue and
``ix_consultation_agency_open`` the consultations asked of an agency. What a row shows (the
procedure, the agency, the holder) is loaded with it, never one query per row."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import policy
from portal.accounts.models import Role, RoleAssignment, User
from portal.calendar import WorkCalendar
from portal.catalog.models import Agency, StepRole
from portal.core.i18n import N_
from portal.core.pagination import Page, paginate
from portal.core.phones import canonical_phone
from portal.core.text import search_terms
from portal.dossiers.models import Channel, Dossier, DossierState
from portal.dossiers.states import (
    BEFORE_RECEPTION,
    CLOCK_RUNNING_STATES,
    PROCESSING,
    UNRESOLVED_RECEIVED,
    WAITING_FOR_AGENCY,
    WAITING_FOR_APPLICANT,
    WITHDRAWABLE,
)
from portal.extensions import db
from portal.workflow.models import (
    Consultation,
    DossierStep,
    InterAgencyLeg,
    Notice,
    NoticeKind,
)
from portal.workflow.overdue import overdue_now

S = DossierState


class Queue(enum.StrEnum):
    RECEPTION = "reception"  # online dossiers waiting for the counter
    NEW = "new"  # being processed, nobody holds its step: to take (issue 12)
    MINE = "mine"  # I hold the open step
    DUE_SOON = "due_soon"  # due within one working day
    OVERDUE = "overdue"
    WAITING_APPLICANT = "waiting_applicant"
    WAITING_AGENCY = "waiting_agency"
    RESULT_READY = "result_ready"  # to hand over at the counter
    CONSULTATIONS = "consultations"  # questions other agencies asked of mine
    WITHDRAWAL = "withdrawal"  # the applicant asked to withdraw: to confirm (issue 18)
    INTER_AGENCY_IN = "inter_agency_in"  # other agencies' dossiers my agency holds (liên thông)

    @property
    def label(self) -> str:
        return QUEUE_LABELS[self]


QUEUE_LABELS = {
    Queue.RECEPTION: N_("Chờ tiếp nhận"),
    Queue.NEW: N_("Chờ nhận xử lý"),
    Queue.MINE: N_("Tôi đang xử lý"),
    Queue.DUE_SOON: N_("Đến hạn trong 1 ngày làm việc"),
    Queue.OVERDUE: N_("Quá hạn"),
    Queue.WAITING_APPLICANT: N_("Chờ công dân, tổ chức"),
    Queue.WAITING_AGENCY: N_("Chờ cơ quan khác"),
    Queue.RESULT_READY: N_("Có kết quả, chờ trả"),
    Queue.CONSULTATIONS: N_("Cơ quan khác xin ý kiến"),
    Queue.WITHDRAWAL: N_("Đề nghị rút hồ sơ"),
    Queue.INTER_AGENCY_IN: N_("Liên thông đến"),
}

# Which queues each role works from (the dashboard shows these, in this order).
ROLE_QUEUES: dict[Role, tuple[Queue, ...]] = {
    Role.COUNTER_OFFICER: (Queue.RECEPTION, Queue.RESULT_READY, Queue.WAITING_APPLICANT,
                           Queue.WAITING_AGENCY, Queue.OVERDUE, Queue.WITHDRAWAL),
    Role.SPECIALIST: (Queue.NEW, Queue.MINE, Queue.DUE_SOON, Queue.OVERDUE,
                      Queue.WAITING_APPLICANT, Queue.WAITING_AGENCY, Queue.CONSULTATIONS,
                      Queue.INTER_AGENCY_IN),
    Role.LEADER: (Queue.NEW, Queue.MINE, Queue.DUE_SOON, Queue.OVERDUE,
                  Queue.WAITING_APPLICANT, Queue.WAITING_AGENCY, Queue.RESULT_READY,
                  Queue.CONSULTATIONS, Queue.WITHDRAWAL, Queue.INTER_AGENCY_IN),
    Role.SUPERVISOR: tuple(q for q in Queue if q is not Queue.MINE),  # holds nothing
}


# --- who sees what ------------------------------------------------------------------------

def queues_for(roles: Iterable[Role]) -> list[Queue]:
    wanted = {q for role in roles for q in ROLE_QUEUES.get(role, ())}
    return [q for q in Queue if q in wanted]


def staff_visible(user: Any) -> ColumnElement[bool]:
    """A WHERE clause: the dossiers ``user`` may open as staff."""
    if policy.is_supervisor(user):
        return Dossier.state != S.DRAFT
    agencies = policy.served_agency_ids(user)
    if not agencies:
        return false()
    consulted = exists().where(Consultation.dossier_id == Dossier.id,
                               Consultation.agency_id.in_(agencies))
    clauses = [Dossier.agency_id.in_(agencies), consulted]
    receiving = policy.receiving_agency_ids(user)
    if receiving:  # an inter-agency dossier, while one of their agencies holds it
        clauses.append(exists().where(InterAgencyLeg.dossier_id == Dossier.id,
                                      InterAgencyLeg.agency_id.in_(receiving),
                                      InterAgencyLeg.returned_at.is_(None)))
    return and_(Dossier.state != S.DRAFT, or_(*clauses))


def get_dossier_for_staff(user: Any, dossier_id: int, *, own_agency: bool = False,
                          applicant: bool = False) -> Dossier | None:
    """The dossier with everything the staff pages show, if ``user`` may see it, else None.
    ``own_agency``: only a dossier of an agency ``user`` serves — the counter's pages act for
    the agency that received the dossier, never for one that was only consulted.
    ``applicant``: with the applicant's account, for a route about to act — the action's
    message goes to its channels, in its language (portal/notifications/events.py), and a
    join here costs less than the SELECT the message would make inside the action."""
    query = select(Dossier).where(Dossier.id == dossier_id, staff_visible(user))
    if own_agency:
        query = query.where(Dossier.agency_id.in_(policy.served_agency_ids(user)))
    options = [
        selectinload(Dossier.files),
        selectinload(Dossier.events),
        selectinload(Dossier.steps).joinedload(DossierStep.holder),
        selectinload(Dossier.consultations).joinedload(Consultation.agency),
        selectinload(Dossier.notices),
        selectinload(Dossier.pauses),
        selectinload(Dossier.legs),
        joinedload(Dossier.holder),
    ]
    if applicant:
        options.append(joinedload(Dossier.applicant))
    return db.session.scalar(query.options(*options))


def agencies_for(user: Any) -> list[Agency]:
    """The agencies whose queues ``user`` may open (every agency for the supervisor)."""
    query = select(Agency).order_by(Agency.position, Agency.name)
    if not policy.is_supervisor(user):
        query = query.where(Agency.id.in_(policy.served_agency_ids(user) or {-1}))
    return list(db.session.scalars(query))


def agency_staff(agency_id: int, roles: Iterable[Role] = (Role.SPECIALIST, Role.LEADER)
                 ) -> list[User]:
    """Who can hold a processing step in ``agency_id`` (for the assign select)."""
    ids = select(RoleAssignment.user_id).where(RoleAssignment.agency_id == agency_id,
                                               RoleAssignment.role.in_(list(roles)))
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))
                                   .order_by(User.full_name)))


def users_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    """One query for the people a page names (event actors, step holders)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def open_consultations_for(user: Any, dossier: Dossier) -> list[Consultation]:
    """The questions on ``dossier`` still waiting for an answer from one of user's agencies."""
    mine = policy.consulting_agency_ids(user)
    return [c for c in dossier.consultations if c.answered_at is None and c.agency_id in mine]


# --- queues -------------------------------------------------------------------------------

def due_soon_limit(now: datetime, calendar: WorkCalendar) -> datetime:
    """The end of the next working day's worth of working time from ``now``."""
    return calendar.add_working_time(calendar.next_working_instant(now), calendar.day_length)


def _to_take(agency_id: int, user: Any) -> ColumnElement[bool]:
    """The "to take" queue: received or in progress, and nobody holds the open step — just
    received, or a step passed on without naming its next holder (issue 12). A specialist
    sees the steps they may take (``transitions.step_refusal``: not the leader's); a leader,
    and the read-only supervisor, every one."""
    free = and_(Dossier.state.in_(PROCESSING), Dossier.holder_id.is_(None))
    if Role.LEADER in policy.roles_in(user, agency_id) or policy.is_supervisor(user):
        return free
    return and_(free, or_(Dossier.current_role.is_(None),
                          Dossier.current_role != StepRole.LEADER.value))


def _condition(queue: Queue, agency_id: int, user: Any, now: datetime,
               calendar: WorkCalendar) -> ColumnElement[bool]:
    if queue is Queue.RECEPTION:
        return Dossier.state.in_(BEFORE_RECEPTION)
    if queue is Queue.NEW:
        return _to_take(agency_id, user)
    if queue is Queue.MINE:
        return and_(Dossier.holder_id == getattr(user, "id", None),
                    Dossier.state.in_(UNRESOLVED_RECEIVED))
    if queue is Queue.DUE_SOON:
        return and_(Dossier.state.in_(CLOCK_RUNNING_STATES), Dossier.due_at >= now,
                    Dossier.due_at <= due_soon_limit(now, calendar))
    if queue is Queue.OVERDUE:
        return overdue_now(now)  # the rule the statistics apply (portal.workflow.overdue)
    if queue is Queue.WAITING_APPLICANT:
        return Dossier.state.in_(WAITING_FOR_APPLICANT)
    if queue is Queue.WAITING_AGENCY:
        return Dossier.state.in_(WAITING_FOR_AGENCY)
    if queue is Queue.RESULT_READY:
        return Dossier.state == S.RESULT_READY
    if queue is Queue.WITHDRAWAL:
        # Asked for and not confirmed yet (``Action.CONFIRM_WITHDRAWAL``: the counter
        # officer or the leader confirms it).
        return and_(Dossier.withdrawal_requested_at.is_not(None),
                    Dossier.state.in_(WITHDRAWABLE))
    raise ValueError(queue)


def _base(agency_id: int, queue: Queue, user: Any, now: datetime, calendar: WorkCalendar):
    if queue is Queue.CONSULTATIONS:
        asked = select(Consultation.dossier_id).where(Consultation.agency_id == agency_id,
                                                      Consultation.answered_at.is_(None))
        return select(Dossier).where(Dossier.id.in_(asked))
    if queue is Queue.INTER_AGENCY_IN:
        held = select(InterAgencyLeg.dossier_id).where(InterAgencyLeg.agency_id == agency_id,
                                                       InterAgencyLeg.returned_at.is_(None))
        return select(Dossier).where(Dossier.id.in_(held))
    return select(Dossier).where(Dossier.agency_id == agency_id,
                                 _condition(queue, agency_id, user, now, calendar))


def _search(query, q: str | None):
    """Code (any part, case-insensitive), CCCD/tax number, or applicant name typed with or
    without accents (the account's folded name, or the dossier's: walk-ins too)."""
    text = (q or "").strip()[:100]
    if not text:
        return query
    clauses = [Dossier.code == text.upper(), Dossier.applicant_id_number == text]
    if len(text) >= 3:
        clauses.append(func.upper(Dossier.code).contains(text.upper(), autoescape=True))
    terms = search_terms(text)
    if terms:
        folded = select(User.id).where(*(User.name_folded.contains(t, autoescape=True)
                                         for t in terms))
        clauses.append(Dossier.applicant_id.in_(folded))
        clauses.append(and_(*(Dossier.applicant_name_folded.contains(t, autoescape=True)
                              for t in terms)))
    return query.where(or_(*clauses))


def _ordered(query, queue: Queue):
    if queue is Queue.RECEPTION:
        online_first = case((Dossier.channel == Channel.ONLINE, 0), else_=1)
        return query.order_by(online_first, Dossier.submitted_at, Dossier.id)
    # Soonest due first; dossiers without a due time (before reception) last. This order is
    # the index ix_dossier_agency_state_due (agency_id, state, due_at, id).
    return query.order_by(Dossier.due_at.asc().nulls_last(), Dossier.id)


def queue_page(agency_id: int, queue: Queue, user: Any, now: datetime, calendar: WorkCalendar,
               q: str | None = None, page: int = 1, size: int = 20) -> Page:
    """One page of an agency's queue. The page's ids come first from the index alone; only
    those rows are then loaded with what the list shows (at a million dossiers, sorting
    whole joined rows to keep twenty cost ten times more)."""
    query = _search(_base(agency_id, queue, user, now, calendar), q)
    ids = paginate(_ordered(query.with_only_columns(Dossier.id), queue), page, size)
    rows = {d.id: d for d in db.session.scalars(
        select(Dossier).where(Dossier.id.in_(ids.items)).options(joinedload(Dossier.holder)))}
    return replace(ids, items=[rows[i] for i in ids.items if i in rows])


def queue_counts(agency_id: int, queues: Iterable[Queue], user: Any, now: datetime,
                 calendar: WorkCalendar) -> dict[Queue, int]:
    """How many dossiers each queue holds (index-only counts, one per queue)."""
    counts = {}
    for queue in queues:
        query = _base(agency_id, queue, user, now, calendar).with_only_columns(
            func.count()).order_by(None)
        counts[queue] = db.session.scalar(query) or 0
    return counts


def queues_holding(dossier: Dossier, user: Any, queues: Iterable[Queue], now: datetime,
                   calendar: WorkCalendar) -> set[Queue]:
    """Which of ``queues`` (of the dossier's agency, as ``user`` sees them) list ``dossier``:
    the very conditions ``queue_page`` filters by, in one query."""
    wanted = list(queues)
    if not wanted:
        return set()
    columns = [case((exists(_base(dossier.agency_id, q, user, now, calendar)
                            .with_only_columns(Dossier.id).where(Dossier.id == dossier.id)),
                     1), else_=0).label(q.value) for q in wanted]
    row = db.session.execute(select(*columns)).one()
    return {q for q, hit in zip(wanted, row, strict=True) if hit}


# --- the agency-wide search (the desk's one box) -----------------------------------------

def search_scope(user: Any) -> ColumnElement[bool]:
    """The dossiers ``user`` finds by searching: every agency's for the supervisor, else only
    those of the agencies they serve — never another agency's, not even one that consulted
    theirs (that one is reached from the consultations queue). Drafts never."""
    if policy.is_supervisor(user):
        return Dossier.state != S.DRAFT
    agencies = policy.served_agency_ids(user)
    if not agencies:
        return false()
    return and_(Dossier.state != S.DRAFT, Dossier.agency_id.in_(agencies))


def _looks_like_number(text: str) -> bool:
    digits = "".join(ch for ch in text if ch not in " .-()/+")
    return bool(digits) and digits.isascii() and digits.isdigit()


def search_dossiers(user: Any, q: str | None, page: int = 1, size: int = 20) -> Page:
    """One page of the dossiers ``user`` may find (``search_scope``), finished ones and
    walk-ins included, matching ``q``, newest first; an empty query finds nothing.

    Exact matches first, each from an index: the whole code, or for a number the CCCD/tax
    number or the phone as people type it (core.phones.canonical_phone). Only when none
    matches is every row of the scope read: any part of the code (3+ characters), or the
    applicant's name with or without accents (``applicant_name_folded``, every folded word)."""
    text = (q or "").strip()[:100]
    if not text:
        return Page(items=[], number=1, size=size, total=0)
    exact = [Dossier.code == text.upper()]
    if _looks_like_number(text):
        exact += [Dossier.applicant_id_number == "".join(ch for ch in text if ch not in " ."),
                  Dossier.applicant_phone == canonical_phone(text)]
    query = select(Dossier.id).where(search_scope(user))
    if db.session.scalar(query.where(or_(*exact)).limit(1)) is not None:
        query = query.where(or_(*exact))
    else:
        partial = []
        if len(text) >= 3:
            partial.append(func.upper(Dossier.code).contains(text.upper(), autoescape=True))
        terms = [] if _looks_like_number(text) else search_terms(text)
        if terms:
            partial.append(and_(*(Dossier.applicant_name_folded.contains(t, autoescape=True)
                                  for t in terms)))
        query = query.where(or_(*partial) if partial else false())
    ids = paginate(query.order_by(Dossier.submitted_at.desc().nulls_last(), Dossier.id.desc()),
                   page, size)
    rows = {d.id: d for d in db.session.scalars(
        select(Dossier).where(Dossier.id.in_(ids.items)).options(joinedload(Dossier.holder)))}
    return replace(ids, items=[rows[i] for i in ids.items if i in rows])


def leg_due(agency_id: int, dossier_ids: Iterable[int]) -> dict[int, datetime]:
    """When ``agency_id`` must send back each of these inter-agency dossiers it holds."""
    ids = list(dossier_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(InterAgencyLeg.dossier_id, InterAgencyLeg.due_at).where(
        InterAgencyLeg.agency_id == agency_id, InterAgencyLeg.returned_at.is_(None),
        InterAgencyLeg.dossier_id.in_(ids)))
    return {dossier_id: due for dossier_id, due in rows}


def consultation_due(agency_id: int, dossier_ids: Iterable[int]) -> dict[int, datetime]:
    """The answer due time of the open consultations of ``agency_id`` on these dossiers."""
    ids = list(dossier_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Consultation.dossier_id, func.min(Consultation.due_at))
                              .where(Consultation.agency_id == agency_id,
                                     Consultation.answered_at.is_(None),
                                     Consultation.dossier_id.in_(ids))
                              .group_by(Consultation.dossier_id))
    return {dossier_id: due for dossier_id, due in rows}


def apologies_page(number: int, size: int) -> Page:
    """The public list of apologies (form 04), newest first: each notice with its dossier
    (code, procedure) and agency loaded in the same query. The page shows nothing personal
    (issue #4: "apologies are listed on a public page")."""
    query = (select(Notice).where(Notice.kind == NoticeKind.APOLOGY)
             .options(joinedload(Notice.dossier), joinedload(Notice.agency))
             .order_by(Notice.issued_at.desc(), Notice.id.desc()))
    return paginate(query, number, size)


__all__ = ["Queue", "agencies_for", "agency_staff", "apologies_page", "consultation_due",
           "get_dossier_for_staff", "open_consultations_for", "queue_counts", "queue_page",
           "queues_for", "queues_holding", "search_dossiers", "search_scope", "staff_visible",
           "users_by_id"]
