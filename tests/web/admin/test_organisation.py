"""Administration of agencies, their fields and the counters."""

import re

import factories
from org_helpers import assert_csrf_required, assert_only_admins, logged_in_admin

from portal.catalog.models import Agency, AgencyKind, Counter, Field
from portal.extensions import db

NEW_AGENCY = {"code": "sngv", "unit_code": "000.00.17.h48", "name": "Sở Ngoại vụ",
              "name_en": "Department of Foreign Affairs", "kind": "department",
              "position": "3", "active": "y"}


def _agency_state():
    return sorted((a.code, a.unit_code, a.name, a.active, len(a.fields), len(a.counters))
                  for a in db.session.scalars(db.select(Agency)))


def _counter_state():
    return sorted((c.number, c.name, c.agency_id, c.active)
                  for c in db.session.scalars(db.select(Counter)))


def _seed(app):
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        agency.counters.append(Counter(number=7, name="Quầy Tư pháp"))
        factories.published_procedure(agency, code="2.000488")
        spare = Field(code="HT", name="Hộ tịch")
        agency.fields.append(spare)
        db.session.commit()
        used = next(f for f in agency.fields if f.code == "LV1")
        return {"agency": agency.id, "used_field": used.id, "spare": spare.id,
                "counter": agency.counters[0].id}


def test_list_shows_codes_kind_counts_and_status(csrf_client, app, login):
    _seed(app)
    with app.app_context():
        other = factories.agency("SYT", "Sở Y tế")
        other.active = False
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert "Sở Tư pháp" in page and "Sở, ban, ngành" in page and "Ngừng hoạt động" in page
    row = page[page.index("Sở Tư pháp"):page.index("Sở Y tế")]
    assert re.findall(r'text-end">(\d+)<', row) == ["2", "1", "1"]  # fields, counters, procedures
    admin_home = csrf_client.get("/quan-tri/").get_data(as_text=True)
    assert "/quan-tri/co-quan" in admin_home


def test_create_agency_normalises_codes_and_redirects(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get("/quan-tri/co-quan/moi").status_code == 200
    response = csrf_client.post("/quan-tri/co-quan/moi", data=NEW_AGENCY)
    assert response.status_code == 303
    with app.app_context():
        agency = db.session.scalar(db.select(Agency))
        assert (agency.code, agency.unit_code, agency.kind) == ("SNGV", "000.00.17.H48",
                                                                 AgencyKind.DEPARTMENT)
        assert response.headers["Location"].endswith(f"/quan-tri/co-quan/{agency.id}")
    page = csrf_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã thêm cơ quan Sở Ngoại vụ" in page


def test_agency_validation_errors_are_422_in_vietnamese(csrf_client, app, login):
    _seed(app)
    logged_in_admin(app, login, csrf_client)
    bad = dict(NEW_AGENCY, unit_code="17.H48", name="", kind="nope", position="abc")
    response = csrf_client.post("/quan-tri/co-quan/moi", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ["Vui lòng sửa các lỗi sau", "phải theo mẫu 000.00.17.H48",
                    "Vui lòng nhập tên cơ quan", "Vui lòng chọn loại cơ quan",
                    "Vui lòng nhập một số nguyên"]:
        assert message in page, message
    assert "Not a valid" not in page
    taken = csrf_client.post("/quan-tri/co-quan/moi", data=dict(NEW_AGENCY, code="stp"))
    assert taken.status_code == 422
    assert "Mã cơ quan “STP” đã được dùng cho Sở Tư pháp" in taken.get_data(as_text=True)
    with app.app_context():
        unit = db.session.scalar(db.select(Agency.unit_code))
    same_unit = csrf_client.post("/quan-tri/co-quan/moi", data=dict(NEW_AGENCY, unit_code=unit))
    assert "Mã định danh đơn vị" in same_unit.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Agency)) == 1


def test_edit_agency_and_deactivate(csrf_client, app, login):
    ids = _seed(app)
    logged_in_admin(app, login, csrf_client)
    url = f"/quan-tri/co-quan/{ids['agency']}"
    page = csrf_client.get(url).get_data(as_text=True)
    assert 'value="STP"' in page and "Lĩnh vực thử nghiệm" in page and "Quầy số 7" in page
    data = dict(NEW_AGENCY, code="STP", unit_code="000.00.10.H48", name="Sở Tư pháp tỉnh")
    data.pop("active")
    assert csrf_client.post(url, data=data).status_code == 303
    with app.app_context():
        agency = db.session.get(Agency, ids["agency"])
        assert agency.name == "Sở Tư pháp tỉnh" and agency.active is False
    # Keeping its own codes is not a clash with itself.
    assert csrf_client.post(url, data=dict(data, active="y")).status_code == 303
    assert csrf_client.get("/quan-tri/co-quan/999").status_code == 404


def test_fields_add_rename_delete_and_refuse_used(csrf_client, app, login):
    ids = _seed(app)
    logged_in_admin(app, login, csrf_client)
    base = f"/quan-tri/co-quan/{ids['agency']}/linh-vuc"
    added = csrf_client.post(base, data={"field-code": "ct", "field-name": "Chứng thực"})
    assert added.status_code == 303
    duplicate = csrf_client.post(base, data={"field-code": "CT", "field-name": "Khác"})
    assert duplicate.status_code == 422
    assert "đã có lĩnh vực mã “CT”" in duplicate.get_data(as_text=True)
    empty = csrf_client.post(base, data={"field-code": "", "field-name": ""})
    assert empty.status_code == 422 and "Vui lòng nhập mã lĩnh vực" in empty.get_data(
        as_text=True)

    assert csrf_client.get(f"{base}/{ids['spare']}").status_code == 200
    renamed = csrf_client.post(f"{base}/{ids['spare']}", data={"name": "Hộ tịch, quốc tịch"})
    assert renamed.status_code == 303
    blank = csrf_client.post(f"{base}/{ids['spare']}", data={"name": "  "})
    assert blank.status_code == 422 and "Vui lòng nhập tên lĩnh vực" in blank.get_data(
        as_text=True)

    refused = csrf_client.post(f"{base}/{ids['used_field']}/xoa", follow_redirects=True)
    assert "Không thể xóa lĩnh vực “Lĩnh vực thử nghiệm”" in refused.get_data(as_text=True)
    assert "2.000488" in refused.get_data(as_text=True)
    deleted = csrf_client.post(f"{base}/{ids['spare']}/xoa", follow_redirects=True)
    assert "Đã xóa lĩnh vực Hộ tịch, quốc tịch" in deleted.get_data(as_text=True)
    with app.app_context():
        assert sorted(f.code for f in db.session.get(Agency, ids["agency"]).fields) == [
            "CT", "LV1"]


def test_field_of_another_agency_is_404(csrf_client, app, login):
    ids = _seed(app)
    with app.app_context():
        other = factories.agency().id
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get(f"/quan-tri/co-quan/{other}/linh-vuc/{ids['spare']}").status_code == 404
    assert csrf_client.post(
        f"/quan-tri/co-quan/{other}/linh-vuc/{ids['spare']}/xoa").status_code == 404


def test_counters_add_edit_move_deactivate_delete(csrf_client, app, login):
    ids = _seed(app)
    with app.app_context():
        health = factories.agency("SYT", "Sở Y tế").id
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get("/quan-tri/quay").get_data(as_text=True)
    assert "Quầy Tư pháp" in page and "Sở Y tế" in page
    added = csrf_client.post("/quan-tri/quay", data={"number": "8", "name": "Quầy Y tế",
                                                     "agency_id": str(health), "active": "y"})
    assert added.status_code == 303
    taken = csrf_client.post("/quan-tri/quay", data={"number": "7", "agency_id": str(health)})
    assert taken.status_code == 422
    assert "Quầy số 7 đã có (Sở Tư pháp)" in taken.get_data(as_text=True)
    invalid = csrf_client.post("/quan-tri/quay", data={"number": "0", "agency_id": ""})
    body = invalid.get_data(as_text=True)
    assert invalid.status_code == 422
    assert "Số quầy phải từ 1 đến 999" in body and "Vui lòng chọn cơ quan" in body

    url = f"/quan-tri/quay/{ids['counter']}"
    assert csrf_client.get(url).status_code == 200
    clash = csrf_client.post(url, data={"number": "8", "agency_id": str(ids["agency"])})
    assert clash.status_code == 422 and "Quầy số 8 đã có" in clash.get_data(as_text=True)
    moved = csrf_client.post(url, data={"number": "7", "name": "Quầy chung",
                                        "agency_id": str(health)})  # unchecked: inactive
    assert moved.status_code == 303
    with app.app_context():
        counter = db.session.get(Counter, ids["counter"])
        assert (counter.agency_id, counter.name, counter.active) == (health, "Quầy chung", False)
    deleted = csrf_client.post(f"{url}/xoa", follow_redirects=True)
    assert "Đã xóa quầy số 7" in deleted.get_data(as_text=True)
    with app.app_context():
        assert [c.number for c in db.session.scalars(db.select(Counter))] == [8]
    assert csrf_client.get("/quan-tri/quay/999").status_code == 404


def test_only_admins_and_nothing_changes(app, login):
    ids = _seed(app)

    def snapshot():
        return _agency_state(), _counter_state()

    a, f = ids["agency"], ids["spare"]
    assert_only_admins(app, login, [
        ("get", "/quan-tri/co-quan", None),
        ("get", "/quan-tri/co-quan/moi", None),
        ("post", "/quan-tri/co-quan/moi", NEW_AGENCY),
        ("get", f"/quan-tri/co-quan/{a}", None),
        ("post", f"/quan-tri/co-quan/{a}", dict(NEW_AGENCY, code="X")),
        ("post", f"/quan-tri/co-quan/{a}/linh-vuc", {"field-code": "Z", "field-name": "Z"}),
        ("get", f"/quan-tri/co-quan/{a}/linh-vuc/{f}", None),
        ("post", f"/quan-tri/co-quan/{a}/linh-vuc/{f}", {"name": "Đổi"}),
        ("post", f"/quan-tri/co-quan/{a}/linh-vuc/{f}/xoa", None),
        ("get", "/quan-tri/quay", None),
        ("post", "/quan-tri/quay", {"number": "50", "agency_id": str(a)}),
        ("get", f"/quan-tri/quay/{ids['counter']}", None),
        ("post", f"/quan-tri/quay/{ids['counter']}", {"number": "51", "agency_id": str(a)}),
        ("post", f"/quan-tri/quay/{ids['counter']}/xoa", None),
    ], snapshot)


def test_posts_without_csrf_are_refused(csrf_client, app, login):
    ids = _seed(app)
    logged_in_admin(app, login, csrf_client)
    a = ids["agency"]
    assert_csrf_required(csrf_client, [
        ("/quan-tri/co-quan/moi", NEW_AGENCY),
        (f"/quan-tri/co-quan/{a}", NEW_AGENCY),
        (f"/quan-tri/co-quan/{a}/linh-vuc", {"field-code": "Z", "field-name": "Z"}),
        (f"/quan-tri/co-quan/{a}/linh-vuc/{ids['spare']}", {"name": "Z"}),
        (f"/quan-tri/co-quan/{a}/linh-vuc/{ids['spare']}/xoa", {}),
        ("/quan-tri/quay", {"number": "9", "agency_id": str(a)}),
        (f"/quan-tri/quay/{ids['counter']}", {"number": "9", "agency_id": str(a)}),
        (f"/quan-tri/quay/{ids['counter']}/xoa", {}),
    ])
    with app.app_context():
        assert len(db.session.get(Agency, a).fields) == 2
        assert db.session.get(Counter, ids["counter"]).number == 7
