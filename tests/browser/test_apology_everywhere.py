"""The apology's new appointment, seen identically on every page (issue 18): an overdue dossier;
the leader issues the apology (form 04) accepting the calendar's proposed working date; the
staff workspace, the citizen's "Hồ sơ của tôi", the citizen's dossier page and the public lookup
(/tra-cuu, its form) all show that one appointment, and the staff banner no longer asks for an
apology. axe and 360 px on each page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.core.formatting import local_date, local_datetime

from . import helpers
from .test_processing import (
    _overdue_dossier,
    build_people,
    context_for,
    load,
    open_panel,
    staff_log_in,
)

pytestmark = pytest.mark.browser

ASKS = "Cơ quan phải ban hành phiếu xin lỗi"


def _workspace_shows(leader: Page, shown: str, due: str) -> None:
    note = leader.locator("#workspace .overdue-note")
    expect(note).to_contain_text(f"cơ quan đã xin lỗi và hẹn lại {shown}")
    expect(note).to_contain_text(due)
    expect(note).not_to_contain_text(ASKS)
    expect(leader.locator("#workspace .new-appointment")).to_have_text(shown)
    # Owed no more: the action is not offered again until the new date passes too.
    expect(leader.locator("#action-apologise, form.action-apologise")).to_have_count(0)


def test_the_new_appointment_is_the_same_on_every_page(app, new_context):
    people = build_people(app)
    dossier_id, due_at = _overdue_dossier(app, people)
    code = load(app, dossier_id).code
    due = local_datetime(due_at)

    leader = context_for(new_context)
    staff_log_in(leader, people, "leader")
    leader.goto(f"/can-bo/ho-so/{dossier_id}")
    expect(leader.locator("#workspace .overdue-note")).to_contain_text(ASKS)
    form = open_panel(leader, "apologise")
    expect(form).to_contain_text("Đề xuất:")
    proposed = datetime.combine(
        date.fromisoformat(form.get_by_label("Ngày hẹn trả mới").input_value()),
        time.fromisoformat(form.get_by_label("Giờ hẹn (giờ Việt Nam)").input_value()), VN_TZ)
    form.get_by_label("Lý do quá hạn").fill("Chờ ý kiến của Ủy ban nhân dân huyện.")
    form.get_by_role("button", name="Xin lỗi và hẹn lại ngày trả", exact=True).click()
    expect(leader.locator("#workspace .workspace-message")).to_have_text(
        "Đã thực hiện: Xin lỗi và hẹn lại ngày trả.")
    after = load(app, dossier_id)
    assert after.new_appointment_at == proposed  # the proposal, kept as it was
    assert after.due_at == due_at
    with app.app_context():  # a working instant (a session's very end counts)
        assert current_calendar().is_working_instant(proposed - timedelta(seconds=1))
    shown = local_datetime(proposed)
    _workspace_shows(leader, shown, due)
    leader.reload()  # the whole page drawn afresh says the same
    _workspace_shows(leader, shown, due)
    helpers.check_page(leader)

    citizen = context_for(new_context)
    helpers.log_in(citizen, people.emails["citizen"], factories.PASSWORD)
    citizen.goto("/ho-so")
    cell = citizen.locator("tr", has_text=code).locator(".appointment")
    expect(cell).to_contain_text(local_date(proposed))
    expect(cell).to_contain_text("(hẹn lại)")
    expect(cell).not_to_contain_text(local_date(due_at))
    helpers.check_page(citizen)
    citizen.goto(f"/ho-so/{dossier_id}")
    expect(citizen.locator(".new-appointment")).to_have_text(f"Hẹn mới: {shown}")
    expect(citizen.locator(".original-appointment")).to_contain_text(due)
    helpers.check_page(citizen)

    visitor = context_for(new_context)  # nobody signed in, the lookup's own form
    visitor.goto("/tra-cuu")
    visitor.get_by_label("Mã hồ sơ").fill(code)
    visitor.get_by_label("4 chữ số cuối số điện thoại hoặc số CCCD của người nộp").fill(
        load(app, dossier_id).applicant_phone[-4:])
    visitor.get_by_role("button", name="Tra cứu").click()
    appointment = visitor.locator(".lookup-result .appointment")
    expect(appointment).to_contain_text(shown)
    expect(appointment.locator(".new-appointment-note")).to_contain_text(due)
    helpers.check_page(visitor)
