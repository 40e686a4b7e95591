"""The statistics table: the cells of the built scenario, in both layouts; every number links
to a list of exactly that many dossiers and every zero is plain text; sections, subtotals,
the group filter, htmx refreshing the results in place, and the default period."""

from __future__ import annotations

from datetime import datetime

import pytest
from stats_helpers import links, list_count, list_row_count, table_rows, values

from portal.calendar import VN_TZ
from portal.stats.figures import LAYOUT_A, LAYOUT_B, Period

Q = "tu=2019-01-01&den=2019-01-31"


def test_layout_a_shows_each_cell_of_the_scenario(as_, world):
    page = as_("supervisor").get(f"/thong-ke/?{Q}&mau=A").get_data(as_text=True)
    rows = table_rows(page)
    # Received, online, carried, direct | resolved, on time, late | pending, within,
    # overdue (previous), overdue (this) | withdrawn | returned.
    assert values(rows["Sở Tư pháp"]) == [11, 1, 2, 8, 7, 5, 2, 4, 2, 1, 1, 1, 1]
    assert values(rows["Sở Tài chính"]) == [2, 1, 0, 1, 2, 1, 1, 0, 0, 0, 0, 0, 0]
    # Received in January, finished in February: pending and overdue at the end of January.
    land = "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi"
    assert values(rows[land]) == [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0]
    assert values(rows["Cộng I"]) == [13, 2, 2, 9, 9, 6, 3, 4, 2, 1, 1, 1, 1]
    assert values(rows["Tổng cộng"]) == [15, 2, 2, 11, 10, 7, 3, 5, 2, 1, 2, 1, 1]
    # Two header rows: the groups, then the cells under the groups of more than one.
    assert page.count('scope="colgroup"') == 3
    assert '<th scope="col" rowspan="2">Hồ sơ rút</th>' in page
    assert "I. Các sở, ban, ngành" in page and "II. Bộ phận đất đai" in page


def test_layout_b_splits_on_time_into_early_and_on_the_due_day(as_, world):
    page = as_("supervisor").get(f"/thong-ke/?{Q}&mau=B").get_data(as_text=True)
    rows = table_rows(page)
    # Received, carried, online, direct | resolved, early, on the due day, late |
    # pending, within, overdue.
    assert values(rows["Sở Tư pháp"]) == [11, 2, 1, 8, 7, 3, 2, 2, 4, 2, 2]
    assert len(values(rows["Tổng cộng"])) == len(LAYOUT_B.cells)
    assert "Mẫu II.06a" in page


@pytest.mark.parametrize("layout", [LAYOUT_A, LAYOUT_B])
def test_every_number_is_a_link_to_that_many_dossiers(as_, world, layout):
    client = as_("supervisor")
    page = client.get(f"/thong-ke/?{Q}&mau={layout.key}").get_data(as_text=True)
    checked = 0
    for name, cells in table_rows(page).items():
        assert len(cells) == len(layout.cells), name
        for cell, link, value in zip(cells, links(cells), values(cells), strict=True):
            if value == 0:
                assert link is None and "<a" not in cell, (name, cell)
                continue
            assert link is not None, (name, cell)
            listing = client.get(link[0])
            assert listing.status_code == 200, link
            text = listing.get_data(as_text=True)
            assert list_count(text) == value == list_row_count(text), (name, link)
            checked += 1
    assert checked > 40


def test_the_list_states_what_it_shows(as_, world):
    justice = world.agencies["justice"]
    page = as_("supervisor").get(f"/thong-ke/ho-so?{Q}&o=late&co-quan={justice}")
    text = page.get_data(as_text=True)
    assert "Sở Tư pháp — Đã giải quyết, quá hạn — 01/01/2019–31/01/2019: 2 hồ sơ" in text
    assert "sau thời hạn giải quyết ban đầu" in text  # the definition
    for column in ("Mã hồ sơ", "Thủ tục", "Người nộp", "Hình thức nộp", "Ngày tiếp nhận",
                   "Hạn giải quyết", "Ngày kết thúc", "Trạng thái"):
        assert f">{column}</th>" in text
    assert "Qua bưu chính" in text and "Cấp Phiếu lý lịch tư pháp" in text
    assert "09:00 11/01/2019" in text  # finished, local time


def test_the_group_filter_keeps_its_agencies(as_, world):
    client = as_("supervisor")
    page = client.get(f"/thong-ke/?{Q}&nhom=so-nganh").get_data(as_text=True)
    rows = table_rows(page)
    assert set(rows) == {"Sở Tư pháp", "Sở Tài chính", "Tổng cộng"}  # one section: no subtotal
    total_links = [link for link in links(rows["Tổng cộng"]) if link]
    assert all("nhom=so-nganh" in url for url, _ in total_links)
    land = table_rows(client.get(f"/thong-ke/?{Q}&nhom=dat-dai").get_data(as_text=True))
    assert values(land["Tổng cộng"])[0] == 1
    other = table_rows(client.get(f"/thong-ke/?{Q}&nhom=khac").get_data(as_text=True))
    assert list(other) == ["Văn phòng UBND tỉnh", "Tổng cộng"]


def test_htmx_gets_the_results_only(as_, world):
    response = as_("supervisor").get(f"/thong-ke/?{Q}&mau=B", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="stats-results">') and "<html" not in text
    assert "Mẫu II.06a" in text
    # The tabs come along out of band, so they keep the new choice.
    assert '<div id="stats-nav" hx-swap-oob="true">' in text
    assert 'href="/thong-ke/bieu-do?ky=tuy-chon&amp;tu=2019-01-01' in text and "mau=B" in text
    errors = as_("supervisor").get("/thong-ke/?ky=thang&thang=13",
                                   headers={"HX-Request": "true"})
    assert errors.status_code == 422 and "Chọn tháng từ 1 đến 12." in errors.get_data(
        as_text=True)


def test_by_default_the_report_year_to_date(as_, world):
    page = as_("supervisor").get("/thong-ke/").get_data(as_text=True)
    today = datetime.now(VN_TZ).date()
    year = today.year + 1 if (today.month, today.day) >= (12, 15) else today.year
    assert f"từ 15/12/{year - 1} đến {today:%d/%m/%Y}" in page
    assert "Mặc định, trang hiện năm báo cáo hiện tại" in page
    assert 'id="ky-nam" value="nam" checked' in page


def test_a_period_ending_after_today_stops_today_and_says_so(as_, world):
    today = datetime.now(VN_TZ).date()
    page = as_("supervisor").get(f"/thong-ke/?ky=thang&nam={today.year}&thang={today.month}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"từ 01/{today:%m/%Y} đến {today:%d/%m/%Y}" in text
    if Period.month(today.year, today.month).end > today:
        assert "số liệu tính đến hết hôm nay" in text


def test_typed_dates_and_presets_give_the_same_table(as_, world):
    client = as_("supervisor")
    iso = table_rows(client.get(f"/thong-ke/?{Q}").get_data(as_text=True))
    typed = table_rows(client.get("/thong-ke/?tu=01/01/2019&den=31/01/2019").get_data(
        as_text=True))
    month = table_rows(client.get("/thong-ke/?ky=thang&nam=2019&thang=1").get_data(
        as_text=True))
    assert values(iso["Tổng cộng"]) == values(typed["Tổng cộng"]) == values(
        month["Tổng cộng"])
    quarter = table_rows(client.get("/thong-ke/?ky=quy&nam=2019&quy=1").get_data(
        as_text=True))
    assert values(quarter["Tổng cộng"])[0] == 16  # February's land dossier too


def test_the_pages_in_english(as_, world):
    client = as_("supervisor")
    client.post("/ngon-ngu", data={"locale": "en", "next": "/thong-ke/"})
    page = client.get(f"/thong-ke/?{Q}").get_data(as_text=True)
    assert 'lang="en"' in page and "Statistics of dossiers received and resolved" in page
    assert ">Dossiers received</th>" in page and "Sở Tư pháp" in page  # names as published
    listing = client.get(f"/thong-ke/ho-so?{Q}&o=late&co-quan={world.agencies['justice']}")
    assert ("Sở Tư pháp — Resolved, late — 01/01/2019–31/01/2019: 2 dossiers"
            in listing.get_data(as_text=True))
    wrong = client.get("/thong-ke/?ky=thang&nam=2019&thang=13").get_data(as_text=True)
    assert "Choose a month from 1 to 12." in wrong
