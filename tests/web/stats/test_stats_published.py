"""The report year 2019 beside Appendix 1 of report 62/BC-HCC: the note appears for exactly
that period, lists the numbers that differ, and explains the published row that does not add
up — saying which channel the extra dossier used."""

from __future__ import annotations


def test_the_note_appears_for_the_report_year_2019_only(as_, world):
    client = as_("supervisor")
    page = client.get("/thong-ke/?ky=nam&nam=2019").get_data(as_text=True)
    assert "So sánh với số liệu đã công bố" in page
    assert "Báo cáo số 62/BC-HCC" in page
    assert "hồ sơ thứ 632 được tiếp nhận trực tiếp tại quầy" in page
    assert "Sở Tư pháp — Tổng số hồ sơ tiếp nhận: cổng tính 11, bảng công bố 9.374" in page
    same = client.get("/thong-ke/?tu=2018-12-15&den=2019-12-14").get_data(as_text=True)
    assert "So sánh với số liệu đã công bố" in same
    for other in ("/thong-ke/?ky=nam&nam=2020", "/thong-ke/?tu=2018-12-15&den=2019-12-13",
                  "/thong-ke/?ky=nam&nam=2019&nhom=khac"):
        assert "So sánh với số liệu đã công bố" not in client.get(other).get_data(
            as_text=True)
