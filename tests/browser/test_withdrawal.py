"""Withdrawal while the dossier is processed (issue 18): the citizen asks, the counter officer
finds the request in the "Đề nghị rút hồ sơ" queue, confirms it only with the tick, and the
citizen's page says it was withdrawn."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.calendar.overrides import current_calendar
from portal.catalog.models import ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.workflow import actions as wf

from . import helpers
from .test_processing import (
    build_people,
    context_for,
    load,
    open_panel,
    staff_log_in,
)

pytestmark = pytest.mark.browser


def _in_progress(app, people) -> int:
    """Received this morning and taken by the specialist: being processed."""
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        applicant = db.session.get(User, people.ids["citizen"])
        start = utcnow() - timedelta(hours=3)
        dossier = factories.submitted_dossier(version, applicant, start)
        for who, action in (("counter", wf.receive), ("specialist", wf.take)):
            action(dossier, wf.Context(db.session.get(User, people.ids[who]),
                                       start + timedelta(hours=1), current_calendar()))
        db.session.commit()
        return dossier.id


def test_a_withdrawal_asked_during_processing_is_queued_confirmed_and_shown(app, new_context):
    people = build_people(app)
    dossier_id = _in_progress(app, people)
    code = load(app, dossier_id).code
    assert load(app, dossier_id).state is DossierState.IN_PROGRESS

    citizen = context_for(new_context)
    helpers.log_in(citizen, people.emails["citizen"], factories.PASSWORD)
    citizen.goto(f"/ho-so/{dossier_id}")
    citizen.locator("summary", has_text="Rút hồ sơ").click()
    citizen.get_by_label("Lý do rút hồ sơ").fill("Gia đình đã thỏa thuận lại, không cần nữa.")
    citizen.get_by_role("button", name="Gửi yêu cầu rút hồ sơ").click()
    status = citizen.locator(".withdrawal-status")
    expect(status).to_contain_text("Đã gửi đề nghị rút hồ sơ")
    expect(status).to_contain_text("cán bộ sẽ xác nhận")
    helpers.check_page(citizen)
    assert load(app, dossier_id).state is DossierState.IN_PROGRESS  # asked, not yet withdrawn

    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    counter.goto("/can-bo/")
    tile = counter.locator("a.queue-tile", has_text="Đề nghị rút hồ sơ")
    expect(tile.locator(".queue-count")).to_have_text("1")
    tile.click()
    row = counter.locator(".queue-table tr.queue-row", has_text=code)
    expect(row.locator(".withdrawal-badge")).to_have_text("Đề nghị rút")
    helpers.check_page(counter)
    row.get_by_role("link", name=code).click()
    expect(counter.locator("#workspace .withdrawal-request")).to_contain_text(
        "Gia đình đã thỏa thuận lại, không cần nữa.")

    form = open_panel(counter, "confirm_withdrawal")
    form.get_by_role("button", name="Xác nhận rút hồ sơ", exact=True).click()
    form = counter.locator("form.action-confirm_withdrawal")
    expect(form.locator(".invalid-feedback")).to_contain_text("Hãy đánh dấu ô xác nhận")
    assert load(app, dossier_id).state is DossierState.IN_PROGRESS
    helpers.check_page(counter)  # the refusal, with axe
    form.get_by_label("Tôi xác nhận cho rút hồ sơ (không hoàn tác được)").check()
    form.get_by_role("button", name="Xác nhận rút hồ sơ", exact=True).click()
    expect(counter.locator("#workspace .workspace-message")).to_have_text(
        "Đã thực hiện: Xác nhận rút hồ sơ.")
    assert load(app, dossier_id).state is DossierState.WITHDRAWN
    counter.goto("/can-bo/hang-doi?loai=de-nghi-rut")
    expect(counter.locator(".queue-table tr.queue-row", has_text=code)).to_have_count(0)

    citizen.reload()
    expect(citizen.locator(".withdrawal-status")).to_contain_text(
        "Hồ sơ đã được rút theo đề nghị của bạn")
    expect(citizen.locator("main")).not_to_contain_text("cán bộ sẽ xác nhận")
    citizen.goto("/ho-so")
    expect(citizen.locator("tr", has_text=code)).to_contain_text(re.compile("rút", re.I))
