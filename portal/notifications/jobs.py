"""The periodic jobs (issue 13, DESIGN.md §6): plain functions of ``now`` that write outbox
rows and return how many they wrote, run by the Huey worker on the schedules of ``PERIODIC``
and by hand with ``flask messages run-job <name>`` (docs/jobs.md).

- ``overdue_scan``: the dossiers whose due instant passed since the last scan → the officer
  holding the open step and the agency's leaders are told that it is overdue and that the
  apology (form 04) is now owed (``workflow.appointments.apology_owed``, computed live: the
  scan announces it, it does not set it);
- ``send_reminders``: each officer's open steps due within one working day or overdue, and
  the consultations asked of their agency that are due — one e-mail per person per day;
- ``send_digests``: each agency leader's and the centre supervisor's morning figures of the
  monitoring dashboard (``portal.stats.monitoring``, the dashboard's own queries) with links;
- ``sweep_storage``: the orphan-file sweep of ``flask storage sweep``.

Idempotent: every message is written together with a record (``jobs_models``) under a unique
key — (dossier, due instant), (person, kind, day) — in one savepoint, so a second run, or a
second worker running the same job at the same time, sends nothing twice. The functions flush;
``run`` commits (the CLI and the worker call it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import policy
from portal.accounts.models import Role, RoleAssignment, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.core.models import utcnow
from portal.dossiers.models import Dossier
from portal.dossiers.states import PROCESSING
from portal.extensions import db
from portal.notifications.jobs_models import (
    JobRun,
    MailingKind,
    OverdueAlert,
)
from portal.notifications.staff_mail import (
    absolute_url,
    email,
    local,
    mail_once,
    mailed,
    opted_out,
    render,
)
from portal.stats import access
from portal.stats import monitoring as mon
from portal.workflow.appointments import apology_owed
from portal.workflow.models import Consultation, DossierStep
from portal.workflow.overdue import overdue_now
from portal.workflow.queries import due_soon_limit

# The first scan (no earlier run recorded) looks this far back; no scan looks further, so
# a worker stopped for weeks does not mail every dossier that went overdue meanwhile (the
# monitoring lists them all).
FIRST_SCAN_LOOKBACK = timedelta(days=1)
MAX_SCAN_LOOKBACK = timedelta(days=7)
DIGEST_ROWS = 5  # overdue dossiers listed in a digest


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("a job's now must carry its time zone")
    return now.astimezone(UTC)


# --- 1. the overdue scan ---------------------------------------------------------------------

def _scan_since(now: datetime) -> datetime:
    last = db.session.get(JobRun, "overdue-scan")
    since = last.last_run_at if last is not None and last.last_run_at < now \
        else now - FIRST_SCAN_LOOKBACK
    return max(since, now - MAX_SCAN_LOOKBACK)


def _leaders(agency_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active leaders of each agency."""
    rows = db.session.execute(
        select(RoleAssignment.agency_id, User).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == Role.LEADER,
               RoleAssignment.agency_id.in_(set(agency_ids) or {-1}), User.active.is_(True))
        .order_by(User.id))
    found: dict[int, list[User]] = {}
    for agency_id, user in rows:
        found.setdefault(agency_id, []).append(user)
    return found


def overdue_scan(now: datetime) -> int:
    """Tell whoever must act that a dossier just became overdue: its current appointment
    (the statutory due time, or an apology's new date) passed since the last scan, no pause
    holds its clock, and an apology is owed. Returns the e-mails written."""
    now = _aware(now)
    instant = func.coalesce(Dossier.new_appointment_at, Dossier.due_at)
    told = exists().where(OverdueAlert.dossier_id == Dossier.id, OverdueAlert.due_at == instant)
    dossiers = db.session.scalars(
        select(Dossier).where(overdue_now(now), instant >= _scan_since(now), instant < now,
                              ~told)
        .options(joinedload(Dossier.holder), selectinload(Dossier.pauses))
        .order_by(instant, Dossier.id)).unique().all()
    dossiers = [d for d in dossiers if apology_owed(d, now)]  # the live rule, once more
    leaders = _leaders(d.agency_id for d in dossiers)
    written = 0
    for dossier in dossiers:
        people = [dossier.holder] if dossier.holder is not None and dossier.holder.active \
            else []
        people += [u for u in leaders.get(dossier.agency_id, []) if u not in people]
        written += _announce_overdue(dossier, people, now)
    return written


def _announce_overdue(dossier: Dossier, people: list[User], now: datetime) -> int:
    due = dossier.appointment_at
    try:
        with db.session.begin_nested():
            db.session.add(OverdueAlert(dossier_id=dossier.id, due_at=due, alerted_at=now,
                                        messages=len(people)))
            db.session.flush()  # a concurrent scan's row stops this one here
            link = absolute_url("staff.workspace", dossier_id=dossier.id)
            for person in people:
                body = render("emails/jobs/overdue.txt", person=person, dossier=dossier,
                              due=local(due), holder=dossier.holder, link=link,
                              apologised=dossier.new_appointment_at is not None)
                email(person, f"[{dossier.code}] Hồ sơ quá hạn: cần xin lỗi và hẹn lại",
                      body, dossier.id)
    except IntegrityError:
        return 0  # announced by another run in the meantime
    return len(people)


def _working_today(now: datetime):
    """Today's local date and the calendar, or None on a day off (nobody is at work to read
    a reminder; the next working morning's lists hold the same items)."""
    calendar = current_calendar()
    today = now.astimezone(VN_TZ).date()
    return (today, calendar) if calendar.is_working_day(today) else None


# --- 2. reminders ----------------------------------------------------------------------------

@dataclass
class Reminder:
    overdue: list[tuple[DossierStep, Dossier]] = field(default_factory=list)
    due_soon: list[tuple[DossierStep, Dossier]] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)


def _open_steps(limit: datetime) -> list[tuple[DossierStep, Dossier]]:
    """Open steps held by someone, due by ``limit``, of dossiers being processed (a dossier
    waiting for the applicant or another agency leaves its holder nothing to do)."""
    return list(db.session.execute(
        select(DossierStep, Dossier).join(Dossier, Dossier.id == DossierStep.dossier_id)
        .where(DossierStep.finished_at.is_(None), DossierStep.holder_id.is_not(None),
               DossierStep.due_at <= limit, Dossier.state.in_(PROCESSING))
        .options(joinedload(DossierStep.holder))
        .order_by(DossierStep.due_at, DossierStep.id)).all())


def _due_consultations(limit: datetime) -> list[Consultation]:
    return list(db.session.scalars(
        select(Consultation).join(Dossier, Dossier.id == Consultation.dossier_id)
        .where(Consultation.answered_at.is_(None), Consultation.due_at <= limit,
               Dossier.finished_at.is_(None))
        .options(joinedload(Consultation.dossier))
        .order_by(Consultation.due_at, Consultation.id)))


def _consulted_staff(agency_ids: set[int]) -> dict[int, list[User]]:
    """Who answers for each agency asked (``policy.CONSULTED_ROLES``), active."""
    rows = db.session.execute(
        select(RoleAssignment.agency_id, User).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role.in_(list(policy.CONSULTED_ROLES)),
               RoleAssignment.agency_id.in_(agency_ids or {-1}), User.active.is_(True))
        .order_by(User.id))
    found: dict[int, list[User]] = {}
    for agency_id, user in rows:
        if user not in found.setdefault(agency_id, []):
            found[agency_id].append(user)
    return found


def _reminders(now: datetime, limit: datetime) -> dict[User, Reminder]:
    found: dict[User, Reminder] = {}
    for step, dossier in _open_steps(limit):
        if step.holder.active:
            reminder = found.setdefault(step.holder, Reminder())
            late = step.due_at < now
            (reminder.overdue if late else reminder.due_soon).append((step, dossier))
    consultations = _due_consultations(limit)
    staff = _consulted_staff({c.agency_id for c in consultations})
    for consultation in consultations:
        for person in staff.get(consultation.agency_id, []):
            found.setdefault(person, Reminder()).consultations.append(consultation)
    return found


def send_reminders(now: datetime) -> int:
    """Each officer's reminder of the day (working days only): returns the e-mails written."""
    now = _aware(now)
    working = _working_today(now)
    if working is None:
        return 0
    today, calendar = working
    limit = due_soon_limit(now, calendar)
    skip = opted_out(MailingKind.REMINDER) | mailed(MailingKind.REMINDER, today)
    written = 0
    for person, reminder in sorted(_reminders(now, limit).items(), key=lambda x: x[0].id):
        if person.id in skip:
            continue
        body = render("emails/jobs/reminder.txt", person=person, reminder=reminder,
                      local=local, limit=local(limit), now=now, link=absolute_url,
                      profile=absolute_url("auth.profile"))
        written += mail_once(person, MailingKind.REMINDER, today, now,
                             f"Nhắc việc ngày {today:%d/%m/%Y}", body)
    return written


# --- 3. digests --------------------------------------------------------------------------------

def _digest_readers() -> list[User]:
    """Agency leaders and the centre's supervisor: the dashboard's readers."""
    ids = select(RoleAssignment.user_id).where(
        RoleAssignment.role.in_([Role.LEADER, Role.SUPERVISOR]))
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.active.is_(True))
        .options(selectinload(User.roles)).order_by(User.id)))


def send_digests(now: datetime) -> int:
    """The morning digest (working days only) of the monitoring figures for the agencies
    each reader may see on the dashboard: returns the e-mails written."""
    now = _aware(now)
    working = _working_today(now)
    if working is None:
        return 0
    today, calendar = working
    skip = opted_out(MailingKind.DIGEST) | mailed(MailingKind.DIGEST, today)
    boards: dict[tuple[int, ...], mon.Board] = {}  # leaders of one agency share a board
    written = 0
    for person in _digest_readers():
        agencies = access.readable_agencies(person)
        if person.id in skip or not agencies:
            continue
        ids = tuple(a.id for a in agencies)
        if ids not in boards:
            boards[ids] = mon.board(mon.Scope(ids, now, calendar), agencies, DIGEST_ROWS)
        body = render("emails/jobs/digest.txt", person=person, board=boards[ids],
                      today=today, watches=list(mon.Watch), local=local,
                      overdue=boards[ids].lists[mon.Watch.OVERDUE],
                      link=absolute_url, profile=absolute_url("auth.profile"),
                      single=agencies[0] if len(agencies) == 1 else None)
        written += mail_once(person, MailingKind.DIGEST, today, now,
                             f"Báo cáo giám sát ngày {today:%d/%m/%Y}", body)
    return written


# --- 4. the orphan-file sweep ----------------------------------------------------------------

def sweep_storage(now: datetime) -> int:
    """``flask storage sweep`` on the worker: returns the orphaned objects deleted."""
    from portal.dossiers.cli import sweep_orphans

    grace = timedelta(hours=current_app.config["PORTAL"].storage_sweep_grace_hours)
    return sweep_orphans(current_app.extensions["storage"], grace, _aware(now)).deleted


# --- running them ------------------------------------------------------------------------------

def vn_crontab(minute: str = "*", hour: str = "*", day_of_week: str = "*"
               ) -> Callable[[datetime], bool]:
    """A Huey schedule read in Viet Nam's time. Huey (``utc=True``, its default) hands the
    schedule a naive UTC datetime; 07:00 here is 00:00 UTC."""
    matches = crontab(minute=minute, hour=hour, day_of_week=day_of_week)

    def validate(moment: datetime) -> bool:
        moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return matches(moment.astimezone(VN_TZ).replace(tzinfo=None))

    return validate


def gateway_status(now: datetime) -> int:
    """Issue 14: card payments pending past their 15 minutes, asked of the gateway
    (``querydr``) and settled (``payments.jobs``)."""
    from portal.payments.jobs import settle_pending_gateway_payments

    return settle_pending_gateway_payments(now)


JOBS: dict[str, Callable[[datetime], int]] = {
    "overdue-scan": overdue_scan,
    "reminders": send_reminders,
    "digests": send_digests,
    "storage-sweep": sweep_storage,
    "gateway-status": gateway_status,
}
NAMES = {function: name for name, function in JOBS.items()}

# What the worker registers (``huey.periodic_task(schedule)`` around ``run``). Reminders
# and digests are asked for every morning; on a day off they send nothing.
PERIODIC: list[tuple[Callable[[datetime], int], Callable[[datetime], bool]]] = [
    (overdue_scan, vn_crontab(minute="*/5")),
    (send_reminders, vn_crontab(minute="0", hour="7")),
    (send_digests, vn_crontab(minute="15", hour="7")),
    (sweep_storage, vn_crontab(minute="30", hour="2")),
    (gateway_status, vn_crontab(minute="*/5")),
]


def run(job: str | Callable[[datetime], int], now: datetime | None = None) -> int:
    """Run one job at ``now`` (default: the present), record the run and commit; on any
    error roll everything back (the next run does it again)."""
    name = job if isinstance(job, str) else NAMES[job]
    now = _aware(now or utcnow())
    try:
        count = JOBS[name](now)
        _record_run(name, now, count)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return count



def _record_run(name: str, now: datetime, count: int) -> None:
    try:
        with db.session.begin_nested():
            record = db.session.get(JobRun, name)
            if record is None:
                record = JobRun(name=name)
                db.session.add(record)
            record.last_run_at, record.last_count = now, count
    except IntegrityError:  # a concurrent run recorded itself first: its record stands
        pass


def last_runs() -> dict[str, JobRun]:
    return {r.name: r for r in db.session.scalars(select(JobRun))}
