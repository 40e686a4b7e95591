"""A business's members (issue 18): the manager invites a person by e-mail (the link read from a
real SMTP server), the person creates an account and joins, and the wizard then files for the
business by itself; the manager removes a member only after confirming (with and without
JavaScript)."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Organisation
from portal.accounts.operations import add_member
from portal.catalog.models import ApplicantType
from portal.extensions import db

from .helpers import check_page, log_in
from .test_processing import context_for

pytestmark = pytest.mark.browser

COMPANY = "Công ty TNHH Sông Trà"
NEW_PASSWORD = "mat-khau-cua-lan-moi"


def _company(app, *, member: bool = False) -> str:
    """The company (its manager giamdoc@…), optionally a member; a business-only procedure's
    code."""
    with app.app_context():
        owner = factories.citizen(email="giamdoc@example.vn", full_name="Trần Thị Bình",
                                  organisation_name=COMPANY, tax_code="4300123456")
        if member:
            factories.citizen(email="ketoan@example.vn", full_name="Lê Văn Toán")
            add_member(owner.memberships[0].organisation, "ketoan@example.vn")
        version = factories.published_procedure(
            factories.agency("SKH", "Sở Kế hoạch và Đầu tư"),
            name="Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
            applicant=ApplicantType.BUSINESS)
        db.session.commit()
        return version.procedure.code


def _members(app) -> list[str]:
    with app.app_context():
        organisation = db.session.scalar(db.select(Organisation))
        return sorted(m.user.email for m in organisation.members)


def _invitation_link(message) -> str:
    match = re.search(r"https?://\S+/tai-khoan/loi-moi/\S+", message.get_content())
    assert match, message.get_content()
    return match.group(0)


def test_an_invited_person_creates_an_account_joins_and_files_for_the_business(
        app, new_context, mail_inbox):
    code = _company(app)
    manager = context_for(new_context)
    log_in(manager, "giamdoc@example.vn", factories.PASSWORD)
    manager.goto("/tai-khoan/ho-so-ca-nhan")
    organisation = manager.locator("section.card", has_text=COMPANY)
    expect(organisation).to_contain_text("Không có lời mời nào đang chờ.")
    organisation.get_by_label("E-mail người được mời").fill("moi@example.vn")
    organisation.get_by_role("button", name="Gửi lời mời").click()
    expect(manager.get_by_role("status").filter(
        has_text="Đã gửi lời mời tới moi@example.vn")).to_be_visible()
    pending = manager.locator(".org-invitations li", has_text="moi@example.vn")
    expect(pending).to_contain_text("hết hạn")
    check_page(manager)  # the pending list, its resend and revoke buttons

    [mail] = mail_inbox.wait_for(1)  # from the real SMTP server
    assert mail["To"] == "moi@example.vn" and COMPANY in mail["Subject"]
    link = _invitation_link(mail)
    invitee = context_for(new_context)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Lời mời tham gia tổ chức")
    expect(invitee.locator("main")).to_contain_text(f"Trần Thị Bình mời bạn tham gia tài "
                                                    f"khoản của {COMPANY}")
    check_page(invitee)
    fields = {"Họ và tên": "Nguyễn Văn Mới", "Số định danh cá nhân (CCCD)": "051196002222",
              "Số điện thoại": "0905111222", "Mật khẩu": NEW_PASSWORD,
              "Nhập lại mật khẩu": "mot-mat-khau-khac"}
    for label, value in fields.items():
        invitee.get_by_label(label, exact=True).fill(value)
    invitee.get_by_label("Tôi cam đoan thông tin trên là đúng sự thật").check()
    invitee.get_by_role("button", name="Tạo tài khoản và tham gia").click()
    expect(invitee.locator(".error-summary")).to_contain_text("Hai mật khẩu không khớp.")
    check_page(invitee)  # the errors, with axe
    invitee.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("Nhập lại mật khẩu", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Tạo tài khoản và tham gia").click()
    expect(invitee).to_have_url(re.compile(r"/tai-khoan/ho-so-ca-nhan"))
    expect(invitee.get_by_role("status")).to_contain_text(f"Bạn là thành viên của {COMPANY}")
    expect(invitee.locator("section.card h2")).to_have_text(COMPANY)
    assert _members(app) == ["giamdoc@example.vn", "moi@example.vn"]

    # The wizard files a business-only procedure for the company, chosen already.
    invitee.goto(f"/ho-so/moi/{code}")
    choice = invitee.get_by_role("radio", name=re.compile(COMPANY))
    expect(choice).to_be_checked()
    expect(invitee.get_by_role("radio")).to_have_count(1)
    check_page(invitee)
    invitee.get_by_role("button", name="Bắt đầu").click()
    expect(invitee).to_have_url(re.compile(r"/ho-so/\d+/nguoi-nop$"))
    expect(invitee.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value(COMPANY)

    # Used once; the manager's list now shows a member, no invitation.
    invitee.goto(link)
    expect(invitee.locator(".invitation-problem")).to_contain_text("Lời mời này đã được dùng")
    check_page(invitee)
    manager.reload()
    expect(manager.locator(".org-invitations")).to_have_count(0)
    expect(manager.locator(".org-members li", has_text="moi@example.vn")).to_contain_text(
        "Nguyễn Văn Mới")


def test_a_person_with_an_account_signs_in_from_the_invitation_and_joins(
        app, new_context, mail_inbox):
    _company(app)
    with app.app_context():
        factories.citizen(email="ketoan@example.vn", full_name="Lê Văn Toán")
        db.session.commit()
    manager = context_for(new_context)
    log_in(manager, "giamdoc@example.vn", factories.PASSWORD)
    manager.goto("/tai-khoan/ho-so-ca-nhan")
    manager.get_by_label("E-mail người được mời").fill("ketoan@example.vn")
    manager.get_by_role("button", name="Gửi lời mời").click()
    expect(manager.locator(".org-invitations li")).to_contain_text("ketoan@example.vn")
    link = _invitation_link(mail_inbox.wait_for(1)[0])

    invitee = context_for(new_context)
    invitee.goto(link)
    expect(invitee.locator("main")).to_contain_text("Đã có tài khoản với e-mail "
                                                    "ketoan@example.vn")
    expect(invitee.get_by_label("Họ và tên")).to_have_count(0)  # no second account
    check_page(invitee)
    invitee.get_by_role("link", name="Đăng nhập để tham gia").click()
    invitee.get_by_label("E-mail", exact=True).fill("ketoan@example.vn")
    invitee.get_by_label("Mật khẩu", exact=True).fill(factories.PASSWORD)
    invitee.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(invitee).to_have_url(link)  # back on the invitation, signed in
    check_page(invitee)
    invitee.get_by_role("button", name=f"Tham gia {COMPANY}").click()
    expect(invitee.get_by_role("status")).to_contain_text(
        f"Bạn đã trở thành thành viên của {COMPANY}")
    assert _members(app) == ["giamdoc@example.vn", "ketoan@example.vn"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_manager_removes_a_member_only_after_confirming(app, new_context, javascript):
    _company(app, member=True)
    page: Page = new_context(java_script_enabled=javascript).new_page()
    log_in(page, "giamdoc@example.vn", factories.PASSWORD)
    page.goto("/tai-khoan/ho-so-ca-nhan")
    row = page.locator(".org-members li", has_text="Lê Văn Toán")
    confirm = row.get_by_role("button", name="Xác nhận xóa Lê Văn Toán")
    expect(confirm).to_be_hidden()
    row.locator("summary", has_text="Xóa").click()  # one click only asks
    expect(row).to_contain_text(f"Xóa Lê Văn Toán khỏi {COMPANY}? Người này sẽ không còn xem "
                                "và nộp hồ sơ của tổ chức.")
    expect(confirm).to_be_visible()
    assert _members(app) == ["giamdoc@example.vn", "ketoan@example.vn"]
    if javascript:  # axe is a script
        # The pointer off the button: at 360 px the row reflows under it, and axe would
        # measure the button mid-way through its hover transition.
        page.mouse.move(0, 0)
        check_page(page)
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("Đã xóa thành viên.")
    expect(page.locator(".org-members li")).to_have_count(1)
    assert _members(app) == ["giamdoc@example.vn"]
