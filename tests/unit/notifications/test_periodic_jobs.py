"""The periodic jobs (portal/notifications/jobs.py) on SQLite and PostgreSQL: dossiers moved
through the real workflow at chosen instants around the Reunification Day and Labour Day
holidays of 2025 (30/04 and 01/05, with 02/05 taken off in exchange for Saturday 26/04), each
job run at explicit ``now`` values — no sleeping — and every job run twice sends nothing the
second time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import factories
import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, StepRole, TimeUnit
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.notifications import jobs, tasks
from portal.notifications.jobs_models import JobRun, OverdueAlert, StaffMailPreference
from portal.notifications.models import OutboxMessage
from portal.workflow import actions as wf


def at(day: int, hour: int = 9, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@dataclass
class Centre:
    agency: Agency
    other: Agency
    version: ProcedureVersion
    people: dict[str, User]

    def ctx(self, who: str, when: datetime) -> wf.Context:
        return wf.Context(self.people[who], when, current_calendar())

    def received(self, when: datetime) -> Dossier:
        dossier = factories.submitted_dossier(self.version, self.people["citizen"], when)
        wf.receive(dossier, self.ctx("counter", when))
        return dossier

    def taken(self, when: datetime, who: str = "specialist") -> Dossier:
        dossier = self.received(when)
        wf.take(dossier, self.ctx(who, when))
        return dossier


@pytest.fixture
def centre(db_session) -> Centre:
    agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
    other = factories.agency("SXD", "Sở Xây dựng")
    # 5 working days; the specialist's step 16 working hours from reception.
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 16),
               catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
    people = {
        "counter": factories.staff(Role.COUNTER_OFFICER, agency),
        "specialist": factories.staff(Role.SPECIALIST, agency),
        "specialist2": factories.staff(Role.SPECIALIST, agency),
        "leader": factories.staff(Role.LEADER, agency),
        "other_specialist": factories.staff(Role.SPECIALIST, other),
        "other_leader": factories.staff(Role.LEADER, other),
        "supervisor": factories.staff(Role.SUPERVISOR),
        "citizen": factories.citizen(),
    }
    return Centre(agency, other, version, people)


def outbox_mark() -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))


def written_after(mark: int) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > mark)
                                   .order_by(OutboxMessage.id)))


def recipients(messages: list[OutboxMessage]) -> list[str]:
    return sorted(m.recipient for m in messages)


def emails(centre: Centre, *who: str) -> list[str]:
    return sorted(centre.people[w].email for w in who)


def opt_out(user: User, *, reminders: bool = True, digests: bool = True) -> None:
    db.session.add(StaffMailPreference(user_id=user.id, reminders=not reminders,
                                       digests=not digests))
    db.session.flush()


# --- 1. the overdue scan ---------------------------------------------------------------------

def test_the_scan_tells_the_holder_and_the_leader_once_per_due_instant(centre):
    # Wed 23/04 09:00 + 5 working days (Saturday 26/04 is one): Tue 29/04 09:00.
    dossier = centre.taken(at(23))
    assert dossier.due_at == at(29)

    mark = outbox_mark()
    assert jobs.run("overdue-scan", at(29, 8, 55)) == 0  # not yet
    assert jobs.run("overdue-scan", at(29, 9, 5)) == 2
    sent = written_after(mark)
    assert recipients(sent) == emails(centre, "specialist", "leader")
    assert all(m.channel == "email" and m.dossier_id == dossier.id for m in sent)
    assert dossier.code in sent[0].subject and "xin lỗi" in sent[0].subject
    body = sent[0].body
    assert "09:00 thứ Ba 29/04/2025" in body and "Mẫu 04" in body
    assert f"/can-bo/ho-so/{dossier.id}" in body
    assert body.count("http://127.0.0.1:5000/can-bo/ho-so/") == 1  # BASE_URL of the tests

    # Run again, at once and later: nothing more for the same due instant.
    mark = outbox_mark()
    assert jobs.run("overdue-scan", at(29, 9, 5)) == 0
    assert jobs.run("overdue-scan", at(29, 9, 10)) == 0
    assert jobs.run("overdue-scan", at(29, 16)) == 0
    assert written_after(mark) == []
    assert db.session.scalar(select(func.count()).select_from(OverdueAlert)) == 1
    assert db.session.get(JobRun, "overdue-scan").last_run_at == at(29, 16)

    # The apology's new date passes too: the apology is owed again, told once more.
    wf.apologise(dossier, centre.ctx("leader", at(29, 10)), "Cần xác minh thực địa", at(5, 9,
                                                                                         month=5))
    assert jobs.run("overdue-scan", at(2, 9, month=5)) == 0  # a day off, the date not passed
    mark = outbox_mark()
    assert jobs.run("overdue-scan", at(5, 9, 5, month=5)) == 2
    assert "ngày hẹn lại trong phiếu xin lỗi" in written_after(mark)[0].body
    assert jobs.run("overdue-scan", at(5, 9, 10, month=5)) == 0


def test_the_scan_skips_paused_finished_and_long_overdue_dossiers(centre):
    paused = centre.taken(at(23))
    wf.request_supplement(paused, centre.ctx("specialist", at(24)), "Bản sao sổ đỏ", "Thiếu")
    finished = centre.taken(at(23))
    factories.result_file(finished, centre.people["leader"])
    wf.complete_step(finished, centre.ctx("specialist", at(24)))
    wf.take(finished, centre.ctx("leader", at(24, 10)))
    wf.approve(finished, centre.ctx("leader", at(25)))
    old = centre.taken(at(14))  # due Mon 21/04 09:00: long before the scan's look-back
    unheld = centre.received(at(23))  # nobody took its step: the leaders are told

    mark = outbox_mark()
    assert jobs.run("overdue-scan", at(29, 9, 30)) == 1
    sent = written_after(mark)
    assert [m.dossier_id for m in sent] == [unheld.id]
    assert recipients(sent) == emails(centre, "leader")
    assert "chưa có người nhận" in sent[0].body
    assert old.is_overdue(at(29, 9, 30)) and not paused.is_overdue(at(29, 9, 30))


def test_the_scan_reads_from_its_last_run(centre):
    centre.taken(at(23))  # due 29/04 09:00
    jobs.run("overdue-scan", at(28, 9))
    # The next scan, three days later, still sees what became overdue since the last one.
    assert jobs.run("overdue-scan", at(5, 8, month=5)) == 2


# --- 2. reminders ----------------------------------------------------------------------------

def reminder_world(centre: Centre) -> dict[str, Dossier]:
    soon = centre.taken(at(28, 10))  # step due 16 h later: Mon 05/05 10:00 over the holidays
    later = centre.taken(at(29, 9))  # step due Tue 06/05 09:00: beyond one working day
    late = centre.taken(at(23))  # step due Fri 25/04 09:00: overdue
    asking = centre.taken(at(29, 9), "specialist2")
    wf.request_consultation(asking, centre.ctx("specialist2", at(29, 10)), [centre.other],
                            "Ý kiến về quy hoạch", at(5, 9, month=5))
    return {"soon": soon, "later": later, "late": late, "asking": asking}


def test_reminders_list_each_officers_work_once_a_day(centre):
    dossiers = reminder_world(centre)
    assert db.session.get(Dossier, dossiers["soon"].id).steps[-1].due_at == at(5, 10, month=5)

    mark = outbox_mark()
    assert jobs.run("reminders", at(29, 16)) == 3
    sent = written_after(mark)
    assert recipients(sent) == emails(centre, "specialist", "other_specialist", "other_leader")
    mine = next(m for m in sent if m.recipient == centre.people["specialist"].email)
    assert mine.subject == "Nhắc việc ngày 29/04/2025"
    overdue_part, soon_part = mine.body.split("ĐẾN HẠN TRONG 1 NGÀY LÀM VIỆC")
    assert dossiers["late"].code in overdue_part and "ĐÃ QUÁ HẠN (1)" in overdue_part
    assert dossiers["soon"].code in soon_part  # due after three days off: still "soon"
    assert dossiers["later"].code not in mine.body
    assert "16:00 thứ Hai 05/05/2025" in mine.body  # the limit, computed over the holidays
    theirs = next(m for m in sent if m.recipient == centre.people["other_leader"].email)
    assert dossiers["asking"].code in theirs.body and "XIN Ý KIẾN" in theirs.body
    # specialist2 waits for the other agency's answer: nothing to remind them of.

    mark = outbox_mark()
    assert jobs.run("reminders", at(29, 16, 30)) == 0  # the same day
    assert jobs.run("reminders", at(30, 7)) == 0  # Reunification Day
    assert jobs.run("reminders", at(2, 7, month=5)) == 0  # the day off for Saturday 26/04
    assert written_after(mark) == []
    assert jobs.run("reminders", at(5, 7, month=5)) == 3  # the next working morning
    assert jobs.run("reminders", at(5, 7, month=5)) == 0


def test_reminders_respect_the_choice_to_turn_them_off(centre):
    reminder_world(centre)
    opt_out(centre.people["other_leader"])
    opt_out(centre.people["specialist"], reminders=False)  # digests off only

    mark = outbox_mark()
    assert jobs.run("reminders", at(29, 16)) == 2
    assert recipients(written_after(mark)) == emails(centre, "specialist", "other_specialist")


# --- 3. digests ------------------------------------------------------------------------------

def test_digests_bring_the_dashboard_figures_to_leaders_and_the_supervisor(centre, app):
    late = centre.taken(at(23))  # due 29/04 09:00
    centre.received(at(29))  # due Fri 09/05 09:00: neither overdue nor due today
    assert jobs.run("digests", at(30, 7, 15)) == 0  # Reunification Day

    now = at(5, 7, 15, month=5)
    mark = outbox_mark()
    assert jobs.run("digests", now) == 3
    sent = written_after(mark)
    assert recipients(sent) == emails(centre, "leader", "other_leader", "supervisor")
    base = app.config["PORTAL"].base_url
    leader = next(m for m in sent if m.recipient == centre.people["leader"].email)
    assert leader.subject == "Báo cáo giám sát ngày 05/05/2025"
    assert "Hồ sơ quá hạn: 1 (chưa có phiếu xin lỗi: 1)" in leader.body
    assert late.code in leader.body
    assert f"{base}/thong-ke/giam-sat?agency={centre.agency.id}" in leader.body
    assert f"{base}/tai-khoan/ho-so-ca-nhan" in leader.body
    other = next(m for m in sent if m.recipient == centre.people["other_leader"].email)
    assert "Hồ sơ quá hạn: 0" in other.body and late.code not in other.body
    supervisor = next(m for m in sent if m.recipient == centre.people["supervisor"].email)
    assert "Sở Tài nguyên và Môi trường: 1 / 1 / 0" in supervisor.body
    assert f"{base}/thong-ke/giam-sat\n" in supervisor.body

    assert jobs.run("digests", now + timedelta(hours=2)) == 0
    opt_out(centre.people["supervisor"], reminders=False, digests=True)
    assert jobs.run("digests", at(6, 7, 15, month=5)) == 2


# --- running them ----------------------------------------------------------------------------

def test_the_cli_runs_a_job_at_a_given_instant(centre, app):
    reminder_world(centre)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["messages", "run-job", "reminders", "--now",
                                 "2025-04-29T16:00"])
    assert result.exit_code == 0, result.output
    assert "reminders: 3 thư" in result.output
    again = runner.invoke(args=["messages", "run-job", "reminders", "--now",
                                "2025-04-29T16:00"])
    assert "reminders: 0 thư" in again.output
    listing = runner.invoke(args=["messages", "jobs"]).output
    assert "reminders: lần chạy cuối 29/04/2025 16:00, kết quả 0" in listing
    assert "digests: chưa chạy lần nào" in listing
    bad = runner.invoke(args=["messages", "run-job", "reminders", "--now", "hôm qua"])
    assert bad.exit_code != 0 and "--now" in bad.output


def test_schedules_are_read_in_viet_nam_time():
    schedules = {jobs.NAMES[function]: schedule for function, schedule in jobs.PERIODIC}
    assert set(schedules) == set(jobs.JOBS)
    morning = schedules["reminders"]
    assert morning(datetime(2025, 4, 29, 0, 0))  # Huey's naive UTC: 07:00 in Viet Nam
    assert not morning(datetime(2025, 4, 29, 7, 0))
    assert morning(datetime(2025, 4, 29, 0, 0, tzinfo=UTC))
    assert schedules["overdue-scan"](datetime(2025, 4, 29, 3, 5))
    assert not schedules["overdue-scan"](datetime(2025, 4, 29, 3, 7))


def test_a_job_refuses_a_naive_now(centre):
    with pytest.raises(ValueError):
        jobs.overdue_scan(datetime(2025, 4, 29, 9))


def test_a_huey_instance_runs_the_jobs_on_their_schedules(centre, app):
    from huey import MemoryHuey

    centre.taken(at(23))  # due 29/04 09:00
    huey = MemoryHuey("jobs-test", utc=True)
    tasks.install(huey, lambda: app)
    # 09:05 in Viet Nam, as Huey's consumer sees it (naive UTC): the outbox pass (every
    # minute) and the scan are due.
    due = {task.name: task for task in huey.read_periodic(datetime(2025, 4, 29, 2, 5))}
    # (and the gateway status job of issue 14, every 5 minutes)
    assert set(due) == {"outbox_every_minute", "overdue-scan", "gateway-status"}
    due_0715 = huey.read_periodic(datetime(2025, 4, 29, 0, 15))  # 07:15: the digests too
    assert {task.name for task in due_0715} == {"outbox_every_minute", "digests",
                                                "overdue-scan", "gateway-status"}
    # The task runs the job at the present (December 2026): long after the dossier's due
    # time, beyond the scan's look-back — nothing to tell, and the run is recorded.
    assert huey.execute(due["overdue-scan"]) == 0
    assert db.session.get(JobRun, "overdue-scan") is not None


def test_the_storage_sweep_runs_as_a_job(app, db_session, tmp_path):
    import io

    from portal.core.models import utcnow
    from portal.storage import LocalStorage

    # A store of its own: the app's holds what other tests left, which is not this test's.
    storage, kept = LocalStorage(tmp_path / "store"), app.extensions["storage"]
    app.extensions["storage"] = storage
    try:
        key = "dossiers/999999/orphan-of-the-jobs-test"
        storage.put(key, io.BytesIO(b"no row names me"))
        assert jobs.run("storage-sweep", utcnow()) == 0  # younger than the grace period
        assert storage.exists(key)
        assert jobs.run("storage-sweep", utcnow() + timedelta(days=2)) == 1
        assert not storage.exists(key)
        assert db.session.get(JobRun, "storage-sweep").last_count == 1
    finally:
        app.extensions["storage"] = kept


def test_a_deactivated_officer_is_not_told_and_a_leader_holding_the_step_once(centre):
    held_by_leader = centre.taken(at(23), "leader")
    by_specialist = centre.taken(at(23))
    centre.people["specialist"].active = False
    db.session.flush()

    mark = outbox_mark()
    assert jobs.run("overdue-scan", at(29, 9, 5)) == 2
    sent = written_after(mark)
    assert {(m.dossier_id, m.recipient) for m in sent} == {
        (held_by_leader.id, centre.people["leader"].email),
        (by_specialist.id, centre.people["leader"].email)}
