"""Pay later (issue 14): the financial obligation an officer states becomes a payment request
the applicant can pay by any method; its confirmation resumes the workflow by itself (the
clock runs again, the obligation is marked paid); an officer who confirms a payment made
elsewhere cancels the request, so nobody pays twice."""

from __future__ import annotations

from datetime import datetime

import factories
from sqlalchemy import select

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments.models import (
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    RequestReason,
    RequestState,
)
from portal.workflow import actions as wf
from portal.workflow import obligations


def vn(day: int, month: int, hour: int) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=VN_TZ)


def _awaiting_obligation():
    agency = factories.agency()
    version = factories.published_procedure(
        agency, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
               catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24)])
    counter = factories.staff(Role.COUNTER_OFFICER, agency)
    specialist = factories.staff(Role.SPECIALIST, agency)
    dossier = factories.submitted_dossier(version, factories.citizen(), vn(12, 3, 8))

    def ctx(user, at):
        return wf.Context(user, at, current_calendar())

    wf.receive(dossier, ctx(counter, vn(12, 3, 9)))
    wf.take(dossier, ctx(specialist, vn(12, 3, 10)))
    wf.request_obligation(dossier, ctx(specialist, vn(13, 3, 9)),
                          factories.obligation_terms(vn(13, 3, 9), amount=2_345_000))
    return dossier, counter, ctx


def _request(dossier) -> PaymentRequest:
    return db.session.scalar(select(PaymentRequest).where(
        PaymentRequest.dossier_id == dossier.id, PaymentRequest.reason
        == RequestReason.OBLIGATION))


def test_paying_the_obligation_online_resumes_the_dossier(db_session):
    dossier, _, _ = _awaiting_obligation()
    request = _request(dossier)
    assert request.state is RequestState.OPEN and request.amount == 2_345_000
    assert dossier.state is S.AWAITING_PAYMENT_OF_OBLIGATION
    payment = ops.start_payment(request, PaymentMethod.GATEWAY, vn(14, 3, 10))
    ops.confirm(payment, amount=2_345_000, now=vn(14, 3, 11), source="ipn")
    assert dossier.state is S.IN_PROGRESS
    item = obligations.current(dossier)
    assert not item.open and item.receipt_note.endswith(payment.txn_ref)
    assert obligations.paused_clock(dossier, current_calendar()) is None
    assert not wf.invariant_problems(dossier)


def test_an_officer_confirming_payment_elsewhere_cancels_the_request(db_session):
    dossier, counter, ctx = _awaiting_obligation()
    request = _request(dossier)
    payment = ops.start_payment(request, PaymentMethod.VIETQR, vn(14, 3, 10))
    wf.obligation_fulfilled(dossier, ctx(counter, vn(17, 3, 9)), "Biên lai Kho bạc 0042")
    assert request.state is RequestState.CANCELLED and payment.state is PaymentState.EXPIRED
    assert dossier.state is S.IN_PROGRESS
