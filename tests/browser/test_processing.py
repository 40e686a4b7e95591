"""Agency processing across roles in Chromium (issue 4), one browser context per person.

The first journey: a citizen submits online → the counter officer receives (after opening an
uploaded PDF in the browser) → the specialist takes it and asks for a supplement (form 02) →
the citizen answers on the dossier page → the specialist completes the step to the leader →
the leader approves with an e-result → the counter hands it over → the citizen sees
"Đã trả kết quả" and downloads the e-result. The second: a dossier received 20 days ago on a
5-day procedure is overdue; the leader apologises with a new appointment, which the citizen
and the public apologies page show. Between steps the database says where the dossier is.

Both run on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import factories
import pyotp
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sample_files import small_pdf, small_png
from sqlalchemy import select

from portal.accounts import operations as account_ops
from portal.accounts.models import Role, User
from portal.blueprints.lookup_links import lookup_url
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import DocumentForm, ProcedureVersion, StepRole, TimeUnit
from portal.core.formatting import local_datetime
from portal.core.models import utcnow
from portal.dossiers.models import Dossier, DossierFile, DossierState, FileKind
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow.models import Notice, NoticeKind

from . import helpers
from .helpers import log_in
from .test_submission import (
    NAME,
    _choose_return,
    _fill_applicant,
    _start,
    _submit,
    _upload_with_js,
)

pytestmark = pytest.mark.browser

S = DossierState
PROCEDURE = "Đăng ký biến động quyền sử dụng đất"
FORM_DOC = "Đơn đăng ký biến động đất đai"
CERT_DOC = "Giấy chứng nhận quyền sử dụng đất đã cấp"
STAFF = {"counter": (Role.COUNTER_OFFICER, "motcua@example.vn", "Trần Thị Quầy"),
         "specialist": (Role.SPECIALIST, "chuyenvien@example.vn", "Lê Văn Chuyên"),
         "leader": (Role.LEADER, "lanhdao@example.vn", "Phạm Minh Lãnh")}


# --- a small world, shared with test_staff_pages.py ----------------------------------------

@dataclass
class People:
    agency_id: int
    version_id: int
    code: str  # the procedure's code
    secrets: dict[str, str]  # staff role name -> TOTP secret
    ids: dict[str, int]  # role name (and "citizen") -> user id
    emails: dict[str, str]


def enable_totp(user: User) -> str:
    """As if the officer had enrolled an authenticator app already."""
    user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
    return user.totp_secret


def build_people(app, extra_roles: dict[str, tuple[Role, ...]] | None = None) -> People:
    """One agency, a 5-working-day procedure (counter → specialist → leader, two required
    papers), its three officers (TOTP on), and the citizen of test_submission.py."""
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        version = factories.published_procedure(
            agency, name=PROCEDURE, code="1.004227", time_amount=5, time_unit=TimeUnit.DAYS,
            cutoff=None, documents=[
                catalog_ops.DocumentData(FORM_DOC, DocumentForm.ORIGINAL, 1, True,
                                         "Mẫu số 09/ĐK"),
                catalog_ops.DocumentData(CERT_DOC, DocumentForm.ORIGINAL, 1, True,
                                         "")],
            steps=[catalog_ops.StepData("Tiếp nhận hồ sơ", StepRole.COUNTER, 4),
                   catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
                   catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
        secrets, ids, emails = {}, {}, {}
        roles = {name: (role,) for name, (role, _, _) in STAFF.items()}
        roles.update(extra_roles or {})
        for name, granted in roles.items():
            email = STAFF[name][1] if name in STAFF else f"{name}@example.vn"
            user = factories.staff(granted[0], agency, email)
            user.full_name = STAFF[name][2] if name in STAFF else f"Cán Bộ {name}"
            for more in granted[1:]:
                account_ops.grant_role(user, more, agency.id)
            secrets[name], ids[name], emails[name] = enable_totp(user), user.id, email
        citizen = factories.citizen("hoa@example.vn", full_name=NAME, id_number="051195001111")
        ids["citizen"], emails["citizen"] = citizen.id, citizen.email
        db.session.commit()
        return People(agency.id, version.id, version.procedure.code, secrets, ids, emails)


def staff_log_in(page: Page, people: People, who: str) -> None:
    helpers.staff_log_in(page, people.emails[who], people.secrets[who])


def load(app, dossier_id: int) -> Dossier:
    """A detached copy of the dossier with what the assertions read."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        for relation in (dossier.files, dossier.steps, dossier.pauses, dossier.notices,
                         dossier.events, dossier.legs):
            list(relation)
        db.session.expunge_all()
        return dossier


def open_queue(page: Page, tile: str, code: str) -> None:
    """From the officer's dashboard: a queue tile, then the dossier's row."""
    page.goto("/can-bo/")
    page.locator("a.queue-tile", has_text=tile).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tile)
    page.locator(".queue-table").get_by_role("link", name=code).click()
    expect(page.locator("#workspace .dossier-code")).to_have_text(code)


def open_panel(page: Page, action: str) -> Locator:
    """An action's form. A button alone is on the workspace; a form with fields is loaded
    when its link is clicked (htmx swaps it in, open, with the focus on its first field)."""
    form = page.locator(f"form.action-{action}")
    # The journeys keep a page per person in one browser: the focus checked below belongs to
    # the page in front (headless Chromium gives it to one page at a time).
    page.bring_to_front()
    # htmx binds the workspace's forms once the page has loaded (its script is deferred): a
    # button pressed before that posts the plain form, and the answer is a page, not a swap.
    page.wait_for_load_state("load")
    # The rare actions are grouped under "Thao tác khác" (a <details>): open it first.
    group = page.locator("details.more-actions", has=page.locator(
        f"form.action-{action}, #action-{action}"))
    if group.count() and group.get_attribute("open") is None:
        group.locator("> summary").click()
    if not form.count():
        page.locator(f"#action-{action} a.action-open").click()
        expect(form.locator("details")).to_have_attribute("open", "")
        expect(form.locator("textarea, select, input:not([type=hidden])").first).to_be_focused()
    details = form.locator("details")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
    return form


def act(page: Page, action: str, label: str, fields: dict[str, str] | None = None) -> None:
    """One workspace action (htmx): open its panel, fill it, press its button."""
    form = open_panel(page, action)
    if fields:
        for name, value in fields.items():
            form.get_by_label(name, exact=True).fill(value)
    form.get_by_role("button", name=label, exact=True).click()
    message = page.locator("#workspace .workspace-message")
    expect(message).to_have_text(f"Đã thực hiện: {label}.")
    expect(message).to_be_focused()  # staff.js: keyboard users land on the outcome


def context_for(new_context) -> Page:
    """A browser context of its own (cookies, session) for one person."""
    context: BrowserContext = new_context()
    return context.new_page()


# --- the journey ---------------------------------------------------------------------------

def _citizen_submits(page: Page, people: People, tmp_path) -> int:
    form_pdf = tmp_path / "don-dang-ky-bien-dong.pdf"
    form_pdf.write_bytes(small_pdf())
    certificate = tmp_path / "so-do.png"
    certificate.write_bytes(small_png())
    log_in(page, people.emails["citizen"], factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    page.goto(f"/thu-tuc/{people.code}")
    dossier_id = _start(page)
    _fill_applicant(page)
    _upload_with_js(page, FORM_DOC, form_pdf)
    _upload_with_js(page, CERT_DOC, certificate)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    _choose_return(page)
    _submit(page)
    return dossier_id


def _counter_views_the_pdf_and_receives(page: Page, code: str) -> None:
    open_queue(page, "Chờ tiếp nhận", code)
    link = page.locator("#workspace .file-list").get_by_role(
        "link", name="don-dang-ky-bien-dong.pdf")
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_event("response", lambda r: "/tep/" in r.url) as answer, \
            page.context.expect_page() as opened:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    # Shown, not downloaded: the tab is Chromium's PDF viewer on the file's address.
    viewer = opened.value
    expect(viewer).to_have_url(response.url)
    assert b'type="application/pdf"' in response.body()
    assert viewer.request.get(response.url).body() == small_pdf()
    viewer.close()
    act(page, "receive", "Tiếp nhận hồ sơ")
    expect(page.locator("#workspace .state-badge")).to_have_text("Đã tiếp nhận")


def test_online_dossier_through_every_role(app, new_context, tmp_path):
    people = build_people(app)
    citizen = context_for(new_context)
    dossier_id = _citizen_submits(citizen, people, tmp_path)
    submitted = load(app, dossier_id)
    assert submitted.state is S.SUBMITTED and submitted.received_at is None
    code = submitted.code

    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    _counter_views_the_pdf_and_receives(counter, code)
    received = load(app, dossier_id)
    assert received.state is S.RECEIVED and received.received_by_id == people.ids["counter"]
    assert received.due_at is not None and received.due_at > received.received_at

    specialist = context_for(new_context)
    staff_log_in(specialist, people, "specialist")
    open_queue(specialist, "Chờ nhận xử lý", code)
    act(specialist, "take", "Nhận xử lý")
    assert load(app, dossier_id).holder_id == people.ids["specialist"]
    act(specialist, "request_supplement", "Yêu cầu bổ sung hồ sơ", {
        "Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)":
            "Bản chụp rõ nét trang 3 Giấy chứng nhận",
        "Lý do": "Bản chụp trang 3 bị mờ, không đọc được số thửa."})
    waiting = load(app, dossier_id)
    assert waiting.state is S.AWAITING_SUPPLEMENT and waiting.supplement_round == 1
    assert [p.ended_at for p in waiting.pauses] == [None]  # the clock is stopped
    assert [n.kind for n in waiting.notices] == [NoticeKind.SUPPLEMENT]
    # Form 02, printable from the workspace, lists what is missing.
    specialist.locator("#workspace li.notice").get_by_role("link", name="In phiếu").click()
    expect(specialist.locator("main")).to_contain_text("Bản chụp rõ nét trang 3 Giấy chứng nhận")
    specialist.go_back()

    page3 = tmp_path / "so-do-trang-3.pdf"
    page3.write_bytes(small_pdf())
    citizen.goto(f"/ho-so/{dossier_id}")
    request = citizen.locator("section.supplement-request")
    expect(request.locator(".request-items li")).to_have_text(
        ["Bản chụp rõ nét trang 3 Giấy chứng nhận"])
    expect(request.locator(".request-reason")).to_have_text(
        "Bản chụp trang 3 bị mờ, không đọc được số thửa.")
    _upload_with_js(citizen, CERT_DOC, page3)
    citizen.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    expect(citizen.locator(".dossier-state")).to_have_text("Đang xử lý")
    supplemented = load(app, dossier_id)
    assert supplemented.state is S.IN_PROGRESS
    assert all(p.ended_at is not None for p in supplemented.pauses)
    extra = [f for f in supplemented.files if f.kind is FileKind.SUPPLEMENT]
    assert [(f.original_name, f.round) for f in extra] == [(page3.name, 1)]
    assert supplemented.due_at >= waiting.due_at  # the paused time was given back

    specialist.reload()
    expect(specialist.locator("#workspace .state-badge")).to_have_text("Đang xử lý")
    expect(specialist.locator("#workspace .file-list li", has_text=page3.name)).to_contain_text(
        "Bổ sung")
    open_panel(specialist, "complete_step")
    specialist.get_by_label("Người xử lý bước tiếp theo (không bắt buộc)").select_option(
        label=STAFF["leader"][2])
    act(specialist, "complete_step", "Hoàn thành bước, chuyển bước tiếp theo",
        {"Ý kiến xử lý": "Hồ sơ đủ điều kiện, trình lãnh đạo phê duyệt."})
    at_leader = load(app, dossier_id)
    open_steps = [s for s in at_leader.steps if s.finished_at is None]
    assert [(s.role, s.holder_id) for s in open_steps] == [(StepRole.LEADER,
                                                           people.ids["leader"])]
    # Passed on (issue 12): the specialist is offered nothing more on the leader's step, and
    # the internal process says when each step was done and who has the open one.
    workspace = specialist.locator("#workspace")
    expect(workspace.locator(".no-actions")).to_be_visible()
    expect(workspace.locator("form.action-form, .action-slot")).to_have_count(0)
    rows = workspace.locator(".steps-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).locator(".step-status")).to_have_text(
        re.compile(r"^Hoàn thành ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d$"))
    expect(rows.nth(2).locator(".step-status")).to_contain_text("Đang xử lý, hạn ngày")
    helpers.check_page(specialist)

    result = tmp_path / "giay-chung-nhan-bien-dong.pdf"
    result.write_bytes(small_pdf() + b"% e-result\n")
    leader = context_for(new_context)
    staff_log_in(leader, people, "leader")
    open_queue(leader, "Tôi đang xử lý", code)
    open_panel(leader, "approve")
    leader.get_by_label("Tệp kết quả điện tử").set_input_files(result)
    expect(leader.locator("#approve-result-hint")).to_have_text(
        "Nhận tệp PDF, JPG, PNG, DOCX, XLSX, ODT.")
    act(leader, "approve", "Phê duyệt, ban hành kết quả",
        {"Số, ký hiệu văn bản kết quả (không bắt buộc)": "Số 123/GCN-STNMT"})
    approved = load(app, dossier_id)
    assert approved.state is S.RESULT_READY and approved.finished_at is not None
    [stored] = [f for f in approved.files if f.kind is FileKind.RESULT]
    assert stored.original_name == result.name
    assert b"".join(app.extensions["storage"].open(stored.storage_key)) == result.read_bytes()

    open_queue(counter, "Có kết quả, chờ trả", code)
    counter.get_by_role("link", name="Trả kết quả…").click()
    expect(counter.get_by_label("Trả tại quầy")).to_be_checked()
    expect(counter.get_by_label("Họ và tên người nhận kết quả")).to_have_value(NAME)
    counter.get_by_label("Số CCCD hoặc giấy tờ tùy thân của người nhận").fill("051195001111")
    counter.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(counter.get_by_role("status")).to_contain_text(f"Đã trả kết quả hồ sơ {code}.")
    returned = load(app, dossier_id)
    assert returned.state is S.RETURNED and returned.returned_at is not None
    assert returned.returned_to == f"{NAME}, giấy tờ tùy thân số 051195001111"
    assert not wf.invariant_problems(returned)

    citizen.goto(f"/ho-so/{dossier_id}")
    expect(citizen.locator(".dossier-state")).to_have_text("Đã trả kết quả")
    download = citizen.locator(".result-files").get_by_role(
        "link", name=re.compile("^Tải kết quả điện tử"))
    expect(download).to_contain_text(result.name)
    answer = citizen.request.get(download.get_attribute("href"))
    assert answer.status == 200 and answer.body() == result.read_bytes()
    assert answer.headers["content-type"] == "application/pdf"


# --- overdue and the apology ---------------------------------------------------------------

def _overdue_dossier(app, people: People) -> tuple[int, datetime]:
    """Submitted and received 20 days ago, taken by the specialist: long past 5 days."""
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        applicant = db.session.get(User, people.ids["citizen"])
        past = utcnow() - timedelta(days=20)
        dossier = factories.submitted_dossier(version, applicant, past)
        for who, action in (("counter", wf.receive), ("specialist", wf.take)):
            action(dossier, wf.Context(db.session.get(User, people.ids[who]),
                                       past + timedelta(hours=1), current_calendar()))
        db.session.commit()
        return dossier.id, dossier.due_at


def test_overdue_dossier_gets_an_apology_and_a_new_appointment(app, new_context):
    people = build_people(app)
    dossier_id, due_at = _overdue_dossier(app, people)
    code = load(app, dossier_id).code
    assert due_at < utcnow()

    leader = context_for(new_context)
    staff_log_in(leader, people, "leader")
    leader.goto("/can-bo/")
    overdue_tile = leader.locator("a.queue-tile", has_text="Quá hạn")
    expect(overdue_tile.locator(".queue-count")).to_have_text("1")
    overdue_tile.click()
    row = leader.locator(".queue-table tr.queue-row", has_text=code)
    expect(row).to_have_class(re.compile(r"\bis-overdue\b"))
    expect(row.locator(".overdue-badge")).to_have_text("⚠ Quá hạn")
    row.get_by_role("link", name=code).click()
    expect(leader.locator("#workspace .overdue-note")).to_contain_text(local_datetime(due_at))

    # A Saturday is refused with the calendar's proposal (issue 18); the form proposes a
    # working instant, explained, which the leader keeps.
    saturday = date.today() + timedelta(days=1)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    form = open_panel(leader, "apologise")
    expect(form).to_contain_text("Đề xuất:")
    proposed_day = form.get_by_label("Ngày hẹn trả mới").input_value()
    proposed_time = form.get_by_label("Giờ hẹn (giờ Việt Nam)").input_value()
    form.get_by_label("Lý do quá hạn").fill("Chờ kết quả đo đạc lại thửa đất.")
    form.get_by_label("Ngày hẹn trả mới").fill(saturday.isoformat())
    form.get_by_role("button", name="Xin lỗi và hẹn lại ngày trả", exact=True).click()
    form = leader.locator("form.action-apologise")
    expect(form.locator(".invalid-feedback")).to_contain_text(
        "Ngày hẹn mới phải trong giờ làm việc")
    helpers.check_page(leader)  # the refusal, with axe
    form.get_by_label("Ngày hẹn trả mới").fill(proposed_day)
    form.get_by_role("button", name="Xin lỗi và hẹn lại ngày trả", exact=True).click()
    expect(leader.locator("#workspace .workspace-message")).to_have_text(
        "Đã thực hiện: Xin lỗi và hẹn lại ngày trả.")
    new_appointment = datetime.combine(date.fromisoformat(proposed_day),
                                       time.fromisoformat(proposed_time), VN_TZ)
    with app.app_context():
        assert current_calendar().is_working_instant(new_appointment - timedelta(seconds=1))
    expect(leader.locator("#workspace .new-appointment")).to_have_text(
        local_datetime(new_appointment))
    expect(leader.locator("#workspace .overdue-note")).to_contain_text(
        "cơ quan đã xin lỗi và hẹn lại")
    after = load(app, dossier_id)
    assert after.new_appointment_at == new_appointment
    assert after.due_at == due_at  # the statutory due time stays for the statistics
    with app.app_context():
        apology = db.session.scalar(select(Notice).where(Notice.dossier_id == dossier_id))
        assert apology.kind is NoticeKind.APOLOGY and apology.original_due_at == due_at

    citizen = context_for(new_context)
    log_in(citizen, people.emails["citizen"], factories.PASSWORD)
    citizen.goto(f"/ho-so/{dossier_id}")
    expect(citizen.locator(".new-appointment")).to_have_text(
        f"Hẹn mới: {local_datetime(new_appointment)}")
    expect(citizen.locator(".original-appointment")).to_contain_text(local_datetime(due_at))
    expect(citizen.locator(".apology-reason")).to_contain_text(
        "Chờ kết quả đo đạc lại thửa đất.")
    expect(citizen.locator(".overdue-notice")).to_contain_text("Cơ quan đã gửi thư xin lỗi")
    citizen.goto("/ho-so")  # the same date in the citizen's list
    expect(citizen.locator("tr", has_text=code).locator(".appointment")).to_contain_text(
        local_datetime(new_appointment).split(" ")[-1])
    citizen.goto(f"/ho-so/{dossier_id}")
    # The apology itself (form 04), the citizen's copy.
    citizen.locator(".issued-documents").get_by_role("link", name=re.compile("xin lỗi",
                                                                              re.I)).click()
    expect(citizen).to_have_url(re.compile(rf"/ho-so/{dossier_id}/phieu/04"))
    expect(citizen.locator("main")).to_contain_text(code)
    expect(citizen.locator("main")).to_contain_text("Chờ kết quả đo đạc lại thửa đất.")

    visitor = context_for(new_context)  # nobody logged in
    with app.test_request_context():  # the lookup the receipt's QR code opens
        address = urlsplit(lookup_url(load(app, dossier_id), with_token=True))
    visitor.goto(f"{address.path}?{address.query}")
    expect(visitor.locator(".lookup-result .appointment")).to_contain_text(
        local_datetime(new_appointment))
    visitor.goto("/xin-loi")
    item = visitor.locator(".apology-item", has_text=code)
    expect(item.get_by_role("heading")).to_have_text("Sở Tài nguyên và Môi trường")
    expect(item.locator(".new-appointment")).to_have_text(local_datetime(new_appointment))
    expect(item.locator(".original-appointment")).to_have_text(local_datetime(due_at))
    expect(item.locator(".apology-reason")).to_have_text("Chờ kết quả đo đạc lại thửa đất.")
    expect(item).not_to_contain_text(NAME)  # no personal data on the public page


# --- a refusal: the rare actions grouped, the tick asked (issue 18) ------------------------

def test_the_leader_refuses_from_the_other_actions_with_the_tick(app, new_context):
    people = build_people(app)
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        applicant = db.session.get(User, people.ids["citizen"])
        dossier = factories.submitted_dossier(version, applicant, utcnow() - timedelta(hours=2))
        wf.receive(dossier, wf.Context(db.session.get(User, people.ids["counter"]),
                                       utcnow() - timedelta(hours=1), current_calendar()))
        db.session.commit()
        dossier_id = dossier.id

    leader = context_for(new_context)
    staff_log_in(leader, people, "leader")
    leader.goto(f"/can-bo/ho-so/{dossier_id}")
    actions = leader.locator(".ws-actions-column")
    # The usual next step is in sight; refusing and stopping wait under "Thao tác khác".
    expect(actions.locator("form.action-take")).to_be_visible()
    group = actions.locator("details.more-actions")
    expect(group.locator("> summary")).to_have_text("Thao tác khác")
    expect(group).not_to_have_attribute("open", "")
    expect(group.locator("#action-refuse")).to_be_hidden()
    expect(group.locator("#action-stop")).to_be_hidden()
    helpers.check_page(leader)

    form = open_panel(leader, "refuse")
    form.get_by_label("Lý do", exact=True).fill("Đất đang có tranh chấp.")
    form.get_by_role("button", name="Từ chối giải quyết", exact=True).click()
    form = leader.locator("form.action-refuse")
    box = form.get_by_label("Tôi xác nhận từ chối giải quyết hồ sơ (không hoàn tác được)")
    expect(form.locator("#refuse-sure-error")).to_have_text(
        "Hãy đánh dấu ô xác nhận: thao tác này không hoàn tác được.")
    expect(leader.locator("details.more-actions")).to_have_attribute("open", "")
    assert load(app, dossier_id).state is S.RECEIVED  # nothing happened
    helpers.check_page(leader)  # the refusal, with axe

    box.check()
    form.get_by_role("button", name="Từ chối giải quyết", exact=True).click()
    expect(leader.locator("#workspace .workspace-message")).to_have_text(
        "Đã thực hiện: Từ chối giải quyết.")
    assert load(app, dossier_id).state is S.REFUSED


def store_real_files(app, dossier_id: int) -> None:
    """Put bytes behind the file rows a factory made (PDF), so the viewer can open them."""
    body = small_pdf()
    with app.app_context():
        for item in db.session.scalars(select(DossierFile).where(
                DossierFile.dossier_id == dossier_id)):
            app.extensions["storage"].put(item.storage_key, io.BytesIO(body),
                                          content_type="application/pdf")
            item.size, item.content_type = len(body), "application/pdf"
        db.session.commit()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # markup only
def test_the_request_for_papers_comes_first_and_its_error_jumps_to_the_field(app, page: Page):
    """Issue 12, item 3: what is missing, the officer's note and the date to answer by open
    the dossier page; sending without a file shows an error summary (focused, through htmx)
    whose link moves to the upload field, marked invalid."""
    from .test_accounts import citizen_with_work

    code, _ = citizen_with_work(app)
    with app.app_context():
        dossier = db.session.scalar(select(Dossier).where(Dossier.code == code))
        dossier_id, requirement = dossier.id, dossier.procedure_version.documents[0].id
        [notice] = dossier.notices
        answer_by = notice.answer_by.astimezone(VN_TZ)
    log_in(page, "an@example.vn", factories.PASSWORD)
    page.goto(f"/ho-so/{dossier_id}")
    request = page.locator("section.supplement-request")
    expect(request.locator(".request-items li")).to_have_text(["Bản sao CCCD có chứng thực"])
    expect(request.locator(".request-reason")).to_have_text("Bản chụp CCCD bị mờ")
    expect(request.locator(".answer-by")).to_have_text(
        f"Vui lòng gửi hồ sơ bổ sung trước ngày {answer_by:%d/%m/%Y}, lúc {answer_by:%H:%M}.")
    assert request.bounding_box()["y"] < page.locator(".confirmation-panel").bounding_box()["y"]

    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()  # no file added
    summary = request.locator(".error-summary")
    expect(summary).to_be_focused()
    field = page.locator(f"#req-{requirement}-files")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(f"req-{requirement}-error"))
    summary.get_by_role("link", name=re.compile("Vui lòng đính kèm ít nhất một tệp")).click()
    expect(field).to_be_focused()
    helpers.check_page(page)
