"""Administration of the holiday calendar and the deadline check."""

from datetime import date

from org_helpers import assert_csrf_required, assert_only_admins, logged_in_admin

from portal.calendar import overrides
from portal.calendar.models import CalendarOverride, CalendarOverrideKind
from portal.extensions import db

DAY_OFF_URL = "/quan-tri/lich/ngay-nghi"
WORKING_URL = "/quan-tri/lich/ngay-lam-bu"


def _overrides():
    return sorted((o.day, o.kind.value, o.note) for o in db.session.scalars(
        db.select(CalendarOverride)))


def test_year_page_lists_public_holidays(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get("/quan-tri/lich?year=2025").get_data(as_text=True)
    assert "năm 2025" in page
    assert "Quốc khánh" in page and "02/09/2025" in page
    assert "26/04/2025" in page  # the Saturday worked in exchange for 02/05/2025
    assert "Chưa có điều chỉnh nào" in page
    assert "/quan-tri/lich" in csrf_client.get("/quan-tri/").get_data(as_text=True)
    # A nonsense year falls back to the current one instead of failing.
    assert csrf_client.get("/quan-tri/lich?year=abc").status_code == 200
    assert csrf_client.get("/quan-tri/lich?year=99999").status_code == 200


def test_add_day_off_and_working_day_then_delete(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    added = csrf_client.post(DAY_OFF_URL, data={"day_off-day": "2026-03-11",
                                                "day_off-note": "Nghỉ bầu cử"})
    assert added.status_code == 303 and added.headers["Location"].endswith("year=2026")
    saturday = csrf_client.post(WORKING_URL, data={"working_day-day": "2026-03-14",
                                                   "working_day-note": "Làm bù"},
                                follow_redirects=True)
    page = saturday.get_data(as_text=True)
    assert "Đã thêm ngày làm việc bù 14/03/2026" in page
    assert "Nghỉ bầu cử" in page and "Có thay đổi lịch" in page
    with app.app_context():
        assert _overrides() == [(date(2026, 3, 11), "day_off", "Nghỉ bầu cử"),
                                (date(2026, 3, 14), "working_day", "Làm bù")]
        calendar = overrides.current_calendar()
        assert not calendar.is_working_day(date(2026, 3, 11))
        assert calendar.is_working_day(date(2026, 3, 14))
        first = db.session.scalar(db.select(CalendarOverride.id).where(
            CalendarOverride.day == date(2026, 3, 11)))
    removed = csrf_client.post(f"/quan-tri/lich/dieu-chinh/{first}/xoa", follow_redirects=True)
    assert "Đã xóa điều chỉnh ngày 11/03/2026" in removed.get_data(as_text=True)
    assert csrf_client.post(f"/quan-tri/lich/dieu-chinh/{first}/xoa").status_code == 404
    with app.app_context():
        assert [o[0] for o in _overrides()] == [date(2026, 3, 14)]


def test_useless_duplicate_and_invalid_overrides_are_422(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    weekday = csrf_client.post(WORKING_URL, data={"working_day-day": "2026-03-11"})
    assert weekday.status_code == 422
    assert "Ngày này vốn là ngày làm việc" in weekday.get_data(as_text=True)
    sunday = csrf_client.post(DAY_OFF_URL, data={"day_off-day": "2026-03-15"})
    assert sunday.status_code == 422
    assert "Ngày này vốn là ngày nghỉ (cuối tuần)" in sunday.get_data(as_text=True)
    csrf_client.post(DAY_OFF_URL, data={"day_off-day": "2026-03-11"})
    again = csrf_client.post(DAY_OFF_URL, data={"day_off-day": "2026-03-11"})
    assert again.status_code == 422 and "đã có điều chỉnh" in again.get_data(as_text=True)
    empty = csrf_client.post(DAY_OFF_URL, data={"day_off-day": ""})
    assert empty.status_code == 422 and "Vui lòng nhập ngày" in empty.get_data(as_text=True)
    garbage = csrf_client.post(DAY_OFF_URL, data={"day_off-day": "31/02/2026"})
    body = garbage.get_data(as_text=True)
    assert garbage.status_code == 422 and "Ngày không hợp lệ" in body and "Not a valid" not in body
    assert csrf_client.post("/quan-tri/lich/khac", data={}).status_code == 404
    with app.app_context():
        assert len(_overrides()) == 1


def test_an_override_the_law_already_agrees_with_is_flagged(csrf_client, app, login):
    with app.app_context():
        db.session.add(CalendarOverride(day=date(2026, 9, 2), kind=CalendarOverrideKind.DAY_OFF,
                                        note="nhập trùng"))
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    page = csrf_client.get("/quan-tri/lich?year=2026").get_data(as_text=True)
    assert "Không thay đổi gì" in page and "nhập trùng" in page


def test_deadline_check_uses_the_calendar_with_overrides(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    query = ("/quan-tri/lich?year=2026&start_date=2026-03-10&start_time=08:00"
             "&amount=2&unit=days&cutoff=")
    before = csrf_client.get(query).get_data(as_text=True)
    assert "Hẹn trả:</strong> 08:00 12/03/2026" in before
    assert "Nhận lúc 08:00 thứ Ba 10/03/2026" in before
    csrf_client.post(DAY_OFF_URL, data={"day_off-day": "2026-03-11"})
    after = csrf_client.get(query).get_data(as_text=True)
    assert "Hẹn trả:</strong> 08:00 13/03/2026" in after
    # After the 15:00 cut-off, same-day: counted from the next working morning.
    late = csrf_client.get("/quan-tri/lich?start_date=2026-03-12&start_time=15:30"
                           "&amount=&unit=same_day&cutoff=15:00").get_data(as_text=True)
    assert "Hẹn trả:</strong> 17:00 13/03/2026" in late and "giờ chốt 15:00" in late


def test_deadline_check_htmx_fragment_and_errors(csrf_client, app, login):
    logged_in_admin(app, login, csrf_client)
    fragment = csrf_client.get("/quan-tri/lich?start_date=2026-03-10&start_time=08:00"
                               "&amount=4&unit=hours", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert 'id="deadline-check"' in body and "13:30 10/03/2026" in body
    bad = csrf_client.get("/quan-tri/lich?start_date=x&start_time=&amount=0&unit=days")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for message in ["Ngày không hợp lệ", "Vui lòng nhập giờ nhận", "thời hạn lớn hơn 0"]:
        assert message in text, message


def test_only_admins_and_nothing_changes(app, login):
    with app.app_context():
        override = overrides.add_override(date(2026, 3, 11), CalendarOverrideKind.DAY_OFF, "x")
        db.session.commit()
        override_id = override.id
    assert_only_admins(app, login, [
        ("get", "/quan-tri/lich?year=2026", None),
        ("get", "/quan-tri/lich?start_date=2026-03-10&start_time=08:00&amount=1&unit=days",
         None),
        ("post", DAY_OFF_URL, {"day_off-day": "2026-03-12"}),
        ("post", WORKING_URL, {"working_day-day": "2026-03-14"}),
        ("post", f"/quan-tri/lich/dieu-chinh/{override_id}/xoa", None),
    ], _overrides)


def test_posts_without_csrf_are_refused(csrf_client, app, login):
    with app.app_context():
        override_id = overrides.add_override(date(2026, 3, 11),
                                             CalendarOverrideKind.DAY_OFF).id
        db.session.commit()
    logged_in_admin(app, login, csrf_client)
    assert_csrf_required(csrf_client, [
        (DAY_OFF_URL, {"day_off-day": "2026-03-12"}),
        (WORKING_URL, {"working_day-day": "2026-03-14"}),
        (f"/quan-tri/lich/dieu-chinh/{override_id}/xoa", {}),
    ])
    with app.app_context():
        assert len(_overrides()) == 1
