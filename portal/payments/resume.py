"""Pay later (issue 14): a payment request issued for the workflow's financial obligation
resumes the dossier by itself once it is confirmed — the same ``obligation_fulfilled`` action
an officer takes, in the confirming transaction, in the name of the officer who issued it."""

from __future__ import annotations

from datetime import datetime

from portal.calendar.overrides import current_calendar
from portal.dossiers.models import Dossier
from portal.dossiers.states import DossierState
from portal.extensions import db
from portal.payments.models import Payment
from portal.workflow import actions, obligations
from portal.workflow.transitions import Action


def after_obligation_paid(dossier: Dossier, payment: Payment, now: datetime) -> None:
    if dossier.state is not DossierState.AWAITING_PAYMENT_OF_OBLIGATION:
        return
    item = obligations.current(dossier)
    if item is None or not item.open:
        return
    from portal.accounts.models import User

    officer = db.session.get(User, item.requested_by_id)
    ctx = actions.Context(user=officer, now=now, calendar=current_calendar(),
                          actors=frozenset(Action.OBLIGATION_FULFILLED.transition.actors))
    actions.obligation_fulfilled(dossier, ctx, note=f"Thanh toán trực tuyến {payment.txn_ref}")
