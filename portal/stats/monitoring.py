"""The centre's daily monitoring (issue #5, report 62/BC-HCC "what staff do"): for the agencies
a reader may see, as of now —

- per agency, the dossiers overdue now (past the statutory due time with the clock running,
  or waiting for the applicant by a pause begun after it: the statistics' rule,
  ``portal.workflow.overdue``) and those due before the end of today, with how many overdue
  ones still lack an apology;
- the overdue dossiers without an apology (form 04, which sets ``new_appointment_at``);
- the supplement requests (form 02 during processing) issued late in a period, by the rule
  ``SUPPLEMENT_RULE`` below;
- the consultations (*lấy ý kiến*) past their answer date;
- the internal steps held per officer, oldest due first (the report's "finished on paper but
  not closed in the software");
- the inter-agency forwards (*liên thông*) sent with fewer than
  ``actions.INTER_AGENCY_MIN_DAYS`` working days left before the due time, in a period;
- the inter-agency legs held past their share of the time, per agency that held the dossier
  (issue 18), in a period.

Each list is one set-based statement over a small index (``ix_dossier_clock_running``,
``ix_dossier_step_open``, ``ix_dossier_pause_kind_started``, ``ix_dossier_event_inter_agency``,
``ix_consultation_unanswered``, ``ix_dossier_stopped``; each list's dossiers through
``ix_dossier_lookup``) that returns one page and the total; only the rows shown are
then loaded with their names, and working-day figures are computed for those rows alone (the
inter-agency rule, which must judge every forward of the period, reads working time in SQL:
``portal.stats.worktime``)."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, literal_column, not_, or_, select, true, union_all
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.calendar import VN_TZ, WorkCalendar
from portal.catalog.models import Agency, ProcedureVersion, TimeUnit
from portal.core.i18n import N_
from portal.core.pagination import Page, page_number
from portal.dossiers.models import Dossier, DossierEvent
from portal.dossiers.states import CLOCK_RUNNING_STATES, PAUSED_STATES, DossierState
from portal.extensions import db
from portal.stats.figures import Period
from portal.stats.worktime import local_day_number, working_clock
from portal.workflow.actions import INTER_AGENCY_MIN_DAYS
from portal.workflow.models import (
    Consultation,
    DossierStep,
    InterAgencyLeg,
    Notice,
    NoticeKind,
    Pause,
    PauseKind,
)
from portal.workflow.overdue import clock_held, paused_overdue_now
from portal.workflow.transitions import Action

# Days back, today included. Longer spans are the statistics pages' business: the late
# supplement rule reads every request of the period (one dossier lookup each), so 90 days of
# a million-dossier history would cost the dashboard its 100 ms (docs/benchmarks.md).
PERIOD_CHOICES = (7, 30)
DEFAULT_PERIOD_DAYS = 30

# The late supplement request. Decree 61/2018/NĐ-CP (now Decree 118/2025/NĐ-CP) and Circular
# 01/2018/TT-VPCP (now 03/2025) require form 02 to list everything missing at once, early in
# the processing; report 62/BC-HCC names "yêu cầu bổ sung hồ sơ quá thời hạn cho phép" as a
# violation. The portal's rule, said on the page and in docs/monitoring.md: a request issued
# after more than SUPPLEMENT_MAX_DAYS working days of the processing time had been used, or
# after more than half of it (whichever limit is shorter), counted from reception with paused
# time excluded. The time used is the procedure's processing time minus the working time left
# when the request paused the clock (``Pause.remaining_seconds``), exactly the engine's own
# figures. Same-day procedures are not judged (their time is the rest of one day).
SUPPLEMENT_MAX_DAYS = 3
SUPPLEMENT_MAX_SHARE = 2  # "more than half": used * 2 > processing time


class Watch(enum.StrEnum):
    """The lists of the dashboard."""

    OVERDUE = "overdue"  # overdue without an apology
    SUPPLEMENT = "supplement"  # supplement requests issued late
    CONSULTATION = "consultation"  # consultations past their answer date
    STEPS = "steps"  # steps held per officer
    INTER_AGENCY = "inter_agency"  # forwarded with too little time left
    STOPPED_LATE = "stopped_late"  # stopped after the due time had passed (issue 18)
    LATE_LEGS = "late_legs"  # inter-agency legs held past their share, per agency (issue 18)

    @property
    def label(self) -> str:
        return WATCH_LABELS[self]

    @property
    def uses_period(self) -> bool:
        return self in (Watch.SUPPLEMENT, Watch.INTER_AGENCY, Watch.STOPPED_LATE,
                        Watch.LATE_LEGS)


WATCH_LABELS = {
    Watch.OVERDUE: N_("Hồ sơ quá hạn chưa có thư xin lỗi"),
    Watch.SUPPLEMENT: N_("Yêu cầu bổ sung hồ sơ ban hành muộn"),
    Watch.CONSULTATION: N_("Xin ý kiến quá hạn trả lời"),
    Watch.STEPS: N_("Bước xử lý đang giữ theo cán bộ"),
    Watch.INTER_AGENCY: N_("Chuyển liên thông khi còn dưới 3 ngày làm việc"),
    Watch.STOPPED_LATE: N_("Hồ sơ dừng xử lý khi đã quá hạn"),
    Watch.LATE_LEGS: N_("Liên thông trễ hạn, theo cơ quan giữ hồ sơ"),
}


@dataclass(frozen=True)
class Scope:
    """What the dashboard looks at: these agencies, at ``now``, the period's lists over the
    last ``days`` local days (today included)."""

    agency_ids: tuple[int, ...]
    now: datetime
    calendar: WorkCalendar
    days: int = DEFAULT_PERIOD_DAYS

    @property
    def today(self) -> date:
        return self.now.astimezone(VN_TZ).date()

    @property
    def end_of_today(self) -> datetime:
        return datetime.combine(self.today + timedelta(days=1), time(), VN_TZ)

    @property
    def period(self) -> Period:
        return Period(self.today - timedelta(days=self.days - 1), self.today)

    @property
    def day_seconds(self) -> int:
        return int(self.calendar.day_length.total_seconds())

    def working_days(self, start: datetime, end: datetime) -> float:
        """Working days from ``start`` to ``end`` (0 when end is not after start)."""
        return self.calendar.elapsed(start, end) / self.calendar.day_length


def _ids(scope: Scope) -> list[int]:
    return list(scope.agency_ids) or [-1]


def _every_agency(scope: Scope) -> bool:
    """The scope is every agency there is (the supervisor's whole board): the lists then
    need no agency condition — the same rows, without testing each against a list of a
    thousand ids (issue 19)."""
    wanted = set(scope.agency_ids)
    return bool(wanted) and len(wanted) == db.session.scalar(
        select(func.count()).select_from(Agency))


def _in_scope(scope: Scope, column):
    """``column`` (an agency id) is one of the scope's agencies."""
    return true() if _every_agency(scope) else column.in_(_ids(scope))


Waiting = list[tuple[int, int, datetime, datetime | None]]


def waiting_overdue(scope: Scope) -> Waiting:
    """The scope's dossiers waiting for the applicant by a pause that holds nothing, past
    their due time (overdue: ``portal.workflow.overdue``) — id, agency, due time, apology's
    date: read once for the per-agency table and the overdue list (``board``). The waiting
    dossiers past due come from ix_dossier_agency_state_due, and only their own pauses are
    looked at (not every open pause hashed)."""
    d = Dossier
    # The index's own columns first (an index-only scan), the apology's date for the few
    # found.
    found = (select(d.id).where(
        d.agency_id.in_(_ids(scope)),
        d.state.in_([literal_column(f"'{s.value}'") for s in sorted(PAUSED_STATES)]),
        d.due_at < scope.now, not_(clock_held(scope.now, per_row=True)))
        .offset(0).subquery("found"))
    return [tuple(r) for r in db.session.execute(
        select(d.id, d.agency_id, d.due_at, d.new_appointment_at)
        .join(found, found.c.id == d.id))]


def _clock_running():
    # Written out as literals: the partial index ix_dossier_clock_running serves a query only
    # when its condition repeats the index's (a bound parameter would hide it from the
    # planner of a prepared statement).
    return Dossier.state.in_([literal_column(f"'{s.value}'") for s in CLOCK_RUNNING_STATES])


def _page(query, number: int, size: int) -> Page:
    """One page of ``query`` and the total in one statement (a window count): the rows are
    tuples of the query's columns."""
    number = page_number(number)
    counted = query.add_columns(func.count().over().label("_total"))
    rows = db.session.execute(counted.limit(size).offset((number - 1) * size)).all()
    if not rows and number > 1:  # past the end: the last page instead
        total = db.session.scalar(select(func.count()).select_from(
            query.order_by(None).subquery()))
        last = max(1, -(-(total or 0) // size))
        return _page(query, last, size) if last < number else Page([], number, size, 0)
    total = rows[0]._total if rows else 0
    return Page([tuple(r)[:-1] for r in rows], number, size, total)


# --- 1. overdue and due today, per agency -------------------------------------------------

@dataclass(frozen=True)
class AgencyLoad:
    agency: Agency
    overdue: int  # past the due time, no pause holding the clock (workflow.overdue)
    without_apology: int  # of which no apology (form 04) yet
    due_today: int  # not overdue yet, due before the end of today

    @property
    def quiet(self) -> bool:
        return not (self.overdue or self.due_today)


def agency_loads(scope: Scope, agencies: Sequence[Agency],
                 waiting: Waiting | None = None) -> list[AgencyLoad]:
    """Every agency of ``agencies`` (zeros included), worst first: one aggregate over the
    running dossiers due before tonight, read from ix_dossier_clock_running alone, and the
    few waiting for the applicant by a pause begun after their due time (overdue all the
    same: ``portal.workflow.overdue``; ``waiting_overdue``, unless given)."""
    d = Dossier
    ids = [a.id for a in agencies] or [-1]
    late = d.due_at < scope.now
    query = (select(d.agency_id, func.count().filter(late),
                    func.count().filter(and_(late, d.new_appointment_at.is_(None))),
                    func.count().filter(d.due_at >= scope.now))
             .where(d.agency_id.in_(ids), _clock_running(), d.due_at < scope.end_of_today)
             .group_by(d.agency_id))
    found: dict[int, tuple[int, int, int]] = {
        agency_id: (int(overdue), int(without), int(today))
        for agency_id, overdue, without, today in db.session.execute(query)}
    wanted = set(ids)
    for _id, agency_id, _due, apology in (
            waiting_overdue(scope) if waiting is None else waiting):
        if agency_id in wanted:
            overdue, without, today = found.get(agency_id, (0, 0, 0))
            found[agency_id] = (overdue + 1, without + (apology is None), today)
    loads = [AgencyLoad(a, *found.get(a.id, (0, 0, 0))) for a in agencies]
    order = {a.id: i for i, a in enumerate(agencies)}
    return sorted(loads, key=lambda x: (-x.overdue, -x.without_apology, -x.due_today,
                                        order[x.agency.id]))


def overdue_total(now: datetime) -> int:
    """The dossiers overdue at ``now`` in every agency: the sum of the dashboard's overdue
    column for a reader who sees them all (``agency_loads``), by the same two conditions —
    the running dossiers past their due time (ix_dossier_clock_running) and those waiting by
    a pause that holds nothing — in one statement (the metrics, docs/OPERATIONS.md)."""
    d = Dossier
    running = (select(func.count()).select_from(d)
               .where(_clock_running(), d.due_at < now).scalar_subquery())
    waiting = (select(func.count()).select_from(d)
               .where(paused_overdue_now(now)).scalar_subquery())
    return int(db.session.scalar(select(running + waiting)) or 0)


# --- 2. overdue without apology -----------------------------------------------------------

@dataclass(frozen=True)
class DossierLine:
    """What every list shows of a dossier (code links to the staff workspace)."""

    id: int
    code: str
    agency: str
    procedure: str
    due_at: datetime | None
    holder: str


def _dossier_lines(ids: Sequence[int]) -> dict[int, DossierLine]:
    if not ids:
        return {}
    d = Dossier
    rows = db.session.execute(
        select(d.id, d.code, Agency.name, ProcedureVersion.name, d.due_at, User.full_name)
        .join(Agency, Agency.id == d.agency_id)
        .join(ProcedureVersion, ProcedureVersion.id == d.procedure_version_id)
        .outerjoin(User, User.id == d.holder_id)
        .where(d.id.in_(list(ids))))
    return {r[0]: DossierLine(r[0], r[1] or "", r[2], r[3], r[4], r[5] or "") for r in rows}


@dataclass(frozen=True)
class OverdueLine:
    dossier: DossierLine
    days_overdue: float  # working days since the due time
    # Working hours since the due time, rounded up to a tenth: a dossier late by less than a
    # day reads "2,5 giờ làm việc", not "0,0 ngày" (0 when the office has been closed since).
    hours_overdue: float = 0.0


def overdue_without_apology(scope: Scope, number: int = 1, size: int = 10,
                            waiting: Waiting | None = None) -> Page:
    """Most overdue first: the running dossiers past their due time (ix_dossier_clock_running)
    and those waiting for the applicant by a pause that holds nothing."""
    d = Dossier
    running = select(d.id, d.due_at).where(d.agency_id.in_(_ids(scope)), _clock_running(),
                                           d.due_at < scope.now,
                                           d.new_appointment_at.is_(None))
    paused = select(d.id, d.due_at).where(d.id.in_(
        [i for i, _agency, _due, apology in (
            waiting_overdue(scope) if waiting is None else waiting) if apology is None]))
    both = union_all(running, paused).subquery("overdue")
    query = select(both.c.id, both.c.due_at).order_by(both.c.due_at, both.c.id)
    page = _page(query, number, size)
    lines = _dossier_lines([r[0] for r in page.items])
    return replace(page, items=[_overdue_line(scope, lines[i], due) for i, due in page.items])


def _overdue_line(scope: Scope, line: DossierLine, due: datetime) -> OverdueLine:
    late = scope.calendar.elapsed(due, scope.now)
    return OverdueLine(line, late / scope.calendar.day_length,
                       math.ceil(late.total_seconds() / 360) / 10)


# --- 3. supplement requests issued late ---------------------------------------------------

@dataclass(frozen=True)
class SupplementLine:
    dossier: DossierLine
    issued_at: datetime
    reference: str  # the notice's number, e.g. 12/HDHS
    issued_by: str
    used_days: float  # processing time used when it was issued
    limit_days: float  # the rule's limit for this dossier


def late_supplement_requests(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """Requests of the period, newest first. Each request paused the clock at the instant
    it was issued, so the pause carries the figure the rule needs."""
    p, d, v = Pause, Dossier, ProcedureVersion
    day = scope.day_seconds
    period = scope.period
    # The period's requests with their dossiers' procedures first (ix_dossier_lookup), fenced:
    # the procedures then joined by hashing, not looked up once per request (issue 19).
    issued = (select(p.dossier_id, p.started_at, p.remaining_seconds, d.procedure_version_id)
              .join(d, d.id == p.dossier_id)
              .where(p.kind == PauseKind.SUPPLEMENT, p.started_at >= period.start_at,
                     p.started_at < period.end_at, _in_scope(scope, d.agency_id))
              .offset(0).subquery("issued"))
    total = case((v.time_unit == TimeUnit.DAYS, v.time_amount * day),
                 (v.time_unit == TimeUnit.HOURS, v.time_amount * 3600), else_=None)
    used = total - issued.c.remaining_seconds
    query = (select(issued.c.dossier_id, issued.c.started_at, used, total)
             .select_from(issued)
             .join(v, v.id == issued.c.procedure_version_id)
             .where(or_(used * SUPPLEMENT_MAX_SHARE > total, used > SUPPLEMENT_MAX_DAYS * day))
             .order_by(issued.c.started_at.desc(), issued.c.dossier_id.desc()))
    page = _page(query, number, size)
    lines = _dossier_lines([r[0] for r in page.items])
    notices = _supplement_notices(page.items)
    items = []
    for dossier_id, issued_at, used_seconds, total_seconds in page.items:
        notice = notices.get((dossier_id, issued_at))
        limit = min(total_seconds / SUPPLEMENT_MAX_SHARE, SUPPLEMENT_MAX_DAYS * day)
        items.append(SupplementLine(
            lines[dossier_id], issued_at, notice.reference if notice else "",
            notice.issued_by.full_name if notice and notice.issued_by else "",
            used_seconds / day, limit / day))
    return replace(page, items=items)


def _supplement_notices(rows) -> dict[tuple[int, datetime], Notice]:
    if not rows:
        return {}
    found = db.session.scalars(
        select(Notice).where(Notice.kind == NoticeKind.SUPPLEMENT,
                             Notice.dossier_id.in_({r[0] for r in rows}))
        .options(joinedload(Notice.issued_by)))
    return {(n.dossier_id, n.issued_at): n for n in found}


# --- 4. consultations past their answer date ----------------------------------------------

@dataclass(frozen=True)
class ConsultationLine:
    dossier: DossierLine
    asked: str  # the agency that owes the answer
    asked_by: str  # who asked (the dossier's agency officer)
    requested_at: datetime
    due_at: datetime
    days_late: float


def overdue_consultations(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """Questions still unanswered after their date, owed by the scope's agencies (the late
    party), most late first; those on a dossier already finished are moot."""
    c, d = Consultation, Dossier
    query = (select(c.dossier_id, c.agency_id, c.requested_by_id, c.requested_at, c.due_at)
             .join(d, d.id == c.dossier_id)
             .where(_in_scope(scope, c.agency_id), c.answered_at.is_(None),
                    c.due_at < scope.now, d.finished_at.is_(None))
             .order_by(c.due_at, c.id))
    page = _page(query, number, size)
    lines = _dossier_lines([r[0] for r in page.items])
    names = _names(User, [r[2] for r in page.items], User.full_name)
    agencies = _names(Agency, [r[1] for r in page.items], Agency.name)
    return replace(page, items=[
        ConsultationLine(lines[dossier_id], agencies.get(agency_id, ""), names.get(user_id, ""),
                         requested_at, due_at, scope.working_days(due_at, scope.now))
        for dossier_id, agency_id, user_id, requested_at, due_at in page.items])


def _names(model, ids, column) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(wanted))).all())


# --- 5. steps held per officer ------------------------------------------------------------

@dataclass(frozen=True)
class OfficerLine:
    user_id: int
    name: str
    agency: str
    open_steps: int
    past_due: int  # open steps past their own due time
    oldest_started_at: datetime
    held_days: float  # working days the oldest open step has been held
    oldest: DossierLine | None  # the dossier of that step


def steps_by_officer(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """Officers holding open steps, the one whose oldest due step is the most overdue
    first: one aggregate over ix_dossier_step_open (open steps only, in holder order)."""
    s = DossierStep
    first_due = func.min(s.due_at)
    query = (select(s.holder_id, func.count(), func.count().filter(s.due_at < scope.now),
                    func.min(s.started_at), func.min(s.agency_id))
             .where(s.finished_at.is_(None), s.holder_id.is_not(None),
                    _in_scope(scope, s.agency_id))
             .group_by(s.holder_id)
             .order_by(first_due.asc().nulls_last(), func.min(s.started_at), s.holder_id))
    page = _page(query, number, size)
    rows = page.items
    names = _names(User, [r[0] for r in rows], User.full_name)
    agencies = _names(Agency, [r[4] for r in rows], Agency.name)
    oldest = _oldest_steps(scope, [(r[0], r[3]) for r in rows])
    lines = _dossier_lines(list(oldest.values()))
    return replace(page, items=[
        OfficerLine(holder, names.get(holder, ""), agencies.get(agency_id, ""), int(count),
                    int(late), since, scope.working_days(since, scope.now),
                    lines.get(oldest.get(holder)))
        for holder, count, late, since, agency_id in rows])


def _oldest_steps(scope: Scope, holders: list[tuple[int, datetime]]) -> dict[int, int]:
    """The dossier of each officer's oldest open step (holder → dossier id)."""
    if not holders:
        return {}
    s = DossierStep
    wanted = set(holders)
    # Holders and start times as two lists (one index range per holder in
    # ix_dossier_step_open); the pairs are matched here.
    rows = db.session.execute(
        select(s.holder_id, s.started_at, s.dossier_id)
        .where(s.finished_at.is_(None), _in_scope(scope, s.agency_id),
               s.holder_id.in_({h for h, _ in holders}),
               s.started_at.in_({since for _, since in holders}))
        .order_by(s.dossier_id))
    found: dict[int, int] = {}
    for holder, since, dossier_id in rows:
        if (holder, since) in wanted:
            found.setdefault(holder, dossier_id)
    return found


# --- 6. inter-agency forwards with too little time left -----------------------------------

@dataclass(frozen=True)
class InterAgencyLine:
    dossier: DossierLine
    forwarded_at: datetime
    forwarded_by: str
    days_left: float  # working days left before the due time when it was sent


def late_inter_agency(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """Forwards of the period (newest first) sent with fewer than INTER_AGENCY_MIN_DAYS
    working days left: the working time between the forward and the due time is read in SQL
    from a table of the period's days (``worktime``)."""
    e, d = DossierEvent, Dossier
    period, calendar = scope.period, scope.calendar
    clock = working_clock(calendar, period.start, _after_working_days(
        calendar, scope.today, INTER_AGENCY_MIN_DAYS + 1))
    # A due time on a date after the (MIN + 1)th working day following the forward's date
    # leaves more than the minimum (MIN + 1 whole working days lie between): such forwards
    # are set aside on dates alone before any working time is read (the fenced
    # subquery), so the day table is joined to those left only (issue 19).
    reach = max((_after_working_days(calendar, day, INTER_AGENCY_MIN_DAYS + 1) - day).days
                for day in (period.start + timedelta(days=n)
                            for n in range((period.end - period.start).days + 1)))
    sent = (select(e.id, e.dossier_id, e.at, e.actor_id, d.due_at)
            .join(d, d.id == e.dossier_id)
            .where(e.action == literal(Action.FORWARD_INTER_AGENCY.value, literal_execute=True),
                   e.at >= period.start_at, e.at < period.end_at,
                   _in_scope(scope, d.agency_id),
                   local_day_number(d.due_at) <= local_day_number(e.at) + reach)
            .offset(0).subquery("sent"))
    sent_day, due_day = clock.alias("sent_day"), clock.alias("due_day")
    left = clock.reading(due_day, sent.c.due_at) - clock.reading(sent_day, sent.c.at)
    minimum = INTER_AGENCY_MIN_DAYS * clock.day_seconds
    query = (select(sent.c.dossier_id, sent.c.at, sent.c.actor_id,
                    case((sent.c.due_at <= sent.c.at, 0), else_=left))
             .select_from(sent)
             .join(sent_day, clock.join_on(sent_day, sent.c.at))
             # a due time past the table's end leaves more than the minimum: no row
             .outerjoin(due_day, clock.join_on(due_day, sent.c.due_at))
             .where(or_(sent.c.due_at <= sent.c.at,
                        and_(due_day.c.day.is_not(None), left < minimum)))
             .order_by(sent.c.at.desc(), sent.c.id.desc()))
    page = _page(query, number, size)
    lines = _dossier_lines([r[0] for r in page.items])
    names = _names(User, [r[2] for r in page.items], User.full_name)
    return replace(page, items=[
        InterAgencyLine(lines[dossier_id], at, names.get(actor, ""),
                        max(left_s, 0) / clock.day_seconds)
        for dossier_id, at, actor, left_s in page.items])


# --- 6. dossiers stopped while overdue --------------------------------------------------------

@dataclass(frozen=True)
class StoppedLine:
    dossier: DossierLine
    stopped_at: datetime
    days_overdue: float  # working days past the due time when it was stopped
    hours_overdue: float  # the same in working hours, rounded up to a tenth


def stopped_late(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """Dossiers stopped in the period after their due time had passed, newest first: the
    stop ends the clock, so they leave the overdue lists, but they ended late (the statistics
    count them "stopped, late"; docs/statistics.md) and stay on record here for the period
    (issue 18). ``ix_dossier_agency_state_due`` finds the agency's stopped dossiers."""
    d, period = Dossier, scope.period
    query = (select(d.id, d.due_at, d.finished_at)
             .where(_in_scope(scope, d.agency_id),
                    d.state == literal(DossierState.STOPPED.value, literal_execute=True),
                    d.finished_at >= period.start_at, d.finished_at < period.end_at,
                    d.finished_at > d.due_at)
             .order_by(d.finished_at.desc(), d.id.desc()))
    page = _page(query, number, size)
    lines = _dossier_lines([r[0] for r in page.items])
    rows = []
    for dossier_id, due, stopped in page.items:
        late = scope.calendar.elapsed(due, stopped)
        rows.append(StoppedLine(lines[dossier_id], stopped, late / scope.calendar.day_length,
                                math.ceil(late.total_seconds() / 360) / 10))
    return replace(page, items=rows)


# --- 7. inter-agency legs held past their share, per holding agency ------------------------

@dataclass(frozen=True)
class LateLegLine:
    agency_id: int
    agency: str  # the agency that held the dossier past its share
    late: int  # legs due in the period, sent back (or on) after their due time or still held
    still_held: int  # of which the agency still holds the dossier


def late_legs(scope: Scope, number: int = 1, size: int = 10) -> Page:
    """The lateness of inter-agency dossiers attributed to the agency that held them (issue
    18): per agency of the scope, the legs due in the period (up to now) that came back after
    their due time, or are still held past it. Most first. ``ix_inter_agency_leg_sent`` and
    the legs' own due times; the dossier's own figures do not change (docs/statistics.md)."""
    leg = InterAgencyLeg
    held = leg.returned_at.is_(None)
    late = or_(leg.returned_at > leg.due_at, and_(held, leg.due_at < scope.now))
    count = func.count(leg.id)
    query = (select(leg.agency_id, Agency.name, count, func.count(leg.id).filter(held))
             .join(Agency, Agency.id == leg.agency_id)
             .where(_in_scope(scope, leg.agency_id), leg.due_at >= scope.period.start_at,
                    leg.due_at < scope.now, late)
             .group_by(leg.agency_id, Agency.name)
             .order_by(count.desc(), Agency.name))
    page = _page(query, number, size)
    return replace(page, items=[LateLegLine(*row) for row in page.items])


def _after_working_days(calendar: WorkCalendar, day: date, count: int) -> date:
    """The date by which ``count`` working days have passed after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


# --- the dashboard ------------------------------------------------------------------------

LISTS = {
    Watch.OVERDUE: overdue_without_apology,
    Watch.SUPPLEMENT: late_supplement_requests,
    Watch.CONSULTATION: overdue_consultations,
    Watch.STEPS: steps_by_officer,
    Watch.INTER_AGENCY: late_inter_agency,
    Watch.STOPPED_LATE: stopped_late,
    Watch.LATE_LEGS: late_legs,
}


def watch_page(watch: Watch, scope: Scope, number: int = 1, size: int = 10) -> Page:
    return LISTS[watch](scope, number, size)


@dataclass(frozen=True)
class Board:
    scope: Scope
    loads: list[AgencyLoad]
    lists: dict[Watch, Page]

    @property
    def overdue(self) -> int:
        return sum(x.overdue for x in self.loads)

    @property
    def due_today(self) -> int:
        return sum(x.due_today for x in self.loads)


def board(scope: Scope, agencies: Sequence[Agency], size: int = 10) -> Board:
    """Everything the dashboard shows: the per-agency table and the first rows of each list."""
    waiting = waiting_overdue(scope)
    return Board(scope, agency_loads(scope, agencies, waiting),
                 {watch: (overdue_without_apology(scope, 1, size, waiting)
                          if watch is Watch.OVERDUE else watch_page(watch, scope, 1, size))
                  for watch in Watch})


__all__ = ["DEFAULT_PERIOD_DAYS", "INTER_AGENCY_MIN_DAYS", "PERIOD_CHOICES",
           "SUPPLEMENT_MAX_DAYS", "AgencyLoad", "Board", "Scope", "Watch", "agency_loads",
           "board", "late_inter_agency", "late_legs", "late_supplement_requests",
           "overdue_consultations", "overdue_total", "overdue_without_apology", "steps_by_officer",
           "stopped_late", "watch_page"]
