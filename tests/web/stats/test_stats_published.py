"""The report year 2019 beside Appendix 1 of report 62/BC-HCC: the note appears for exactly
that period, lists the numbers that differ, and explains the published row that does not add
up — saying which channel the extra dossier used."""

from __future__ import annotations

from portal.stats import comparison


def test_the_note_appears_for_the_report_year_2019_only(as_, world, monkeypatch):
    monkeypatch.setattr(comparison, "already_replayed", lambda: True)
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


def test_a_year_never_replayed_is_said_so_instead_of_a_list_of_differences(as_, world):
    # Issue 12: this database holds no replayed 2019, so every published number would
    # "differ"; the note says why there is nothing to compare, and how to replay the year.
    page = as_("supervisor").get("/thong-ke/?ky=nam&nam=2019").get_data(as_text=True)
    assert "So sánh với số liệu đã công bố" in page
    assert "Năm báo cáo 2019 chưa được phát lại" in page
    assert ">flask demo replay-2019</code>" in page
    assert "số khác với bảng công bố" not in page and "bảng công bố 9.374" not in page
