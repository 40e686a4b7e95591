"""The collection counter: counter officers (their agencies' dossiers) and the bank's
collection officer (every agency) see the amounts due by dossier code and payer name and
record a payment taken at the centre — cash or card, with the bank's receipt number. What
they see is the request's code, payer, lines and amount: no document, no dossier page."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import policy
from portal.blueprints.payments import bp
from portal.blueprints.payments.forms import (
    MAX_STATEMENT_BYTES,
    CollectForm,
    RefundForm,
    StatementForm,
)
from portal.config import gateway_config
from portal.core.formatting import money
from portal.core.frame import show_refusal, unit_of_work
from portal.core.i18n import lazy_text as _l
from portal.core.models import utcnow
from portal.core.uploads import accepts_files
from portal.extensions import login_manager
from portal.payments import operations as ops
from portal.payments import queries, reconcile, statement, vnpay
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
    agencies = policy.collection_agency_ids(current_user)
    rows = queries.open_requests(q, agencies)
    counter = policy.counter_agency_ids(current_user)  # refunds: the agency's own officers
    paid = queries.paid_payments(q, counter) if counter else []
    return render_template("payments/collection.html", rows=rows, q=q, paid=paid)


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


def _refundable_or_404(payment_id: int):
    """A paid payment of a dossier of the counter officer's own agencies (refunds are the
    agency's decision: the bank's collection officer does not make them)."""
    agencies = policy.counter_agency_ids(current_user)
    found = queries.payment_of_agencies(payment_id, agencies) if agencies else None
    if found is None:
        abort(404)
    return found


@bp.route("/thu-phi/giao-dich/<int:payment_id>/hoan-tien", methods=["GET", "POST"])
@login_required
def refund(payment_id: int):
    """Money given back (a refused or withdrawn dossier, an overpayment): recorded against
    the payment, through the gateway for a card payment; the receipt is marked."""
    if (refused := _may_collect()) is not None:
        return refused
    payment = _refundable_or_404(payment_id)
    form = RefundForm(data=None if request.method == "POST" else {
        "amount": payment.amount - payment.refunded_amount})
    if form.validate_on_submit():
        try:
            now = utcnow()
            if payment.method is PaymentMethod.GATEWAY:
                _refund_at_gateway(payment, form.amount.data, now)
            with unit_of_work():
                ops.refund(payment, form.amount.data, now, current_user, form.reason.data)
        except ops.PaymentError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã ghi nhận hoàn trả %(amount)s; biên lai đã được đánh dấu.",
                    amount=money(form.amount.data)), "success")
            return redirect(url_for("payments.collection", q=payment.request.dossier.code), 303)
    return render_template("payments/refund.html", payment=payment, form=form), (
        422 if form.errors or form.form_errors else 200)


def _refund_at_gateway(payment, amount: int, now) -> None:
    """Ask the gateway first: only money it gave back is recorded as refunded."""
    kind = vnpay.REFUND_FULL if amount == payment.amount else vnpay.REFUND_PARTIAL
    try:
        answer = vnpay.refund(gateway_config(current_app), txn_ref=payment.txn_ref,
                              amount_vnd=amount, transaction_type=kind,
                              transaction_date=payment.created_at,
                              created_by=current_user.email, ip_addr=request.remote_addr
                              or "127.0.0.1", request_id=secrets.token_hex(8), now=now,
                              transaction_no=payment.gateway_txn_no)
    except vnpay.GatewayError as error:
        raise ops.PaymentError(_l("Cổng thanh toán không trả lời yêu cầu hoàn tiền; vui lòng "
                                  "thử lại sau.")) from error
    if not answer.success:
        raise ops.PaymentError(_l("Cổng thanh toán từ chối hoàn tiền (mã %(code)s).",
                                  code=answer.response_code))


def _may_import_statement() -> None:
    """The upload guard's rule, before the statement is read."""
    if not current_user.can_use_staff_area() or not policy.may_collect_payments(current_user):
        abort(403)


@bp.route("/thu-phi/sao-ke", methods=["GET", "POST"])
@login_required
@accepts_files(_may_import_statement)
def statement_import():
    """The bank statement (CSV/XLSX): matched VietQR transfers confirm their payments; the
    other lines are listed, and kept for a person to resolve on the reconciliation page."""
    if (refused := _may_collect()) is not None:
        return refused
    form = StatementForm()
    result, problems = None, []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            lines = statement.parse(upload.read(MAX_STATEMENT_BYTES + 1)[:MAX_STATEMENT_BYTES],
                                    upload.filename or "")
            with unit_of_work():
                result = reconcile.record(lines, utcnow(), current_user,
                                          policy.collection_agency_ids(current_user),
                                          filename=upload.filename or "")
        except statement.StatementError as error:
            problems = error.problems
    return render_template("payments/statement.html", form=form, result=result,
                           problems=problems, may_reconcile=policy.may_reconcile(current_user)
                           ), 422 if problems or form.errors else 200
