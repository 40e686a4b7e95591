"""Races on the ledger, each thread on its own connection (PostgreSQL with
TEST_DATABASE_URL, and SQLite, whose database lock serialises writers):

- the IPN and the browser's return of one payment arrive at once, several times over: one
  confirmation, one "paid" event, one receipt, one dossier event;
- two payments of the same request (a card and a transfer) are confirmed at once: only one
  is, the unique ``confirmed_request_id`` refuses the other;
- many payments of one agency are confirmed at once: their receipts are numbered 1…n;
- one bank statement imported several times at once keeps each unmatched line once, and
  several people marking one line resolved at once resolve it once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import factories
from sqlalchemy import func, select

from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.dossiers.models import DossierEvent
from portal.extensions import db
from portal.payments import gateway, vnpay
from portal.payments import operations as ops
from portal.payments.models import (
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    Receipt,
)

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=VN_TZ)


def _requests(count: int, methods=(PaymentMethod.GATEWAY,)) -> list[list[int]]:
    """``count`` dossiers of one agency awaiting payment, each with one payment per method."""
    version = factories.published_procedure(
        factories.agency(), fees=[catalog_ops.FeeData("Lệ phí", 50000)],
        payment_due_at_submission=True)
    ids = []
    for _ in range(count):
        dossier = factories.submitted_dossier(version)
        request = ops.request_at_submission(dossier, NOW, dossier.applicant)
        ids.append([ops.start_payment(request, m, NOW).id for m in methods])
    db.session.commit()
    return ids


def _race(app, jobs):
    barrier = threading.Barrier(len(jobs), timeout=60)

    def run(job):
        with app.app_context():  # its own scoped session, hence its own connection
            db.session.commit()
            barrier.wait()
            try:
                answer = job()
                db.session.commit()
                return answer
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_ipn_and_return_at_once_confirm_once(app):
    with app.app_context():
        (payment_id,), = _requests(1)
        payment = db.session.get(Payment, payment_id)
        result = vnpay.GatewayResult(
            txn_ref=payment.txn_ref, amount_vnd=payment.amount, response_code="00",
            transaction_status="00", transaction_no="14000001", bank_code="NCB",
            pay_date=NOW, success=True)
    sources = ["ipn", "return", "ipn", "return", "ipn", "return"]
    answers = _race(app, [lambda s=s: gateway.apply_result(result, NOW, s) for s in sources])
    assert sorted(answers) == ["00", "02", "02", "02", "02", "02"]
    with app.app_context():
        payment = db.session.get(Payment, payment_id)
        assert payment.state is PaymentState.PAID
        kinds = db.session.scalars(select(PaymentEvent.kind).where(
            PaymentEvent.payment_id == payment_id)).all()
        assert sorted(kinds) == ["created", "paid"] + ["repeated"] * 5
        assert db.session.scalar(select(func.count(Receipt.id))) == 1
        assert db.session.scalar(select(func.count(DossierEvent.id)).where(
            DossierEvent.action == "payment_confirmed")) == 1


def test_two_payments_of_one_request_at_once_confirm_one(app):
    with app.app_context():
        (card, transfer), = _requests(1, (PaymentMethod.GATEWAY, PaymentMethod.VIETQR))

    def confirm(payment_id):
        payment = db.session.get(Payment, payment_id)
        return ops.confirm(payment, amount=payment.amount, now=NOW, source="test").outcome

    outcomes = _race(app, [lambda: confirm(card), lambda: confirm(transfer)])
    assert sorted(outcomes) == [ops.Outcome.CONFIRMED, ops.Outcome.OTHER_PAID]
    with app.app_context():
        states = db.session.scalars(select(Payment.state).order_by(Payment.id)).all()
        assert sorted(states) == [PaymentState.PAID, PaymentState.PENDING]
        request = db.session.scalar(select(PaymentRequest))
        assert request.confirmed_payment is not None
        assert db.session.scalar(select(func.count(Receipt.id))) == 1


def test_receipts_confirmed_at_once_are_numbered_without_gaps(app):
    with app.app_context():
        ids = [pair[0] for pair in _requests(12, (PaymentMethod.COUNTER,))]

    def confirm(payment_id):
        payment = db.session.get(Payment, payment_id)
        ops.confirm(payment, amount=payment.amount, now=NOW, source="counter")

    _race(app, [lambda i=i: confirm(i) for i in ids])
    with app.app_context():
        numbers = db.session.scalars(select(Receipt.number).order_by(Receipt.number)).all()
        assert numbers == list(range(1, 13))


def _statement_lines():
    from datetime import date

    from portal.payments.statement import StatementLine

    return [StatementLine(1, date(2025, 3, 12), 50000, "Ung ho", "FT-RACE-1"),
            StatementLine(2, date(2025, 3, 12), 70000, "Khong ro", "FT-RACE-2")]


def test_one_statement_imported_twice_at_once_keeps_each_line_once(app):
    from portal.payments import reconcile
    from portal.payments.models import StatementImport, StatementLineRecord

    results = _race(app, [lambda: len(reconcile.record(_statement_lines(), NOW, None).lines)
                          for _ in range(3)])
    assert results == [2, 2, 2]  # no error: the later ones skip what the first kept
    with app.app_context():
        references = db.session.scalars(select(StatementLineRecord.reference)).all()
        assert sorted(references) == ["FT-RACE-1", "FT-RACE-2"]
        assert db.session.scalar(select(func.count(StatementImport.id))) == 3


def test_two_people_resolving_one_line_at_once_resolve_it_once(app):
    from portal.payments import reconcile
    from portal.payments.models import StatementLineRecord

    with app.app_context():
        reconcile.record(_statement_lines()[:1], NOW, None)
        people = [factories.citizen().id for _ in range(4)]
        db.session.commit()
        line_id = db.session.scalar(select(StatementLineRecord.id))

    def resolve(person_id):
        from portal.accounts.models import User

        try:
            reconcile.resolve(line_id, f"Xử lý bởi {person_id}", NOW,
                              db.session.get(User, person_id), None)
        except reconcile.LineAlreadyResolved:
            return "already"
        return person_id

    answers = _race(app, [lambda p=p: resolve(p) for p in people])
    winners = [a for a in answers if a != "already"]
    assert len(winners) == 1 and answers.count("already") == 3
    with app.app_context():
        line = db.session.get(StatementLineRecord, line_id)
        assert line.resolved_by_id == winners[0]
        assert line.resolution_note == f"Xử lý bởi {winners[0]}"
