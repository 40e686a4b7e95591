"""The collection counter: counter officers (their agencies' dossiers) and the bank's
collection officer (every agency) see the amounts due by dossier code and payer name and
record a payment taken at the centre — cash or card, with the bank's receipt number. What
they see is the request's code, payer, lines and amount: no document, no dossier page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import policy
from portal.blueprints.payments import bp
from portal.blueprints.payments.forms import CollectForm
from portal.core.formatting import money
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.extensions import login_manager
from portal.payments import operations as ops
from portal.payments import queries
from portal.payments.models import PaymentMethod


def _may_collect():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.can_use_staff_area() or not policy.may_collect_payments(current_user):
        abort(403)
    return None


def _open_request_or_404(request_id: int):
    found = queries.open_request_by_id(request_id)
    agencies = policy.collection_agency_ids(current_user)
    if found is None or (agencies is not None and found.dossier.agency_id not in agencies):
        abort(404)
    return found


@bp.get("/thu-phi")
@login_required
def collection():
    if (refused := _may_collect()) is not None:
        return refused
    q = request.args.get("q", "")[:100]
    rows = queries.open_requests(q, policy.collection_agency_ids(current_user))
    return render_template("payments/collection.html", rows=rows, q=q)


@bp.route("/thu-phi/<int:request_id>", methods=["GET", "POST"])
@login_required
def collect(request_id: int):
    if (refused := _may_collect()) is not None:
        return refused
    payment_request = _open_request_or_404(request_id)
    form = CollectForm(data=None if request.method == "POST" else {
        "payer_name": payment_request.dossier.applicant_name,
        "method": (PaymentMethod.BANK_COUNTER if policy.is_bank_collector(current_user)
                   else PaymentMethod.COUNTER).value})
    if form.validate_on_submit():
        try:
            with unit_of_work():
                now = utcnow()
                payment = ops.start_payment(payment_request, PaymentMethod(form.method.data),
                                            now, current_user, form.payer_name.data.strip())
                ops.confirm(payment, amount=payment.amount, now=now, source="counter",
                            bank_receipt_no=form.bank_receipt_no.data.strip(),
                            actor=current_user)
        except ops.PaymentError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã ghi nhận thanh toán %(amount)s cho hồ sơ %(code)s và phát hành biên "
                    "lai điện tử.", amount=money(payment.amount),
                    code=payment_request.dossier.code), "success")
            return redirect(url_for("payments.collection"), 303)
    return render_template("payments/collect.html", payment_request=payment_request,
                           form=form), 422 if form.errors or form.form_errors else 200
