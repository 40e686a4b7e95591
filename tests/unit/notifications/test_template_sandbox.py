"""Message templates render in a sandbox (issue 13): a template sees only the documented
plain values of its event; whatever else it tries is refused at save time with a Vietnamese
message (never a 500), and a saved text that still fails on real values gives way to the
shipped one."""

from __future__ import annotations

import pytest

from portal.notifications import message_templates as mt
from portal.notifications.defaults import EVENTS, LANGUAGES


def _save(db_session, **texts):
    base = {"subject": "[{{ code }}] Tiếp nhận", "email_body": "Hồ sơ {{ code }}",
            "sms_text": "Ho so {{ code }}", "zalo_template_id": "123", "zalo_params": ""}
    base.update(texts)
    return mt.save("received", "vi", user_id=None, **base)


@pytest.mark.parametrize("text", [
    "{{ code.__class__ }}",
    "{{ code.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ code.format.__globals__ }}",
    "{{ (code.upper).__self__.__class__ }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ code.mro() }}",
])
def test_a_template_cannot_reach_beyond_its_variables(db_session, text):
    with pytest.raises(mt.TemplateRefused) as refused:
        _save(db_session, email_body=text)
    assert refused.value.field == "email_body"
    assert str(refused.value.args[0]).startswith("Mẫu")


@pytest.mark.parametrize(("text", "words"), [
    ("{{ config }}", "biến không có trong danh sách"),
    ("{{ dossier.applicant.password_hash }}", "biến không có trong danh sách"),
    ("{{ request }}", "biến không có trong danh sách"),
    ("{{ code", "lỗi cú pháp"),
    ("{% if %}", "lỗi cú pháp"),
    ("{{ 1 / 0 }}", "không hiển thị được"),
    ("{{ code | no_such_filter }}", "lỗi cú pháp"),
])
def test_unknown_names_and_broken_templates_are_refused_in_vietnamese(db_session, text, words):
    with pytest.raises(mt.TemplateRefused) as refused:
        _save(db_session, subject=text)
    assert words in str(refused.value.args[0]) and refused.value.field == "subject"


def test_the_documented_variables_render_and_are_saved(db_session):
    row = _save(db_session, sms_text="Ho so {{ code }} hen {{ appointment | ascii }}",
                zalo_params="ma_ho_so = code\nngay_hen = appointment")
    assert row.id is not None
    message = mt.render("received", "vi", {**EVENTS["received"].samples(), "code": "X-1"})
    assert message.sms_text.startswith("Ho so X-1 hen 09:00 thu Tu")
    assert message.zalo_template_id == "123"
    assert message.zalo_data == {"ma_ho_so": "X-1", "ngay_hen": "09:00 thứ Tư 19/03/2025"}


def test_zalo_parameters_name_documented_variables_only(db_session):
    with pytest.raises(mt.TemplateRefused) as refused:
        _save(db_session, zalo_params="ma_ho_so = code\nmat_khau = password_hash")
    assert refused.value.field == "zalo_params" and "Dòng 2" in str(refused.value.args[0])
    with pytest.raises(mt.TemplateRefused):
        _save(db_session, zalo_params="chỉ một từ")


def test_a_saved_template_failing_on_real_values_falls_back_to_the_shipped_one(db_session):
    # Passes the check on the samples (appointment is a string there), fails on a value
    # the check never saw: the officer's action must still go through, with the default.
    _save(db_session, email_body="{{ appointment[10] }}")
    message = mt.render("received", "vi", {**EVENTS["received"].samples(), "appointment": "x"})
    assert "đã được" in message.email_body and "tiếp nhận" in message.email_body


def test_every_shipped_template_passes_its_own_check(db_session):
    for key, event in EVENTS.items():
        for language in LANGUAGES:
            text = event.texts[language]
            mt.save(key, language, text.subject, text.email_body, text.sms_text,
                    text.zalo_template_id, mt.format_zalo_params(text.zalo_params), None)
            mt.reset(key, language)
            assert mt.saved(key, language) is None
