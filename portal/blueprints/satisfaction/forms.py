"""The satisfaction forms: the online rating, signing in to a counter, adding a kiosk."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.core.forms import fits, stripped, too_long
from portal.feedback.models import CRITERIA, SCALE, Kiosk, Overall
from portal.feedback.ratings import COMMENT_LIMIT


def _score(value):
    return None if value in (None, "", "None") else int(value)


class RatingForm(FlaskForm):
    overall = RadioField(_l("Mức độ hài lòng chung"),
                         choices=[SelectChoice(o.value, o.label) for o in Overall],
                         validators=[DataRequired(message=_l(
                             "Vui lòng chọn mức độ hài lòng chung."))],
                         validate_choice=True,
                         invalid_choice_message=_l("Vui lòng chọn mức độ hài lòng chung."))
    comment = TextAreaField(_l("Ý kiến của bạn (không bắt buộc)"),
                            filters=[stripped], validators=[too_long(COMMENT_LIMIT)])

    def criteria(self):
        return [self[name] for name, _label in CRITERIA]


for _name, _label in CRITERIA:
    setattr(RatingForm, _name, RadioField(
        _l(_label), choices=[SelectChoice(v, label) for v, label in SCALE], coerce=_score,
        validators=[Optional()], validate_choice=True,
        invalid_choice_message=_l("Chọn một mức cho tiêu chí này.")))


class CounterForm(FlaskForm):
    counter = SelectField(_l("Quầy"), coerce=int, validators=[DataRequired(
        message=_l("Vui lòng chọn quầy."))], validate_choice=True,
        invalid_choice_message=_l("Vui lòng chọn quầy."))


class KioskForm(FlaskForm):
    counter = SelectField(_l("Quầy"), coerce=int, validators=[DataRequired(
        message=_l("Vui lòng chọn quầy."))], validate_choice=True,
        invalid_choice_message=_l("Vui lòng chọn quầy."))
    label = StringField(_l("Tên thiết bị (không bắt buộc)"), filters=[stripped],
                        validators=[fits(Kiosk.label)])
