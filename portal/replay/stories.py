"""One plan played through the workflow: the same operations the staff pages and the citizen
pages call (``portal.workflow.intake``, ``portal.dossiers.operations``, ``portal.workflow.
actions``), each with its own simulated instant.

The receive action computes the due time (working days, holidays, cut-off hours, later moved
by the clock pauses); the story then chooses when the dossier ends relative to it: before it
for a dossier resolved on time, ``lateness_hours`` of working time after it for a late one,
never before the period's end for a pending one. Every choice draws from a
``random.Random`` seeded by the agency and the plan's number."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.calendar import VN_TZ, WorkCalendar
from portal.catalog.models import ProcedureVersion
from portal.delivery import s10
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Channel, Dossier, FileKind, ReturnMethod
from portal.extensions import db
from portal.replay.cast import Cast, Staff
from portal.replay.people import company, person
from portal.replay.placing import Days
from portal.replay.plan import SEED, Fate, Plan
from portal.storage import Storage
from portal.workflow import actions as wf
from portal.workflow import intake, obligations
from portal.workflow.demo import one_page_pdf

MiB = 1024 * 1024
LIMITS = UploadLimits(max_file=20 * MiB, max_dossier=100 * MiB)
SUPPLEMENTS = (
    ("Bản sao có chứng thực giấy tờ tùy thân của người đề nghị",
     "Bản sao nộp kèm không rõ số hiệu, ngày cấp"),
    ("Bản vẽ, sơ đồ vị trí có xác nhận của đơn vị lập", "Hồ sơ thiếu bản vẽ theo quy định"),
    ("Văn bản ủy quyền có chứng thực", "Người nộp không phải người đứng tên trên hồ sơ"),
    ("Tờ khai theo mẫu, điền đầy đủ thông tin", "Tờ khai còn thiếu thông tin bắt buộc"),
)
REFUSALS = ("Không đủ điều kiện theo quy định của pháp luật chuyên ngành",
            "Kết quả thẩm định thực tế không đạt yêu cầu",
            "Nội dung đề nghị không thuộc thẩm quyền giải quyết của cơ quan")
STOPS = ("Theo đề nghị của cơ quan có thẩm quyền đang xác minh vụ việc liên quan",
         "Người nộp không thực hiện nghĩa vụ tài chính trong thời hạn thông báo")
WITHDRAWALS = ("Thay đổi nhu cầu, không tiếp tục thực hiện thủ tục",
               "Nộp nhầm thủ tục, sẽ nộp lại hồ sơ khác", "Cần bổ sung giấy tờ, sẽ nộp lại sau")
APOLOGIES = ("Cần xác minh thêm thông tin với cơ quan liên quan",
             "Chờ ý kiến của cơ quan phối hợp", "Khối lượng hồ sơ tiếp nhận tăng cao")


def _obligation_terms(number: int, at: datetime) -> obligations.Terms:
    """A tax notice of the year's kind (land-use fee, registration fee): an amount from the
    plan's number (no draw from the random stream), due 30 days later. No file: 2019's
    notices were paper."""
    return obligations.Terms(
        (number % 90 + 10) * 100_000, "Chi cục Thuế khu vực Thành phố",
        f"Kho bạc Nhà nước tỉnh, tài khoản 7111 (thông báo số {number}/TB-CCT)",
        obligations.local_today(at) + timedelta(days=obligations.PAY_WITHIN_DAYS))


class Player:
    """Plays plans, one dossier after the other, each from its intake to its last action."""

    def __init__(self, cast: Cast, calendar: WorkCalendar, days: Days, storage: Storage):
        self.cast, self.cal, self.days, self.storage = cast, calendar, days, storage
        self.start = calendar.next_working_instant(days.start_at)
        self.cap = days.end_at - timedelta(minutes=30)
        self._papers: dict[int, bytes] = {}
        self._drafts: dict[int, tuple[Dossier, User, object]] = {}

    # --- time ---------------------------------------------------------------------------------

    def later(self, at: datetime, hours: float) -> datetime:
        """``hours`` of working time after ``at`` (to the second)."""
        return self.cal.add_working_time(at, timedelta(seconds=round(hours * 3600)))

    def part(self, a: datetime, b: datetime, share: float) -> datetime:
        """The instant ``share`` of the working time from ``a`` to ``b`` (``a`` if none),
        to the second, never after ``b``."""
        if b <= a:
            return a
        span = self.cal.elapsed(a, b) * share
        return self.cal.add_working_time(a, timedelta(seconds=int(span.total_seconds())))

    def ctx(self, user: User, at: datetime) -> wf.Context:
        return wf.Context(user, at.astimezone(VN_TZ), self.cal, messages=False)

    # --- one dossier ----------------------------------------------------------------------------

    def draft(self, plan: Plan, version: ProcedureVersion) -> None:
        """Start an online dossier's draft. A batch starts its online dossiers first and
        flushes them once: the storage keys of their files name their ids."""
        rng = random.Random(f"{SEED}/{plan.agency}/{plan.number}/draft")
        user, organisation, who = self.cast.applicant(self._business(plan, version, rng), rng)
        dossier = dossier_ops.start_dossier(version, user, organisation)
        for name in ("files", "steps", "pauses", "notices", "consultations", "legs"):
            # Known to be empty: no lazy load once it is flushed. (Reading the attribute would
            # not do: SQLAlchemy keeps an unchanged empty collection aside, not as loaded.)
            set_committed_value(dossier, name, [])
        self._drafts[plan.number] = (dossier, user, who)

    def play(self, plan: Plan, version: ProcedureVersion) -> Dossier:
        """Play ``plan``. A dossier taken in at the counter or from the post leaves the
        session once filed and is written by ``writer`` with its batch; an online one
        (drafted, so in the session) is flushed by the session."""
        rng = random.Random(f"{SEED}/{plan.agency}/{plan.number}")
        staff = self.cast.staff[plan.agency]
        if plan.channel is Channel.ONLINE:
            dossier = self._submit(plan, version)
        else:
            dossier = self._take_in(plan, version, staff, rng)
            db.session.expunge(dossier)
            dossier.lock_version = 1  # column defaults are the writer's: read before that
        dossier.supplement_round = dossier.supplement_round or 0
        received = plan.received_at
        assert received is not None
        if plan.fate is Fate.ON_THE_SPOT:
            wf.resolve_on_the_spot(dossier, self.ctx(staff.counter, received),
                                   f"Số {plan.number}/{received:%Y}/{plan.agency}")
            dossier.updated_at = received
            return dossier
        wf.receive(dossier, self.ctx(staff.counter, received))
        last = {Fate.RESULT: self._resolve, Fate.WITHDRAWN: self._resolve,
                Fate.REFUSED: self._resolve, Fate.STOPPED: self._resolve,
                Fate.WAITING: self._wait, Fate.OPEN: self._open,
                Fate.OVERDUE: self._overdue}[plan.fate](dossier, plan, staff, rng)
        dossier.updated_at = last
        return dossier

    @staticmethod
    def _business(plan: Plan, version: ProcedureVersion, rng: random.Random) -> bool:
        """Filed by an organisation: always for a business procedure, sometimes for one
        open to both."""
        assert plan.procedure is not None
        return plan.procedure.business or (version.applicant.value == "both"
                                           and rng.random() < 0.3)

    def _submit(self, plan: Plan, version: ProcedureVersion) -> Dossier:
        """The online dossier: its papers attached, then submitted."""
        filed = plan.filed_at
        assert filed is not None
        dossier, user, who = self._drafts.pop(plan.number)
        dossier.events[0].at = dossier.created_at = filed - timedelta(minutes=15)
        rng = random.Random(f"{SEED}/{plan.agency}/{plan.number}/papers")
        for document in version.documents:
            if document.mandatory or rng.random() < 0.3:
                item = dossier_ops.add_file(
                    dossier, document.id, io.BytesIO(self._paper(document.id)),
                    f"giay-to-{document.position}.pdf", user, self.storage, LIMITS)
                item.created_at = filed - timedelta(minutes=5)
        dossier_ops.set_return_method(dossier, self._return(plan), self._address(who))
        dossier_ops.submit(dossier, user, self.cal, filed)
        return dossier

    def _take_in(self, plan: Plan, version: ProcedureVersion, staff: Staff,
                 rng: random.Random) -> Dossier:
        """The dossier taken in at the counter, or from the post, by the counter officer."""
        filed = plan.filed_at
        assert filed is not None
        business = self._business(plan, version, rng)
        account = None
        if plan.account:
            account, _, who = self.cast.applicant(business, rng)
            applicant = dossier_ops.ApplicantData("", "", "", "", who.address)
        else:
            serial = 10_000_000 + plan.number * 100 + version.procedure.agency.position
            who = person(rng, serial)
            if business:
                firm = company(rng, 50_000 + serial % 50_000, who)
                applicant = dossier_ops.ApplicantData(firm.name, firm.tax_code, who.phone, "",
                                                      firm.address, who.name)
            else:
                applicant = dossier_ops.ApplicantData(who.name, who.id_number, who.phone, "",
                                                      who.address)
        data = intake.Intake(plan.channel, applicant, self._return(plan), self._address(who),
                             account)
        dossier = intake.create_intake(version, staff.counter, data, self.cal, filed)
        dossier.created_at = filed
        return dossier

    def _paper(self, key: int) -> bytes:
        if key not in self._papers:
            self._papers[key] = one_page_pdf(f"Replay 2019 - giay to {key}")
        return self._papers[key]

    @staticmethod
    def _return(plan: Plan) -> ReturnMethod:
        return ReturnMethod.POSTAL if plan.postal_return else ReturnMethod.COUNTER

    @staticmethod
    def _address(who) -> dossier_ops.PostalAddress:
        return dossier_ops.PostalAddress(who.name, who.phone, who.province, who.district,
                                         who.ward, who.street)

    # --- endings --------------------------------------------------------------------------------

    def _pauses(self, d: Dossier, plan: Plan, staff: Staff, at: datetime) -> datetime:
        """A supplement request or a financial obligation, answered: the due time moves."""
        if plan.supplement_days:
            items, reason = SUPPLEMENTS[plan.number % len(SUPPLEMENTS)]
            wf.request_supplement(d, self.ctx(self._on_step(d, staff), at), items, reason)
            at = self.later(at, plan.supplement_days * 8 - 2)
            wf.supplement(d, self.ctx(staff.counter, at), "Đã nhận đủ giấy tờ bổ sung tại quầy")
        if plan.obligation_days:
            wf.request_obligation(d, self.ctx(self._on_step(d, staff), at),
                                  _obligation_terms(plan.number, at))
            at = self.later(at, plan.obligation_days * 8 - 2)
            wf.obligation_fulfilled(d, self.ctx(staff.counter, at),
                                    f"Chứng từ nộp tiền số {plan.number:07d}")
        return at

    def _finish_at(self, d: Dossier, plan: Plan, since: datetime, rng: random.Random
                   ) -> datetime:
        """When the dossier ends: within its due time, or ``lateness_hours`` after it."""
        assert d.due_at is not None
        since = max(since, self.start) if plan.carried else since
        if plan.late:
            finish = self.later(max(d.due_at, since), plan.lateness_hours)
        else:
            finish = self.part(since, min(d.due_at, self.cap), rng.uniform(0.35, 0.97))
        if finish >= self.cap or (plan.late and finish <= d.due_at) or (
                not plan.late and finish > d.due_at) or finish < self.days.start_at:
            raise RuntimeError(f"{plan.agency} #{plan.number}: no finish fits its plan")
        return finish

    def _resolve(self, d: Dossier, plan: Plan, staff: Staff, rng: random.Random) -> datetime:
        received = plan.received_at
        assert received is not None and d.due_at is not None
        took = self.part(received, min(d.due_at, self.cap), rng.uniform(0.02, 0.12))
        self._take(d, staff, took)
        since = self._pauses(d, plan, staff, self.part(took, min(d.due_at, self.cap), 0.3)) \
            if plan.supplement_days or plan.obligation_days else took
        finish = self._finish_at(d, plan, since, rng)
        moves: list[tuple[datetime, int, Callable[[datetime], object]]] = []
        if plan.fate is Fate.RESULT:
            steps = self._steps(d, staff)
            share = 0.45 if plan.inter_agency else 0.9
            for n, (user, following) in enumerate(steps, 1):
                moves.append((self.part(since, finish, share * n / (len(steps) + 1)), 1,
                              self._complete(d, user, following)))
            if plan.inter_agency:
                moves.append((self.part(since, finish, 0.5), 2, lambda at: wf.forward_inter_agency(
                    d, self.ctx(staff.leader, at), "Trình UBND tỉnh quyết định", confirmed=True)))
                moves.append((self.part(since, finish, 0.9), 3,
                              lambda at: self._returned(d, plan, at)))
            moves.append((finish, 9, lambda at: self._approve(d, plan, staff, at)))
        elif plan.fate is Fate.WITHDRAWN:
            applicant = self._applicant(d)
            moves.append((self.part(since, finish, 0.8), 8, lambda at: dossier_ops.
                          request_withdrawal(d, applicant, WITHDRAWALS[plan.number % 3], at)))
            moves.append((finish, 9, lambda at: wf.confirm_withdrawal(
                d, self.ctx(staff.counter, at))))
        elif plan.fate is Fate.REFUSED:
            moves.append((finish, 9, lambda at: wf.refuse(d, self.ctx(staff.leader, at),
                                                          REFUSALS[plan.number % 3])))
        else:
            moves.append((finish, 9, lambda at: wf.stop(d, self.ctx(staff.leader, at),
                                                        STOPS[plan.number % 2])))
        if plan.apology:
            at = self.part(d.due_at, finish, rng.uniform(0.1, 0.6))
            if at > d.due_at:
                moves.append((at, 5, lambda at: wf.apologise(
                    d, self.ctx(staff.leader, at), APOLOGIES[plan.number % 3],
                    self.later(finish, rng.uniform(1, 16)))))
        for at, _, move in sorted(moves, key=lambda m: (m[0], m[1])):
            move(at)
        if plan.fate is not Fate.RESULT:
            return finish
        return self._hand_over(d, plan, staff, finish, rng)

    def _steps(self, d: Dossier, staff: Staff) -> list[tuple[User, User | None]]:
        """(who completes, who holds the next) for each step after the first."""
        plan = wf._plan(d)
        processing = [p for p in plan if p[2].value in ("specialist", "leader", "committee")]
        holders = {"specialist": staff.specialist, "leader": staff.leader}
        moves, holder = [], holders.get(processing[0][2].value)
        for following in processing[1:]:
            nxt = holders.get(following[2].value)
            moves.append((holder if holder is not None else staff.leader, nxt))
            holder = nxt
        return moves

    def _complete(self, d: Dossier, user: User, following: User | None):
        return lambda at: wf.complete_step(d, self.ctx(user, at), "Đã xử lý, chuyển bước tiếp",
                                           following)

    def _approve(self, d: Dossier, plan: Plan, staff: Staff, at: datetime) -> None:
        note = f"Số {plan.number}/{at:%Y}/{plan.agency}"
        if d.channel is Channel.ONLINE:
            item = dossier_ops.add_file(d, None, io.BytesIO(one_page_pdf(f"Ket qua {d.code}")),
                                        "ket-qua.pdf", staff.leader, self.storage, LIMITS,
                                        kind=FileKind.RESULT)
            item.created_at = at
        wf.approve(d, self.ctx(staff.leader, at), note)

    def _hand_over(self, d: Dossier, plan: Plan, staff: Staff, finish: datetime,
                   rng: random.Random) -> datetime:
        if plan.postal_return:
            at = self.later(finish, rng.uniform(2, 16))
            if at >= self.cap:
                raise RuntimeError(f"{plan.agency} #{plan.number}: posted after the end")
            # The post's part of that day, in one go: posted and delivered the same hour, as
            # the 2019 books count it. History has no shipment rows (the batch writes dossiers
            # in bulk, and a shipment would make the ORM insert its dossier a second time):
            # the dossier is returned by post with the tracking number, as the desk's delivery
            # would leave it, without messages.
            serial = f"{plan.number % 10**5:05d}{d.agency_id % 1000:03d}"
            wf.record_postal_delivery(d, staff.counter, at, s10.make("EB", serial),
                                      messages=False)
            return at
        at = self.later(finish, rng.uniform(0.5, 40))
        if at >= self.cap:
            return finish  # not collected before the period's end: the result waits
        wf.hand_over(d, self.ctx(staff.counter, at), ReturnMethod.COUNTER,
                     f"{d.applicant_name}, số giấy tờ {d.applicant_id_number}")
        return at

    def _applicant(self, d: Dossier) -> User:
        """The applicant's account (a withdrawal is asked for from it)."""
        assert d.applicant_id is not None
        return self.cast.users[d.applicant_id]

    def _take(self, d: Dossier, staff: Staff, at: datetime) -> None:
        """The first processing step is taken by its role: the specialist, or the leader."""
        first = wf.open_step(d)
        user = staff.leader if first is not None and first.role.value == "leader" \
            else staff.specialist
        wf.take(d, self.ctx(user, at))

    @staticmethod
    def _on_step(d: Dossier, staff: Staff) -> User:
        """Who asks for papers or a payment: the holder of the open step (a specialist acts
        only on the step they hold, transitions.step_refusal), the leader when it is theirs."""
        step = wf.open_step(d)
        return staff.leader if step is not None and step.holder_id == staff.leader.id \
            else staff.specialist

    # --- pending at the end -----------------------------------------------------------------------

    def _wait(self, d: Dossier, plan: Plan, staff: Staff, rng: random.Random) -> datetime:
        """Waiting for the applicant at the end: the clock is paused."""
        received = plan.received_at
        assert received is not None and d.due_at is not None
        until = min(d.due_at, self.cap)
        took = self.part(received, until, rng.uniform(0.05, 0.2))
        self._take(d, staff, took)
        at = self.part(took, until, rng.uniform(0.2, 0.9))
        if plan.obligation_days:
            wf.request_obligation(d, self.ctx(self._on_step(d, staff), at),
                                  _obligation_terms(plan.number, at))
        else:
            items, reason = SUPPLEMENTS[plan.number % len(SUPPLEMENTS)]
            wf.request_supplement(d, self.ctx(self._on_step(d, staff), at), items, reason)
        return at

    def _open(self, d: Dossier, plan: Plan, staff: Staff, rng: random.Random) -> datetime:
        """Still within its due time at the end (the due time is after the period)."""
        received = plan.received_at
        assert received is not None
        if rng.random() < 0.3 and not plan.inter_agency:
            return received
        took = self.part(received, self.cap, rng.uniform(0.05, 0.4))
        self._take(d, staff, took)
        if plan.inter_agency:
            at = self.part(took, self.cap, 0.8)
            for user, following in self._steps(d, staff):
                wf.complete_step(d, self.ctx(user, at), "Đã thẩm định", following)
            wf.forward_inter_agency(d, self.ctx(staff.leader, at), "Trình UBND tỉnh quyết định",
                                    confirmed=True)
            return at
        return took

    def _returned(self, d: Dossier, plan: Plan, at: datetime) -> None:
        """The agency the dossier was forwarded to (the Committee's office) records its
        decision and its leader sends the dossier back (issue 18)."""
        leg = next(leg for leg in d.legs if leg.returned_at is None)
        receiver = self.cast.staff[leg.agency.code]
        wf.record_inter_agency_result(d, self.ctx(receiver.specialist, at),
                                      f"Quyết định số {plan.number}/QĐ-UBND")
        wf.inter_agency_returned(d, self.ctx(receiver.leader, at))

    def _overdue(self, d: Dossier, plan: Plan, staff: Staff, rng: random.Random) -> datetime:
        """Past its due time at the end, still with the agency (or the Committee's office)."""
        received = plan.received_at
        assert received is not None and d.due_at is not None
        if d.due_at >= self.cap:
            raise RuntimeError(f"{plan.agency} #{plan.number}: not due before the end")
        took = self.part(received, d.due_at, rng.uniform(0.05, 0.3))
        self._take(d, staff, took)
        last = took
        steps = self._steps(d, staff)
        if steps and (plan.inter_agency or rng.random() < 0.5):
            last = self.part(took, d.due_at, 0.6)
            user, following = steps[0]
            wf.complete_step(d, self.ctx(user, last), "Đã thẩm định, trình lãnh đạo", following)
            if plan.inter_agency:
                for user, following in steps[1:]:
                    wf.complete_step(d, self.ctx(user, last), "Trình UBND tỉnh", following)
                last = self.part(last, d.due_at, 0.8)
                wf.forward_inter_agency(d, self.ctx(staff.leader, last),
                                        "Trình UBND tỉnh quyết định", confirmed=True)
        if plan.apology:
            at = self.part(d.due_at, self.cap, rng.uniform(0.05, 0.5))
            if at > d.due_at and at > last:
                wf.apologise(d, self.ctx(staff.leader, at), APOLOGIES[plan.number % 3],
                             self.later(at, rng.uniform(8, 80)))
                last = at
        return last
