"""Addresses from the official list (issue 15) in Chromium: a citizen whose profile holds an
address from the list chooses postal return; the address is offered from the profile, the
citizen changes the ward by typing its name without accents (htmx swaps the ward select),
submits, and the counter officer's queue and workspace show the return method and the
address. axe (no serious or critical violation) and the 360 px check on the step as the
swap left it, on the queue and on the workspace. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import expect
from sample_files import small_pdf, small_png

from portal.accounts import operations as account_ops
from portal.dossiers.models import Dossier
from portal.extensions import db

from .helpers import check_page, log_in
from .test_processing import CERT_DOC, FORM_DOC, build_people, context_for, staff_log_in
from .test_submission import WARD_SEARCH, _fill_applicant, _start, _submit, _upload_with_js

pytestmark = pytest.mark.browser

LINE = "Thôn Trường Thọ, số 7, Xã Tịnh Khê, Tỉnh Quảng Ngãi"


def test_postal_return_from_the_profile_address_with_type_ahead(app, new_context, tmp_path):
    people = build_people(app)
    with app.app_context():  # the citizen's profile: 12 Lê Lợi, Phường Cẩm Thành
        citizen = db.session.get(account_ops.User, people.ids["citizen"])
        account_ops.update_profile(citizen, citizen.full_name, citizen.phone,
                                   ("51", "21025", "12 Lê Lợi"))
        db.session.commit()
    page = context_for(new_context)
    log_in(page, people.emails["citizen"], factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    page.goto(f"/thu-tuc/{people.code}")
    dossier_id = _start(page)
    _fill_applicant(page)
    for document, path, data in ((FORM_DOC, tmp_path / "don.pdf", small_pdf()),
                                 (CERT_DOC, tmp_path / "so-do.png", small_png())):
        path.write_bytes(data)
        _upload_with_js(page, document, path)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Step 3: the profile's address is offered; the citizen sends it elsewhere.
    page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính").check()
    province = page.get_by_label("Tỉnh, thành phố", exact=True)
    wards = page.get_by_label("Phường, xã, đặc khu", exact=True)
    expect(province.locator("option:checked")).to_have_text("Tỉnh Quảng Ngãi")
    expect(wards.locator("option:checked")).to_have_text("Phường Cẩm Thành")
    expect(page.get_by_label("Số nhà, đường, thôn, xóm")).to_have_value("12 Lê Lợi")
    expect(page.get_by_role("button", name="Chọn", exact=True)).to_be_hidden()  # htmx is on
    page.get_by_label(WARD_SEARCH).press_sequentially("tinh khe", delay=20)
    expect(wards.locator("option")).to_have_count(3)  # the prompt, the chosen, the match
    expect(page.get_by_label(WARD_SEARCH)).to_be_focused()  # typing is never interrupted
    wards.select_option(label="Xã Tịnh Khê")
    page.get_by_label("Số nhà, đường, thôn, xóm").fill("Thôn Trường Thọ, số 7")
    check_page(page)  # the step as the swap left it
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("h2:has-text('Nhận kết quả') + p")).to_contain_text(LINE)
    _submit(page)
    expect(page.locator("h2:has-text('Nhận kết quả') + p")).to_contain_text(LINE)

    # The counter officer: the queue shows the method and the address, and so does the
    # workspace.
    officer = context_for(new_context)
    staff_log_in(officer, people, "counter")
    officer.goto("/can-bo/")
    officer.locator("a.queue-tile", has_text="Chờ tiếp nhận").click()
    row = officer.locator(".queue-row", has_text=_code(app, dossier_id))
    expect(row.locator(".return-method")).to_contain_text("Nhận qua dịch vụ bưu chính")
    expect(row.locator(".queue-postal-address")).to_have_text(LINE)
    check_page(officer)
    row.get_by_role("link").first.click()
    expect(officer.locator(".ws-return-method")).to_contain_text("Nhận qua dịch vụ bưu chính")
    expect(officer.locator(".ws-postal-address")).to_contain_text(LINE)
    check_page(officer)


def _code(app, dossier_id: int) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).code
