"""The financial obligation's rules on the domain (issue 18): the proposed deadline from the
calendar, the terms refused one by one with their field, the record of the payment, and the
paused clock the pages show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import factories
import pytest

from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.dossiers.models import DossierState as S
from portal.workflow import actions as wf
from portal.workflow import obligations
from portal.workflow.obligations import ObligationError, Terms


def vn(day: int, month: int, hour: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN_TZ)


def test_the_deadline_is_thirty_days_on_or_the_next_working_day(app_ctx):
    calendar = current_calendar()
    # Wed 12/03/2025 + 30 days = Fri 11/04/2025, a working day.
    assert obligations.proposed_due_on(calendar, vn(12, 3, 9)) == date(2025, 4, 11)
    # Thu 13/03 + 30 = Sat 12/04 → Mon 14/04.
    assert obligations.proposed_due_on(calendar, vn(13, 3, 9)) == date(2025, 4, 14)
    # 28/12/2024 + 30 = Mon 27/01/2025, the first day of the Tết holiday (27/01–02/02/2025):
    # the first working day after it is Mon 03/02/2025.
    assert obligations.proposed_due_on(calendar, vn(28, 12, 9, 2024)) == date(2025, 2, 3)


@pytest.mark.parametrize("terms,field", [
    (Terms(None, "Chi cục Thuế", "Kho bạc", date(2025, 4, 1)), "amount"),
    (Terms(0, "Chi cục Thuế", "Kho bạc", date(2025, 4, 1)), "amount"),
    (Terms(10**14, "Chi cục Thuế", "Kho bạc", date(2025, 4, 1)), "amount"),
    (Terms(1000, "  ", "Kho bạc", date(2025, 4, 1)), "payee"),
    (Terms(1000, "x" * 301, "Kho bạc", date(2025, 4, 1)), "payee"),
    (Terms(1000, "Chi cục Thuế", "", date(2025, 4, 1)), "pay_to"),
    (Terms(1000, "Chi cục Thuế", "Kho bạc", None), "due_on"),
    (Terms(1000, "Chi cục Thuế", "Kho bạc", date(2025, 3, 11)), "due_on"),
    (Terms(1000, "Chi cục Thuế", "Kho bạc", date(2026, 4, 1)), "due_on"),
], ids=["none", "zero", "absurd", "blank-payee", "long-payee", "no-place", "no-deadline",
        "past", "over-a-year"])
def test_terms_are_refused_with_their_field(terms, field):
    with pytest.raises(ObligationError) as refused:
        obligations.checked_terms(terms, vn(12, 3, 9))
    assert refused.value.field == field and str(refused.value)


def test_a_deadline_of_today_is_accepted_and_text_is_trimmed():
    terms = obligations.checked_terms(Terms(1000, " Chi cục Thuế ", " Kho bạc ",
                                            date(2025, 3, 12)), vn(12, 3, 16))
    assert (terms.payee, terms.pay_to) == ("Chi cục Thuế", "Kho bạc")


def test_request_then_payment_with_the_paused_clock_between(world):
    d = factories.submitted_dossier(world.version, world.applicant, vn(12, 3, 8))
    wf.receive(d, world.ctx(world.counter, vn(12, 3, 9)))
    wf.take(d, world.ctx(world.specialist, vn(12, 3, 10)))
    with pytest.raises(ObligationError):  # refused before anything changes
        wf.request_obligation(d, world.ctx(world.specialist, vn(13, 3, 9)),
                              Terms(0, "Chi cục Thuế", "Kho bạc", date(2025, 4, 1)))
    assert d.state is S.IN_PROGRESS and d.obligations == [] and d.pauses == []
    wf.request_obligation(d, world.ctx(world.specialist, vn(13, 3, 9)),
                          factories.obligation_terms(vn(13, 3, 9), amount=2_345_000))
    assert d.state is S.AWAITING_PAYMENT_OF_OBLIGATION
    [item] = d.obligations
    assert item.open and item.amount == 2_345_000 and item.notice is None
    assert "2.345.000 đồng nộp cho Chi cục Thuế khu vực Thành phố" in d.events[-1].message
    clock = obligations.paused_clock(d, current_calendar())
    assert clock.since == vn(13, 3, 9) and clock.obligation
    assert clock.days_left == 4.0  # of 5: received Wed 12/03 09:00, paused Thu 09:00
    with pytest.raises(wf.WorkflowError) as refused:  # paid before it was asked
        wf.obligation_fulfilled(d, world.ctx(world.counter, vn(17, 3, 9)),
                                paid_on=date(2025, 3, 12))
    assert refused.value.field == "paid_on"
    with pytest.raises(wf.WorkflowError):  # paid in the future
        wf.obligation_fulfilled(d, world.ctx(world.counter, vn(17, 3, 9)),
                                paid_on=date(2025, 3, 18))
    wf.obligation_fulfilled(d, world.ctx(world.counter, vn(17, 3, 9)), "Biên lai 0042",
                            paid_on=date(2025, 3, 14))
    assert d.state is S.IN_PROGRESS and not item.open
    assert (item.paid_on, item.receipt_note) == (date(2025, 3, 14), "Biên lai 0042")
    assert obligations.paused_clock(d, current_calendar()) is None
    assert obligations.current(d) is item
    assert not wf.invariant_problems(d)
    assert item.due_on == date(2025, 3, 13) + timedelta(days=30)
