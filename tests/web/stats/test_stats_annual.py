"""The annual figures page: the table's headline figures (each a link to its list), the
on-time rate as the report writes it, what the report states beside its table, and the
satisfaction ratings of the period (none in this world: issue 16's tests give some)."""

from __future__ import annotations

import re

from stats_helpers import list_count

Q = "tu=2019-01-01&den=2019-01-31"


def _figure(page: str, label: str) -> str:
    return re.search(rf'<th scope="row"[^>]*>{re.escape(label)}</th><td[^>]*>(.*?)</td>',
                     page).group(1)


def test_the_headline_figures_link_to_their_lists(as_, world):
    client = as_("supervisor")
    page = client.get(f"/thong-ke/so-lieu-nam?{Q}").get_data(as_text=True)
    expected = {"Tổng số hồ sơ tiếp nhận": 15, "trong đó: kỳ trước chuyển qua": 2,
                "tiếp nhận trực tuyến": 2, "trong đó qua bưu chính": 1, "Đã giải quyết": 10,
                "trong đó đúng hạn": 7, "giải quyết ngay tại quầy": 1,
                "Đang giải quyết vào cuối kỳ": 5, "trong đó quá hạn": 3}
    for label, value in expected.items():
        cell = _figure(page, label)
        href = re.search(r'href="([^"]+)"', cell).group(1).replace("&amp;", "&")
        assert f">{value}</a>" in cell, label
        assert list_count(client.get(href).get_data(as_text=True)) == value, label
    assert _figure(page, "Tỷ lệ giải quyết đúng hạn") == "70,0 %"
    assert _figure(page, "Trả kết quả qua dịch vụ bưu chính") == "0"
    assert _figure(page, "Lượt đánh giá sự hài lòng") == "0"
    assert _figure(page, "Tỷ lệ rất hài lòng và hài lòng") == "chưa có lượt đánh giá"
    # Resolved on the spot, by procedure.
    assert re.search(r"<td>Cấp Phiếu lý lịch tư pháp</td><td>Sở Tư pháp</td>"
                     r"<td[^>]*>1</td>", page)


def test_by_default_the_report_year_to_date(as_, world):
    page = as_("leader").get("/thong-ke/so-lieu-nam").get_data(as_text=True)
    assert "Mặc định, trang hiện năm báo cáo hiện tại" in page
    assert "Sở Tài chính" not in page


def test_rates_are_rounded_down_as_the_report_does():
    from portal.core.formatting import vn_number
    from portal.stats.sheet import vn_share

    assert vn_share(61_462, 64_527) == "95,2 %"  # 95.250 %: the report prints 95.2 %
    assert vn_share(2, 3) == "66,6 %" and vn_share(1, 1) == "100,0 %"
    assert vn_share(0, 0) == ""
    assert vn_number(66_551) == "66.551" and vn_number(0) == "0"
