"""The feedback forms: the public submission (with its honeypot), the staff's record of an
item received in person or on the hotline, routing, answering, publishing, the lookup and the
citizen's word on the answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.blueprints.forms import email_field, phone_field, required, valid_email
from portal.core.forms import fits, stripped, too_long
from portal.feedback.complaints.models import Complaint, ComplaintChannel, ComplaintTopic
from portal.feedback.complaints.operations import MAX_TEXT

HONEYPOT = "website"


class SubmitForm(FlaskForm):
    topic = RadioField(_l("Nội dung phản ánh, kiến nghị về"),
                       choices=[SelectChoice(t.value, _l(t.label)) for t in ComplaintTopic],
                       validators=[required(_l("nội dung phản ánh thuộc loại nào"))])
    text = TextAreaField(_l("Nội dung phản ánh, kiến nghị"), filters=[stripped],
                         validators=[required(_l("nội dung phản ánh, kiến nghị")),
                                     too_long(MAX_TEXT)])
    dossier_code = StringField(_l("Mã hồ sơ liên quan (nếu có)"), filters=[stripped],
                               validators=[Optional(), too_long(40)])
    contact_name = StringField(_l("Họ và tên"), filters=[stripped],
                               validators=[required(_l("họ và tên")),
                                           fits(Complaint.contact_name)])
    contact_phone = phone_field(_l("Số điện thoại"), Complaint.contact_phone, Optional())
    contact_email = email_field(_l("E-mail"), Optional(), valid_email())
    # The honeypot: hidden from people by a CSS class (never an inline style: CSP), left
    # empty by them; a robot filling every field gives itself away.
    website = StringField(_l("Để trống ô này"), validators=[too_long(200)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not (self.contact_phone.data or self.contact_email.data):
            self.contact_phone.errors.append(
                str(_l("Vui lòng nhập số điện thoại hoặc e-mail để nhận trả lời.")))
            return False
        return ok


class RecordForm(SubmitForm):
    """An item received at the counter or on the hotline, typed in by the staff."""

    channel = RadioField(_l("Tiếp nhận qua"),
                         choices=[SelectChoice(c.value, _l(c.label)) for c in ComplaintChannel
                                  if c is not ComplaintChannel.ONLINE],
                         default=ComplaintChannel.COUNTER.value,
                         validators=[required(_l("kênh tiếp nhận"))])


class RouteForm(FlaskForm):
    agency = SelectField(_l("Cơ quan chịu trách nhiệm xử lý"), coerce=int,
                         validators=[required(_l("cơ quan xử lý"))])
    note = StringField(_l("Ghi chú khi chuyển (không bắt buộc)"), filters=[stripped],
                       validators=[fits(Complaint.routing_note)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Nội dung trả lời"), filters=[stripped],
                           validators=[required(_l("nội dung trả lời")), too_long(MAX_TEXT)])


class PublishForm(FlaskForm):
    public_text = TextAreaField(_l("Nội dung công khai"), filters=[stripped],
                                validators=[required(_l("nội dung công khai")),
                                            too_long(MAX_TEXT)])
    public_answer = TextAreaField(_l("Trả lời công khai"), filters=[stripped],
                                  validators=[required(_l("trả lời công khai")),
                                              too_long(MAX_TEXT)])


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: nothing changes

    ma = StringField(_l("Mã phản ánh"), filters=[stripped],
                     validators=[required(_l("mã phản ánh")), too_long(20)])
    lien_he = StringField(_l("Số điện thoại hoặc e-mail đã cung cấp khi gửi"),
                          filters=[stripped],
                          validators=[required(_l("số điện thoại hoặc e-mail")), too_long(254)])


class SettleForm(FlaskForm):
    ma = HiddenField(validators=[too_long(20)])
    t = HiddenField(validators=[too_long(64)])
    settled = RadioField(_l("Trả lời này đã giải quyết được vấn đề của bạn chưa?"),
                         choices=[SelectChoice("yes", _l("Đã giải quyết")),
                                  SelectChoice("no", _l("Chưa giải quyết"))],
                         validators=[required(_l("ý kiến của bạn"))])
