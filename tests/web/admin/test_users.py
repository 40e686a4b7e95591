"""Administration of users: search, staff accounts, roles, locking, resetting the second factor."""

import factories
import pyotp
from org_helpers import (
    ADMIN_EMAIL,
    assert_csrf_required,
    assert_only_admins,
    logged_in_admin,
)

from portal.accounts.models import Role, RoleAssignment, User
from portal.accounts.queries import user_by_email
from portal.catalog.models import Agency, Counter
from portal.extensions import db

NEW_STAFF = {"full_name": "Trần Thị Ánh", "email": "Anh.Tran@Example.vn", "phone": "0905111222",
             "password": "mat-khau-tam-thoi"}


def _people(app):
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        health = factories.agency("SYT", "Sở Y tế")
        officer = factories.staff(Role.COUNTER_OFFICER, justice, email="motcua.stp@example.vn")
        officer.full_name = "Lê Văn Đức"
        leader = factories.staff(Role.LEADER, health, email="lanhdao.syt@example.vn")
        leader.full_name = "Nguyễn Thị Hồng"
        factories.citizen(email="dan@example.vn", full_name="Phạm Văn Dân")
        db.session.commit()
        return {"justice": justice.id, "health": health.id, "officer": officer.id,
                "leader": leader.id}


def _user(email):
    return user_by_email(email)


def test_search_is_accent_insensitive_and_filters(csrf_client, app, login):
    ids = _people(app)
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Tìm thấy 4 người dùng" in page and "Lê Văn Đức" in page
    for query in ["duc", "ĐỨC", "van+duc", "motcua.stp"]:
        found = csrf_client.get(f"/quan-tri/nguoi-dung?q={query}").get_data(as_text=True)
        assert "Tìm thấy 1 người dùng" in found and "Lê Văn Đức" in found, query
    by_role = csrf_client.get("/quan-tri/nguoi-dung?role=leader").get_data(as_text=True)
    assert "Tìm thấy 1 người dùng" in by_role and "Nguyễn Thị Hồng" in by_role
    by_agency = csrf_client.get(f"/quan-tri/nguoi-dung?agency={ids['justice']}").get_data(
        as_text=True)
    assert "Tìm thấy 1 người dùng" in by_agency and "Lê Văn Đức" in by_agency
    nothing = csrf_client.get(f"/quan-tri/nguoi-dung?role=leader&agency={ids['justice']}")
    assert "Không tìm thấy người dùng phù hợp" in nothing.get_data(as_text=True)
    fragment = csrf_client.get("/quan-tri/nguoi-dung?q=hong", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Nguyễn Thị Hồng" in body


def test_decomposed_names_are_found_too(csrf_client, app, login):
    import unicodedata

    with app.app_context():
        user = factories.citizen(email="nfd@example.vn")
        user.full_name = unicodedata.normalize("NFD", "Võ Thị Ngọc Ánh")
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    found = csrf_client.get("/quan-tri/nguoi-dung?q=ngoc+anh").get_data(as_text=True)
    assert "Tìm thấy 1 người dùng" in found


def test_pagination(csrf_client, app, login):
    with app.app_context():
        for n in range(30):
            factories.staff(Role.SUPERVISOR, email=f"gs{n:02d}@example.vn")
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    first = csrf_client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Trang 1 / 2" in first
    second = csrf_client.get("/quan-tri/nguoi-dung?page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in second


def test_create_staff_then_they_must_enrol_totp(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get("/quan-tri/nguoi-dung/moi").status_code == 200
    response = csrf_client.post("/quan-tri/nguoi-dung/moi", data=NEW_STAFF)
    assert response.status_code == 303
    with app.app_context():
        user = _user("anh.tran@example.vn")
        assert user.kind.value == "staff" and not user.totp_enabled and user.phone == "0905111222"
        assert response.headers["Location"].endswith(f"/quan-tri/nguoi-dung/{user.id}")
        user_id = user.id
    grant = csrf_client.post(f"/quan-tri/nguoi-dung/{user_id}/vai-tro",
                             data={"role": "supervisor", "agency": ""})
    assert grant.status_code == 303
    newcomer = factories.CsrfClient(app.test_client())
    first = newcomer.post("/tai-khoan/dang-nhap",
                          data={"email": "anh.tran@example.vn", "password": "mat-khau-tam-thoi"})
    assert "thiet-lap-xac-thuc" in first.headers["Location"]


def test_create_staff_errors_are_422(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    bad = csrf_client.post("/quan-tri/nguoi-dung/moi",
                           data=dict(NEW_STAFF, full_name="", email="sai", phone="12",
                                     password="ngan"))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for message in ["Vui lòng nhập họ và tên", "Địa chỉ e-mail không hợp lệ",
                    "Số điện thoại không hợp lệ",
                    "từ 10 đến 128 ký tự"]:
        assert message in page, message
    taken = csrf_client.post("/quan-tri/nguoi-dung/moi", data=dict(NEW_STAFF, email=ADMIN_EMAIL))
    assert taken.status_code == 422 and "đã được dùng" in taken.get_data(as_text=True)


def test_a_staff_phone_typed_with_dots_is_stored_once(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    created = csrf_client.post("/quan-tri/nguoi-dung/moi",
                               data=dict(NEW_STAFF, phone="0905.111.222"))
    assert created.status_code == 303
    with app.app_context():
        assert _user("anh.tran@example.vn").phone == "0905111222"


def test_grant_and_revoke_roles(csrf_client, app, login):
    ids = _people(app)
    logged_in_admin(app, login, csrf_client)
    url = f"/quan-tri/nguoi-dung/{ids['officer']}"
    page = csrf_client.get(url).get_data(as_text=True)
    assert "Cán bộ một cửa" in page and "Sở Tư pháp" in page and "Chuyên viên" in page
    missing_agency = csrf_client.post(f"{url}/vai-tro", data={"role": "specialist", "agency": ""})
    assert missing_agency.status_code == 422
    assert "Vai trò Chuyên viên phải gắn với một cơ quan" in missing_agency.get_data(as_text=True)
    no_role = csrf_client.post(f"{url}/vai-tro", data={"role": "", "agency": ""})
    assert no_role.status_code == 422 and "Vui lòng chọn vai trò" in no_role.get_data(
        as_text=True)
    twice = csrf_client.post(f"{url}/vai-tro", data={"role": "counter_officer",
                                                     "agency": str(ids["justice"])})
    assert twice.status_code == 422 and "đã có vai trò này" in twice.get_data(as_text=True)
    granted = csrf_client.post(f"{url}/vai-tro", data={"role": "specialist",
                                                       "agency": str(ids["health"])},
                               follow_redirects=True)
    assert "Đã gán vai trò Chuyên viên – Sở Y tế" in granted.get_data(as_text=True)
    with app.app_context():
        roles = db.session.get(User, ids["officer"]).roles
        assert sorted((r.role.value, r.agency_id) for r in roles) == [
            ("counter_officer", ids["justice"]), ("specialist", ids["health"])]
        counter_role = next(r.id for r in roles if r.role is Role.COUNTER_OFFICER)
    revoked = csrf_client.post(f"{url}/vai-tro/{counter_role}/thu-hoi", follow_redirects=True)
    assert "Đã thu hồi vai trò" in revoked.get_data(as_text=True)
    gone = csrf_client.post(f"{url}/vai-tro/{counter_role}/thu-hoi", follow_redirects=True)
    assert "Không tìm thấy vai trò" in gone.get_data(as_text=True)
    with app.app_context():
        assert [r.role for r in db.session.get(User, ids["officer"]).roles] == [Role.SPECIALIST]


def test_admin_cannot_lock_self_or_drop_own_admin_role(csrf_client, app, login):
    admin_id = logged_in_admin(app, login, csrf_client)
    url = f"/quan-tri/nguoi-dung/{admin_id}"
    page = csrf_client.get(url).get_data(as_text=True)
    assert "Không thể tự thu hồi" in page and "Khóa tài khoản" not in page
    with app.app_context():
        admin_role = db.session.scalar(db.select(RoleAssignment.id))
    refused = csrf_client.post(f"{url}/vai-tro/{admin_role}/thu-hoi", follow_redirects=True)
    assert "không thể tự thu hồi vai trò quản trị" in refused.get_data(as_text=True)
    locked = csrf_client.post(f"{url}/trang-thai", data={"active": "0"}, follow_redirects=True)
    assert "không thể tự khóa tài khoản" in locked.get_data(as_text=True)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert admin.active and admin.is_admin
    assert csrf_client.get("/quan-tri/").status_code == 200  # still logged in


def test_lock_ends_sessions_and_unlock(csrf_client, app, login):
    ids = _people(app)
    logged_in_admin(app, login, csrf_client)
    officer = factories.CsrfClient(app.test_client())
    login(officer, "motcua.stp@example.vn")
    assert officer.get("/tai-khoan/ho-so-ca-nhan").status_code == 200
    url = f"/quan-tri/nguoi-dung/{ids['officer']}"
    locked = csrf_client.post(f"{url}/trang-thai", data={"active": "0"}, follow_redirects=True)
    assert "Đã khóa tài khoản motcua.stp@example.vn" in locked.get_data(as_text=True)
    assert officer.get("/tai-khoan/ho-so-ca-nhan").status_code == 302  # session ended
    again = officer.post("/tai-khoan/dang-nhap", data={"email": "motcua.stp@example.vn",
                                                       "password": factories.PASSWORD})
    assert again.status_code == 422
    assert csrf_client.post(f"{url}/trang-thai", data={"active": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(User, ids["officer"]).active
    assert csrf_client.post(f"{url}/trang-thai", data={"active": "x"}).status_code == 400


def test_reset_two_factor_forces_new_enrolment(csrf_client, app, login):
    ids = _people(app)
    logged_in_admin(app, login, csrf_client)
    officer = factories.CsrfClient(app.test_client())
    login(officer, "motcua.stp@example.vn")
    with app.app_context():
        old_secret = _user("motcua.stp@example.vn").totp_secret
    done = csrf_client.post(f"/quan-tri/nguoi-dung/{ids['officer']}/xac-thuc-hai-lop",
                            follow_redirects=True)
    assert "Đã đặt lại xác thực hai lớp" in done.get_data(as_text=True)
    assert "Chưa thiết lập" in done.get_data(as_text=True)
    assert officer.get("/tai-khoan/ho-so-ca-nhan").status_code == 302  # session ended
    fresh = factories.CsrfClient(app.test_client())
    step = fresh.post("/tai-khoan/dang-nhap", data={"email": "motcua.stp@example.vn",
                                                    "password": factories.PASSWORD})
    assert "thiet-lap-xac-thuc" in step.headers["Location"]
    fresh.get(step.headers["Location"])
    with app.app_context():
        new_secret = _user("motcua.stp@example.vn").totp_secret
    assert new_secret and new_secret != old_secret
    assert fresh.post(step.headers["Location"],
                      data={"code": pyotp.TOTP(new_secret).now()}).status_code == 303


def test_unknown_user_is_404(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get("/quan-tri/nguoi-dung/999").status_code == 404
    assert csrf_client.post("/quan-tri/nguoi-dung/999/xac-thuc-hai-lop").status_code == 404


def _account_state():
    return sorted((u.email, u.active, u.totp_enabled, u.security_stamp,
                   sorted((r.role.value, r.agency_id) for r in u.roles))
                  for u in db.session.scalars(db.select(User)))


def test_only_admins_and_nothing_changes(app, login):
    ids = _people(app)
    with app.app_context():
        role_id = db.session.get(User, ids["officer"]).roles[0].id
    u = f"/quan-tri/nguoi-dung/{ids['officer']}"
    assert_only_admins(app, login, [
        ("get", "/quan-tri/nguoi-dung", None),
        ("get", "/quan-tri/nguoi-dung/moi", None),
        ("post", "/quan-tri/nguoi-dung/moi", NEW_STAFF),
        ("get", u, None),
        ("post", f"{u}/vai-tro", {"role": "admin", "agency": ""}),
        ("post", f"{u}/vai-tro/{role_id}/thu-hoi", None),
        ("post", f"{u}/trang-thai", {"active": "0"}),
        ("post", f"{u}/xac-thuc-hai-lop", None),
    ], _account_state)


def test_posts_without_csrf_are_refused(csrf_client, app, login):
    ids = _people(app)
    logged_in_admin(app, login, csrf_client)
    with app.app_context():
        before = _account_state()
        role_id = db.session.get(User, ids["officer"]).roles[0].id
    u = f"/quan-tri/nguoi-dung/{ids['officer']}"
    assert_csrf_required(csrf_client, [
        ("/quan-tri/nguoi-dung/moi", NEW_STAFF),
        (f"{u}/vai-tro", {"role": "admin", "agency": ""}),
        (f"{u}/vai-tro/{role_id}/thu-hoi", {}),
        (f"{u}/trang-thai", {"active": "0"}),
        (f"{u}/xac-thuc-hai-lop", {}),
    ])
    with app.app_context():
        assert _account_state() == before


def test_pages_have_no_inline_script_style_or_handlers(csrf_client, app, login):
    ids = _people(app)
    with app.app_context():
        counter = Counter(number=3, agency_id=ids["justice"])
        db.session.add(counter)
        db.session.commit()
        field_id = db.session.get(Agency, ids["justice"]).fields[0].id
        counter_id = counter.id
    logged_in_admin(app, login, csrf_client)
    for url in ["/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi",
                f"/quan-tri/nguoi-dung/{ids['officer']}", "/quan-tri/co-quan",
                "/quan-tri/co-quan/moi", f"/quan-tri/co-quan/{ids['justice']}",
                f"/quan-tri/co-quan/{ids['justice']}/linh-vuc/{field_id}", "/quan-tri/quay",
                f"/quan-tri/quay/{counter_id}", "/quan-tri/lich",
                "/quan-tri/lich?start_date=2026-03-10&start_time=08:00&amount=1&unit=days"]:
        response = csrf_client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "<script>" not in page and " style=" not in page and " onclick=" not in page, url
        assert page.count("<h1") == 1, url
