"""The inter-agency chain (liên thông, issue 18): forwarding along the version's chain, the
receiving agency's own steps, and the time accounted per agency (one leg each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import factories
import pytest

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, ProcedureVersion, ShareUnit, StepRole, TimeUnit
from portal.dossiers.models import Dossier
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow import inter_agency, queries
from portal.workflow.queries import Queue
from portal.workflow.transitions import Action, Actor, actors_for, allowed_actions


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@dataclass
class Chain:
    origin: Agency
    first: Agency  # 2 working days
    second: Agency  # 20 % of the legal time (10 working days → 16 working hours)
    version: ProcedureVersion
    counter: User
    specialist: User
    leader: User
    first_specialist: User
    first_leader: User
    second_leader: User
    dossier: Dossier

    def ctx(self, user: User, now: datetime) -> wf.Context:
        return wf.Context(user, now, current_calendar())


@pytest.fixture
def chain(db_session) -> Chain:
    origin, first, second = factories.agency(), factories.agency(), factories.agency()
    version = factories.published_procedure(
        origin, time_amount=10, time_unit=TimeUnit.DAYS, cutoff=None, inter_agency=True,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định", StepRole.SPECIALIST, 40),
               catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)],
        chain=[catalog_ops.ChainData(first.code, 2),
               catalog_ops.ChainData(second.code, 20, ShareUnit.PERCENT)])
    c = Chain(origin, first, second, version,
              counter=factories.staff(Role.COUNTER_OFFICER, origin),
              specialist=factories.staff(Role.SPECIALIST, origin),
              leader=factories.staff(Role.LEADER, origin),
              first_specialist=factories.staff(Role.SPECIALIST, first),
              first_leader=factories.staff(Role.LEADER, first),
              second_leader=factories.staff(Role.LEADER, second),
              dossier=factories.submitted_dossier(version, factories.citizen(), at(10, 9)))
    wf.receive(c.dossier, c.ctx(c.counter, at(10, 10)))  # Monday 10/03, due Mon 24/03 10:00
    wf.take(c.dossier, c.ctx(c.specialist, at(10, 11)))
    return c


def test_the_version_keeps_its_chain_in_order_and_a_new_draft_copies_it(chain):
    assert [(c.agency_id, c.share, c.share_unit) for c in chain.version.chain] == [
        (chain.first.id, 2, ShareUnit.DAYS), (chain.second.id, 20, ShareUnit.PERCENT)]
    data = catalog_ops.data_of(chain.version)
    assert [(c.agency_code, c.share) for c in data.chain] == [(chain.first.code, 2),
                                                              (chain.second.code, 20)]
    draft = catalog_ops.draft_for_edit(chain.version.procedure, None)
    assert [c.agency_id for c in draft.chain] == [chain.first.id, chain.second.id]


def test_a_chain_is_checked(db_session):
    origin, other = factories.agency(), factories.agency()
    bad = [
        (dict(inter_agency=False, chain=[catalog_ops.ChainData(other.code, 2)]),
         "Chỉ khai báo cơ quan liên thông"),
        (dict(inter_agency=True, chain=[catalog_ops.ChainData(other.code, 60, ShareUnit.PERCENT),
                                        catalog_ops.ChainData("X", 50, ShareUnit.PERCENT)]),
         "không được vượt quá 100%"),
        (dict(inter_agency=True, chain=[catalog_ops.ChainData(other.code, 1),
                                        catalog_ops.ChainData(other.code, 1)]),
         "chỉ xuất hiện một lần"),
        (dict(inter_agency=True, chain=[catalog_ops.ChainData(origin.code, 1)]),
         "không gồm cơ quan giải quyết"),
        (dict(inter_agency=True, chain=[catalog_ops.ChainData("KHONGCO", 1)]),
         "Không có cơ quan mã"),
    ]
    for changes, message in bad:
        with pytest.raises(catalog_ops.CatalogError, match=message):
            catalog_ops.create_procedure(factories.procedure_data(origin, **changes), None)


def test_forward_goes_to_the_next_agency_with_its_share_as_due_time(chain):
    d, cal = chain.dossier, current_calendar()
    assert Action.FORWARD_INTER_AGENCY in allowed_actions(chain.leader, d, at(11, 9))
    leg = wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Trình thẩm tra")
    assert d.state is S.INTER_AGENCY and leg.agency_id == chain.first.id
    assert leg.from_agency_id == chain.origin.id and leg.sent_at == at(11, 9)
    # Two working days from Tuesday 09:00: Thursday 09:00.
    assert leg.due_at == at(13, 9) == cal.add(at(11, 9), inter_agency.share_duration(
        chain.version, chain.version.chain[0], cal)).due
    assert "hạn chuyển trả 09:00 thứ Năm 13/03/2025" in d.events[-1].message


def test_a_percentage_share_is_that_part_of_the_legal_time_in_working_hours(chain):
    link = chain.version.chain[1]
    duration = inter_agency.share_duration(chain.version, link, current_calendar())
    assert (duration.amount, duration.unit.value) == (16, "hours")  # 20 % of 10 days × 8 h


def test_forward_to_another_agency_of_the_chain_only(chain):
    d = chain.dossier
    stranger = factories.agency()
    with pytest.raises(wf.WorkflowError, match="không thuộc chuỗi liên thông"):
        wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "X",
                                agency_id=stranger.id)
    leg = wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Thẳng Sở thứ hai",
                                  agency_id=chain.second.id)
    assert leg.agency_id == chain.second.id


def test_three_working_day_rule_still_asks_for_a_confirmation(chain):
    d = chain.dossier
    with pytest.raises(wf.NeedsConfirmation, match="ngày làm việc"):
        wf.forward_inter_agency(d, chain.ctx(chain.leader, at(20, 10)), "Trình")
    assert d.state is S.IN_PROGRESS and d.legs == []
    wf.forward_inter_agency(d, chain.ctx(chain.leader, at(20, 10)), "Trình", confirmed=True)
    assert d.state is S.INTER_AGENCY


def test_receiver_records_returns_and_the_origin_continues(chain):
    d = chain.dossier
    wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Trình thẩm tra")
    # The origin no longer records the return; the receiver's specialist is not its leader.
    assert actors_for(chain.leader, d) == {Actor.LEADER}
    assert Action.INTER_AGENCY_RETURNED not in allowed_actions(chain.leader, d, at(11, 10))
    with pytest.raises(wf.Forbidden):
        wf.inter_agency_returned(d, chain.ctx(chain.leader, at(11, 10)), "Đã xong")
    with pytest.raises(wf.Forbidden):
        wf.record_inter_agency_result(d, chain.ctx(chain.specialist, at(11, 10)), "Xong")
    assert allowed_actions(chain.first_specialist, d, at(11, 10)) == [
        Action.RECORD_INTER_AGENCY_RESULT]
    with pytest.raises(wf.WorkflowError, match="ghi kết quả trước"):
        wf.inter_agency_returned(d, chain.ctx(chain.first_leader, at(11, 10)))
    wf.record_inter_agency_result(d, chain.ctx(chain.first_specialist, at(12, 14)),
                                  "Thống nhất, đủ điều kiện")
    with pytest.raises(wf.Forbidden):
        wf.inter_agency_returned(d, chain.ctx(chain.first_specialist, at(12, 15)))
    assert Action.INTER_AGENCY_ONWARD in allowed_actions(chain.first_leader, d, at(12, 15))
    wf.inter_agency_returned(d, chain.ctx(chain.first_leader, at(12, 15)))
    leg = d.legs[0]
    assert d.state is S.IN_PROGRESS and leg.returned_at == at(12, 15)
    assert leg.onward_agency_id is None and not leg.is_late(at(30, 9))
    assert "chuyển trả hồ sơ về" in d.events[-1].message
    # The receiver no longer sees it; the origin goes on to the next agency by default.
    assert actors_for(chain.first_leader, d) == frozenset()
    assert inter_agency.default_destination(d).agency_id == chain.second.id
    assert wf.invariant_problems(d) == []


def test_onward_to_the_next_agency_and_lateness_belongs_to_the_holder(chain):
    d = chain.dossier
    wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Trình thẩm tra")
    wf.record_inter_agency_result(d, chain.ctx(chain.first_specialist, at(14, 9)), "Đủ")
    # Friday 09:00: a day past the first agency's share (Thursday 09:00).
    new = wf.inter_agency_onward(d, chain.ctx(chain.first_leader, at(14, 9)))
    first = d.legs[0]
    assert first.is_late(at(14, 9)) and first.onward_agency_id == chain.second.id
    assert "(trễ hạn)" in d.events[-1].message
    assert d.state is S.INTER_AGENCY and new.agency_id == chain.second.id
    assert new.from_agency_id == chain.first.id
    # 16 working hours from Friday 09:00: Tuesday 09:00.
    assert new.due_at == at(18, 9)
    assert inter_agency.onward_link(d) is None  # the last of the chain
    assert Action.INTER_AGENCY_ONWARD not in allowed_actions(chain.second_leader, d, at(14, 10))
    wf.record_inter_agency_result(d, chain.ctx(chain.second_leader, at(17, 9)), "Đồng ý")
    wf.inter_agency_returned(d, chain.ctx(chain.second_leader, at(17, 10)))
    assert [leg.is_late(at(30, 9)) for leg in d.legs] == [True, False]
    assert [leg.agency_id for leg in inter_agency.late_legs(d, at(30, 9))] == [chain.first.id]


def test_the_receiving_agency_sees_it_in_its_queue_only_while_it_holds_it(chain, app):
    d = chain.dossier
    cal = current_calendar()
    wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Trình thẩm tra")
    db.session.flush()
    now = at(11, 10)
    assert Queue.INTER_AGENCY_IN in queries.queues_for([Role.SPECIALIST])
    page = queries.queue_page(chain.first.id, Queue.INTER_AGENCY_IN, chain.first_specialist,
                              now, cal)
    assert [x.id for x in page.items] == [d.id]
    assert queries.leg_due(chain.first.id, [d.id]) == {d.id: at(13, 9)}
    assert queries.get_dossier_for_staff(chain.first_specialist, d.id) is not None
    assert queries.get_dossier_for_staff(chain.second_leader, d.id) is None
    wf.record_inter_agency_result(d, chain.ctx(chain.first_specialist, now), "Xong")
    wf.inter_agency_returned(d, chain.ctx(chain.first_leader, now + timedelta(hours=1)))
    db.session.flush()
    assert queries.queue_page(chain.first.id, Queue.INTER_AGENCY_IN, chain.first_specialist,
                              now, cal).items == []
    assert queries.get_dossier_for_staff(chain.first_specialist, d.id) is None


def test_stopping_a_forwarded_dossier_closes_its_leg(chain):
    d = chain.dossier
    wf.forward_inter_agency(d, chain.ctx(chain.leader, at(11, 9)), "Trình thẩm tra")
    wf.stop(d, chain.ctx(chain.leader, at(12, 9)), "Theo văn bản của cơ quan điều tra")
    assert d.state is S.STOPPED and d.legs[0].returned_at == at(12, 9)
    assert wf.invariant_problems(d) == []
