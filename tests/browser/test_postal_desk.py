"""The postal channel in Chromium (issue 15), axe and the 360 px check on each new page.

The postal officer batches two results handed to the post, opens the labels and the manifest
(PDF), types the tracking numbers by keyboard (Enter records one and the next field has the
focus), dispatches, marks one delivered and the other failed then returned to the centre; the
applicant sees the first delivered with its tracking link; the second ends at the counter,
where the counter officer hands it over. Then the carrier's CSV import: a file with a bad
line is refused whole, with the line number, and the corrected file applies."""

from __future__ import annotations

import re
from datetime import datetime

import factories
import pytest
from delivery_world import postal_world
from playwright.sync_api import Page, expect

from portal.calendar import VN_TZ
from portal.delivery.models import ShipmentState
from portal.delivery.operations import latest_outbound
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db

from .helpers import check_page, log_in, staff_log_in
from .test_processing import context_for, enable_totp

pytestmark = pytest.mark.browser

FIRST, SECOND = "EB123456785VN", "RR473124829GB"


def _world(app, posted: int = 2) -> dict:
    with app.app_context():
        w = postal_world()
        dossiers = [w.posted() for _ in range(posted)]
        secrets = {"postal": enable_totp(w.postal), "counter": enable_totp(w.counter)}
        db.session.commit()
        return {"emails": {"postal": w.postal.email, "counter": w.counter.email,
                           "applicant": w.applicant.email},
                "secrets": secrets, "ids": [d.id for d in dossiers],
                "codes": [d.code for d in dossiers]}


def _state(app, dossier_id: int):
    with app.app_context():
        return db.session.get(Dossier, dossier_id).state, latest_outbound(dossier_id).state


def _postal(new_context, world) -> Page:
    page = context_for(new_context)
    staff_log_in(page, world["emails"]["postal"], world["secrets"]["postal"])
    expect(page).to_have_url(re.compile(r"/buu-dien/$"))  # where a postal officer lands
    return page


def _item(page: Page, code: str):
    return page.locator("ol#items > li", has_text=code)


def _batch_and_number(page: Page, world) -> None:
    check_page(page)
    for code in world["codes"]:
        expect(page.get_by_label(re.compile(code))).to_be_checked()
    page.get_by_role("button", name="Lập bảng kê với các hồ sơ đã chọn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng kê số")
    check_page(page)
    for link in ("#labels-link", "#manifest-link"):
        response = page.request.get(page.locator(link).get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    # The scanner (a keyboard): type, Enter; the next field has the focus.
    first = page.get_by_label(f"Số hiệu bưu gửi của hồ sơ {world['codes'][0]}")
    expect(first).to_be_focused()
    page.keyboard.type("EB123456784VN")  # a wrong check digit
    page.keyboard.press("Enter")
    expect(_item(page, world["codes"][0]).locator(".invalid-feedback")).to_contain_text(
        "không hợp lệ")
    expect(first).to_be_focused()
    check_page(page)  # the refusal
    first.fill("")
    page.keyboard.type(FIRST.lower())
    page.keyboard.press("Enter")
    second = page.get_by_label(f"Số hiệu bưu gửi của hồ sơ {world['codes'][1]}")
    expect(second).to_be_focused()
    expect(first).to_have_value(FIRST)
    page.keyboard.type(SECOND)
    page.keyboard.press("Enter")
    expect(second).to_have_value(SECOND)
    page.get_by_role("button", name="Giao bảng kê cho bưu chính").click()
    expect(page.get_by_role("status").filter(has_text="Đã giao bảng kê")).to_be_visible()
    check_page(page)


def _record(page: Page, code: str, status: str, note: str = "") -> None:
    item = _item(page, code)
    item.get_by_label("Trạng thái").select_option(label=status)
    if note:
        item.get_by_label("Ghi chú (không bắt buộc)").fill(note)
    item.get_by_role("button", name="Ghi").click()
    expect(page.get_by_role("status").filter(has_text="Đã ghi trạng thái")).to_be_visible()


def test_batch_print_number_deliver_and_a_failed_delivery_ends_at_the_counter(app,
                                                                             new_context):
    world = _world(app)
    postal = _postal(new_context, world)
    _batch_and_number(postal, world)
    first_id, second_id = world["ids"]
    assert _state(app, first_id) == (DossierState.RESULT_READY, ShipmentState.DISPATCHED)
    _record(postal, world["codes"][0], "Đã phát thành công")
    _record(postal, world["codes"][1], "Phát không thành công", "Vắng nhà")
    _record(postal, world["codes"][1], "Chuyển hoàn về Trung tâm")
    check_page(postal)
    assert _state(app, first_id) == (DossierState.RETURNED, ShipmentState.DELIVERED)
    assert _state(app, second_id) == (DossierState.RESULT_READY,
                                      ShipmentState.RETURNED_TO_CENTRE)

    citizen = context_for(new_context)
    log_in(citizen, world["emails"]["applicant"], factories.PASSWORD)
    citizen.goto(f"/ho-so/{first_id}")
    shipment = citizen.locator("section.shipment")
    expect(shipment.locator(".shipment-state")).to_have_text("Đã phát thành công")
    expect(shipment.locator("a.tracking-link")).to_have_attribute(
        "href", f"https://vnpost.vn/tra-cuu-hanh-trinh/buu-pham?key={FIRST}")
    check_page(citizen)
    citizen.goto(f"/ho-so/{second_id}")
    expect(citizen.locator("section.shipment")).to_contain_text("chuyển hoàn kết quả về Trung")
    expect(citizen.locator("section.shipment")).to_contain_text("Vắng nhà")
    check_page(citizen)

    counter = context_for(new_context)
    staff_log_in(counter, world["emails"]["counter"], world["secrets"]["counter"])
    counter.goto(f"/can-bo/ho-so/{second_id}/tra-ket-qua")
    check_page(counter)
    counter.get_by_label("Trả tại quầy").check()
    counter.get_by_label("Họ và tên người nhận kết quả").fill("Nguyễn Văn An")
    counter.get_by_label("Số CCCD hoặc giấy tờ tùy thân của người nhận").fill("051090000001")
    counter.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(counter.get_by_role("status").filter(has_text="Đã trả kết quả")).to_be_visible()
    assert _state(app, second_id) == (DossierState.RETURNED, ShipmentState.COLLECTED)


def test_the_carriers_csv_import(app, new_context, tmp_path):
    world = _world(app, posted=1)
    postal = _postal(new_context, world)
    postal.get_by_role("button", name="Lập bảng kê với các hồ sơ đã chọn").click()
    postal.get_by_label(re.compile("Số hiệu bưu gửi của hồ sơ")).fill(FIRST)
    postal.keyboard.press("Enter")
    postal.get_by_role("button", name="Giao bảng kê cho bưu chính").click()
    expect(postal.get_by_role("status").filter(has_text="Đã giao bảng kê")).to_be_visible()

    postal.goto("/buu-dien/")
    postal.get_by_role("link", name="Nhập trạng thái từ tệp CSV của bưu chính").click()
    check_page(postal)
    today = datetime.now(VN_TZ).strftime("%d/%m/%Y")
    bad = tmp_path / "trang-thai-loi.csv"
    bad.write_text(f"so_hieu,trang_thai,ngay,ghi_chu\n{FIRST},da_phat,{today},\n"
                   f"{FIRST},bogus,{today},\n", encoding="utf-8")
    postal.get_by_label("Tệp CSV của bưu chính").set_input_files(str(bad))
    postal.get_by_role("button", name="Nhập trạng thái").click()
    expect(postal.locator("#import-problems")).to_contain_text("Dòng 3")
    check_page(postal)
    assert _state(app, world["ids"][0])[1] is ShipmentState.DISPATCHED  # nothing kept
    good = tmp_path / "trang-thai.csv"
    good.write_text(f"so_hieu,trang_thai,ngay,ghi_chu\n{FIRST},da_phat,{today},\n",
                    encoding="utf-8")
    postal.get_by_label("Tệp CSV của bưu chính").set_input_files(str(good))
    postal.get_by_role("button", name="Nhập trạng thái").click()
    expect(postal.get_by_role("status").filter(has_text="Đã nhập 1 trạng thái")).to_be_visible()
    assert _state(app, world["ids"][0]) == (DossierState.RETURNED, ShipmentState.DELIVERED)
