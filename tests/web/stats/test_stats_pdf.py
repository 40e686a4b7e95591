"""The table's PDF as WeasyPrint lays it out, read back with pdftotext (poppler-utils): a
table longer than a page repeats its header rows on the next page, never its total, and ends
with the signatures of form II.06a kept with the table's last rows."""

from __future__ import annotations

import re
import shutil
import subprocess

import factories
import pytest

from portal.extensions import db

Q = "tu=2019-01-01&den=2019-01-31&mau=B"
AGENCY_ROW = re.compile(r"\d+ (Sở|Văn phòng) ")
DATE_LINE = re.compile(r"Quảng Ngãi, ngày \d\d tháng \d\d năm \d{4}")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


def _with_agencies(app, count: int, first: int = 0) -> None:
    with app.app_context():
        for n in range(first, first + count):
            factories.agency(f"PDF{n:03d}", f"Sở Thử nghiệm bản in số {n + 1:03d}")
        db.session.commit()


def _report(client) -> list[str]:
    response = client.get(f"/thong-ke/bang.pdf?{Q}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return _pages(response.data)


def _table_lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def test_a_long_table_repeats_its_header_rows_not_its_total(as_, world, app):
    _with_agencies(app, 70)
    pages = _report(as_("supervisor"))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = _table_lines(page)
        header = next(i for i, line in enumerate(lines) if line.startswith("STT"))
        first_row = next(i for i, line in enumerate(lines) if "Sở " in line and i > header)
        assert header < first_row, f"page {number} does not start with the header rows"
        # The total once, at the end: not at the bottom of page 1 as if part of group II.
        assert ("Tổng cộng" in page) == (number == len(pages)), number
    assert sum(page.count("Tổng cộng") for page in pages) == 1


def test_the_signatures_end_the_report_with_the_last_rows(as_, world, app):
    """One agency more at a time until the report spills onto a third page (whatever the
    fonts, that is the table just too long for two): the signatures, place and date never
    start a page by themselves, the last agency rows and the total come with them."""
    client = as_("supervisor")
    _with_agencies(app, 33)
    for added in range(33, 90):
        pages = _report(client)
        last = pages[-1]
        assert "NGƯỜI LẬP BIỂU" in last and "THỦ TRƯỞNG ĐƠN VỊ" in last, added
        assert "(Ký, ghi rõ họ tên, đóng dấu)" in last and DATE_LINE.search(last), added
        assert "NGƯỜI LẬP BIỂU" not in "".join(pages[:-1]), added
        lines = _table_lines(last)
        total = next(i for i, line in enumerate(lines) if line.startswith("Tổng cộng"))
        assert any(AGENCY_ROW.match(line) for line in lines[:total]), added
        if len(pages) == 3:
            break
        _with_agencies(app, 1, first=added)
    else:
        pytest.fail("the report never reached a third page")
