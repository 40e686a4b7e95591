"""Every dossier event produces exactly its message (issue 13, "Tests that must exist"): a
table-driven test over the workflow's transition table. For each action the matrix's
scenario brings a dossier where the action starts (``test_matrix.SCENARIOS``), the applicant
has chosen channels and a language, an allowed user acts, and the outbox and the notification
centre hold exactly the message ``transitions.MESSAGES`` names — one row per chosen channel,
in the chosen language — or nothing for a silent action."""

from __future__ import annotations

import json

import pytest
import test_matrix
from sqlalchemy import select
from test_matrix import SCENARIOS, THU, World, at, build, world  # noqa: F401 (fixture)

from portal.delivery.states import MESSAGES as DELIVERY_MESSAGES
from portal.dossiers.models import Channel, Dossier
from portal.extensions import db
from portal.notifications.defaults import EVENTS
from portal.notifications.inbox import Notification
from portal.notifications.models import OutboxMessage
from portal.workflow import actions as wf
from portal.workflow import intake
from portal.workflow.transitions import MESSAGES, TRANSITIONS, Action

_clean_tables = test_matrix._clean_tables  # the matrix's cheaper check that nothing committed

# Words each message must carry in its subject, per language: the test's own statement of
# what each event says, not read from the templates.
SUBJECT_WORDS = {
    "received": ("đã được tiếp nhận", "has been received"),
    "completion_requested": ("cần bổ sung, hoàn thiện", "needs completing"),
    "supplement_requested": ("cần bổ sung", "supplement"),
    "consultation": ("lấy ý kiến", "consulted"),
    "forwarded": ("liên thông", "forwarded"),
    "result_ready": ("đã có kết quả", "result is ready"),
    "apology": ("xin lỗi", "apology"),
    "obligation": ("nghĩa vụ tài chính", "Financial obligation"),
    "refused": ("không được giải quyết", "refused"),
    "stopped": ("dừng xử lý", "stopped"),
    "withdrawn": ("đã được rút", "withdrawn"),
    "handed_over": ("trả kết quả", "handed over"),
}

# The refusal at reception says so (the same message key, ``at_reception``).
ACTION_WORDS = {Action.REFUSE_RECEPTION: ("không được tiếp nhận", "not accepted")}

CHOICES = {
    "vi-email": ("vi", {"email"}),
    "en-all": ("en", {"email", "sms", "zalo"}),
    "vi-sms": ("vi", {"sms"}),
}


def test_every_action_is_either_mapped_to_a_message_or_explicitly_silent():
    assert set(MESSAGES) == set(Action) == set(TRANSITIONS)
    # The shipment's messages (issue 15) are sent by the delivery, and the payment messages
    # (issue 14) by the payments ledger, not by a dossier action.
    ledger = {"payment_requested", "payment_received", "exemption_rejected"}
    assert {key for key in MESSAGES.values() if key} | DELIVERY_MESSAGES == set(EVENTS) - ledger


def _actor_for(w: World, action: Action):
    allowed = TRANSITIONS[action].actors
    state = test_matrix.source_state(SCENARIOS[action])
    for kind in ("counter", "leader", "specialist", "consulted", "receiver_leader",
                 "applicant"):
        capacity = test_matrix.capacities(kind, state)
        if capacity & allowed:
            return getattr(w, kind)
    raise AssertionError(action)


def _choose(w: World, language: str, channels: set[str]) -> None:
    user = w.applicant
    user.language = language
    user.phone_verified = user.phone  # proved (accounts/verification has its own tests)
    user.notify_email, user.notify_sms, user.notify_zalo = (
        "email" in channels, "sms" in channels, "zalo" in channels)


def _new_rows(model, after_id: int) -> list:
    db.session.flush()
    return list(db.session.scalars(select(model).where(model.id > after_id).order_by(model.id)))


def _last_id(model) -> int:
    db.session.flush()
    return max(db.session.scalars(select(model.id)).all(), default=0)


def _run(w: World, action: Action) -> Dossier:
    scenario = SCENARIOS[action]
    d = build(w, scenario.state)
    if scenario.withdrawal_requested:
        d.withdrawal_requested_at = at(12, 15)
    return d


@pytest.mark.parametrize("choice", list(CHOICES))
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_every_event_produces_exactly_its_message(world, action, choice):  # noqa: F811
    language, channels = CHOICES[choice]
    scenario = SCENARIOS[action]
    d = _run(world, action)
    _choose(world, language, channels)
    outbox, notes = _last_id(OutboxMessage), _last_id(Notification)

    scenario.call(world, d, wf.Context(_actor_for(world, action), scenario.now,
                                       world.ctx(world.counter, THU).calendar))
    rows, shown = _new_rows(OutboxMessage, outbox), _new_rows(Notification, notes)

    key = MESSAGES[action]
    if key is None:
        assert rows == [] and shown == []
        return
    assert sorted(r.channel for r in rows) == sorted(channels)
    assert all(r.dossier_id == d.id for r in rows)
    words = ACTION_WORDS.get(action, SUBJECT_WORDS[key])[0 if language == "vi" else 1]
    for row in rows:
        if row.channel == "email":
            assert row.recipient == world.applicant.email
            assert words.lower() in row.subject.lower() and d.code in row.subject
            assert d.code in row.body
        elif row.channel == "sms":
            assert row.recipient == world.applicant.phone and d.code in row.body
            assert ("TT PVHCC" if language == "vi" else "PASC") in row.body
        else:
            payload = json.loads(row.body)
            assert row.recipient == world.applicant.phone
            assert payload["template_id"] == EVENTS[key].texts[language].zalo_template_id
            assert payload["template_data"]["ma_ho_so"] == d.code
    [note] = shown  # the bell shows it too, whatever the channels
    assert note.user_id == world.applicant.id and note.dossier_id == d.id
    assert words.lower() in note.title.lower()


def test_an_unverified_phone_gets_no_sms_even_when_chosen(world):  # noqa: F811
    d = build(world, "submitted")
    _choose(world, "vi", {"sms", "email"})
    world.applicant.phone_verified = ""
    outbox = _last_id(OutboxMessage)
    wf.receive(d, world.ctx(world.counter, THU))
    assert [r.channel for r in _new_rows(OutboxMessage, outbox)] == ["email"]


def test_phone_channels_without_a_verified_phone_fall_back_to_e_mail(world):  # noqa: F811
    d = build(world, "submitted")
    _choose(world, "vi", {"sms", "zalo"})
    world.applicant.phone = "0987000111"  # changed since it was proved
    outbox = _last_id(OutboxMessage)
    wf.receive(d, world.ctx(world.counter, THU))
    [row] = _new_rows(OutboxMessage, outbox)
    assert (row.channel, row.recipient) == ("email", world.applicant.email)


def test_the_result_message_says_when_it_is_early(world):  # noqa: F811
    early, late = build(world, "leader_step"), build(world, "leader_step")
    outbox = _last_id(OutboxMessage)
    wf.approve(early, world.ctx(world.leader, THU), "GCN số 1")  # due Wed 19/03
    wf.approve(late, world.ctx(world.leader, at(19, 9)), "GCN số 2")  # on the due day
    first, second = _new_rows(OutboxMessage, outbox)
    assert "sớm" in first.subject and "sớm hơn ngày hẹn" in first.body
    assert "sớm" not in second.subject and "sớm" not in second.body


def test_the_supplement_request_says_what_is_missing_and_by_when(world):  # noqa: F811
    d = build(world, "in_progress")
    outbox = _last_id(OutboxMessage)
    notice = wf.request_supplement(d, world.ctx(world.specialist, THU), "Bản vẽ hiện trạng",
                                   "Thiếu bản vẽ")
    [row] = _new_rows(OutboxMessage, outbox)
    assert "Bản vẽ hiện trạng" in row.body and "Thiếu bản vẽ" in row.body
    assert f"{notice.answer_by.astimezone(at(1, 0).tzinfo):%d/%m/%Y}" in row.body


def test_the_apology_gives_the_new_date(world):  # noqa: F811
    d = build(world, "in_progress")
    _choose(world, "en", {"email"})
    outbox = _last_id(OutboxMessage)
    wf.apologise(d, world.ctx(world.leader, at(20, 9)), "Site survey", at(25, 16))
    [row] = _new_rows(OutboxMessage, outbox)
    assert "25/03/2025" in row.body and "19/03/2025" in row.body and "Site survey" in row.body


def test_a_walk_in_applicant_without_an_account_gets_an_sms_on_the_receipt(world):  # noqa: F811
    from portal.dossiers import operations as dossier_ops

    data = intake.Intake(Channel.COUNTER, dossier_ops.ApplicantData(
        name="Trần Thị Bình", id_number="051090000777", phone="0987654321", email="",
        address="Thôn 1"), "counter")
    d = intake.create_intake(world.version, world.counter, data,
                             world.ctx(world.counter, THU).calendar, THU)
    outbox, notes = _last_id(OutboxMessage), _last_id(Notification)
    wf.receive(d, world.ctx(world.counter, THU))
    [row] = _new_rows(OutboxMessage, outbox)
    assert (row.channel, row.recipient) == ("sms", "0987654321")
    assert d.code in row.body and "tiep nhan" in row.body
    assert _new_rows(Notification, notes) == []


def test_a_replay_writes_no_message_and_no_notification(world):  # noqa: F811
    d = build(world, "submitted")
    outbox, notes = _last_id(OutboxMessage), _last_id(Notification)
    quiet = wf.Context(world.counter, THU, world.ctx(world.counter, THU).calendar,
                       messages=False)
    wf.receive(d, quiet)
    assert _new_rows(OutboxMessage, outbox) == [] and _new_rows(Notification, notes) == []



def test_the_obligation_message_takes_an_amount_and_a_deadline_when_given(world):  # noqa: F811
    """``request_obligation`` passes the payee as the note, the amount (whole đồng) and the
    deadline (a date); they are written the message's way, and left out when empty."""
    from portal.notifications import events

    d = build(world, "in_progress")
    _choose(world, "en", {"email", "sms"})
    outbox = _last_id(OutboxMessage)
    events.send(d, "obligation", THU, note="Tax notice 15", amount=1_500_000,
                deadline=at(21, 17))
    mail, sms = _new_rows(OutboxMessage, outbox)
    assert "Tax notice 15" in mail.body and "VND 1,500,000" in mail.body
    assert "17:00 on" in mail.body and "21/03/2025" in mail.body
    assert "VND 1,500,000" in sms.body and "21/03/2025" in sms.body
    _choose(world, "vi", {"email"})
    outbox = _last_id(OutboxMessage)
    events.send(d, "obligation", THU, note="Thông báo thuế số 15", amount="", deadline="")
    [mail] = _new_rows(OutboxMessage, outbox)
    assert "Thông báo thuế số 15" in mail.body and "Số tiền" not in mail.body


def test_every_member_of_the_applicant_organisation_sees_it_in_the_bell(world):  # noqa: F811
    """Members see the organisation's dossiers, so its messages are in their notification
    centre too (in their own language); only the applicant is sent e-mail or SMS."""
    import factories

    from portal.accounts import operations as account_ops
    from portal.accounts.models import Organisation

    owner = factories.citizen(organisation_name="Công ty TNHH Ánh Dương", tax_code="4300123456")
    colleague = factories.citizen()
    colleague.language = "en"
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.tax_code == "4300123456"))
    account_ops.add_member(organisation, colleague.email)
    d = build(world, "submitted")
    d.applicant_id, d.organisation_id = owner.id, organisation.id
    db.session.flush()
    db.session.expire(d, ["applicant"])
    outbox, notes = _last_id(OutboxMessage), _last_id(Notification)
    wf.receive(d, world.ctx(world.counter, THU))
    assert [(r.channel, r.recipient) for r in _new_rows(OutboxMessage, outbox)] == [
        ("email", owner.email)]
    shown = {n.user_id: n.title for n in _new_rows(Notification, notes)}
    assert set(shown) == {owner.id, colleague.id}
    assert "đã được tiếp nhận" in shown[owner.id]
    assert "has been received" in shown[colleague.id]
