"""The applicant's side: fee answers on a draft, choosing how to pay what a dossier owes,
the VietQR transfer page, the receipts (HTML, PDF) and the public receipt check.

Every loader applies the visibility rule in its query (``payments.queries``): another
person's request, payment or receipt is a 404."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from babel.numbers import format_currency
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import policy
from portal.blueprints.documents import CSS_PATH
from portal.blueprints.forms import EmptyForm
from portal.blueprints.payments import bp
from portal.blueprints.payments.forms import fee_answer_form
from portal.config import gateway_config
from portal.core import formatting
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.pdf import pdf_response
from portal.core.security import CSP
from portal.core.uploads import accepts_files
from portal.dossiers import queries as dossier_queries
from portal.dossiers.files import UploadLimits, type_names, whole_megabytes
from portal.payments import fees, queries, receipts, vietqr, vnpay
from portal.payments import operations as ops
from portal.payments.models import PaymentMethod, PaymentState, RequestState
from portal.payments.words import amount_in_words


@bp.app_template_filter("vnd")
def vnd(amount: int) -> str:
    """1.500.000 ₫ (0 ₫ too: a waived line shows its zero)."""
    return format_currency(amount or 0, "VND", locale="vi_VN")


@bp.app_template_global()
def is_bank_collector() -> bool:
    """The bank's collection officer: the navbar's one work link is the collection counter."""
    return current_user.is_authenticated and policy.is_bank_collector(current_user)


@bp.app_template_global()
def payments_link() -> tuple[str, str] | None:
    """The navbar's fees entry: the collection counter for those who collect (the bank's
    officer, counter officers), else the reconciliation page (leaders, the supervisor)."""
    if not current_user.is_authenticated or not current_user.can_use_staff_area():
        return None
    if policy.may_collect_payments(current_user):
        return url_for("payments.collection"), _("Thu phí, lệ phí")
    if policy.may_reconcile(current_user):
        return url_for("payments.reconciliation"), _("Đối soát thu phí")
    return None


@bp.app_template_global()
def fees_due(dossier):
    return fees.due_for(dossier)


@bp.app_template_global()
def exemption_reason(dossier) -> str:
    claim = fees.claim_of(dossier)
    return claim.decision_reason if claim is not None else ""


@bp.app_template_global()
def payment_requests(dossier):
    return queries.requests_of(dossier)


@bp.app_template_global()
def dossier_receipts(dossier):
    return queries.receipts_of(dossier)


@bp.app_template_global()
def awaits_payment(dossier) -> bool:
    return dossier.id is not None and queries.awaits_payment_at_submission(dossier.id)


def _request_or_404(request_id: int):
    found = queries.request_for_applicant(current_user, request_id)
    if found is None:
        abort(404)
    return found


def _payment_or_404(payment_id: int):
    found = queries.payment_for_applicant(current_user, payment_id)
    if found is None:
        abort(404)
    return found


def _fee_draft_or_404(dossier_id: int):
    """The applicant's own draft (the upload guard's rule too, before the body is read)."""
    dossier = dossier_queries.get_dossier_for(current_user, dossier_id)
    if dossier is None or not dossier.is_draft:
        abort(404)
    return dossier


def _fee_data(dossier) -> dict:
    """What the fee form shows of the draft's saved answers."""
    answers = fees.quantities_of(dossier)
    exemption = fees.exemption_of(dossier)
    data = {f"quantity_{f.id}": answers.get(f.id, 1) for f in dossier.procedure_version.fees}
    data["exemption"] = str(exemption.id) if exemption else ""
    return data


def _save_fee_answers(dossier, form) -> None:
    """The quantities, the exemption claimed and its proof (a claim needs one)."""
    version = dossier.procedure_version
    quantities = {f.id: form[f"quantity_{f.id}"].data for f in version.fees
                  if f"quantity_{f.id}" in form}
    chosen = form.exemption.data if "exemption" in form else ""
    proof = form.proof.data if "proof" in form else None
    ops.answer_fees(dossier, quantities, int(chosen) if chosen else None)
    if chosen and proof is not None and proof.filename:
        ops.attach_exemption_proof(dossier, proof.stream, proof.filename, current_user,
                                   current_app.extensions["storage"],
                                   UploadLimits.from_config(current_app.config["PORTAL"]))
    if chosen:
        ops.require_exemption_proof(dossier)


@bp.route("/thanh-toan/ho-so/<int:dossier_id>/phi", methods=["GET", "POST"])
@login_required
@accepts_files(_fee_draft_or_404)
def fee_answers(dossier_id: int):
    """The quantities of per-copy lines and an exemption claim with its proof, on a draft."""
    dossier = _fee_draft_or_404(dossier_id)
    version = dossier.procedure_version
    form = fee_answer_form(version, None if request.method == "POST" else _fee_data(dossier))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                _save_fee_answers(dossier, form)
        except ops.PaymentError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã lưu thông tin phí, lệ phí."), "success")
            return redirect(url_for("citizen.review", dossier_id=dossier.id), 303)
    return render_template("payments/fee_answers.html", dossier=dossier, form=form,
                           due=fees.due_for(dossier), claim=fees.claim_of(dossier),
                           upload_types=type_names(), upload_size=whole_megabytes(
                               current_app.config["PORTAL"].max_file_bytes)), (
        422 if form.errors else 200)


@bp.get("/thanh-toan/<int:request_id>")
@login_required
def pay(request_id: int):
    payment_request = _request_or_404(request_id)
    response = make_response(render_template(
        "payments/pay.html", payment_request=payment_request, dossier=payment_request.dossier,
        form=_empty_form(), in_words=amount_in_words(payment_request.amount)))
    # The card form's answer redirects to the gateway: CSP's form-action covers redirects,
    # so this page (only) lets a form lead to the gateway's origin.
    gateway = urlsplit(gateway_config(current_app).url)
    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {gateway.scheme}://{gateway.netloc}")
    return response


def _empty_form():
    return EmptyForm()


def _start(request_id: int, method: PaymentMethod):
    payment_request = _request_or_404(request_id)
    form = _empty_form()
    if not form.validate_on_submit():
        abort(400)
    if payment_request.state is not RequestState.OPEN:
        flash(_("Khoản này đã được thanh toán."), "info")
        return None, payment_request
    with unit_of_work():
        payment = ops.start_payment(payment_request, method, utcnow(), current_user)
    return payment, payment_request


@bp.post("/thanh-toan/<int:request_id>/cong-thanh-toan")
@login_required
def pay_by_gateway(request_id: int):
    """To the gateway's page (VNPay 2.1.0): a signed URL, the amount, our reference."""
    payment, payment_request = _start(request_id, PaymentMethod.GATEWAY)
    if payment is None:
        return redirect(url_for("payments.pay", request_id=request_id), 303)
    target = vnpay.payment_url(
        gateway_config(current_app), txn_ref=payment.txn_ref, amount_vnd=payment.amount,
        order_info=f"Thanh toan ho so {payment_request.dossier.code}",
        return_url=url_for("payments.gateway_return", _external=True),
        ip_addr=request.remote_addr or "127.0.0.1", created_at=payment.created_at,
        locale="en" if _locale() == "en" else "vn")
    return redirect(target, 303)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


@bp.post("/thanh-toan/<int:request_id>/chuyen-khoan")
@login_required
def pay_by_transfer(request_id: int):
    payment, _request = _start(request_id, PaymentMethod.VIETQR)
    if payment is None:
        return redirect(url_for("payments.pay", request_id=request_id), 303)
    return redirect(url_for("payments.transfer", payment_id=payment.id), 303)


@bp.get("/thanh-toan/giao-dich/<int:payment_id>/chuyen-khoan")
@login_required
def transfer(payment_id: int):
    """The VietQR transfer: the QR, the account, the amount and the dossier code as note."""
    payment = _payment_or_404(payment_id)
    if payment.method is not PaymentMethod.VIETQR:
        abort(404)
    settings = current_app.config["PORTAL"]
    dossier = payment.request.dossier
    return render_template("payments/transfer.html", payment=payment, dossier=dossier,
                           qr=_vietqr_image(settings, payment.amount, dossier.code),
                           note=vietqr.transfer_note(dossier.code),
                           settings=settings, pending=payment.state is PaymentState.PENDING)


def _vietqr_image(settings, amount: int, code: str) -> str:
    """The dynamic VietQR (NAPAS, the centre's account, the amount, the code as note)."""
    return vietqr.qr_data_uri(vietqr.payload(
        bin=settings.vietqr_bank_bin, account=settings.vietqr_account, amount_vnd=amount,
        note=code, merchant_name=settings.vietqr_account_name))


@bp.get("/thanh-toan/bien-lai/<int:receipt_id>")
@login_required
def receipt(receipt_id: int):
    found = queries.receipt_for_applicant(current_user, receipt_id)
    if found is None:
        abort(404)
    return _receipt_page(found, pdf_url=url_for("payments.receipt_pdf", receipt_id=found.id))


@bp.get("/thanh-toan/bien-lai/<int:receipt_id>.pdf")
@login_required
def receipt_pdf(receipt_id: int):
    found = queries.receipt_for_applicant(current_user, receipt_id)
    if found is None:
        abort(404)
    html = _receipt_html(found, pdf=True)
    return pdf_response(html, f"bien-lai-{found.symbol}-{found.number_text}.pdf",
                        [CSS_PATH.read_text(encoding="utf-8")])


@bp.get("/bien-lai/<token>")
def verify_receipt(token: str):
    """The public check of a receipt (its QR leads here): only what the paper shows."""
    found = receipts.by_token(token)
    if found is None:
        abort(404)
    return render_template("payments/verify.html", receipt=found,
                           in_words=amount_in_words(found.amount))


def _receipt_html(found, *, pdf: bool, pdf_url: str | None = None) -> str:
    payment = found.payment
    link = url_for("payments.verify_receipt", token=found.token, _external=True)
    return render_template("payments/receipt.html", receipt=found, payment=payment,
                           lines=payment.request.lines, in_words=amount_in_words(found.amount),
                           qr=segno.make(link, error="m").svg_data_uri(scale=3),
                           verify_url=link, pdf=pdf, pdf_url=pdf_url,
                           vn_date_line=formatting.vn_date_line, vn_money=formatting.vn_money,
                           vn_number=formatting.vn_number,
                           back_url=url_for("citizen.dossier",
                                            dossier_id=payment.request.dossier_id))


def _receipt_page(found, pdf_url: str):
    return _receipt_html(found, pdf=False, pdf_url=pdf_url)
