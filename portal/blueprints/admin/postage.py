"""Administration: the postage tariff for returning a result by post (issue 14): one flat
amount per zone, the row without a province being every other province's. The fee lines
of a dossier returned by post add the amount (``payments.fees``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange

from portal import addresses
from portal.blueprints.admin import bp
from portal.blueprints.forms import required
from portal.core.forms import fits
from portal.core.frame import show_refusal, unit_of_work
from portal.core.i18n import lazy_text as _l
from portal.payments import operations as ops
from portal.payments.models import PostageRate
from portal.payments.queries import postage_rates


class PostageForm(FlaskForm):
    zone = StringField(_l("Vùng"), validators=[required(_l("tên vùng")),
                                              fits(PostageRate.zone)])
    # A province of the official list, named as the postal return stores it (the tariff is
    # looked up by that name), or none: every other province.
    province = SelectField(_l("Tỉnh, thành phố"), default="", invalid_choice_message=_l(
        "Chọn một tỉnh, thành phố trong danh sách."))
    amount = IntegerField(_l("Cước (đồng)"), validators=[
        InputRequired(message=_l("Vui lòng nhập cước.")),
        NumberRange(min=0, max=100_000_000, message=_l("Cước từ 0 đến 100.000.000 đồng."))])


@bp.route("/cuoc-buu-chinh", methods=["GET", "POST"])
def postage():
    form = PostageForm()
    form.province.choices = [("", _("Các tỉnh còn lại"))] + [
        (p.name, p.name) for p in addresses.provinces()]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.set_postage(form.zone.data, form.province.data or "", form.amount.data)
        except ops.PaymentError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã lưu cước bưu chính."), "success")
            return redirect(url_for("admin.postage"), 303)
    return render_template("admin/postage.html", form=form, rates=postage_rates()), (
        422 if form.errors or form.form_errors else 200)
