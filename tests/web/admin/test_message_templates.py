"""Administrators edit the message templates (issue 13): the list, the edit page with the
documented variables and the SMS length in segments, a refusal in Vietnamese for a template
that breaks out of its sandbox (422, never a 500), saving, a preview with a real dossier
picked by its code, going back to the default; nobody else reaches the pages."""

from __future__ import annotations

import factories
from org_helpers import assert_csrf_required, assert_only_admins, logged_in_admin
from sqlalchemy import select

from portal.extensions import db
from portal.notifications import message_templates as mt

LIST = "/quan-tri/tin-nhan"
EDIT = "/quan-tri/tin-nhan/received/vi"


def _form(**changes) -> dict:
    text = mt.default_source("received", "vi")
    data = {"subject": text.subject, "email_body": text.email_body, "sms_text": text.sms_text,
            "zalo_template_id": "ZNS-1", "zalo_params": "ma_ho_so = code", "dossier_code": ""}
    data.update(changes)
    return data


def _rows():
    return [(r.key, r.language, r.subject) for r in db.session.scalars(select(mt.MessageTemplate))]


def test_the_list_names_every_event_in_both_languages(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get(LIST).get_data(as_text=True)
    assert "Hồ sơ đã được tiếp nhận" in page and "Xin lỗi vì trễ hạn, hẹn lại" in page
    # 19 events (4 of the postal channel, 3 of payments) × 2 languages
    assert page.count('href="/quan-tri/tin-nhan/') == 38
    assert LIST in csrf_client.get("/quan-tri/").get_data(as_text=True)


def test_the_edit_page_shows_variables_preview_and_segments(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get(EDIT).get_data(as_text=True)
    assert "<code>appointment</code>" in page and "<code>received_at</code>" in page
    assert "bảng mã GSM-7: 1 tin nhắn" in page
    assert "Nguyễn Văn An" in page  # the sample values


def test_a_template_reaching_beyond_its_variables_is_refused_in_vietnamese(csrf_client, app,
                                                                           login):
    logged_in_admin(app, login, csrf_client)
    for text, words in (("{{ code.__class__.__mro__ }}", "không hiển thị được"),
                        ("{{ config.SECRET_KEY }}", "biến không có trong danh sách"),
                        ("{% for %}", "lỗi cú pháp")):
        response = csrf_client.post(EDIT, data=_form(email_body=text))
        assert response.status_code == 422, text
        assert words in response.get_data(as_text=True)
    with app.app_context():
        assert _rows() == []


def test_save_then_back_to_the_default(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    sms = "Ho so {{ code }} da tiep nhan, hen {{ appointment | ascii }} " + "x" * 120
    saved = csrf_client.post(EDIT, data=_form(subject="[{{ code }}] Đã nhận hồ sơ",
                                              sms_text=sms))
    assert saved.status_code == 303
    page = csrf_client.get(EDIT).get_data(as_text=True)
    assert "Nội dung đã được quản trị viên sửa" in page
    assert "bảng mã GSM-7: 2 tin nhắn" in page and "tối đa 153 ký tự" in page
    with app.app_context():
        assert _rows() == [("received", "vi", "[{{ code }}] Đã nhận hồ sơ")]
    assert csrf_client.post(f"{EDIT}/mac-dinh").status_code == 303
    with app.app_context():
        assert _rows() == []


def test_vietnamese_sms_counts_ucs2_segments_in_the_preview(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    response = csrf_client.post(EDIT, data={**_form(sms_text="Hồ sơ {{ code }} " + "ạ" * 60),
                                            "preview": "1"})
    assert response.status_code == 200
    assert "bảng mã UCS-2: 2 tin nhắn" in response.get_data(as_text=True)
    with app.app_context():
        assert _rows() == []  # a preview keeps nothing


def test_preview_with_a_real_dossier_by_its_code(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    with app.app_context():
        dossier = factories.submitted_dossier()
        dossier.applicant_name = "Lê Thị Cúc"
        code = dossier.code
        db.session.commit()
    page = csrf_client.get(f"{EDIT}?dossier_code={code}").get_data(as_text=True)
    assert code in page and "Lê Thị Cúc" in page
    missing = csrf_client.get(f"{EDIT}?dossier_code=KHONG-CO").get_data(as_text=True)
    assert "Không tìm thấy hồ sơ có mã KHONG-CO" in missing


def test_unknown_template_is_404(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get("/quan-tri/tin-nhan/nope/vi").status_code == 404
    assert csrf_client.get("/quan-tri/tin-nhan/received/fr").status_code == 404


def test_only_administrators(app, login):
    calls = [("get", LIST, None), ("get", EDIT, None), ("post", EDIT, _form()),
             ("post", f"{EDIT}/mac-dinh", {}), ("post", f"{EDIT}/do-dai-sms", {"sms_text": "x"})]
    assert_only_admins(app, login, calls, _rows)


def test_csrf_is_required(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    assert_csrf_required(csrf_client, [(EDIT, _form()), (f"{EDIT}/mac-dinh", {})])


def test_the_sms_length_follows_the_typing(csrf_client, app, login):
    """The htmx answer under the SMS field: the typed text with the sample values."""
    logged_in_admin(app, login, csrf_client)
    url = f"{EDIT}/do-dai-sms"
    plain = csrf_client.post(url, data={"sms_text": "Ho so {{ code }} " + "a" * 150})
    assert plain.status_code == 200
    assert "bảng mã GSM-7, 2 tin nhắn" in plain.get_data(as_text=True)
    accented = csrf_client.post(url, data={"sms_text": "Hồ sơ {{ code }}"})
    assert "bảng mã UCS-2, 1 tin nhắn" in accented.get_data(as_text=True)
    broken = csrf_client.post(url, data={"sms_text": "{{ code.__class__ }}"})
    assert broken.status_code == 200 and "Chưa tính được độ dài" in broken.get_data(as_text=True)
    assert csrf_client.client.post(url, data={"sms_text": "x"}).status_code == 400
