"""Forms of the postal desk."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.blueprints.forms import required
from portal.core.forms import too_long
from portal.core.i18n import lazy_text as _l


class TrackingForm(FlaskForm):
    # A scanner types the number and presses Enter: the form submits, the next item's
    # field has the focus on the page that comes back.
    tracking_number = StringField(_l("Số hiệu bưu gửi"), validators=[
        required(_l("số hiệu bưu gửi")), too_long(20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "spellcheck": "false", "inputmode": "text"})


class StatusForm(FlaskForm):
    action = SelectField(_l("Trạng thái"), choices=[
        SelectChoice("deliver", _l("Đã phát thành công")),
        SelectChoice("fail", _l("Phát không thành công")),
        SelectChoice("return_to_centre", _l("Chuyển hoàn về Trung tâm"))],
        validators=[required(_l("trạng thái"))])
    note = StringField(_l("Ghi chú (không bắt buộc)"), validators=[Optional(), too_long(500)])


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp CSV của bưu chính"), validators=[required(_l("tệp CSV"))],
                     render_kw={"accept": ".csv,text/csv"})


class PickForm(FlaskForm):
    """The items chosen for a new batch: ``item`` checkboxes, read by the route."""

    anchor = HiddenField()
