"""Every phone field of every form takes a number as people type it and keeps one form of it
(issue 12, citizens: "0912 345 678", "0912.345.678" and "+84 912 345 678" were refused, or
stored as typed). The forms share ``blueprints.forms.phone_field`` / ``phone_number``; this
walk keeps a new phone field from forgetting them."""

from __future__ import annotations

from test_text_lengths import _form_classes, _text_fields
from werkzeug.datastructures import MultiDict
from wtforms import TelField

from portal.blueprints.forms import PhoneNumber


def _phone_fields(app):
    with app.test_request_context():
        for cls in _form_classes():
            for field in _text_fields(cls()):
                if isinstance(field, TelField) or "phone" in field.short_name:
                    yield cls, field.short_name


def test_every_phone_field_normalises_and_refuses_in_vietnamese(app):
    fields = list(_phone_fields(app))
    assert len(fields) >= 5, fields  # registration, staff, applicant, intake, return address
    problems = []
    with app.test_request_context():
        for cls, name in fields:
            # return_method: the return address's phone is checked only for a postal return.
            typed = cls(formdata=MultiDict({name: "+84 912.345-678", "return_method": "postal"}))
            if typed[name].data != "0912345678":
                problems.append(f"{cls.__name__}.{name}: kept {typed[name].data!r}")
            wrong = cls(formdata=MultiDict({name: "0912 345 67", "return_method": "postal"}))
            wrong.validate()
            if str(PhoneNumber.message) not in map(str, wrong[name].errors):
                problems.append(f"{cls.__name__}.{name}: {wrong[name].errors}")
    assert not problems, problems
