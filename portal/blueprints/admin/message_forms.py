"""The form of a message template (issue 13)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from portal.core.forms import stripped, too_long
from portal.notifications.message_templates import LIMITS


class MessageTemplateForm(FlaskForm):
    subject = StringField(_l("Tiêu đề e-mail"), filters=[stripped],
                          validators=[too_long(LIMITS["subject"])])
    email_body = TextAreaField(_l("Nội dung e-mail"), validators=[too_long(LIMITS["email_body"])])
    sms_text = TextAreaField(_l("Nội dung SMS"), validators=[too_long(LIMITS["sms_text"])])
    zalo_template_id = StringField(_l("Mã mẫu Zalo (ZNS template id)"), filters=[stripped],
                                   validators=[too_long(64)])
    zalo_params = TextAreaField(_l("Tham số mẫu Zalo"), validators=[too_long(2000)])
    dossier_code = StringField(_l("Mã hồ sơ để xem trước"), filters=[stripped],
                               validators=[too_long(40)])
