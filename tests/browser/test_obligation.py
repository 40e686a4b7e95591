"""The financial obligation across roles in Chromium (issue 18): the specialist states the
obligation with the tax notice file → the citizen sees it at the top of the dossier page with
what to do and downloads the notice; the clock shows as paused there, on the public lookup
and in the workspace → the counter officer confirms the payment → the clock resumes.
axe and 360 px on every page of the journey; SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
from playwright.sync_api import Page, expect
from sample_files import small_pdf

from portal.accounts.models import User
from portal.calendar.overrides import current_calendar
from portal.catalog.models import ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow.obligations import Obligation

from . import helpers
from .helpers import log_in
from .test_processing import People, build_people, context_for, load, open_panel, staff_log_in

pytestmark = pytest.mark.browser

S = DossierState
NOTICE = "Thông báo nộp thuế 15-TB-CCT.pdf"
PAYEE = "Chi cục Thuế khu vực Sơn Tịnh"
PAY_TO = "Kho bạc Nhà nước Sơn Tịnh, tài khoản 7111.0.1055"


def _in_progress(app, people: People) -> int:
    """Submitted an hour ago, received and taken by the specialist."""
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        applicant = db.session.get(User, people.ids["citizen"])
        at = utcnow() - timedelta(hours=1)
        dossier = factories.submitted_dossier(version, applicant, at)
        for who, action in (("counter", wf.receive), ("specialist", wf.take)):
            action(dossier, wf.Context(db.session.get(User, people.ids[who]), at,
                                       current_calendar()))
        db.session.commit()
        return dossier.id


def _obligation(app, dossier_id: int) -> Obligation:
    with app.app_context():
        item = db.session.scalar(db.select(Obligation).where(Obligation.dossier_id == dossier_id))
        _ = item.files
        db.session.expunge_all()
        return item


def _specialist_states_the_obligation(page: Page, dossier_id: int, notice) -> None:
    page.goto(f"/can-bo/ho-so/{dossier_id}")
    form = open_panel(page, "request_obligation")
    label = "Thông báo nghĩa vụ tài chính"
    # Sent empty first: every problem at once, in the summary and next to each field.
    form.get_by_label("Hạn nộp").fill("")
    form.get_by_role("button", name=label, exact=True).click()
    summary = page.locator("form.action-request_obligation .error-summary")
    expect(summary.locator("li")).to_have_count(5)
    expect(summary).to_contain_text("Vui lòng nhập số tiền phải nộp.")
    expect(summary).to_contain_text("Vui lòng đính kèm tệp thông báo nộp thuế.")
    helpers.check_page(page)
    form = open_panel(page, "request_obligation")
    form.get_by_label("Số tiền phải nộp (đồng)").fill("1.500.000")
    form.get_by_label("Cơ quan thu").fill(PAYEE)
    form.get_by_label("Nơi nộp, số tài khoản nhận tiền").fill(PAY_TO)
    deadline = (utcnow() + timedelta(days=30)).date().isoformat()
    form.get_by_label("Hạn nộp").fill(deadline)
    form.get_by_label("Thông báo nộp thuế (tệp)").set_input_files(notice)
    form.get_by_role("button", name=label, exact=True).click()
    message = page.locator("#workspace .workspace-message")
    expect(message).to_have_text(f"Đã thực hiện: {label}.")
    workspace = page.locator("#workspace")
    expect(workspace.locator(".state-badge")).to_have_text("Chờ thực hiện nghĩa vụ tài chính")
    expect(workspace.locator(".ws-obligation .obligation-amount")).to_have_text("1.500.000 ₫")
    expect(workspace.locator(".clock-paused")).to_contain_text(
        "(chờ thực hiện nghĩa vụ tài chính)")
    helpers.check_page(page)


def test_the_obligation_from_the_notice_to_the_confirmed_payment(app, new_context, tmp_path):
    people = build_people(app)
    dossier_id = _in_progress(app, people)
    before = load(app, dossier_id)
    code = before.code
    notice = tmp_path / NOTICE
    notice.write_bytes(small_pdf())

    specialist = context_for(new_context)
    staff_log_in(specialist, people, "specialist")
    _specialist_states_the_obligation(specialist, dossier_id, notice)
    waiting = load(app, dossier_id)
    assert waiting.state is S.AWAITING_PAYMENT_OF_OBLIGATION
    assert [p.ended_at for p in waiting.pauses] == [None]
    item = _obligation(app, dossier_id)
    assert (item.amount, item.payee, item.notice.original_name) == (1_500_000, PAYEE, NOTICE)

    citizen = context_for(new_context)
    log_in(citizen, people.emails["citizen"], factories.PASSWORD)
    citizen.goto(f"/ho-so/{dossier_id}")
    section = citizen.locator("section#obligation")
    expect(section).to_be_visible()
    # At the top: the first section of the page, right under the heading.
    assert citizen.evaluate("""() => {
        const main = document.querySelector('main');
        const first = main.querySelector('section, .confirmation-panel');
        return first && first.id;
    }""") == "obligation"
    expect(section.locator(".obligation-amount")).to_have_text("1.500.000 ₫")
    expect(section.locator(".obligation-payee")).to_have_text(PAYEE)
    expect(section.locator(".obligation-pay-to")).to_have_text(PAY_TO)
    expect(section.locator(".obligation-steps")).to_contain_text("Cán bộ sẽ xác nhận")
    expect(section.locator(".obligation-steps")).to_contain_text(code)
    expect(citizen.locator(".clock-paused")).to_contain_text(
        re.compile(r"Thời hạn giải quyết tạm dừng từ ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d "
                   r"\(chờ thực hiện nghĩa vụ tài chính\)\."))
    link = section.locator("a.obligation-notice")
    expect(link).to_contain_text(NOTICE)
    answer = citizen.request.get(link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == small_pdf()
    assert "inline" in answer.headers["content-disposition"]
    helpers.check_page(citizen)
    # "Hồ sơ của tôi" lists it among what waits for the applicant.
    citizen.goto("/ho-so")
    expect(citizen.locator(".needs-action")).to_contain_text("Cần thực hiện nghĩa vụ tài chính")

    # The public lookup says the clock is paused, and nothing of the obligation's terms.
    digits = re.sub(r"\D", "", waiting.applicant_phone)[-4:]
    visitor = context_for(new_context)
    visitor.goto(f"/tra-cuu?ma={code}&so={digits}")
    result = visitor.locator(".lookup-result")
    expect(result.locator(".clock-paused")).to_contain_text("chờ thực hiện nghĩa vụ tài chính")
    expect(result).not_to_contain_text(PAYEE)
    helpers.check_page(visitor)

    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    counter.goto(f"/can-bo/ho-so/{dossier_id}")
    form = open_panel(counter, "obligation_fulfilled")
    expect(form.get_by_label("Ngày người nộp đã nộp tiền")).not_to_have_value("")
    form.get_by_label("Số biên lai, chứng từ (không bắt buộc)").fill("Biên lai số 0042")
    label = "Xác nhận đã thực hiện nghĩa vụ tài chính"
    form.get_by_role("button", name=label, exact=True).click()
    expect(counter.locator("#workspace .workspace-message")).to_have_text(
        f"Đã thực hiện: {label}.")
    expect(counter.locator("#workspace .state-badge")).to_have_text("Đang xử lý")
    expect(counter.locator("#workspace .clock-paused")).to_have_count(0)
    helpers.check_page(counter)
    resumed = load(app, dossier_id)
    assert resumed.state is S.IN_PROGRESS and all(p.ended_at for p in resumed.pauses)
    assert resumed.due_at >= waiting.due_at
    assert _obligation(app, dossier_id).receipt_note == "Biên lai số 0042"

    citizen.goto(f"/ho-so/{dossier_id}")
    expect(citizen.locator("section#obligation")).to_have_count(0)
    expect(citizen.locator(".clock-paused")).to_have_count(0)
    expect(citizen.locator(".obligation-done .obligation-paid")).to_contain_text(
        "Biên lai số 0042")
    expect(citizen.locator(".dossier-state")).to_have_text("Đang xử lý")
