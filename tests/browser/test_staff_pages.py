"""Every staff page (/can-bo) against axe-core (no serious or critical violation) and at
360 px (no sideways scroll): the dashboard, each queue, the workspace in several states,
counter intake, the hand-over page, the printable forms and the tracking book. Then the
staff pages without JavaScript: a dossier received, taken and sent back for a supplement
through the plain forms.

Markup only, so SQLite alone (like test_accessibility.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import factories
import pytest
from playwright.sync_api import Page, expect
from sample_files import small_pdf
from sqlalchemy import select

from portal.accounts import operations as account_ops
from portal.accounts.models import Role, User
from portal.blueprints.staff.workspace import HISTORY_SHOWN
from portal.calendar.overrides import current_calendar
from portal.catalog.models import Agency, ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers import operations as dossier_ops
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db
from portal.workflow import actions as wf

from .helpers import PHONE, axe_violations, check_page
from .test_processing import (
    CERT_DOC,
    FORM_DOC,
    People,
    build_people,
    enable_totp,
    load,
    open_panel,
    staff_log_in,
    store_real_files,
)

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

S = DossierState
QUEUES = ["cho-tiep-nhan", "moi", "cua-toi", "sap-den-han", "qua-han", "cho-cong-dan",
          "cho-co-quan-khac", "co-ket-qua", "xin-y-kien", "de-nghi-rut", "lien-thong-den"]


@dataclass
class Desk:
    people: People
    dossiers: dict[str, int]  # what it shows -> dossier id


def _run(dossier: Dossier, steps, at) -> None:
    for who, name, kwargs in steps:
        user = db.session.get(User, who)
        if name == "result_file":
            factories.result_file(dossier, user)
            continue
        getattr(wf, name)(dossier, wf.Context(user, at, current_calendar()), **kwargs)


@pytest.fixture
def desk(app) -> Desk:
    """The agency of test_processing.py with a "chief" who is counter officer and leader
    (so every queue and nearly every action is his), and a dossier in each state the
    pages show; a second agency asks ours for an opinion."""
    people = build_people(app, {"chief": (Role.COUNTER_OFFICER, Role.LEADER)})
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        applicant = db.session.get(User, people.ids["citizen"])
        chief, specialist = people.ids["chief"], people.ids["specialist"]
        other = factories.agency("SXD", "Sở Xây dựng")
        asking = factories.staff(Role.LEADER, other, "sxd@example.vn")
        account_ops.grant_role(asking, Role.COUNTER_OFFICER, other.id)
        enable_totp(asking)
        now = utcnow()
        plans = {
            "submitted": [],
            "received": [(chief, "receive", {})],
            "in_progress": [(chief, "receive", {}), (chief, "take", {})],
            "awaiting_supplement": [
                (chief, "receive", {}), (specialist, "take", {}),
                (specialist, "request_supplement",
                 {"items": "Bản vẽ sơ đồ thửa đất\nBản sao sổ hộ khẩu",
                  "reason": "Hồ sơ thiếu bản vẽ sơ đồ thửa đất."})],
            "awaiting_consultation": [
                (chief, "receive", {}), (chief, "take", {}),
                (chief, "request_consultation",
                 {"agencies": [other], "question": "Thửa đất có nằm trong quy hoạch không?",
                  "due_at": now + timedelta(days=3)})],
            "result_ready": [(chief, "receive", {}), (specialist, "take", {}),
                             (specialist, "complete_step", {"note": "Đủ điều kiện"}),
                             (chief, "result_file", {}),
                             (chief, "approve", {"result_note": "Số 45/GCN"})],
        }
        ids = {}
        for name, steps in plans.items():
            dossier = factories.submitted_dossier(version, applicant, now)
            _run(dossier, steps, now)
            ids[name] = dossier.id
        past = now - timedelta(days=20)
        late = factories.submitted_dossier(version, applicant, past)
        _run(late, [(chief, "receive", {}), (specialist, "take", {})], past)
        # A long history: the workspace shows the latest events and links to the rest.
        for n in range(HISTORY_SHOWN + 5):
            dossier_ops.add_event(late, "note", f"Đã liên hệ người nộp lần {n + 1}", None,
                                  at=past + timedelta(hours=2, minutes=n), public=n % 3 == 0)
        ids["overdue"] = late.id
        # The applicant asked to withdraw it while it is processed (issue 18).
        leaving = factories.submitted_dossier(version, applicant, now)
        _run(leaving, [(chief, "receive", {})], now)
        dossier_ops.request_withdrawal(leaving, applicant, "Không còn nhu cầu", now)
        ids["withdrawal"] = leaving.id
        theirs = factories.published_procedure(other, name="Cấp giấy phép xây dựng")
        asked = factories.submitted_dossier(theirs, applicant, now)
        _run(asked, [(asking.id, "receive", {}), (asking.id, "take", {}),
                          (asking.id, "request_consultation",
                           {"agencies": [db.session.get(Agency, people.agency_id)],
                            "question": "Đề nghị cho ý kiến về nguồn gốc đất.",
                            "due_at": now + timedelta(days=2)})], now)
        ids["asked"] = asked.id
        db.session.commit()
    for dossier_id in ids.values():
        store_real_files(app, dossier_id)
    return Desk(people, ids)


def _chief(page: Page, desk: Desk) -> Page:
    staff_log_in(page, desk.people, "chief")
    return page


def test_dashboard_and_every_queue(app, desk, page: Page):
    _chief(page, desk)
    check_page(page, "/can-bo/")
    expect(page.locator("a.queue-tile")).to_have_count(len(QUEUES))
    for slug in QUEUES:
        page.goto(f"/can-bo/hang-doi?loai={slug}")
        expect(page.locator(".queue-nav [aria-current=page]")).to_have_count(1)
        check_page(page)
    # Rows are there to be checked, not only empty queues.
    for slug in ("cho-tiep-nhan", "qua-han", "cho-cong-dan", "co-ket-qua", "xin-y-kien"):
        page.goto(f"/can-bo/hang-doi?loai={slug}")
        expect(page.locator(".queue-table tbody tr").first).to_be_visible()
    expect(page.locator(".queue-table")).to_contain_text("Cấp giấy phép xây dựng")
    # A withdrawal request (issue 18): in its queue, flagged in words (every queue does it).
    page.goto("/can-bo/hang-doi?loai=de-nghi-rut")
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    expect(page.locator(".withdrawal-badge")).to_have_text("Đề nghị rút")
    page.goto("/can-bo/hang-doi?loai=qua-han")
    expect(page.locator("tr.is-overdue .overdue-badge")).to_have_count(1)
    page.get_by_label("Tìm theo mã hồ sơ, tên hoặc số giấy tờ của người nộp").press_sequentially(
        "khong-co-ai")
    expect(page.locator(".empty-state")).to_be_visible()  # active search (htmx)
    check_page(page)


@pytest.mark.parametrize("state", ["submitted", "received", "in_progress",
                                   "awaiting_supplement", "awaiting_consultation",
                                   "result_ready", "overdue", "asked"])
def test_workspace_in_each_state(app, desk, page: Page, state):
    _chief(page, desk)
    dossier_id = desk.dossiers[state]
    check_page(page, f"/can-bo/ho-so/{dossier_id}")
    expect(page.locator("#workspace .dossier-code")).to_have_text(load(app, dossier_id).code)
    if state == "in_progress":
        # Every action form loaded at once (htmx), then one refused with its errors (422).
        slots = page.locator("#workspace .action-slot").evaluate_all(
            "slots => slots.map(s => s.id.replace('action-', ''))")
        assert "request_supplement" in slots and "approve" in slots
        for action in slots:
            open_panel(page, action)
        check_page(page)
        form = page.locator("form.action-request_supplement")
        with page.expect_response(lambda r: r.status == 422):
            form.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
        expect(page.locator("form.action-request_supplement .error-summary")).to_be_focused()
        check_page(page)
        assert load(app, dossier_id).state is S.IN_PROGRESS
        # Without JavaScript an action's link opens the workspace with that form open.
        check_page(page, f"/can-bo/ho-so/{dossier_id}/thao-tac/request_consultation")
        expect(page.locator("form.action-request_consultation details")).to_have_attribute(
            "open", "")
    if state == "overdue":
        expect(page.locator("#workspace .overdue-note")).to_be_visible()
        open_panel(page, "apologise")
        check_page(page)
        # The latest events, then the whole history in place (htmx) and as a page.
        history = page.locator("#workspace ol.history > li")
        expect(history).to_have_count(HISTORY_SHOWN)
        expect(page.locator("#workspace ol.history")).not_to_contain_text(
            "Cơ quan đã tiếp nhận hồ sơ")
        more = page.get_by_role("link", name=re.compile(r"^Xem toàn bộ lịch sử \(\d+ sự kiện\)$"))
        more.click()
        expect(history).to_have_count(len(load(app, dossier_id).events))
        expect(page.locator("#workspace ol.history")).to_be_focused()
        expect(page.locator("#workspace ol.history")).to_contain_text(
            "Cơ quan đã tiếp nhận hồ sơ")
        check_page(page)
        check_page(page, f"/can-bo/ho-so/{dossier_id}/lich-su")
        expect(history).to_have_count(len(load(app, dossier_id).events))


FIRST_ACTION = """() => {
  const first = document.querySelector(
    "#workspace .ws-actions-column button[type=submit], #workspace .ws-actions-column a.btn");
  const facts = document.querySelector("#ws-general");
  return first && {top: first.getBoundingClientRect().top + window.scrollY,
                   text: first.innerText.trim(),
                   facts: facts.getBoundingClientRect().top + window.scrollY};
}"""


@pytest.mark.parametrize("state", ["in_progress", "result_ready", "submitted"])
def test_at_360_px_the_actions_come_before_the_dossier(app, desk, page: Page, state):
    """Issue 12: a leader on a phone approves without scrolling past the whole dossier: the
    first action's button is within the first screenful, before the dossier's facts; from
    lg the actions are the right-hand column again."""
    _chief(page, desk)
    page.set_viewport_size(PHONE)
    page.goto(f"/can-bo/ho-so/{desk.dossiers[state]}")
    first = page.evaluate(FIRST_ACTION)
    assert first and first["top"] < PHONE["height"], first
    assert first["top"] < first["facts"], first
    page.set_viewport_size({"width": 1280, "height": 800})
    columns = page.evaluate("""() => [".ws-actions-column", "#ws-general"].map(
        s => document.querySelector(s).getBoundingClientRect().left)""")
    assert columns[0] > columns[1], columns  # actions on the right
    check_page(page)


def test_queues_are_cards_on_a_phone_and_the_desk_searches(app, desk, page: Page):
    """Issue 12: at 360 px a queue row is a card (each value after its column's name) with no
    sideways scroll; the dashboard's one box finds any dossier of the agency."""
    _chief(page, desk)
    page.set_viewport_size(PHONE)
    page.goto("/can-bo/hang-doi?loai=qua-han")
    row = page.locator(".queue-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    # The column names stay for screen readers only (visually hidden, 1 px).
    assert page.locator(".queue-table thead").bounding_box()["height"] <= 1
    cell = row.locator("td").first
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"Mã hồ sơ: "'
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    check_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    code = load(app, desk.dossiers["result_ready"]).code
    page.goto("/can-bo/")
    page.get_by_label(re.compile(r"^Tìm hồ sơ của cơ quan")).fill("nguyen thi hoa")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm hồ sơ")
    expect(page.locator("#search-results")).to_contain_text(code)
    check_page(page)
    # Active search (htmx) on the results page.
    search = page.get_by_label(re.compile(r"^Tìm hồ sơ của cơ quan"))
    search.fill("")
    search.press_sequentially(code[-11:])
    expect(page.locator("#search-results .search-row")).to_have_count(1)
    expect(page.locator("#search-results")).to_contain_text(code)
    check_page(page)


def test_intake_pages(app, desk, page: Page, tmp_path):
    _chief(page, desk)
    check_page(page, "/can-bo/tiep-nhan/moi")
    page.get_by_role("button", name="Tạo hồ sơ và quét giấy tờ").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)  # with errors
    page.get_by_label("Tìm người đã có tài khoản (họ tên, số CCCD hoặc số điện thoại)").fill(
        "051195001111")
    page.get_by_role("button", name="Tìm người nộp").click()
    check_page(page)  # with a person found
    page.get_by_label(re.compile(r"^Đăng ký biến động")).check()
    page.get_by_label(re.compile(r"^Nguyễn Thị Hoa")).check()
    page.get_by_role("button", name="Tạo hồ sơ và quét giấy tờ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quét, tải lên giấy tờ của hồ sơ")
    check_page(page)  # the scan page, nothing scanned yet
    scan = tmp_path / "ban-quet-don.pdf"
    scan.write_bytes(small_pdf())
    area = page.locator("section.card", has=page.get_by_role("heading", name=re.compile(
        "^" + FORM_DOC)))
    area.get_by_label("Chọn tệp đã quét").set_input_files(scan)
    area.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("status").filter(has_text="Đã tải lên 1 tệp.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Chưa nhận và chưa quét giấy tờ bắt buộc")
           ).to_contain_text(CERT_DOC)
    check_page(page)  # one paper scanned, one still missing
    other = page.locator("section.card", has=page.get_by_role("heading", name=re.compile(
        "^" + CERT_DOC)))
    expect(other).to_contain_text("Chưa có tệp nào.")
    page.get_by_label(re.compile("^Tôi xác nhận tiếp nhận khi còn thiếu")).check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã tiếp nhận hồ sơ")
    check_page(page)  # the result-collection note
    with app.app_context():
        made = db.session.scalar(select(Dossier).order_by(Dossier.id.desc()))
        assert made.state is S.RECEIVED and made.channel.value == "counter"
        assert made.applicant_id == desk.people.ids["citizen"]


def test_hand_over_page(app, desk, page: Page):
    _chief(page, desk)
    dossier_id = desk.dossiers["result_ready"]
    check_page(page, f"/can-bo/ho-so/{dossier_id}/tra-ket-qua")
    page.get_by_label("Chuyển cho bưu chính").check()
    page.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)  # with errors
    assert load(app, dossier_id).state is S.RESULT_READY


@pytest.mark.parametrize("form,state", [("01", "in_progress"), ("02", "awaiting_supplement"),
                                        ("05", "result_ready")])
def test_printable_forms(app, desk, page: Page, form, state):
    _chief(page, desk)
    dossier_id = desk.dossiers[state]
    check_page(page, f"/can-bo/ho-so/{dossier_id}/phieu/{form}")
    expect(page.locator("main")).to_contain_text(load(app, dossier_id).code)


def test_tracking_book(app, desk, page: Page):
    _chief(page, desk)
    page.goto("/can-bo/so-theo-doi")
    expect(page.locator("main")).to_contain_text(load(app, desk.dossiers["received"]).code)
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []


def test_tracking_book_fits_a_phone(app, desk, page: Page):
    _chief(page, desk)
    check_page(page, "/can-bo/so-theo-doi")


def test_without_javascript_receive_take_and_ask_for_a_supplement(app, desk, new_context):
    page = new_context(java_script_enabled=False).new_page()
    staff_log_in(page, desk.people, "chief")
    dossier_id = desk.dossiers["submitted"]
    page.goto(f"/can-bo/ho-so/{dossier_id}")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page).to_have_url(re.compile(rf"/can-bo/ho-so/{dossier_id}$"))
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Tiếp nhận hồ sơ.")
    assert load(app, dossier_id).state is S.RECEIVED

    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Nhận xử lý.")
    assert load(app, dossier_id).state is S.IN_PROGRESS

    # A form with fields: its link opens the workspace with that form open, no script.
    page.get_by_role("link", name="Yêu cầu bổ sung hồ sơ…").click()
    expect(page).to_have_url(re.compile(
        rf"/can-bo/ho-so/{dossier_id}/thao-tac/request_supplement#action-request_supplement$"))
    form = page.locator("form.action-request_supplement")
    expect(form.locator("details")).to_have_attribute("open", "")
    expect(page.locator("form.action-request_obligation")).to_have_count(0)
    form.get_by_label("Lý do").fill("Thiếu bản vẽ.")
    form.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    form = page.locator("form.action-request_supplement")
    expect(form.locator("details")).to_have_attribute("open", "")
    expect(form.locator(".error-summary")).to_contain_text(
        "Vui lòng nhập các giấy tờ cần bổ sung.")
    expect(form.get_by_label("Lý do")).to_have_value("Thiếu bản vẽ.")
    assert load(app, dossier_id).state is S.IN_PROGRESS
    form.get_by_label("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)").fill(
        "Bản vẽ sơ đồ thửa đất")
    form.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Yêu cầu bổ sung hồ sơ.")
    after = load(app, dossier_id)
    assert after.state is S.AWAITING_SUPPLEMENT and after.supplement_round == 1

    # The hand-over page is a plain form too.
    ready = desk.dossiers["result_ready"]
    page.goto(f"/can-bo/ho-so/{ready}")
    page.get_by_role("link", name="Trả kết quả…").click()
    page.get_by_label("Số CCCD hoặc giấy tờ tùy thân của người nhận").fill("051195001111")
    page.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã trả kết quả hồ sơ")
    assert load(app, ready).state is S.RETURNED


# --- the navbar at 1280 px (issue 12) -------------------------------------------------------

ROLES = {"citizen": None, "counter": Role.COUNTER_OFFICER, "specialist": Role.SPECIALIST,
         "leader": Role.LEADER, "supervisor": Role.SUPERVISOR, "admin": Role.ADMIN,
         "postal": Role.POSTAL_OFFICER}
# The demo accounts' names (portal/catalog/demo.py), the longest of them and longer.
NAMES = {"citizen": "Nguyễn Thị Phương Thảo", "counter": "Lê Văn Một Cửa",
         "specialist": "Phạm Thị Chuyên Viên", "leader": "Hoàng Văn Lãnh Đạo",
         "supervisor": "Trần Thị Giám Sát", "admin": "Nguyễn Văn Quản Trị",
         "postal": "Võ Thị Bưu Điện"}
NAVBAR_LAYOUT = """() => {
  const bar = document.querySelector("header nav.navbar");
  const items = [...bar.querySelectorAll(".navbar-brand, #mainnav > ul > li")];
  return {height: bar.getBoundingClientRect().height,
          items: items.map(e => { const r = e.getBoundingClientRect();
                                  return {text: e.innerText.trim(), top: r.top,
                                          height: r.height}; })};
}"""


@pytest.fixture
def every_role(app) -> dict[str, tuple[str, str | None]]:
    """A user of each role (staff with their authenticator): name → (e-mail, TOTP secret)."""
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        users = {}
        for name, role in ROLES.items():
            email = f"{name}@example.vn"
            if role is None:
                factories.citizen(email, full_name=NAMES[name])
                users[name] = (email, None)
                continue
            user = factories.staff(role, agency if role.needs_agency else None, email)
            user.full_name = NAMES[name]
            users[name] = (email, enable_totp(user))
        db.session.commit()
    return users


@pytest.mark.parametrize("who", list(ROLES))
def test_navbar_is_one_line_at_1280_px_in_both_languages(app, every_role, page: Page, who):
    from .helpers import log_in, open_nav_menu, totp_code

    email, secret = every_role[who]
    log_in(page, email, factories.PASSWORD)
    if secret:
        page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
        page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("header details.account-menu")).to_be_attached()
    page.set_viewport_size({"width": 1280, "height": 800})
    for language in ("vi", "en"):
        if language == "en":
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/")
        layout = page.evaluate(NAVBAR_LAYOUT)
        items = layout["items"]
        assert len(items) >= 5, items
        middles = [i["top"] + i["height"] / 2 for i in items]
        # One line: every item on the brand's line, none of them two lines high, and the
        # bar no taller than one line of links (Bootstrap's is 56 px).
        assert max(middles) - min(middles) <= 4, (language, items)
        assert all(i["height"] <= 48 for i in items), (language, items)
        assert layout["height"] <= 64, (language, layout)
        # The menus open without JavaScript's help (a <details>) over the page, the bar
        # keeping its height; the account menu signs out.
        open_nav_menu(page, "account-menu")
        assert page.evaluate(NAVBAR_LAYOUT)["height"] == layout["height"]
        expect(page.locator("header details.account-menu .dropdown-menu")).to_be_visible()
        if page.locator("header details.work-menu").count():
            open_nav_menu(page, "work-menu")
            expect(page.locator("header details.account-menu")).not_to_have_attribute(
                "open", "")  # portal.js closes the other one
            check_page(page)
    open_nav_menu(page, "account-menu")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(r"^(Sign in|Đăng nhập)$"))).to_be_visible()


def test_the_navbar_menus_work_without_javascript(app, every_role, new_context):
    """The menus are <details>: without JavaScript they open on a click all the same."""
    from .helpers import log_in, totp_code

    page = new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    email, secret = every_role["leader"]
    log_in(page, email, factories.PASSWORD)
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    work = page.locator("header details.work-menu")
    expect(work.get_by_role("link", name="Thống kê", exact=True)).to_be_hidden()
    work.locator("summary").click()
    work.get_by_role("link", name="Thống kê", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    page.locator("header details.account-menu summary").click()
    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đăng xuất.")
