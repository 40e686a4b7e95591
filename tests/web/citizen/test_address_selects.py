"""The address selects (issue 15) on the submission's return step and on the profile, and
their htmx endpoint: a province's wards, narrowed without accents; a wrong province or ward
is refused in Vietnamese with nothing typed lost; without JavaScript "Chọn" brings the
province's wards back on the same form."""

from __future__ import annotations

import re

from submission_helpers import POSTAL, complete_draft, start_draft

from portal.accounts.queries import user_by_email
from portal.dossiers.models import Dossier
from portal.extensions import db

WARDS = "/dia-chi/phuong-xa"
PROFILE = "/tai-khoan/ho-so-ca-nhan"


def _options(html: str) -> list[str]:
    return re.findall(r'<option[^>]*value="(\d*)"', html)


def _selected(html: str, name: str) -> str | None:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    found = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', select)
    return next((g for g in found.groups() if g), None) if found else None


# --- the endpoint -------------------------------------------------------------------------

def test_ward_options_of_a_province_without_an_account(client):
    response = client.get(f"{WARDS}?province_code=51", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'name="ward_code"' in html and 'for="ward_code"' in html
    assert len(_options(html)) == 97  # the prompt and Quảng Ngãi's 96 units
    assert "Phường Cẩm Thành" in html and "Đặc khu Lý Sơn" in html
    assert "Phường Trần Phú" not in html  # Hà Tĩnh's


def test_the_type_ahead_ignores_accents_and_keeps_the_chosen_ward(client):
    html = client.get(f"{WARDS}?province_code=42&ward_query=tran+phu").get_data(as_text=True)
    assert _options(html) == ["", "18100"] and "Phường Trần Phú" in html
    html = client.get(f"{WARDS}?province_code=51&ward_query=nghia+lo&ward_code=21025"
                      ).get_data(as_text=True)
    assert _options(html) == ["", "21025", "21028"]  # Cẩm Thành stays chosen
    assert _selected(html, "ward_code") == "21025"
    none = client.get(f"{WARDS}?province_code=51&ward_query=zzz").get_data(as_text=True)
    assert _options(none) == [""] and "Không có phường, xã phù hợp" in none


def test_unknown_province_or_garbage_answers_an_empty_list(client):
    for query in ("province_code=99", "province_code=abc", "province_code=",
                  "province_code=51%00", "ward_query=" + "a" * 500):
        response = client.get(f"{WARDS}?{query}")
        assert response.status_code == 200
    html = client.get(f"{WARDS}?province_code=99").get_data(as_text=True)
    assert _options(html) == [""] and "Chọn tỉnh, thành phố trước" in html


# --- the return step ----------------------------------------------------------------------

def test_return_step_offers_the_profile_address_by_default(citizen, app, setup):
    with app.app_context():
        from portal.accounts import operations as account_ops

        user = user_by_email(setup.email)
        account_ops.update_profile(user, user.full_name, user.phone, ("51", "21028", "Tổ 3"))
        db.session.commit()
    dossier_id = start_draft(citizen, setup)
    html = citizen.get(f"/ho-so/{dossier_id}/nhan-ket-qua").get_data(as_text=True)
    assert _selected(html, "province_code") == "51" and _selected(html, "ward_code") == "21028"
    assert 'value="Tổ 3"' in html
    assert f'hx-get="{WARDS}"' in html and 'name="chon_dia_chi"' in html


def test_bad_ward_or_province_is_refused_in_vietnamese_and_nothing_is_lost(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    url = f"/ho-so/{dossier_id}/nhan-ket-qua"
    other = citizen.post(url, data=dict(POSTAL, ward_code="18100"))  # Hà Tĩnh's Trần Phú
    html = other.get_data(as_text=True)
    assert other.status_code == 422
    assert "Phường Trần Phú không thuộc Tỉnh Quảng Ngãi" in html
    assert 'value="12 Quang Trung"' in html and 'value="Nguyễn Văn Bình"' in html
    assert 'value="0905111222"' in html
    bad_province = citizen.post(url, data=dict(POSTAL, province_code="77"))
    assert bad_province.status_code == 422
    assert "Vui lòng chọn tỉnh, thành phố trong danh sách" in bad_province.get_data(as_text=True)
    no_street = citizen.post(url, data=dict(POSTAL, street=""))
    assert "Vui lòng nhập số nhà, đường, thôn, xóm" in no_street.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).return_method is None


def test_without_javascript_choose_brings_the_wards_and_keeps_what_was_typed(citizen, app,
                                                                             setup):
    dossier_id = start_draft(citizen, setup)
    url = f"/ho-so/{dossier_id}/nhan-ket-qua"
    form = dict(POSTAL, province_code="42", ward_code="", ward_query="", chon_dia_chi="1",
                street="5 Hà Huy Tập")
    picked = citizen.post(url, data=form)
    html = picked.get_data(as_text=True)
    assert picked.status_code == 200 and "Vui lòng sửa các lỗi sau" not in html
    assert _selected(html, "province_code") == "42" and "Phường Trần Phú" in html
    assert "Phường Cẩm Thành" not in html
    assert 'value="5 Hà Huy Tập"' in html and 'value="Nguyễn Văn Bình"' in html
    narrowed = citizen.post(url, data=dict(form, ward_query="tran phu")).get_data(as_text=True)
    assert _options(narrowed.split('name="ward_code"')[1].split("</select>")[0]) == [
        "", "18100"]
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).return_method is None  # nothing saved
    form.pop("chon_dia_chi")
    done = citizen.post(url, data=dict(form, ward_code="18100"))
    assert done.status_code == 303
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert (dossier.postal_province_code, dossier.postal_ward_code) == ("42", "18100")


def test_the_review_and_the_dossier_show_the_postal_address(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    assert citizen.post(f"/ho-so/{dossier_id}/nhan-ket-qua", data=POSTAL).status_code == 303
    review = citizen.get(f"/ho-so/{dossier_id}/kiem-tra").get_data(as_text=True)
    assert "12 Quang Trung, Phường Cẩm Thành, Tỉnh Quảng Ngãi" in review
    assert citizen.post(f"/ho-so/{dossier_id}/nop").status_code == 303
    page = citizen.get(f"/ho-so/{dossier_id}").get_data(as_text=True)
    assert "12 Quang Trung, Phường Cẩm Thành, Tỉnh Quảng Ngãi" in page


# --- the profile --------------------------------------------------------------------------

def test_profile_address_from_the_list(citizen, app, setup):
    page = citizen.get(PROFILE).get_data(as_text=True)
    assert _selected(page, "province_code") == "51"  # the centre's province by default
    bad = citizen.post(PROFILE, data={"full_name": "Nguyễn Văn Bình", "phone": "0905111222",
                                      "province_code": "51", "ward_code": "18100",
                                      "street": "Tổ 3"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "không thuộc Tỉnh Quảng Ngãi" in html
    assert 'value="Tổ 3"' in html
    picked = citizen.post(PROFILE, data={"full_name": "Nguyễn Văn Bình", "phone": "0905111222",
                                         "province_code": "01", "street": "Tổ 3",
                                         "chon_dia_chi": "1"})
    assert picked.status_code == 200 and "Phường Ba Đình" in picked.get_data(as_text=True)
    saved = citizen.post(PROFILE, data={"full_name": "Nguyễn Văn Bình", "phone": "0905111222",
                                        "province_code": "01", "ward_code": "00004",
                                        "street": "Tổ 3"})
    assert saved.status_code == 303
    with app.app_context():
        user = user_by_email(setup.email)
        assert user.address == "Tổ 3, Phường Ba Đình, Thành phố Hà Nội"
        assert user.address_ward_code == "00004"


def test_an_old_typed_profile_address_stays_readable(citizen, app, setup):
    with app.app_context():
        user_by_email(setup.email).address = "Tổ 5, phường Trần Phú, TP Quảng Ngãi"
        db.session.commit()
    html = citizen.get(PROFILE).get_data(as_text=True)
    assert "Địa chỉ đã lưu trước đây: Tổ 5, phường Trần Phú, TP Quảng Ngãi" in html
    kept = citizen.post(PROFILE, data={"full_name": "Nguyễn Văn Bình", "phone": "0905111222",
                                       "province_code": "51", "ward_code": "", "street": ""})
    assert kept.status_code == 303
    with app.app_context():
        assert user_by_email(setup.email).address == "Tổ 5, phường Trần Phú, TP Quảng Ngãi"
