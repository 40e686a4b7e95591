"""Registration, login, logout, business members (throttling: test_login_throttling.py)."""

import factories

from portal.accounts.models import AccountKind, Organisation, User
from portal.accounts.operations import add_member
from portal.extensions import db

GOOD = {
    "account_type": "citizen", "full_name": "Nguyễn Thị Hoa", "id_number": "051195001111",
    "phone": "0905123456", "email": "Hoa@Example.vn", "password": "mot-mat-khau-dai",
    "confirm": "mot-mat-khau-dai", "accept": "y",
}


def test_citizen_registers_and_is_logged_in(csrf_client, app):
    response = csrf_client.post("/tai-khoan/dang-ky", data=GOOD)
    assert response.status_code == 303
    profile = csrf_client.get("/tai-khoan/ho-so-ca-nhan").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in profile and "hoa@example.vn" in profile
    with app.app_context():
        user = db.session.scalar(db.select(User))
        method = app.config["PORTAL"].password_hash_method.split(":")[0]
        assert user.kind is AccountKind.CITIZEN and user.password_hash.startswith(method)
        assert user.check_password(GOOD["password"]) and not user.check_password("khac")


def test_registration_errors_are_vietnamese_and_keep_input(csrf_client, app):
    bad = dict(GOOD, id_number="123", confirm="khac", phone="abc", email="sai")
    response = csrf_client.post("/tai-khoan/dang-ky", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ["Vui lòng sửa các lỗi sau", "gồm đúng 12 chữ số", "Hai mật khẩu không khớp",
                    "Số điện thoại không hợp lệ", "E-mail không hợp lệ".lower()[:6]]:
        assert message in page, message
    assert 'value="Nguyễn Thị Hoa"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_duplicate_email_is_refused(csrf_client, app):
    with app.app_context():
        factories.citizen(email="hoa@example.vn")
        db.session.commit()
    response = csrf_client.post("/tai-khoan/dang-ky", data=GOOD)
    assert response.status_code == 422
    assert "đã được đăng ký" in response.get_data(as_text=True)


def test_business_registration_creates_organisation_with_owner(csrf_client, app):
    data = dict(GOOD, account_type="business", organisation_name="Công ty TNHH Ánh Dương",
                tax_code="4300999888", organisation_address="Quảng Ngãi")
    assert csrf_client.post("/tai-khoan/dang-ky", data=data).status_code == 303
    with app.app_context():
        org = db.session.scalar(db.select(Organisation))
        assert org.tax_code == "4300999888" and org.members[0].is_owner
    missing = csrf_client.post("/tai-khoan/dang-ky",
                               data=dict(data, email="b@example.vn", tax_code=""))
    assert "Vui lòng nhập mã số thuế" in missing.get_data(as_text=True)


def test_login_logout_and_wrong_password(csrf_client, app, login):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    wrong = csrf_client.post("/tai-khoan/dang-nhap",
                             data={"email": "an@example.vn", "password": "sai-mat-khau"})
    assert wrong.status_code == 422
    assert "E-mail hoặc mật khẩu không đúng" in wrong.get_data(as_text=True)
    login(csrf_client, "an@example.vn")
    assert csrf_client.get("/tai-khoan/ho-so-ca-nhan").status_code == 200
    assert csrf_client.post("/tai-khoan/dang-xuat").status_code == 303
    assert csrf_client.get("/tai-khoan/ho-so-ca-nhan").status_code == 302


def test_open_redirect_after_login_is_refused(csrf_client, app):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    response = csrf_client.post("/tai-khoan/dang-nhap?next=//evil.example/x",
                                data={"email": "an@example.vn", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/ho-so"  # the citizen's landing page


def test_owner_removes_a_member_after_confirming(csrf_client, app, login):
    """Joining is by invitation (test_invitations.py); removing is asked once more."""
    with app.app_context():
        owner = factories.citizen(email="owner@example.vn", organisation_name="Công ty A",
                                  tax_code="4300000001")
        colleague = factories.citizen(email="member@example.vn")
        org = owner.memberships[0].organisation
        add_member(org, colleague.email)
        db.session.commit()
        org_id = org.id
    login(csrf_client, "owner@example.vn")
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        member = next(m for m in org.members if not m.is_owner)
        assert member.user.email == "member@example.vn"
        member_id, name = member.id, member.user.full_name
    # The removal is asked once more (issue 18): the button opens the question, the real
    # button is inside it (a <details>, no JavaScript needed).
    page = csrf_client.get("/tai-khoan/ho-so-ca-nhan").get_data(as_text=True)
    remove = f'action="/tai-khoan/to-chuc/{org_id}/thanh-vien/{member_id}/xoa"'
    start = page.index('<details class="confirm-post')
    details = page[start:page.index("</details>", start)]
    assert remove in details and "csrf_token" in details
    assert f"Xóa {name} khỏi Công ty A?" in details and "Xác nhận xóa" in details
    assert page.count(remove) == 1
    csrf_client.post(f"/tai-khoan/to-chuc/{org_id}/thanh-vien/{member_id}/xoa")
    with app.app_context():
        assert len(db.session.get(Organisation, org_id).members) == 1


def test_members_of_other_organisations_cannot_manage_it(csrf_client, app, login):
    with app.app_context():
        owner = factories.citizen(email="owner@example.vn", organisation_name="Công ty A",
                                  tax_code="4300000001")
        factories.citizen(email="stranger@example.vn")
        member = factories.citizen(email="member@example.vn")
        org = owner.memberships[0].organisation
        add_member(org, member.email)
        db.session.commit()
        org_id = org.id
        owner_member_id = org.members[0].id
    login(csrf_client, "stranger@example.vn")
    assert csrf_client.post(f"/tai-khoan/to-chuc/{org_id}/loi-moi",
                            data={"email": "stranger@example.vn"}).status_code == 404
    assert csrf_client.post(
        f"/tai-khoan/to-chuc/{org_id}/thanh-vien/{owner_member_id}/xoa").status_code == 404
    csrf_client.post("/tai-khoan/dang-xuat")
    second = factories.CsrfClient(app.test_client())
    login(second, "member@example.vn")
    assert second.post(f"/tai-khoan/to-chuc/{org_id}/loi-moi",
                       data={"email": "stranger@example.vn"}).status_code == 403
    with app.app_context():
        assert len(db.session.get(Organisation, org_id).members) == 2


def test_profile_requires_login(client, app):
    response = client.get("/tai-khoan/ho-so-ca-nhan")
    assert response.status_code == 302 and "dang-nhap" in response.headers["Location"]


def test_a_phone_typed_in_groups_or_with_84_is_stored_once(csrf_client, app):
    """Issue 12: "0905 123 456", "0905.123.456" and "+84 905 123 456" are one number."""
    response = csrf_client.post("/tai-khoan/dang-ky", data=dict(GOOD, phone="+84 905 123 456"))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(User.phone)) == "0905123456"
    bad = csrf_client.post("/tai-khoan/dang-ky",
                           data=dict(GOOD, email="khac@example.vn", id_number="051195002222",
                                     phone="0905 123 45"))
    assert bad.status_code == 422
    assert "Nhập 10 chữ số bắt đầu bằng 0" in bad.get_data(as_text=True)
