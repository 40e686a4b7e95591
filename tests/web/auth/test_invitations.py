"""A business's manager invites a member by e-mail (issue 18): the link creates the account or
joins the signed-in one; it expires, is used once, can be revoked or resent."""

import re
from datetime import timedelta

import factories
import pytest
from smtp_server import smtp_server

from portal.accounts import invitations
from portal.accounts.models import Organisation, OrganisationInvitation
from portal.accounts.operations import add_member
from portal.accounts.queries import user_by_email
from portal.core.models import utcnow
from portal.extensions import db

NEW_PERSON = {"full_name": "Lê Thị Mới", "id_number": "051196002222", "phone": "0905111222",
              "password": "mat-khau-moi-dai", "confirm": "mat-khau-moi-dai", "accept": "y"}


class _Delivered:
    """The real SMTP server's inbox, reached through the outbox: waiting for mail first
    delivers what is due, as the worker would."""

    def __init__(self, received, deliver):
        self._received, self._deliver = received, deliver

    def wait_for(self, count: int):
        self._deliver()
        return self._received.wait_for(count)


@pytest.fixture
def inbox(app, deliver_outbox):
    original = app.config["PORTAL"]
    with smtp_server() as (port, received):
        app.config["PORTAL"] = original.with_(smtp_host="127.0.0.1", smtp_port=port)
        try:
            yield _Delivered(received, deliver_outbox)
        finally:
            app.config["PORTAL"] = original


@pytest.fixture
def business(app):
    """A company (its manager owner@…, a plain member staff@…) and a stranger."""
    with app.app_context():
        owner = factories.citizen(email="owner@example.vn", full_name="Trần Văn Chủ",
                                  organisation_name="Công ty TNHH Sông Trà",
                                  tax_code="4300000001")
        colleague = factories.citizen(email="staff@example.vn")
        factories.citizen(email="stranger@example.vn")
        organisation = owner.memberships[0].organisation
        add_member(organisation, colleague.email)
        db.session.commit()
        return organisation.id


def _invite(app, organisation_id: int, email: str) -> tuple[int, str]:
    """An invitation made by the operation itself (the mail is the SMTP test's subject)."""
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        owner = next(m.user for m in organisation.members if m.is_owner)
        invitation, token = invitations.invite(organisation, email, owner, utcnow())
        db.session.commit()
        return invitation.id, token


def _members(app, organisation_id: int) -> set[str]:
    with app.app_context():
        return {m.user.email for m in db.session.get(Organisation, organisation_id).members}


def _link_path(message) -> str:
    link = re.search(r"http://\S+/tai-khoan/loi-moi/\S+", message.get_content()).group(0)
    return link.split("127.0.0.1:5000", 1)[1]


def test_the_invited_person_gets_a_mail_creates_an_account_and_joins(
        app, business, signed_in, csrf_client, inbox):
    owner = signed_in("owner@example.vn")
    sent = owner.post(f"/tai-khoan/to-chuc/{business}/loi-moi", data={"email": "Moi@Example.vn"},
                      follow_redirects=True)
    assert "Đã gửi lời mời tới moi@example.vn" in sent.get_data(as_text=True)
    [message] = inbox.wait_for(1)  # written to the outbox, sent by the worker
    assert message["To"] == "moi@example.vn" and "Công ty TNHH Sông Trà" in message["Subject"]
    assert "Trần Văn Chủ mời bạn" in message.get_content()
    profile = owner.get("/tai-khoan/ho-so-ca-nhan").get_data(as_text=True)
    assert "Lời mời đang chờ" in profile and "moi@example.vn – gửi" in profile
    path = _link_path(message)
    assert path not in profile  # the link goes to the mailbox only

    page = csrf_client.get(path)
    assert page.status_code == 200 and "moi@example.vn" in page.get_data(as_text=True)
    missing = csrf_client.post(path, data={**NEW_PERSON, "full_name": ""})
    assert missing.status_code == 422 and "Vui lòng nhập họ và tên" in missing.get_data(
        as_text=True)
    # The e-mail is the invitation's, whatever the form says.
    joined = csrf_client.post(path, data={**NEW_PERSON, "email": "khac@example.vn"})
    assert joined.status_code == 303
    welcome = csrf_client.get(joined.headers["Location"]).get_data(as_text=True)
    assert "Bạn là thành viên của Công ty TNHH Sông Trà" in welcome
    assert "moi@example.vn" in _members(app, business)
    with app.app_context():
        assert user_by_email("khac@example.vn") is None
    again = factories.CsrfClient(app.test_client()).get(path)
    assert again.status_code == 410 and "đã được dùng" in again.get_data(as_text=True)
    assert "moi@example.vn – gửi" not in owner.get("/tai-khoan/ho-so-ca-nhan").get_data(
        as_text=True)


def test_a_link_is_used_once_even_by_its_own_account(app, business, csrf_client):
    _, token = _invite(app, business, "moi@example.vn")
    assert csrf_client.post(f"/tai-khoan/loi-moi/{token}", data=NEW_PERSON).status_code == 303
    second = factories.CsrfClient(app.test_client())
    used = second.post(f"/tai-khoan/loi-moi/{token}",
                       data={**NEW_PERSON, "id_number": "051196003333"})
    assert used.status_code == 410 and "đã được dùng" in used.get_data(as_text=True)
    joined_again = csrf_client.post(f"/tai-khoan/loi-moi/{token}/tham-gia")
    assert joined_again.status_code == 410


def test_an_expired_link_says_so_and_changes_nothing(app, business, csrf_client, login):
    invitation_id, token = _invite(app, business, "stranger@example.vn")
    with app.app_context():
        invitation = db.session.get(OrganisationInvitation, invitation_id)
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    login(csrf_client, "stranger@example.vn")
    for response in (csrf_client.get(f"/tai-khoan/loi-moi/{token}"),
                     csrf_client.post(f"/tai-khoan/loi-moi/{token}/tham-gia")):
        assert response.status_code == 410
        assert "Lời mời này đã hết hạn" in response.get_data(as_text=True)
    assert "stranger@example.vn" not in _members(app, business)
    owner = factories.CsrfClient(app.test_client())
    login(owner, "owner@example.vn")
    profile = owner.get("/tai-khoan/ho-so-ca-nhan").get_data(as_text=True)
    assert "stranger@example.vn – <strong>đã hết hạn" in profile  # resend still offered
    assert f"/loi-moi/{invitation_id}/gui-lai" in profile


def test_a_tampered_link_is_unknown(app, business, csrf_client):
    _, token = _invite(app, business, "moi@example.vn")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in (f"/tai-khoan/loi-moi/{tampered}", f"/tai-khoan/loi-moi/{token}x"):
        response = csrf_client.get(url)
        assert response.status_code == 404
        assert "Đường dẫn lời mời không đúng" in response.get_data(as_text=True)
    assert csrf_client.post(f"/tai-khoan/loi-moi/{tampered}",
                            data=NEW_PERSON).status_code == 404
    with app.app_context():
        assert user_by_email("moi@example.vn") is None


def test_the_manager_revokes_after_confirming_and_the_link_stops_working(
        app, business, signed_in):
    invitation_id, token = _invite(app, business, "moi@example.vn")
    owner = signed_in("owner@example.vn")
    page = owner.get("/tai-khoan/ho-so-ca-nhan").get_data(as_text=True)
    revoke = f'action="/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/thu-hoi"'
    start = page.index(revoke)
    details = page[page.rindex("<details", 0, start):page.index("</details>", start)]
    assert "Thu hồi lời mời gửi tới moi@example.vn?" in details and "csrf_token" in details
    done = owner.post(f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/thu-hoi",
                      follow_redirects=True)
    assert "Đã thu hồi lời mời gửi tới moi@example.vn" in done.get_data(as_text=True)
    response = factories.CsrfClient(app.test_client()).get(f"/tai-khoan/loi-moi/{token}")
    assert response.status_code == 410 and "thu hồi" in response.get_data(as_text=True)
    twice = owner.post(f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/thu-hoi",
                       follow_redirects=True)
    assert "Lời mời này đã bị thu hồi." in twice.get_data(as_text=True)


def test_resending_mails_a_new_link_and_the_old_one_stops_working(
        app, business, signed_in, csrf_client, inbox):
    owner = signed_in("owner@example.vn")
    owner.post(f"/tai-khoan/to-chuc/{business}/loi-moi", data={"email": "moi@example.vn"})
    [first] = inbox.wait_for(1)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(OrganisationInvitation.id))
    again = owner.post(f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/gui-lai",
                       follow_redirects=True)
    assert "Đã gửi lại lời mời tới moi@example.vn" in again.get_data(as_text=True)
    second = inbox.wait_for(2)[1]
    assert csrf_client.get(_link_path(first)).status_code == 404
    assert csrf_client.get(_link_path(second)).status_code == 200


def test_an_existing_account_signs_in_then_joins(app, business, csrf_client):
    _, token = _invite(app, business, "stranger@example.vn")
    page = csrf_client.get(f"/tai-khoan/loi-moi/{token}").get_data(as_text=True)
    assert "Đăng nhập để tham gia" in page and "Tạo tài khoản" not in page
    registered = csrf_client.post(f"/tai-khoan/loi-moi/{token}",
                                  data={**NEW_PERSON, "id_number": "051196004444"})
    assert registered.status_code == 200 and "stranger@example.vn" not in _members(app, business)
    signed = csrf_client.post(f"/tai-khoan/dang-nhap?next=/tai-khoan/loi-moi/{token}",
                              data={"email": "stranger@example.vn",
                                    "password": factories.PASSWORD})
    assert signed.headers["Location"] == f"/tai-khoan/loi-moi/{token}"
    assert "Tham gia Công ty TNHH Sông Trà" in csrf_client.get(
        f"/tai-khoan/loi-moi/{token}").get_data(as_text=True)
    joined = csrf_client.post(f"/tai-khoan/loi-moi/{token}/tham-gia", follow_redirects=True)
    assert "Bạn đã trở thành thành viên của Công ty TNHH Sông Trà" in joined.get_data(
        as_text=True)
    assert "stranger@example.vn" in _members(app, business)


def test_another_signed_in_account_cannot_use_the_link(app, business, signed_in):
    _, token = _invite(app, business, "moi@example.vn")
    stranger = signed_in("stranger@example.vn")
    page = stranger.get(f"/tai-khoan/loi-moi/{token}")
    assert page.status_code == 403
    assert "gửi tới một địa chỉ e-mail khác" in page.get_data(as_text=True)
    assert stranger.post(f"/tai-khoan/loi-moi/{token}/tham-gia").status_code == 403
    assert "stranger@example.vn" not in _members(app, business)
    # Still usable by the person it was sent to.
    fresh = factories.CsrfClient(app.test_client())
    assert fresh.post(f"/tai-khoan/loi-moi/{token}", data=NEW_PERSON).status_code == 303


def test_a_staff_account_is_not_made_a_member(app, business, csrf_client, login):
    with app.app_context():
        factories.staff(factories.Role.SPECIALIST, factories.agency(), email="cb@example.vn")
        db.session.commit()
    _, token = _invite(app, business, "cb@example.vn")
    login(csrf_client, "cb@example.vn")
    refused = csrf_client.post(f"/tai-khoan/loi-moi/{token}/tham-gia", follow_redirects=True)
    assert "Tài khoản cán bộ không thể là thành viên" in refused.get_data(as_text=True)
    assert "cb@example.vn" not in _members(app, business)


def test_members_and_pending_addresses_are_not_invited_twice(app, business, signed_in):
    owner = signed_in("owner@example.vn")
    url = f"/tai-khoan/to-chuc/{business}/loi-moi"
    member = owner.post(url, data={"email": "staff@example.vn"}, follow_redirects=True)
    assert "đã là thành viên của tổ chức" in member.get_data(as_text=True)
    owner.post(url, data={"email": "moi@example.vn"})
    twice = owner.post(url, data={"email": "moi@example.vn"}, follow_redirects=True)
    assert "Đã có lời mời đang chờ" in twice.get_data(as_text=True)
    bad = owner.post(url, data={"email": "khong-phai-email"}, follow_redirects=True)
    assert "Địa chỉ e-mail không hợp lệ" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OrganisationInvitation.id))) == 1


def test_only_the_manager_of_that_business_reaches_each_invitation_route(
        app, business, signed_in):
    invitation_id, _ = _invite(app, business, "moi@example.vn")
    with app.app_context():
        other = factories.citizen(email="other-owner@example.vn", organisation_name="Công ty B",
                                  tax_code="4300000002")
        db.session.commit()
        other_org = other.memberships[0].organisation_id
    routes = [(f"/tai-khoan/to-chuc/{business}/loi-moi", {"email": "x@example.vn"}),
              (f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/gui-lai", {}),
              (f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/thu-hoi", {})]
    for email, status in (("stranger@example.vn", 404), ("other-owner@example.vn", 404),
                          ("staff@example.vn", 403)):
        client = signed_in(email)
        for url, data in routes:
            assert client.post(url, data=data).status_code == status, (email, url)
    # Another business's manager naming this invitation under their own business: 404.
    other_client = signed_in("other-owner@example.vn")
    for action in ("gui-lai", "thu-hoi"):
        url = f"/tai-khoan/to-chuc/{other_org}/loi-moi/{invitation_id}/{action}"
        assert other_client.post(url).status_code == 404
    with app.app_context():
        invitation = db.session.get(OrganisationInvitation, invitation_id)
        assert invitation.revoked_at is None
        assert db.session.scalar(db.select(db.func.count(OrganisationInvitation.id))) == 1


def test_every_invitation_form_needs_its_csrf_token(app, business, login):
    invitation_id, token = _invite(app, business, "moi@example.vn")
    owner = factories.CsrfClient(app.test_client())
    login(owner, "owner@example.vn")
    raw = owner.client
    for url, data in ((f"/tai-khoan/to-chuc/{business}/loi-moi", {"email": "x@example.vn"}),
                      (f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/gui-lai", {}),
                      (f"/tai-khoan/to-chuc/{business}/loi-moi/{invitation_id}/thu-hoi", {})):
        assert raw.post(url, data=data).status_code == 400, url
    anonymous = app.test_client()
    assert anonymous.post(f"/tai-khoan/loi-moi/{token}", data=NEW_PERSON).status_code == 400
    with app.app_context():
        invitation = db.session.get(OrganisationInvitation, invitation_id)
        assert invitation.revoked_at is None and invitation.accepted_at is None
        assert user_by_email("moi@example.vn") is None
    stranger = factories.CsrfClient(app.test_client())
    login(stranger, "stranger@example.vn")
    assert stranger.client.post(f"/tai-khoan/loi-moi/{token}/tham-gia").status_code == 400


def test_joining_after_the_session_ended_goes_back_to_the_invitation(app, business,
                                                                     csrf_client):
    _, token = _invite(app, business, "stranger@example.vn")
    response = csrf_client.post(f"/tai-khoan/loi-moi/{token}/tham-gia")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tai-khoan/loi-moi/{token}"
    assert "stranger@example.vn" not in _members(app, business)


def test_an_organisation_sends_at_most_twenty_invitation_mails_an_hour(app, business,
                                                                       signed_in):
    owner = signed_in("owner@example.vn")
    url = f"/tai-khoan/to-chuc/{business}/loi-moi"
    for n in range(invitations.MAILS_PER_HOUR):
        owner.post(url, data={"email": f"nguoi{n}@example.vn"})
    refused = owner.post(url, data={"email": "mot-nua@example.vn"}, follow_redirects=True)
    assert "Tổ chức đã gửi quá nhiều lời mời trong một giờ" in refused.get_data(as_text=True)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(OrganisationInvitation.id))
        assert db.session.scalar(db.select(db.func.count(OrganisationInvitation.id))) == 20
    resent = owner.post(f"{url}/{invitation_id}/gui-lai", follow_redirects=True)
    assert "Tổ chức đã gửi quá nhiều lời mời trong một giờ" in resent.get_data(as_text=True)
