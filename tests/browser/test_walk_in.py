"""Walk-in with scans added later (issue 18), across roles in Chromium.

The counter officer takes a walk-in dossier (the procedure found without accents, the name
typed before searching kept), is refused reception while the mandatory papers are neither
recorded nor scanned, records the papers handed in without scanning them, leaves; comes back
through the queue and the workspace, adds a scan (a Vietnamese file name), receives it and
prints the receipt, which lists what was handed in. The specialist then sees the file. axe and
the 360 px check on each new page. Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sample_files import small_pdf

from .helpers import check_page
from .test_processing import (
    CERT_DOC,
    FORM_DOC,
    PROCEDURE,
    S,
    build_people,
    context_for,
    load,
    open_queue,
    staff_log_in,
)

pytestmark = pytest.mark.browser

APPLICANT = "Trần Thị Hoa"
SCAN_NAME = "giấy-chứng-nhận-đất.pdf"


def _paper(page: Page, document: str):
    return page.locator("fieldset.paper-row", has_text=document)


def _take_the_walk_in(page: Page) -> None:
    page.goto("/can-bo/tiep-nhan/moi")
    check_page(page)
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(APPLICANT)
    page.get_by_label("Tìm thủ tục theo tên hoặc mã").fill("dang ky bien dong")
    page.get_by_role("button", name="Tìm thủ tục").click()
    expect(page.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value(APPLICANT)
    expect(page.locator("#tt-hint")).to_contain_text("1 thủ tục phù hợp")
    page.get_by_label(re.compile("^" + PROCEDURE)).check()
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("051190001122")
    page.get_by_label("Số điện thoại", exact=True).fill("0905123456")
    page.get_by_role("button", name="Tạo hồ sơ và quét giấy tờ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quét, tải lên giấy tờ của hồ sơ")


def _refused_then_papers_recorded(page: Page) -> None:
    missing = page.locator(".missing-papers")
    expect(missing).to_contain_text(FORM_DOC)
    expect(missing).to_contain_text(CERT_DOC)
    check_page(page)  # the scan page with its papers form, nothing handed in yet
    _paper(page, FORM_DOC).get_by_label("Đã nhận").select_option(label="Bản chính")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    confirm_error = page.locator("#confirm_missing-error")
    expect(confirm_error).to_contain_text("Hồ sơ còn thiếu giấy tờ bắt buộc: " + CERT_DOC)
    # Nothing lost: the choice just made is still there.
    expect(_paper(page, FORM_DOC).get_by_label("Đã nhận")).to_have_value("original")
    check_page(page)  # the refusal
    certificate = _paper(page, CERT_DOC)
    certificate.get_by_label("Đã nhận").select_option(label="Bản sao chứng thực")
    certificate.get_by_label("Số lượng (bản)").fill("2")
    page.get_by_role("button", name="Lưu giấy tờ đã nhận").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu giấy tờ người nộp đã giao")
           ).to_be_visible()
    expect(page.locator(".missing-papers")).to_have_count(0)
    expect(_paper(page, CERT_DOC)).to_contain_text("chưa quét")


def _scan_later_and_receive(page: Page, code: str, tmp_path) -> None:
    page.goto("/can-bo/")
    open_queue(page, "Chờ tiếp nhận", code)
    page.get_by_role("link", name="Giấy tờ, bản quét và tiếp nhận…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quét, tải lên giấy tờ của hồ sơ")
    scan = tmp_path / SCAN_NAME
    scan.write_bytes(small_pdf())
    area = page.locator("section.card", has=page.get_by_role("heading", name=re.compile(
        "^" + CERT_DOC)))
    area.get_by_label("Chọn tệp đã quét").set_input_files(scan)
    area.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("status").filter(has_text="Đã tải lên 1 tệp.")).to_be_visible()
    expect(area.get_by_role("link", name=SCAN_NAME)).to_be_visible()
    expect(_paper(page, CERT_DOC)).to_contain_text("1 bản quét")
    # The record stays as saved: a certified copy, two of them.
    expect(_paper(page, CERT_DOC).get_by_label("Số lượng (bản)")).to_have_value("2")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã tiếp nhận hồ sơ")
    page.get_by_role("link", name="In phiếu tiếp nhận").click()
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(FORM_DOC)
    expect(rows.nth(0)).to_contain_text("Bản chính")
    expect(rows.nth(1)).to_contain_text("Bản sao chứng thực")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("2")
    expect(page.locator("table.grid")).not_to_contain_text("Chưa nộp")


def test_walk_in_with_scans_added_later(app, new_context, tmp_path):
    people = build_people(app)
    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    _take_the_walk_in(counter)
    dossier_id = int(re.search(r"/tiep-nhan/(\d+)/giay-to", counter.url).group(1))
    taken = load(app, dossier_id)
    assert taken.state is S.SUBMITTED and taken.files == []
    _refused_then_papers_recorded(counter)
    assert load(app, dossier_id).state is S.SUBMITTED
    _scan_later_and_receive(counter, taken.code, tmp_path)
    received = load(app, dossier_id)
    assert received.state is S.RECEIVED
    assert [f.original_name for f in received.files] == [SCAN_NAME]

    specialist = context_for(new_context)
    staff_log_in(specialist, people, "specialist")
    open_queue(specialist, "Chờ nhận xử lý", taken.code)
    link = specialist.locator("#workspace .file-list").get_by_role("link", name=SCAN_NAME)
    expect(link).to_be_visible()
    received_on_paper = specialist.locator("#workspace .papers-received")
    expect(received_on_paper).to_contain_text(f"{CERT_DOC} – Bản sao chứng thực, 2 bản")
    expect(received_on_paper).to_contain_text(f"{FORM_DOC} – Bản chính, 1 bản")
    check_page(specialist)


def test_cancelling_a_mistaken_walk_in(app, new_context):
    people = build_people(app)
    counter = context_for(new_context)
    staff_log_in(counter, people, "counter")
    _take_the_walk_in(counter)
    dossier_id = int(re.search(r"/tiep-nhan/(\d+)/giay-to", counter.url).group(1))
    code = load(app, dossier_id).code
    confirm = counter.get_by_role("button", name="Xác nhận hủy hồ sơ " + code)
    expect(confirm).to_be_hidden()
    counter.locator("summary", has_text="Hủy hồ sơ").click()  # one click only asks
    expect(confirm).to_be_visible()
    # The pointer off the buttons: at 360 px the layout moves one under it, and axe would
    # measure its hover colours half-way through their transition.
    counter.mouse.move(0, 0)
    check_page(counter)  # the question open
    confirm.click()
    expect(counter.get_by_role("status").filter(has_text=f"Đã hủy hồ sơ {code}")).to_be_visible()
    with app.app_context():
        from portal.dossiers.models import Dossier
        from portal.extensions import db

        assert db.session.get(Dossier, dossier_id) is None
