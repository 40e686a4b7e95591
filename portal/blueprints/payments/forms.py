"""The payment forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from portal.blueprints.forms import required
from portal.core.forms import fits, too_long
from portal.core.i18n import lazy_text as _l
from portal.payments.models import Payment, PaymentMethod


class CollectForm(FlaskForm):
    """A payment taken at the centre: cash or card, with the bank's receipt number."""

    method = RadioField(_l("Hình thức"), choices=[
        SelectChoice(m.value, _l(m.label))
        for m in (PaymentMethod.COUNTER, PaymentMethod.BANK_COUNTER)],
        validators=[InputRequired(message=_l("Vui lòng chọn hình thức thu."))])
    payer_name = StringField(_l("Họ tên người nộp tiền"), validators=[
        required(_l("họ tên người nộp tiền")), fits(Payment.payer_name)])
    bank_receipt_no = StringField(_l("Số biên lai, chứng từ của ngân hàng"), validators=[
        required(_l("số biên lai, chứng từ của ngân hàng")), fits(Payment.bank_receipt_no)])


MAX_STATEMENT_BYTES = 5 * 1024 * 1024


class StatementForm(FlaskForm):
    file = FileField(_l("Tệp sao kê (CSV hoặc XLSX)"), validators=[
        FileRequired(message=_l("Vui lòng chọn tệp sao kê."))])


class ResolveLineForm(FlaskForm):
    """An unmatched bank statement line marked resolved: what was done about it."""

    note = TextAreaField(_l("Ghi chú cách xử lý"), validators=[
        required(_l("ghi chú cách xử lý")), too_long(500)])


class RefundForm(FlaskForm):
    amount = IntegerField(_l("Số tiền hoàn (đồng)"), validators=[
        InputRequired(message=_l("Vui lòng nhập số tiền hoàn.")),
        NumberRange(min=1, message=_l("Số tiền hoàn phải lớn hơn 0."))])
    reason = StringField(_l("Lý do hoàn tiền"), validators=[
        required(_l("lý do hoàn tiền")), too_long(300)])


def fee_answer_form(version, data=None):
    """One quantity per per-unit line and the exemption category, built for the version."""

    class FeeAnswerForm(FlaskForm):
        pass

    for fee in version.fees:
        if fee.basis.value == "per_unit":
            setattr(FeeAnswerForm, f"quantity_{fee.id}", IntegerField(
                _l("Số %(unit)s: %(name)s", unit=fee.unit_label or "bản", name=fee.name),
                validators=[InputRequired(message=_l("Vui lòng nhập số bản.")),
                            NumberRange(min=1, max=1000,
                                        message=_l("Số bản phải từ 1 đến 1000."))]))
    if version.exemptions:
        FeeAnswerForm.exemption = RadioField(
            _l("Đối tượng miễn phí, lệ phí"),
            choices=[SelectChoice("", _l("Không thuộc đối tượng được miễn"))]
            + [SelectChoice(str(e.id), e.name) for e in version.exemptions],
            default="", validators=[Optional()])
        FeeAnswerForm.proof = FileField(_l("Giấy tờ chứng minh thuộc đối tượng được miễn"))
    return FeeAnswerForm(data=data)
