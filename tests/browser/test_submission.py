"""Online submission journeys (issue 3) in Chromium: register, pick an online procedure in the
catalog, fill the steps, upload through upload.js (one XHR per file with its progress bar) and
through the plain form without JavaScript, reload a half-done draft, review, submit, and read
the confirmation; postal return; refused uploads; a double-clicked submit; axe on every page.

The journeys run on SQLite and PostgreSQL (the `app` fixture); the axe sweep, which depends on
markup only, runs on SQLite alone like test_accessibility.py."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import factories
import pytest
from playwright.sync_api import Locator, Page, expect
from sample_files import small_pdf, small_png
from sqlalchemy import func, select, update

from portal.calendar import VN_TZ
from portal.catalog import demo
from portal.catalog.models import Agency, ProcedureVersion
from portal.core.formatting import local_datetime
from portal.dossiers import operations
from portal.dossiers.codes import format_code
from portal.dossiers.models import Dossier, DossierEvent, DossierFile, DossierState
from portal.extensions import db

from .helpers import PHONE, check_page, log_in

pytestmark = pytest.mark.browser

PASSWORD = "mot-mat-khau-rat-dai"
# A real procedure of the demo catalog: offered fully online ("Toàn trình"), two mandatory
# documents (the request form, a copy of the ID card) and two optional ones.
PROCEDURE = ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
             "tại Việt Nam")
PROCEDURE_CODE = "2.000488"
FORM_AREA = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
ID_AREA = "Bản chụp Căn cước công dân hoặc Hộ chiếu"
PROXY_AREA = "Văn bản ủy quyền có công chứng hoặc chứng thực"  # optional
# docs/dossiers.md: <agency unit code>-YYMMDD-NNNN; unit codes follow Circular 10/2016/TT-BTTTT
# (V1V2V3.Z1Z2.Y1Y2.M1M2M3).
CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}-\d{6}-\d{4}$")
NAME, ID_NUMBER = "Nguyễn Thị Hoa", "051195001111"
POSTAL = {"Người nhận": "Trần Văn Nhận", "Số điện thoại người nhận": "0935777888",
          "Số nhà, đường, thôn, xóm": "Thôn Trường Thọ, số 7"}
# The address selects (issue 15): a province, then the ward found by typing without accents.
POSTAL_PLACE = ("Tỉnh Quảng Ngãi", "son tinh", "Xã Sơn Tịnh")
WARD_SEARCH = "Tìm phường, xã (gõ có dấu hoặc không dấu)"


# --- files made on the fly: small but real -------------------------------------------------

@dataclass
class Files:
    form: Path  # the request form, a PDF
    id_card: Path  # the ID card, a PNG
    fake: Path  # a Windows program renamed .pdf


@pytest.fixture
def files(tmp_path) -> Files:
    # A long name without spaces, as scanners and phones make them: it must wrap at 360 px.
    made = Files(tmp_path / "tờ_khai_yêu_cầu_cấp_phiếu_lý_lịch_tư_pháp_nguyễn_thị_hoa_2026.pdf",
                 tmp_path / "cccd-mat-truoc.png",
                 tmp_path / "hoa-don.pdf")
    made.form.write_bytes(small_pdf())
    made.id_card.write_bytes(small_png())
    made.fake.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200)
    return made


@pytest.fixture
def catalog(app):
    """The demo agencies and the 48 real procedures, with their form templates."""
    with app.app_context():
        demo.seed_agencies()
        demo.seed_catalog(48, app.extensions["storage"])
        # The demo's judicial record is paid at submission (issue 14): paying is
        # tests/browser/test_payments.py's journey; this one ends at the submitted dossier.
        db.session.execute(update(ProcedureVersion).values(payment_due_at_submission=False))
        db.session.commit()


@pytest.fixture
def citizen(app, catalog) -> str:
    """An account made directly (the registration form is the first journey's business)."""
    with app.app_context():
        factories.citizen(email="hoa@example.vn", full_name=NAME, id_number=ID_NUMBER)
        db.session.commit()
    return "hoa@example.vn"


# --- the steps of the journey ---------------------------------------------------------------

def _no_horizontal_scroll(page: Page) -> None:
    page.wait_for_load_state()  # never measure a document that is still being replaced
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"horizontal scroll on {page.url}: {width}px"


def _register(page: Page, email: str = "hoa@example.vn") -> None:
    page.goto("/tai-khoan/dang-ky")
    for label, value in {"Họ và tên": NAME, "Số định danh cá nhân (CCCD)": ID_NUMBER,
                         "Số điện thoại": "0905123456", "E-mail": email,
                         "Mật khẩu": PASSWORD, "Nhập lại mật khẩu": PASSWORD}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Tôi cam đoan thông tin trên là đúng sự thật").check()
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ho-so$"))  # a citizen lands on their dossiers


def _pick_procedure(page: Page) -> None:
    """From the catalog: fully online procedures, search, open it, check its documents."""
    page.get_by_label("Mức độ trực tuyến").select_option(label="Toàn trình")
    page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm kiếm").click()
    # The live search (htmx, debounced typing and the level's change) may still swap the
    # results after the submitted search: a link clicked in a list being replaced goes
    # nowhere. Let the page settle first.
    page.wait_for_load_state("networkidle")
    page.locator("#results").get_by_role("link", name=PROCEDURE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCEDURE)
    rows = page.get_by_role("table", name="Thành phần hồ sơ").locator("tbody tr")
    assert rows.filter(has=page.locator("td:nth-child(5)", has_text="Có")).count() >= 2


def _start(page: Page) -> int:
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    expect(page.get_by_role("radio", name=f"Cá nhân: {NAME}")).to_be_checked()
    page.get_by_role("button", name="Bắt đầu").click()
    expect(page).to_have_url(re.compile(r"/ho-so/\d+/nguoi-nop$"))
    return int(re.search(r"/ho-so/(\d+)/", page.url).group(1))


def _fill_applicant(page: Page) -> None:
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 1: Người nộp hồ sơ")
    # Prefilled from the account; the address is not in it.
    expect(page.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value(NAME)
    expect(page.get_by_label("Số định danh cá nhân hoặc mã số thuế")).to_have_value(ID_NUMBER)
    page.get_by_label("Địa chỉ", exact=True).fill("52 Hùng Vương, phường Trần Phú, TP Quảng Ngãi")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 2: Giấy tờ")


def _area(page: Page, name: str) -> Locator:
    return page.locator("section.upload-area").filter(
        has=page.get_by_role("heading", name=re.compile("^" + re.escape(name))))


def _file_input(area: Locator) -> Locator:
    area.page.wait_for_load_state()  # upload.js (deferred) binds the input before the load
    return area.get_by_label(re.compile("^Chọn tệp"))


def _upload_with_js(page: Page, area_name: str, path: Path) -> None:
    """upload.js: choosing files sends them at once; a progress row, then the file's row."""
    area = _area(page, area_name)
    expect(area.get_by_role("button", name="Tải lên")).to_be_hidden()  # JS replaces it
    with page.expect_response(re.compile(r"/giay-to/\d+$")) as answer:
        _file_input(area).set_input_files(path)
    assert answer.value.status == 200, answer.value.text()[:300]
    expect(area.locator(".uploaded-files li", has_text=path.name)).to_be_visible()


def _choose_place(page: Page, province: str, query: str, ward: str) -> None:
    """The address selects with htmx: the province, then the ward typed without accents
    (the ward select is swapped for the matches), then chosen."""
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(label=province)
    page.get_by_label(WARD_SEARCH).press_sequentially(query, delay=20)
    wards = page.get_by_label("Phường, xã, đặc khu", exact=True)
    expect(wards.locator("option", has_text=ward)).to_have_count(1)
    # Narrowed: the others are gone (a ward already chosen stays listed, chosen).
    expect(wards.locator("option", has_text="Phường Cẩm Thành")).to_have_count(0)
    wards.select_option(label=ward)


def _choose_return(page: Page, postal: dict | None = None,
                   place: tuple[str, str, str] | None = POSTAL_PLACE) -> None:
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 3: Nhận kết quả")
    if postal is None:
        page.get_by_role("radio", name="Nhận tại quầy của Trung tâm").check()
    else:
        page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính").check()
        for label, value in postal.items():
            page.get_by_label(label, exact=True).fill(value)
        if place is not None:
            _choose_place(page, *place)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra thông tin trước khi nộp")


def _submit(page: Page) -> None:
    page.get_by_role("button", name="Xác nhận và nộp hồ sơ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nộp hồ sơ thành công.")


def _submitted(app, dossier_id: int) -> Dossier:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        db.session.expunge(dossier)
        return dossier


def _check_confirmation(page: Page, app, dossier_id: int) -> str:
    """The code (today's first for the agency), the appointment and its one-sentence reason."""
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}$"))
    dossier = _submitted(app, dossier_id)
    assert dossier.state is DossierState.SUBMITTED
    with app.app_context():
        agency = db.session.get(Agency, dossier.agency_id)
        expected = format_code(agency.unit_code, dossier.submitted_at.astimezone(VN_TZ).date(),
                               1)
    code = page.locator(".dossier-code").inner_text().strip()
    assert CODE.match(code), code
    assert code == dossier.code == expected
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mã hồ sơ: {code}")
    appointment = page.locator(".appointment")
    expect(appointment).to_have_text(local_datetime(dossier.due_at))
    assert re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", appointment.inner_text().strip())
    explanation = page.locator(".due-explanation").inner_text().strip()
    assert explanation == dossier.due_explanation.strip()
    # One sentence (a capital, a single full stop at the end) that ends on the appointment.
    assert re.fullmatch(r"[A-ZĐ][^.]+\.", explanation), explanation
    due = dossier.due_at.astimezone(VN_TZ)
    assert f"{due:%H:%M}" in explanation and f"{due:%d/%m/%Y}." in explanation, explanation
    expect(page.get_by_role("img", name=f"Mã QR tra cứu hồ sơ {code}")).to_be_visible()
    return code


def _menu_link(page: Page, name: str) -> Locator:
    """A link of the main navigation; on a phone the menu opens first."""
    # Before the stylesheet applies, the phone's menu button shows on a desktop too.
    page.wait_for_load_state()
    toggler = page.get_by_role("button", name="Mở menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    exactly = re.compile(f"^{re.escape(name)}$")
    # In one of the navbar's menus (a <details>), the menu opens first.
    menu = page.locator("header details.nav-menu").filter(
        has=page.locator("a", has_text=exactly))
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True)


def _held_upload(page: Page, area_name: str, path: Path) -> None:
    """Choose a file while the server holds the answer: its progress row must be there."""
    held = []
    pattern = re.compile(r"/giay-to/\d+$")
    page.route(pattern, lambda route: held.append(route))
    area = _area(page, area_name)
    page.wait_for_load_state()  # upload.js (deferred) binds the input before the page's load
    _file_input(area).set_input_files(path)
    row = area.locator(".upload-progress li", has_text=path.name)
    expect(row).to_be_visible()
    expect(row.get_by_role("progressbar", name=path.name)).to_be_visible()
    for _ in range(250):  # the request is on its way as soon as the bar is shown
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "upload.js sent no request"
    with page.expect_response(pattern) as answer:
        held[0].continue_()
    page.unroute(pattern)
    assert answer.value.status == 200, answer.value.text()[:300]
    expect(area.locator(".uploaded-files li", has_text=path.name)).to_be_visible()
    expect(row).to_have_count(0)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone-360"])
def test_journey_with_uploads_a_reload_and_counter_return(app, catalog, page: Page, files,
                                                          viewport):
    if viewport:
        page.set_viewport_size(viewport)

    def looked_at() -> None:  # every step fits a 360 px phone without sideways scrolling
        if viewport:
            _no_horizontal_scroll(page)

    _register(page)
    _menu_link(page, "Thủ tục hành chính").click()
    _pick_procedure(page)
    looked_at()
    dossier_id = _start(page)
    looked_at()
    _fill_applicant(page)
    looked_at()

    expect(_area(page, FORM_AREA)).to_contain_text("Chưa có tệp nào.")
    _held_upload(page, FORM_AREA, files.form)
    _upload_with_js(page, ID_AREA, files.id_card)
    looked_at()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tải lên giấy tờ")

    page.reload()  # the draft and both files were saved as they arrived
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 2: Giấy tờ")
    expect(_area(page, FORM_AREA).locator(".uploaded-files li")).to_have_count(1)
    expect(_area(page, FORM_AREA).locator(".uploaded-files")).to_contain_text(files.form.name)
    expect(_area(page, ID_AREA).locator(".uploaded-files li")).to_have_count(1)
    expect(_area(page, ID_AREA).locator(".uploaded-files")).to_contain_text(files.id_card.name)
    page.get_by_role("link", name="Bước 1: Người nộp hồ sơ").click()
    expect(page.get_by_label("Địa chỉ", exact=True)).to_have_value(
        "52 Hùng Vương, phường Trần Phú, TP Quảng Ngãi")
    page.get_by_role("link", name="Bước 2: Giấy tờ").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 2: Giấy tờ")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}/nhan-ket-qua$"))

    looked_at()
    _choose_return(page)
    looked_at()
    summary = page.locator("main")
    for text in [NAME, ID_NUMBER, files.form.name, files.id_card.name,
                 "Nhận tại quầy của Trung tâm"]:
        expect(summary).to_contain_text(text)
    _submit(page)
    looked_at()
    code = _check_confirmation(page, app, dossier_id)
    expect(page.locator(".dossier-state")).to_have_text("Đã nộp, chờ tiếp nhận")

    _menu_link(page, "Hồ sơ của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page).to_have_title(re.compile(r"^Hồ sơ của tôi – "))
    looked_at()
    expect(page.locator(".dossier-drafts")).to_have_count(0)
    submitted = page.get_by_role("table", name="Hồ sơ đã nộp")
    expect(submitted.get_by_role("link", name=code)).to_be_visible()
    page.goto(f"/ho-so/{dossier_id}/in")
    looked_at()
    expect(page.locator("td.code")).to_have_text(code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DossierFile).where(
            DossierFile.dossier_id == dossier_id)) == 2


def _draft_at_documents(page: Page, email: str) -> int:
    """Log in, start the procedure from its page, fill step 1: the page is step 2."""
    log_in(page, email, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    page.goto(f"/thu-tuc/{PROCEDURE_CODE}")
    dossier_id = _start(page)
    _fill_applicant(page)
    return dossier_id


def _stored_files(app, dossier_id: int) -> list[tuple[int | None, str]]:
    """(requirement id, name) of the dossier's file rows, and every row's object exists."""
    with app.app_context():
        rows = db.session.scalars(select(DossierFile).where(
            DossierFile.dossier_id == dossier_id).order_by(DossierFile.id)).all()
        storage = app.extensions["storage"]
        assert all(storage.exists(row.storage_key) for row in rows)
        return [(row.requirement_id, row.original_name) for row in rows]


def _requirement_id(area: Locator) -> int:
    return int(area.get_attribute("id").removeprefix("req-"))


def test_postal_return_address_on_review_and_confirmation(app, citizen, page: Page, files):
    dossier_id = _draft_at_documents(page, citizen)
    _upload_with_js(page, FORM_AREA, files.form)
    _upload_with_js(page, ID_AREA, files.id_card)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Postal without an address: each missing part is named, the choice is kept.
    page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính").check()
    for label in POSTAL:  # the recipient and the phone come prefilled from the applicant
        page.get_by_label(label, exact=True).fill("")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=(
        "Vui lòng chọn phường, xã trong danh sách."))).to_have_attribute("href", "#ward_code")
    expect(summary.get_by_role("listitem")).to_have_count(4)  # recipient, phone, ward, street
    expect(page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính")).to_be_checked()
    _choose_return(page, POSTAL)

    address = page.locator("h2:has-text('Nhận kết quả') + p")
    expected = ("Nhận qua dịch vụ bưu chính: Trần Văn Nhận, 0935777888 – Thôn Trường Thọ, số 7, "
                "Xã Sơn Tịnh, Tỉnh Quảng Ngãi")
    expect(address).to_have_text(expected)
    # "Thay đổi" goes to step 3 and comes straight back to the review.
    page.get_by_role("link", name="Thay đổi cách nhận kết quả").click()
    wards = page.get_by_label("Phường, xã, đặc khu", exact=True)
    expect(wards.locator("option:checked")).to_have_text("Xã Sơn Tịnh")
    _choose_place(page, "Tỉnh Quảng Ngãi", "tinh khe", "Xã Tịnh Khê")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expected = expected.replace("Xã Sơn Tịnh", "Xã Tịnh Khê")
    expect(address).to_have_text(expected)

    _submit(page)
    _check_confirmation(page, app, dossier_id)
    expect(page.locator("h2:has-text('Nhận kết quả') + p")).to_have_text(expected)
    dossier = _submitted(app, dossier_id)
    assert (dossier.postal_recipient, dossier.postal_phone, dossier.postal_province,
            dossier.postal_district, dossier.postal_ward, dossier.postal_street,
            dossier.postal_province_code, dossier.postal_ward_code) == (
        "Trần Văn Nhận", "0935777888", "Tỉnh Quảng Ngãi", "", "Xã Tịnh Khê",
        "Thôn Trường Thọ, số 7", "51", "21211")


def test_wrong_type_is_refused_next_to_its_area_and_a_file_is_removed(app, citizen,
                                                                      page: Page, files):
    dossier_id = _draft_at_documents(page, citizen)
    form_area, id_area = _area(page, FORM_AREA), _area(page, ID_AREA)
    refusal = f"Nội dung tệp “{files.fake.name}” không phải là PDF"

    with page.expect_response(re.compile(r"/giay-to/\d+$")) as answer:
        _file_input(id_area).set_input_files(files.fake)
    assert answer.value.status == 422
    error = id_area.locator(f"#req-{_requirement_id(id_area)}-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(refusal)
    expect(error).to_have_attribute("role", "alert")
    expect(_file_input(id_area)).to_have_attribute("aria-invalid", "true")
    expect(_file_input(id_area)).to_have_accessible_description(re.compile(re.escape(refusal)))
    expect(id_area).to_contain_text("Chưa có tệp nào.")
    expect(form_area.locator(".upload-error")).to_be_hidden()
    expect(form_area.locator(".upload-error")).to_have_text("")
    assert _stored_files(app, dossier_id) == []

    # The network fails: the file's row goes, the area says so, nothing is added.
    pattern = re.compile(r"/giay-to/\d+$")
    page.route(pattern, lambda route: route.abort())
    with page.expect_event("requestfailed"):
        _file_input(id_area).set_input_files(files.id_card)
    expect(error).to_have_text(f"{files.id_card.name}: tải lên không thành công, vui lòng thử lại.")
    expect(id_area.locator(".upload-progress li")).to_have_count(0)
    expect(_file_input(id_area)).to_have_attribute("aria-invalid", "true")
    page.unroute(pattern)
    assert _stored_files(app, dossier_id) == []

    # The same area, swapped in by upload.js, still uploads through it; the error goes away,
    # and the keyboard focus stays on the area's (new) file input.
    _file_input(id_area).focus()
    _upload_with_js(page, ID_AREA, files.id_card)
    expect(_file_input(id_area)).to_be_focused()
    expect(id_area.locator(".upload-error")).to_be_hidden()
    expect(_file_input(id_area)).not_to_have_attribute("aria-invalid", "true")

    # Two files chosen at once, one of them wrong: the good one is kept, the other refused.
    with page.expect_response(lambda r: r.status == 422):
        _file_input(form_area).set_input_files([files.form, files.fake])
    expect(form_area.locator(".uploaded-files li")).to_have_count(1)
    expect(form_area.locator(".uploaded-files")).to_contain_text(files.form.name)
    expect(form_area.locator(".upload-error")).to_contain_text(refusal)
    expect(id_area.locator(".upload-error")).to_be_hidden()
    form_id, id_card_id = _requirement_id(form_area), _requirement_id(id_area)
    assert _stored_files(app, dossier_id) == [(id_card_id, files.id_card.name),
                                              (form_id, files.form.name)]

    # Remove (htmx): the area comes back without the file, and still uploads through JS.
    with app.app_context():
        removed_key = db.session.scalar(select(DossierFile.storage_key).where(
            DossierFile.dossier_id == dossier_id, DossierFile.requirement_id == id_card_id))
    id_area.get_by_role("button", name=f"Xóa {files.id_card.name}").click()
    expect(id_area).to_contain_text("Chưa có tệp nào.")
    assert _stored_files(app, dossier_id) == [(form_id, files.form.name)]
    assert not app.extensions["storage"].exists(removed_key)
    _upload_with_js(page, ID_AREA, files.id_card)
    assert len(_stored_files(app, dossier_id)) == 2

    # Drag and drop onto an optional area; a file dropped beside the areas is ignored
    # instead of the browser leaving the page to show it.
    proxy_area = _area(page, PROXY_AREA)
    dropped = page.evaluate_handle("""([name, bytes]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "application/pdf"}));
        return transfer;
    }""", ["uy-quyen.pdf", list(small_pdf())])
    proxy_area.dispatch_event("dragover", {"dataTransfer": dropped})
    expect(proxy_area).to_have_class(re.compile(r"\bdragover\b"))
    with page.expect_response(re.compile(r"/giay-to/\d+$")) as answer:
        proxy_area.locator(".card-body").dispatch_event("drop", {"dataTransfer": dropped})
    assert answer.value.status == 200
    expect(proxy_area.locator(".uploaded-files li", has_text="uy-quyen.pdf")).to_be_visible()
    expect(proxy_area).not_to_have_class(re.compile(r"\bdragover\b"))
    stray = page.evaluate("""transfer => {
        const drop = new DragEvent("drop", {dataTransfer: transfer, bubbles: true,
                                            cancelable: true});
        document.querySelector("h1").dispatchEvent(drop);
        return drop.defaultPrevented;
    }""", dropped)
    assert stray, "a file dropped outside the areas would replace the page"

    page.reload()
    expect(form_area.locator(".uploaded-files li")).to_have_count(1)
    expect(id_area.locator(".uploaded-files li")).to_have_count(1)
    expect(proxy_area.locator(".uploaded-files li")).to_have_count(1)
    expect(page.locator(".upload-error:visible")).to_have_count(0)
    assert len(_stored_files(app, dossier_id)) == 3
    # Removing from an area as the server rendered it (htmx, not a swap by upload.js).
    proxy_area.get_by_role("button", name="Xóa uy-quyen.pdf").click()
    expect(proxy_area).to_contain_text("Chưa có tệp nào.")
    expect(proxy_area.get_by_role("button", name="Tải lên")).to_be_hidden()
    assert len(_stored_files(app, dossier_id)) == 2

    # "My dossiers": deleting the draft asks first, in the page itself (no script needed).
    with app.app_context():
        keys = list(db.session.scalars(select(DossierFile.storage_key).where(
            DossierFile.dossier_id == dossier_id)))
    page.goto("/ho-so")
    expect(page).to_have_title(re.compile(r"^Hồ sơ của tôi – "))
    draft = page.locator(".dossier-drafts li", has_text=PROCEDURE)
    expect(draft).to_contain_text("2 tệp")
    _delete_draft(page, draft)
    assert _stored_files(app, dossier_id) == []
    assert not [key for key in keys if app.extensions["storage"].exists(key)]


def _delete_draft(page: Page, draft: Locator) -> None:
    """"Xóa bản nháp" opens the question; only "Xóa hẳn bản nháp" deletes."""
    confirm = draft.get_by_role("button", name=re.compile("^Xóa hẳn bản nháp"))
    expect(confirm).to_be_hidden()
    draft.locator("summary", has_text="Xóa bản nháp").click()
    expect(draft).to_contain_text("Xóa bản nháp này và các tệp đã tải lên?")
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("Đã xóa bản nháp và các tệp đính kèm.")
    expect(page.locator(".dossier-drafts")).to_have_count(0)


def _step_marks(page: Page) -> list[str]:
    """The step indicator's marks, step by step, as a screen reader reads them: "✓ đã đủ"
    (the words are visually hidden), "(chưa đủ)" or "" (the review step)."""
    items = page.get_by_role("navigation", name="Các bước nộp hồ sơ").locator("li")
    return [" ".join(" ".join(item.locator(".step-status").all_text_contents()).split())
            for item in items.all()]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone-360"])
def test_missing_items_are_listed_then_the_draft_is_resumed_and_deleted(
        app, citizen, page: Page, new_context, files, viewport):
    """Issue 12: the indicator marks what is missing, leaving the papers step says what is
    missing, a refused submit lists every missing item with a link to its step (after a
    303: reloading does not post again), "Bắt đầu" offers the draft instead of a duplicate,
    and the draft is deleted from "Hồ sơ của tôi" — also without JavaScript."""
    if viewport:
        page.set_viewport_size(viewport)
    dossier_id = _draft_at_documents(page, citizen)
    # ✓ only on the step with nothing missing, "chưa đủ" in words on the others.
    expect(page.get_by_role("navigation", name="Các bước nộp hồ sơ")).to_contain_text(
        "chưa đủ")
    assert _step_marks(page) == ["✓ đã đủ", "(chưa đủ)", "(chưa đủ)", ""]
    _upload_with_js(page, FORM_AREA, files.form)
    check_page(page)  # the documents step, one mandatory paper missing
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 3: Nhận kết quả")
    warning = page.get_by_role("alert").filter(has_text="Bản nháp còn thiếu giấy tờ bắt buộc")
    expect(warning).to_contain_text(ID_AREA)
    expect(warning).not_to_contain_text(FORM_AREA)
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bản nháp.")
    check_page(page)  # the return step with the warning

    # Submitting now: refused, back on the review page with everything that is missing.
    page.goto(f"/ho-so/{dossier_id}/kiem-tra")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Xác nhận và nộp hồ sơ").click()
    expect(page.get_by_role("alert").filter(has_text="Chưa nộp được hồ sơ")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}/kiem-tra$"))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Hồ sơ còn thiếu 2 mục")
    links = summary.get_by_role("link")
    expect(links).to_have_text([
        re.compile(rf"^Chưa đính kèm giấy tờ bắt buộc “{re.escape(ID_AREA)}[^”]*”\.$"),
        "Vui lòng chọn cách nhận kết quả."])
    expect(links.nth(0)).to_have_attribute(
        "href", re.compile(rf"^/ho-so/{dossier_id}/giay-to#req-\d+$"))
    expect(links.nth(1)).to_have_attribute("href",
                                           f"/ho-so/{dossier_id}/nhan-ket-qua#return_method")
    check_page(page)  # the review page listing what is missing
    assert len(posts) == 1
    page.reload()  # a GET: nothing is posted again
    expect(summary).to_contain_text("Hồ sơ còn thiếu 2 mục")
    assert len(posts) == 1
    assert _submitted(app, dossier_id).state is DossierState.DRAFT
    links.nth(0).click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}/giay-to#req-\d+$"))
    _upload_with_js(page, ID_AREA, files.id_card)

    # Days later: "Nộp hồ sơ trực tuyến" offers the draft, at the step where it stopped.
    page.goto(f"/thu-tuc/{PROCEDURE_CODE}")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    offer = page.locator(".existing-drafts")
    expect(offer.get_by_role("heading")).to_have_text("Bạn đang có hồ sơ nháp cho thủ tục này")
    expect(offer).to_contain_text(re.compile(
        r"Sửa lần cuối ngày \d{2}/\d{2}/\d{4}, lúc \d{2}:\d{2}"))
    expect(offer).to_contain_text("Còn thiếu 1 mục")
    expect(page.get_by_role("button", name="Bắt đầu hồ sơ mới")).to_be_visible()
    check_page(page)  # the start page with a draft to resume
    offer.get_by_role("link", name="Tiếp tục hồ sơ nháp").click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}/nhan-ket-qua$"))
    assert _step_marks(page) == ["✓ đã đủ", "✓ đã đủ", "(chưa đủ)", ""]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1

    # "Hồ sơ của tôi": the draft says what it lacks; deleted without JavaScript.
    page.goto("/ho-so")
    draft = page.locator(".dossier-drafts li", has_text=PROCEDURE)
    expect(draft.locator(".draft-completeness")).to_have_text("Còn thiếu 1 mục")
    check_page(page)  # my dossiers with an incomplete draft
    keys = _keys(app, dossier_id)
    assert len(keys) == 2
    plain = new_context(java_script_enabled=False).new_page()
    if viewport:
        plain.set_viewport_size(viewport)
    log_in(plain, citizen, factories.PASSWORD)
    expect(plain).to_have_url(re.compile(r"/ho-so$"))  # a citizen lands on their dossiers
    plain.goto("/ho-so")
    _delete_draft(plain, plain.locator(".dossier-drafts li", has_text=PROCEDURE))
    assert _stored_files(app, dossier_id) == []
    assert not [key for key in keys if app.extensions["storage"].exists(key)]


def _keys(app, dossier_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(DossierFile.storage_key).where(
            DossierFile.dossier_id == dossier_id)))


def test_without_javascript_plain_forms_upload_remove_and_submit(app, citizen, new_context,
                                                                 files):
    page = new_context(java_script_enabled=False).new_page()
    dossier_id = _draft_at_documents(page, citizen)
    form_area = _area(page, FORM_AREA)
    upload_button = form_area.get_by_role("button", name="Tải lên")
    expect(upload_button).to_be_visible()  # no JS: the plain form keeps its button

    _file_input(form_area).set_input_files(files.fake)
    upload_button.click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}/giay-to#req-\d+$"))
    # The page's error summary (each area also has an empty live region for upload.js,
    # hidden by the stylesheet; under load it may not be applied yet when this checks).
    summary = page.locator(".alert-danger[role=alert]")
    expect(summary).to_contain_text(f"Nội dung tệp “{files.fake.name}” không phải là PDF")
    expect(summary).to_contain_text(FORM_AREA)
    assert _stored_files(app, dossier_id) == []

    for area_name, path in [(FORM_AREA, files.form), (ID_AREA, files.id_card),
                            (ID_AREA, files.form)]:
        area = _area(page, area_name)
        _file_input(area).set_input_files(path)
        area.get_by_role("button", name="Tải lên").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Đã tải lên 1 tệp, bản nháp đã được lưu.")
        expect(area.locator(".uploaded-files")).to_contain_text(path.name)
    id_area = _area(page, ID_AREA)
    expect(id_area.locator(".uploaded-files li")).to_have_count(2)
    id_area.get_by_role("button", name=f"Xóa {files.form.name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã xóa tệp {files.form.name}.")
    expect(id_area.locator(".uploaded-files li")).to_have_count(1)
    assert [name for _, name in _stored_files(app, dossier_id)] == [files.form.name,
                                                                    files.id_card.name]

    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # The address selects without JavaScript (issue 15): another province and a search typed
    # without accents, then "Chọn": the form comes back with the matching wards of that
    # province and everything typed.
    page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính").check()
    for label, value in POSTAL.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(label="Tỉnh Hà Tĩnh")
    page.get_by_label(WARD_SEARCH).fill("tran phu")
    page.get_by_role("button", name="Chọn", exact=True).click()
    wards = page.get_by_label("Phường, xã, đặc khu", exact=True)
    expect(wards.locator("option")).to_have_count(2)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính")).to_be_checked()
    expect(page.get_by_label("Người nhận", exact=True)).to_have_value("Trần Văn Nhận")
    wards.select_option(label="Phường Trần Phú")
    _choose_return(page, POSTAL, place=None)
    expect(page.locator("h2:has-text('Nhận kết quả') + p")).to_contain_text(
        "Thôn Trường Thọ, số 7, Phường Trần Phú, Tỉnh Hà Tĩnh")
    _submit(page)
    _check_confirmation(page, app, dossier_id)


def test_double_click_on_submit_makes_one_dossier(app, citizen, page: Page, files,
                                                   monkeypatch):
    dossier_id = _draft_at_documents(page, citizen)
    _upload_with_js(page, FORM_AREA, files.form)
    _upload_with_js(page, ID_AREA, files.id_card)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    _choose_return(page)

    # A slow server: each submit waits for the other, so the two requests of the double click
    # both pass the route's "still a draft?" check and race inside operations.submit (one
    # must lose on the dossier's optimistic lock). Only one request would break the barrier.
    both_in = threading.Barrier(2, timeout=10)
    arrived = []
    submit = operations.submit

    def submit_when_both_arrived(*args, **kwargs):
        arrived.append(1)
        if len(arrived) <= 2:  # a third request (there must be none) would not wait alone
            both_in.wait()
        return submit(*args, **kwargs)

    monkeypatch.setattr(operations, "submit", submit_when_both_arrived)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    button = page.get_by_role("button", name="Xác nhận và nộp hồ sơ")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A person's double click, two presses 120 ms apart, through page.mouse: a locator action
    # would wait for the first navigation, and mouse.click(click_count=2) presses twice.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(120)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    expect(page).to_have_url(re.compile(rf"/ho-so/{dossier_id}$"))
    assert posts == [f"{page.url}/nop"] * 2, posts
    code = page.locator(".dossier-code").inner_text().strip()
    assert CODE.match(code), code

    with app.app_context():
        dossiers = db.session.scalars(select(Dossier)).all()
        assert [(d.id, d.state, d.code) for d in dossiers] == [
            (dossier_id, DossierState.SUBMITTED, code)]
        assert code.endswith("-0001")  # the loser's number was given back
        submitted_events = db.session.scalar(select(func.count()).select_from(DossierEvent).where(
            DossierEvent.dossier_id == dossier_id, DossierEvent.action == "submitted"))
        assert submitted_events == 1
    page.goto("/ho-so")
    expect(page.get_by_role("table", name="Hồ sơ đã nộp").locator("tbody tr")).to_have_count(1)
    expect(page.locator(".dossier-drafts")).to_have_count(0)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # markup only
def test_every_page_of_the_journey_passes_axe(app, citizen, page: Page, files):
    log_in(page, citizen, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))  # a citizen lands on their dossiers
    page.goto(f"/thu-tuc/{PROCEDURE_CODE}")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    check_page(page)  # start
    page.get_by_role("button", name="Bắt đầu").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 1: Người nộp hồ sơ")
    dossier_id = int(re.search(r"/ho-so/(\d+)/", page.url).group(1))
    check_page(page)  # applicant
    page.get_by_label("Số điện thoại", exact=True).fill("12ab")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)  # applicant with errors
    page.get_by_label("Số điện thoại", exact=True).fill("0905123456")
    _fill_applicant(page)
    check_page(page)  # documents, empty
    with page.expect_response(lambda r: r.status == 422):
        _file_input(_area(page, ID_AREA)).set_input_files(files.fake)
    _upload_with_js(page, FORM_AREA, files.form)
    check_page(page)  # documents with a file and a refusal
    _upload_with_js(page, ID_AREA, files.id_card)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Bước 3: Nhận kết quả")
    check_page(page)  # return
    page.get_by_role("radio", name="Nhận qua dịch vụ bưu chính").check()
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(value="")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)  # return with errors
    _choose_return(page, POSTAL)
    check_page(page)  # review
    check_page(page, "/ho-so")  # my dossiers with a draft
    page.goto(f"/ho-so/{dossier_id}/kiem-tra")
    _submit(page)
    check_page(page)  # confirmation
    check_page(page, "/ho-so")  # my dossiers with a submitted one
    check_page(page, f"/ho-so/{dossier_id}/in")  # print
