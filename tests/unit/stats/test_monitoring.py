"""The monitoring dashboard's lists (portal/stats/monitoring.py) on SQLite and PostgreSQL:
dossiers moved through the real workflow actions at chosen times land in the lists they
belong to, and the near misses (a paused dossier, an apology given, an answered question, a
forward with exactly three days left…) stay out. The SQL working-time reading
(portal/stats/worktime.py) equals the calendar engine's own ``elapsed``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import factories
import pytest
from sqlalchemy import literal, select

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ, WorkCalendar
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, StepRole, TimeUnit
from portal.core.models import UTCDateTime
from portal.dossiers.models import CLOCK_RUNNING_STATES, Dossier
from portal.extensions import db
from portal.stats import monitoring as mon
from portal.stats.worktime import working_clock
from portal.workflow import actions as wf
from portal.workflow import queries
from portal.workflow.models import Pause

# Wednesday 12 March 2025, 09:00 in Viet Nam; no holiday in the weeks around it.
WED = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
NOW = datetime(2025, 3, 20, 10, 0, tzinfo=VN_TZ)  # the following Thursday, 10:00


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


def steps():
    return [catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
            catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
            catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)]


@dataclass
class Desk:
    agency: Agency
    other: Agency
    five_days: ProcedureVersion
    ten_days: ProcedureVersion
    other_version: ProcedureVersion
    people: dict[str, User]

    def ctx(self, who: str, when: datetime) -> wf.Context:
        return wf.Context(self.people[who], when, current_calendar())

    def received(self, when: datetime, version: ProcedureVersion | None = None) -> Dossier:
        version = version or self.five_days
        counter = "other_counter" if version is self.other_version else "counter"
        dossier = factories.submitted_dossier(version, self.people["citizen"], when)
        wf.receive(dossier, self.ctx(counter, when))
        return dossier

    def taken(self, when: datetime, took: datetime | None = None, who: str = "specialist",
              version: ProcedureVersion | None = None) -> Dossier:
        dossier = self.received(when, version)
        if version is self.other_version:
            who = "other_specialist"
        wf.take(dossier, self.ctx(who, took or when))
        return dossier

    def scope(self, *agencies: Agency, now: datetime = NOW, days: int = 30) -> mon.Scope:
        chosen = agencies or (self.agency,)
        return mon.Scope(tuple(a.id for a in chosen), now, current_calendar(), days)


@pytest.fixture
def desk(db_session) -> Desk:
    agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
    other = factories.agency("SXD", "Sở Xây dựng")
    factories.agency("VPUBND", "Văn phòng UBND tỉnh")  # the inter-agency chain: 2 days

    def version(owner, days):
        return factories.published_procedure(owner, time_amount=days, time_unit=TimeUnit.DAYS,
                                             cutoff=None, steps=steps(), inter_agency=True,
                                             chain=[catalog_ops.ChainData("VPUBND", 2)])

    people = {
        "counter": factories.staff(Role.COUNTER_OFFICER, agency),
        "specialist": factories.staff(Role.SPECIALIST, agency),
        "specialist2": factories.staff(Role.SPECIALIST, agency),
        "leader": factories.staff(Role.LEADER, agency),
        "other_counter": factories.staff(Role.COUNTER_OFFICER, other),
        "other_specialist": factories.staff(Role.SPECIALIST, other),
        "citizen": factories.citizen(),
    }
    office = db.session.scalar(select(Agency).where(Agency.code == "VPUBND"))
    people["office"] = factories.staff(Role.LEADER, office)
    return Desk(agency, other, version(agency, 5), version(agency, 10), version(other, 5),
                people)


def codes(page) -> list[str]:
    return [row.dossier.code for row in page.items]


def test_clock_running_states_agree_with_the_queues():
    assert queries.CLOCK_RUNNING_STATES is CLOCK_RUNNING_STATES


# --- 1 and 2: overdue, due today, without apology ------------------------------------------

def test_overdue_due_today_and_apologies(desk):
    late = desk.taken(WED)  # due Wed 19/03 09:00: overdue at NOW
    apologised = desk.taken(WED)
    wf.apologise(apologised, desk.ctx("leader", at(20, 9, 30)), "Cần xác minh thêm",
                 at(25, 16))
    paused = desk.taken(WED)  # past its due time, but waiting for the applicant
    wf.request_supplement(paused, desk.ctx("specialist", at(13)), "Bản sao sổ đỏ", "Thiếu")
    due_today = desk.received(at(13, 15))  # 5 working days → Thu 20/03 15:00
    desk.received(at(14))  # due tomorrow: neither
    finished = desk.taken(WED)  # late, but finished: not open any more
    factories.result_file(finished, desk.people["leader"])
    wf.approve(finished, desk.ctx("leader", at(19, 16)))
    other_late = desk.taken(WED, version=desk.other_version)
    db.session.flush()
    assert due_today.due_at == at(20, 15)

    loads = mon.agency_loads(desk.scope(desk.agency, desk.other),
                             [desk.other, desk.agency])
    assert [(x.agency.code, x.overdue, x.without_apology, x.due_today) for x in loads] == [
        ("STNMT", 2, 1, 1), ("SXD", 1, 1, 0)]  # worst first
    assert not loads[0].quiet

    page = mon.overdue_without_apology(desk.scope())
    assert codes(page) == [late.code] and page.total == 1
    row = page.items[0]
    # Due Wed 19/03 09:00, now Thu 20/03 10:00: 2.5 h + 4 h + 2.5 h of working time.
    assert row.days_overdue == pytest.approx(9 / 8)
    assert row.dossier.holder == desk.people["specialist"].full_name
    assert row.dossier.agency == "Sở Tài nguyên và Môi trường"
    assert codes(mon.overdue_without_apology(desk.scope(desk.other))) == [other_late.code]
    assert row.hours_overdue == 9.0


def test_overdue_by_less_than_a_day_is_measured_in_working_hours(desk):
    # Issue 12: late by one working hour reads in hours, not as "0,1 day" (or "0,0").
    short = desk.taken(at(13))  # due Thu 20/03 09:00, one working hour before NOW
    db.session.flush()
    row = mon.overdue_without_apology(desk.scope()).items[0]
    assert row.dossier.code == short.code
    assert row.days_overdue == pytest.approx(1 / 8) and row.hours_overdue == 1.0
    # A minute late rounds up to a tenth of an hour, never to nothing.
    row = mon.overdue_without_apology(desk.scope(now=at(20, 9, 1))).items[0]
    assert row.hours_overdue == 0.1


def test_an_agency_with_nothing_due_is_quiet_and_last(desk):
    desk.taken(WED, version=desk.other_version)
    loads = mon.agency_loads(desk.scope(desk.agency, desk.other), [desk.agency, desk.other])
    assert [x.agency.code for x in loads] == ["SXD", "STNMT"]
    assert loads[1].quiet and (loads[1].overdue, loads[1].due_today) == (0, 0)


def test_overdue_list_is_ordered_most_overdue_first_and_paginated(desk):
    dossiers = [desk.taken(at(10 + i)) for i in range(3)]  # 10, 11, 12 March
    page = mon.overdue_without_apology(desk.scope(), 1, 2)
    assert codes(page) == [dossiers[0].code, dossiers[1].code]
    assert (page.total, page.pages) == (3, 2)
    second = mon.overdue_without_apology(desk.scope(), 2, 2)
    assert codes(second) == [dossiers[2].code]
    assert mon.overdue_without_apology(desk.scope(), 9, 2).number == 2  # past the end


# --- 3: supplement requests issued late ---------------------------------------------------

def test_late_supplement_requests(desk):
    early = desk.taken(WED)
    wf.request_supplement(early, desk.ctx("specialist", at(13)), "Giấy tờ", "Thiếu")
    # Exactly half of the five days used (Wed 6.5 h, Thu 8 h, Fri 5.5 h): not late yet.
    half = desk.taken(WED)
    wf.request_supplement(half, desk.ctx("specialist", at(14, 14, 30)), "Giấy tờ", "Thiếu")
    late = desk.taken(WED)
    wf.request_supplement(late, desk.ctx("specialist", at(17, 13)), "Giấy tờ", "Thiếu")
    wf.supplement(late, desk.ctx("counter", at(18)), "Đã nhận bản sao")  # answered: still late
    # Ten days: half is five, so the three-day limit applies: 3.3125 days used is late,
    # exactly 3 is not.
    long_late = desk.taken(WED, version=desk.ten_days)
    wf.request_supplement(long_late, desk.ctx("specialist", at(17, 11, 30)), "Giấy tờ", "Thiếu")
    long_ok = desk.taken(WED, version=desk.ten_days)
    wf.request_supplement(long_ok, desk.ctx("specialist", at(17, 9)), "Giấy tờ", "Thiếu")
    other = desk.taken(WED, version=desk.other_version)
    wf.request_supplement(other, desk.ctx("other_specialist", at(18)), "Giấy tờ", "Thiếu")
    db.session.flush()

    page = mon.late_supplement_requests(desk.scope())
    assert codes(page) == [late.code, long_late.code]  # newest first
    first, second = page.items
    assert first.used_days == pytest.approx(26.5 / 8) and first.limit_days == 2.5
    assert second.used_days == pytest.approx(26.5 / 8) and second.limit_days == 3
    assert first.reference.endswith("/HDHS")
    assert first.issued_by == desk.people["specialist"].full_name
    assert first.issued_at == at(17, 13)
    assert codes(mon.late_supplement_requests(desk.scope(desk.other))) == [other.code]


def test_late_supplement_requests_only_in_the_period(desk):
    old = desk.taken(at(3, month=2))
    wf.request_supplement(old, desk.ctx("specialist", at(17, month=2)), "Giấy tờ", "Thiếu")
    assert mon.late_supplement_requests(desk.scope()).total == 0  # 19/02 – 20/03
    assert codes(mon.late_supplement_requests(desk.scope(days=90))) == [old.code]


def test_second_request_counts_time_without_the_first_pause(desk):
    dossier = desk.taken(WED)
    wf.request_supplement(dossier, desk.ctx("specialist", at(13)), "Giấy tờ", "Thiếu")  # 1 day
    wf.supplement(dossier, desk.ctx("counter", at(18)), "Đã nhận")
    # Half an hour since the resume: 8.5 hours used of the five days, the pause not counted.
    wf.request_supplement(dossier, desk.ctx("specialist", at(18, 9, 30)), "Giấy tờ", "Thiếu")
    assert mon.late_supplement_requests(desk.scope()).total == 0
    pauses = db.session.scalars(select(Pause).where(Pause.dossier_id == dossier.id)).all()
    assert len(pauses) == 2


# --- 4: consultations past their answer date ----------------------------------------------

def test_overdue_consultations(desk):
    asked = desk.taken(WED)
    [late] = wf.request_consultation(asked, desk.ctx("specialist", at(13)), [desk.other],
                                     "Ý kiến về quy hoạch?", at(14, 17))
    answered = desk.taken(WED)
    wf.request_consultation(answered, desk.ctx("specialist", at(13)), [desk.other],
                            "Ý kiến?", at(14, 17))
    wf.answer_consultation(answered, desk.ctx("other_specialist", at(18)),
                           answered.consultations[0].id, "Thống nhất")  # answered late
    not_due = desk.taken(WED)
    wf.request_consultation(not_due, desk.ctx("specialist", at(13)), [desk.other],
                            "Ý kiến?", at(21, 17))
    stopped = desk.taken(WED)
    wf.request_consultation(stopped, desk.ctx("specialist", at(13)), [desk.other],
                            "Ý kiến?", at(14, 17))
    wf.stop(stopped, desk.ctx("leader", at(17)), "Người nộp đề nghị dừng")
    db.session.flush()

    page = mon.overdue_consultations(desk.scope(desk.other))  # the agency that owes answers
    assert codes(page) == [asked.code]
    row = page.items[0]
    assert (row.asked, row.dossier.agency) == ("Sở Xây dựng", "Sở Tài nguyên và Môi trường")
    assert row.asked_by == desk.people["specialist"].full_name
    assert row.due_at == late.due_at
    # Due Fri 14/03 17:00, now Thu 20/03 10:00: Mon, Tue, Wed and 2.5 h.
    assert row.days_late == pytest.approx(3 + 2.5 / 8)
    assert mon.overdue_consultations(desk.scope(desk.agency)).total == 0  # asked by it


# --- 5: steps held per officer ------------------------------------------------------------

def test_steps_by_officer(desk):
    first = desk.taken(WED)  # specialist's step: 24 working hours → due Mon 17/03 09:00
    desk.taken(at(19))  # one more, not due yet
    fresh = desk.taken(at(19, 14), who="specialist2")  # due next week
    desk.received(at(13))  # open step without a holder: nobody's
    done = desk.taken(WED)  # closed step: the specialist completed it, the leader holds now
    wf.complete_step(done, desk.ctx("specialist", at(13)), "Đủ điều kiện", desk.people["leader"])
    desk.taken(WED, version=desk.other_version)  # another agency's officer
    db.session.flush()

    page = mon.steps_by_officer(desk.scope())
    # The oldest due first: the leader's step was due Fri 14/03, the specialist's Mon 17/03.
    assert [row.name for row in page.items] == [
        desk.people["leader"].full_name, desk.people["specialist"].full_name,
        desk.people["specialist2"].full_name]
    leader, specialist, second = page.items
    assert (specialist.open_steps, specialist.past_due) == (2, 1)
    assert specialist.oldest.code == first.code
    assert specialist.oldest_started_at == WED
    assert specialist.held_days == pytest.approx(6 + 1 / 8)  # Wed 09:00 → Thu 10:00 next week
    assert (leader.open_steps, leader.past_due) == (1, 1)  # 8 h from Thu 13/03 09:00
    assert (second.open_steps, second.past_due) == (1, 0)
    assert second.oldest.code == fresh.code
    assert specialist.agency == "Sở Tài nguyên và Môi trường"
    assert page.total == 3
    assert mon.steps_by_officer(desk.scope(desk.other)).total == 1


# --- 6: inter-agency forwards with too little time left -----------------------------------

def forwarded(desk: Desk, when: datetime, received: datetime = WED) -> Dossier:
    dossier = desk.taken(received)
    wf.forward_inter_agency(dossier, desk.ctx("leader", when), "Trình UBND tỉnh", confirmed=True)
    return dossier


def test_inter_agency_forwards_with_less_than_three_days_left(desk):
    forwarded(desk, at(13))  # 4 days left: fine
    forwarded(desk, at(14))  # exactly 3 days left (due Wed 19/03 09:00): fine
    short = forwarded(desk, at(14, 13))  # Fri 13:00 → 2.6875 days left
    after_due = forwarded(desk, at(19, 10))  # already overdue: nothing left
    weekend = forwarded(desk, at(14, 16), received=at(10, 15))  # Fri 16:00 → due Mon 15:00
    forwarded(desk, at(14, month=2), received=at(10, month=2))  # before the period
    db.session.flush()

    page = mon.late_inter_agency(desk.scope())
    assert codes(page) == [after_due.code, weekend.code, short.code]  # newest first
    left = {row.dossier.code: row.days_left for row in page.items}
    assert left[short.code] == pytest.approx(2 + 5.5 / 8)
    assert left[after_due.code] == 0
    assert left[weekend.code] == pytest.approx(7 / 8)
    assert page.items[0].forwarded_by == desk.people["leader"].full_name
    assert page.items[0].forwarded_at == at(19, 10)
    assert mon.late_inter_agency(desk.scope(days=90)).total == 4
    assert mon.late_inter_agency(desk.scope(desk.other)).total == 0


def test_inter_agency_across_a_weekend_and_tet(desk):
    """Forwarded on Friday 24/01/2025 with the due time after the Tết holiday: the days off
    are not working time (SQL reading = calendar engine)."""
    dossier = forwarded(desk, datetime(2025, 1, 24, 16, tzinfo=VN_TZ),
                        received=datetime(2025, 1, 20, 9, tzinfo=VN_TZ))
    dossier.due_at = datetime(2025, 2, 4, 9, tzinfo=VN_TZ)  # Tue after Tết (27/01–02/02 off)
    db.session.flush()
    scope = desk.scope(now=datetime(2025, 2, 5, 9, tzinfo=VN_TZ))
    [row] = mon.late_inter_agency(scope).items
    # Fri 16:00–17:00, Mon 3 Feb (a working day), Tue 07:30–09:00: 1 + 8 + 1.5 hours.
    assert row.days_left == pytest.approx(10.5 / 8)


# --- 7: inter-agency legs held past their share, per holding agency -----------------------

def returned(desk: Desk, dossier: Dossier, when: datetime) -> None:
    wf.record_inter_agency_result(dossier, desk.ctx("office", when), "Đồng ý")
    wf.inter_agency_returned(dossier, desk.ctx("office", when))


def test_late_legs_are_the_holding_agencys(desk):
    office = db.session.scalar(select(Agency).where(Agency.code == "VPUBND"))
    returned(desk, forwarded(desk, at(13)), at(14))  # due Mon 17/03 09:00: on time
    returned(desk, forwarded(desk, at(13)), at(18))  # back a day late
    forwarded(desk, at(14))  # due Tue 18/03 09:00, still held at NOW: late
    forwarded(desk, at(19))  # due Fri 21/03: held, not late yet
    returned(desk, forwarded(desk, at(13, month=1), received=at(10, month=1)),
             at(20, month=1))  # late, but due before the period
    db.session.flush()
    page = mon.late_legs(desk.scope(office))
    assert [(r.agency, r.late, r.still_held) for r in page.items] == [
        ("Văn phòng UBND tỉnh", 2, 1)]
    assert mon.late_legs(desk.scope(office, days=90)).items[0].late == 3
    # The origin's own scope does not carry the office's lateness.
    assert mon.late_legs(desk.scope()).total == 0


# --- the SQL working-time reading ---------------------------------------------------------

def test_sql_working_time_equals_the_calendar_engine(db_session):
    calendar = current_calendar()
    first, last = date(2025, 1, 20), date(2025, 2, 12)
    clock = working_clock(calendar, first, last)
    instants = [datetime(2025, 1, 20, 7, 0, tzinfo=VN_TZ) + timedelta(minutes=97 * i)
                for i in range(0, 300, 7)]
    instants += [datetime(2025, 1, 24, 11, 30, tzinfo=VN_TZ),  # session end
                 datetime(2025, 1, 24, 12, 15, tzinfo=VN_TZ),  # lunch
                 datetime(2025, 2, 3, 7, 30, tzinfo=VN_TZ),  # first working day after Tết
                 datetime(2025, 2, 1, 10, tzinfo=VN_TZ)]  # inside Tết
    for start in instants[::6]:
        a = literal(start, UTCDateTime)
        for end in instants:
            if end <= start:
                continue
            b = literal(end, UTCDateTime)
            da, db_ = clock.alias("a"), clock.alias("b")
            got = db.session.execute(
                select(clock.reading(db_, b) - clock.reading(da, a))
                .select_from(da).join(db_, clock.join_on(db_, b))
                .where(clock.join_on(da, a))).scalar_one()
            assert got == calendar.elapsed(start, end).total_seconds(), (start, end)


def test_scope_period_and_today():
    scope = mon.Scope((1,), datetime(2025, 3, 20, 20, 0, tzinfo=VN_TZ), WorkCalendar(), 30)
    assert scope.today == date(2025, 3, 20)
    assert scope.end_of_today == datetime(2025, 3, 21, 0, 0, tzinfo=VN_TZ)
    assert (scope.period.start, scope.period.end) == (date(2025, 2, 19), date(2025, 3, 20))
    assert mon.INTER_AGENCY_MIN_DAYS == 3  # the list's label says "dưới 3 ngày"


# --- 6: stopped while overdue (issue 18) ----------------------------------------------------

def test_a_dossier_stopped_while_overdue_stays_on_record_for_the_period(desk):
    """Stopping ends the clock, so the dossier leaves the overdue list; it was late, and the
    monitoring keeps it for the period (the statistics count it "stopped, late")."""
    late = desk.taken(WED)  # due Wed 19/03 09:00
    wf.stop(late, desk.ctx("leader", at(20, 9, 30)), "Người nộp đề nghị dừng")
    in_time = desk.taken(WED)
    wf.stop(in_time, desk.ctx("leader", at(14)), "Theo đề nghị của cơ quan điều tra")
    long_ago = desk.taken(datetime(2025, 1, 6, 9, 0, tzinfo=VN_TZ))
    wf.stop(long_ago, desk.ctx("leader", datetime(2025, 1, 20, 9, 0, tzinfo=VN_TZ)), "Dừng")
    db.session.flush()
    assert late.code not in codes(mon.overdue_without_apology(desk.scope()))
    page = mon.stopped_late(desk.scope())
    assert codes(page) == [late.code] and page.total == 1
    row = page.items[0]
    assert row.stopped_at == at(20, 9, 30)
    # Due Wed 19/03 09:00, stopped Thu 20/03 09:30: 2.5 h + 4 h + 2 h = 8.5 working hours.
    assert row.days_overdue == pytest.approx(8.5 / 8)
    assert mon.stopped_late(desk.scope(desk.other)).total == 0  # another agency's list
    assert mon.stopped_late(desk.scope(days=7, now=at(31, 10))).total == 0  # out of period
    assert mon.Watch.STOPPED_LATE in mon.board(desk.scope(), [desk.agency]).lists
