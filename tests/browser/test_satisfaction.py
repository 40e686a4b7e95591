"""Satisfaction ratings in the browser (issue 16): a citizen rates a finished dossier on a
phone (360 px); a morning at the counter kiosk on a tablet in landscape (1280 × 800): the
administrator pairs it, the officer signs in to the counter, three ratings — two of them while
the network is cut — and each is stored once when the link is back."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.catalog.models import Counter, ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.feedback.models import Overall, Rating, RatingChannel

from . import helpers
from .test_processing import build_people, enable_totp, staff_log_in

pytestmark = pytest.mark.browser


def _ratings(app) -> list[Rating]:
    with app.app_context():
        found = list(db.session.scalars(select(Rating).order_by(Rating.id)))
        db.session.expunge_all()
        return found


def _returned_dossier(app, people) -> tuple[int, str]:
    with app.app_context():
        version = db.session.get(ProcedureVersion, people.version_id)
        dossier = factories.submitted_dossier(version, db.session.get(User, people.ids["citizen"]))
        dossier.state = DossierState.RETURNED
        dossier.received_at = dossier.submitted_at
        dossier.received_by_id = people.ids["counter"]
        dossier.finished_at = dossier.returned_at = utcnow()
        db.session.commit()
        return dossier.id, dossier.code


def test_a_citizen_rates_a_finished_dossier_on_a_phone(app, new_context):
    people = build_people(app)
    dossier_id, _code = _returned_dossier(app, people)
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    helpers.log_in(page, people.emails["citizen"], factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/ho-so$"))
    page.goto(f"/ho-so/{dossier_id}")
    invitation = page.locator("#rating")
    expect(invitation).to_contain_text("Mời bạn đánh giá")
    invitation.get_by_role("link", name="Đánh giá hồ sơ này").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đánh giá mức độ hài lòng")
    helpers.check_page(page)
    for criterion, level in (("Thời gian giải quyết", "Tốt"), ("Số lần phải liên hệ", "Đạt"),
                             ("Thái độ, sự hướng dẫn", "Tốt"), ("Công khai, minh bạch", "Tốt"),
                             ("Kết quả giải quyết đúng", "Tốt")):
        page.locator("fieldset", has_text=criterion).get_by_label(level, exact=True).check()
    page.locator("fieldset", has_text="Mức độ hài lòng chung").get_by_label(
        "Rất hài lòng", exact=True).check()
    page.get_by_label("Ý kiến của bạn (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá.")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text("Bạn đã đánh giá: Rất hài lòng.")
    helpers.check_page(page)
    [rating] = _ratings(app)
    assert (rating.dossier_id, rating.overall, rating.contacts) == (
        dossier_id, Overall.VERY_SATISFIED, 1)
    assert rating.channel is RatingChannel.ONLINE


def test_a_morning_at_the_counter_kiosk(app, new_context):
    people = build_people(app)
    with app.app_context():
        counter = Counter(agency_id=people.agency_id, number=3, name="Tài nguyên")
        db.session.add(counter)
        admin = factories.staff(Role.ADMIN, None, "quantri@example.vn")
        admin_secret = enable_totp(admin)
        db.session.commit()
        counter_id = counter.id

    administrator = new_context().new_page()
    helpers.staff_log_in(administrator, "quantri@example.vn", admin_secret)
    administrator.goto("/quan-tri/kiosk")
    administrator.get_by_label("Quầy").select_option(value=str(counter_id))
    administrator.get_by_label("Tên thiết bị (không bắt buộc)").fill("Máy tính bảng quầy 3")
    administrator.get_by_role("button", name="Tạo địa chỉ ghép thiết bị").click()
    pairing_url = administrator.locator("#pairing-url").inner_text()
    helpers.check_page(administrator)

    officer = new_context().new_page()
    staff_log_in(officer, people, "counter")
    officer.goto("/can-bo/")
    officer.get_by_label("Quầy", exact=True).select_option(value=str(counter_id))
    officer.get_by_role("button", name="Nhận ca tại quầy").click()
    expect(officer.locator(".counter-shift")).to_contain_text("Bạn đang phục vụ tại Quầy số 3")
    helpers.check_page(officer)

    tablet_context = new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    tablet = tablet_context.new_page()
    tablet.goto(re.sub(r"^https?://[^/]+", "", pairing_url))
    expect(tablet).to_have_url(re.compile(rf"/kiosk/{counter_id}$"))
    expect(tablet.locator("#kiosk-officer")).to_contain_text("Trần Thị Quầy")
    assert helpers.axe_violations(tablet) == []
    ask, thanks = tablet.locator("#kiosk-ask"), tablet.locator("#kiosk-thanks")
    pending = tablet.locator("#kiosk-pending")

    def rate(label: str) -> None:
        expect(ask).to_be_visible()  # the page has reset itself after the last thanks
        tablet.get_by_role("button", name=label, exact=True).click()
        expect(thanks).to_be_visible()

    rate("Rất hài lòng")
    expect(pending).to_be_hidden()
    assert len(_ratings(app)) == 1

    tablet_context.set_offline(True)
    rate("Hài lòng")
    rate("Không hài lòng")
    expect(pending).to_contain_text("2 đánh giá sẽ được gửi khi có mạng")
    assert len(_ratings(app)) == 1  # kept in the page meanwhile

    tablet_context.set_offline(False)
    expect(pending).to_be_hidden()
    ratings = _ratings(app)
    assert [r.overall for r in ratings] == [Overall.VERY_SATISFIED, Overall.SATISFIED,
                                            Overall.DISSATISFIED]
    assert len({r.uuid for r in ratings}) == 3
    assert {(r.counter_id, r.officer_id, r.channel) for r in ratings} == {
        (counter_id, people.ids["counter"], RatingChannel.KIOSK)}
    assert tablet.evaluate(f"() => localStorage.getItem('kiosk-queue-{counter_id}')") == "[]"
