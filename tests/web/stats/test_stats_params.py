"""The period, group and layout as typed: every wrong input is a Vietnamese message on the
form (422), never a 500; a link naming a cell, a group or a period that does not exist is a
404; the list behind a number is paginated."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from stats_helpers import at, list_count, list_row_count, make

from portal.calendar import VN_TZ
from portal.catalog.models import ProcedureVersion
from portal.extensions import db

TOMORROW = datetime.now(VN_TZ).date() + timedelta(days=1)
BAD = [
    ("ky=xyz", "Chọn một kỳ thống kê trong danh sách."),
    ("ky=nam&nam=abc", "Năm không hợp lệ"),
    ("ky=nam&nam=1999", "Năm không hợp lệ"),
    ("ky=nam&nam=20190", "Năm không hợp lệ"),
    ("ky=quy&nam=2019&quy=7", "Chọn quý từ 1 đến 4."),
    ("ky=thang&nam=2019&thang=0", "Chọn tháng từ 1 đến 12."),
    ("ky=thang&nam=2019&thang=%3Cb%3E", "Chọn tháng từ 1 đến 12."),
    ("ky=tuy-chon&tu=31/02/2019&den=2019-03-01", "Ngày không hợp lệ"),
    ("ky=tuy-chon&tu=0001-01-01&den=2019-03-01", "Ngày không hợp lệ"),
    ("tu=2019-02-01&den=2019-01-01", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ("ky=tuy-chon&tu=2019-02-01", "Nhập ngày kết thúc."),
    ("ky=tuy-chon", "Nhập ngày bắt đầu."),
    (f"tu={TOMORROW.isoformat()}&den={(TOMORROW + timedelta(days=3)).isoformat()}",
     "Kỳ thống kê chưa bắt đầu"),
    ("ky=nam&nam=2019&nhom=xyz", "Chọn một nhóm cơ quan trong danh sách."),
    ("ky=nam&nam=2019&mau=C", "Chọn mẫu biểu A hoặc B."),
]


@pytest.mark.parametrize(("query", "message"), BAD)
def test_wrong_input_is_a_message_on_the_form(as_, query, message):
    client = as_("supervisor")
    paths = ["/thong-ke/"] + ([] if "mau" in query else ["/thong-ke/bieu-do",
                                                           "/thong-ke/so-lieu-nam"])
    for path in paths:
        response = client.get(f"{path}?{query}")
        text = response.get_data(as_text=True)
        assert response.status_code == 422, (path, query)
        assert message in text and "error-summary" in text, (path, query)
        assert 'aria-invalid="true"' in text
    if "mau" in query:  # the charts and the annual figures show no layout
        assert client.get(f"/thong-ke/bieu-do?{query}").status_code == 200
    for path in ("/thong-ke/bang.csv", "/thong-ke/ban-in"):
        assert client.get(f"{path}?{query}").status_code == 404


@pytest.mark.parametrize("query", [
    "tu=2019-01-01&den=2019-01-31&o=nothing",
    "tu=2019-01-01&den=2019-01-31",
    "tu=2019-01-01&den=2019-01-31&o=received&co-quan=99999",
    "tu=2019-01-01&den=2019-01-31&o=received&co-quan=abc",
    "tu=2019-01-01&den=2019-01-31&o=received&nhom=xyz",
    "tu=bad&den=2019-01-31&o=received",
    "den=2019-01-31&o=received",
    "tu=2019-02-01&den=2019-01-31&o=received",
])
def test_a_link_to_nothing_is_404(as_, world, query):
    assert as_("supervisor").get(f"/thong-ke/ho-so?{query}").status_code == 404


def test_the_list_is_paginated(as_, world, app):
    with app.app_context():
        version = db.session.get(ProcedureVersion, world.versions["justice"])
        for i in range(55):
            make(version, at(1 + i % 28, month=3), at(28, month=3))
        db.session.commit()
    client = as_("supervisor")
    # Received in March at the counter: the 55 new ones (January's pending are carried).
    base = (f"/thong-ke/ho-so?tu=2019-03-01&den=2019-03-31&o=direct"
            f"&co-quan={world.agencies['justice']}")
    first = client.get(base).get_data(as_text=True)
    assert list_count(first) == 55 and list_row_count(first) == 50
    assert "Trang 1 / 2" in first and 'rel="next"' in first
    second = client.get(base + "&page=2").get_data(as_text=True)
    assert list_row_count(second) == 5 and 'rel="prev"' in second
    beyond = client.get(base + "&page=99").get_data(as_text=True)
    assert list_row_count(beyond) == 5  # the last page
