"""The reconciliation page (issue 14, docs/payments.md "Reconciliation"): on a small ledger
with every method (``ledger_world``), each figure's count and amount per agency and day (the
confirmation time in Vietnam's time zone decides the day, a refund counts on its own date),
the period filter, the list behind each figure, the XLSX export read back with openpyxl, and
who may see what: a citizen 403, a counter officer and a leader their own agency (404 for
another's), the bank's collection officer and the supervisor every agency."""

from __future__ import annotations

from io import BytesIO

import pytest
from ledger_world import ledger_fixture  # noqa: F401  (the "ledger" fixture)
from openpyxl import load_workbook

DAY = {"tu": "2025-03-12", "den": "2025-03-12"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + "\xa0₫"


def _cell(page: str, agency: str, figure: str) -> str:
    """The text of one figure's cell in an agency's row."""
    row = page.split(f'<th scope="row">{agency}</th>', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-figure="{figure}">', 1)[1].split("</td>", 1)[0]


def test_each_figure_of_the_day(app, ledger, signed_in):
    page = _text(signed_in("nganhang@example.vn").get("/thu-phi/doi-soat", query_string=DAY))
    a, stp = ledger.amount, "Sở Tư pháp"
    assert "ngày 12/03/2025" in page
    expected = _cell(page, stp, "expected")
    assert _money(6 * a) in expected and "6 khoản" in expected
    gateway = _cell(page, stp, "gateway")
    assert _money(a) in gateway and "1 khoản" in gateway  # the 11th's late one is not here
    assert _money(a) in _cell(page, stp, "vietqr")
    counter = _cell(page, stp, "counter")
    assert _money(3 * a) in counter and "3 khoản" in counter  # counter, bank counter, twice
    assert _cell(page, stp, "refunds").strip() == _money(0)  # refunded on the 13th
    pending = _cell(page, stp, "pending")  # the pending one and the second payment (to refund)
    assert _money(2 * a) in pending and "2 khoản" in pending
    assert _money(a) in _cell(page, stp, "paid_twice")
    assert _money(ledger.other_amount) in _cell(page, "Sở Y tế", "counter")
    assert "Tổng cộng" in page


def test_the_period_filter(app, ledger, signed_in):
    bank = signed_in("nganhang@example.vn")
    next_day = _text(bank.get("/thu-phi/doi-soat", query_string={"tu": "2025-03-13",
                                                                  "den": "2025-03-13"}))
    assert _money(8000) in _cell(next_day, "Sở Tư pháp", "refunds")
    assert _cell(next_day, "Sở Tư pháp", "gateway").strip() == _money(0)
    day_before = _text(bank.get("/thu-phi/doi-soat", query_string={"tu": "11/03/2025",
                                                                    "den": "11/03/2025"}))
    assert "1 khoản" in _cell(day_before, "Sở Tư pháp", "gateway")
    both = _text(bank.get("/thu-phi/doi-soat", query_string={"tu": "2025-03-11",
                                                              "den": "2025-03-13"}))
    assert "2 khoản" in _cell(both, "Sở Tư pháp", "gateway")
    assert "từ ngày 11/03/2025 đến ngày 13/03/2025" in both
    wrong = bank.get("/thu-phi/doi-soat", query_string={"tu": "2025-03-13", "den": "2025-03-11"})
    assert wrong.status_code == 422 and 'role="alert"' in _text(wrong)
    assert bank.get("/thu-phi/doi-soat", query_string={"tu": "hôm qua"}).status_code == 422


def test_a_figure_opens_its_list(app, ledger, signed_in, world):
    bank = signed_in("nganhang@example.vn")
    page = _text(bank.get("/thu-phi/doi-soat/gateway",
                          query_string={**DAY, "co-quan": ledger.agency_id}))
    assert world.code in page and "1 khoản" in page and _money(ledger.amount) in page
    twice = _text(bank.get("/thu-phi/doi-soat/paid_twice", query_string=DAY))
    assert "refund this one" in twice and "1 khoản" in twice
    refunds = _text(bank.get("/thu-phi/doi-soat/refunds",
                             query_string={"tu": "2025-03-13", "den": "2025-03-13"}))
    assert "Nộp thừa" in refunds and _money(8000) in refunds
    requests = _text(bank.get("/thu-phi/doi-soat/expected", query_string=DAY))
    assert "7 khoản" in requests  # six in the Sở Tư pháp, one in the Sở Y tế
    assert bank.get("/thu-phi/doi-soat/nothing", query_string=DAY).status_code == 404
    assert bank.get("/thu-phi/doi-soat/gateway", query_string={"tu": "x"}).status_code == 404


def test_the_xlsx_holds_the_figures(app, ledger, signed_in):
    response = signed_in("nganhang@example.vn").get("/thu-phi/doi-soat.xlsx", query_string=DAY)
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument"
                                 ".spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    stp = rows["Sở Tư pháp"]
    header = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    assert header[0] == "Cơ quan"
    assert stp[1:3] == (6, 6 * ledger.amount)  # expected: count, amount
    assert stp[3:5] == (1, ledger.amount)  # gateway
    assert stp[7:9] == (3, 3 * ledger.amount)  # counter
    assert rows["Sở Y tế"][7:9] == (1, ledger.other_amount)
    assert rows["Tổng cộng"][-1] == 5 * ledger.amount + ledger.other_amount  # collected


@pytest.mark.parametrize("who", ["motcua.syt@example.vn", "motcua@example.vn",
                                 "lanhdao@example.vn"])
def test_an_agency_officer_sees_only_their_own(app, ledger, signed_in, who):
    client = signed_in(who)
    own, foreign = (("Sở Y tế", ledger.agency_id) if who.endswith("syt@example.vn")
                    else ("Sở Tư pháp", ledger.other_agency_id))
    page = _text(client.get("/thu-phi/doi-soat", query_string=DAY))
    assert f'<th scope="row">{own}</th>' in page
    assert "Sở Tư pháp" in page if own == "Sở Tư pháp" else "Sở Tư pháp" not in page
    others = {"Sở Tư pháp", "Sở Y tế"} - {own}
    assert all(f'<th scope="row">{o}</th>' not in page for o in others)
    for url in ("/thu-phi/doi-soat", "/thu-phi/doi-soat/gateway", "/thu-phi/doi-soat.xlsx"):
        assert client.get(url, query_string={**DAY, "co-quan": foreign}).status_code == 404
        assert client.get(url, query_string={**DAY, "co-quan": "abc"}).status_code == 404
    listed = _text(client.get("/thu-phi/doi-soat/expected", query_string=DAY))
    assert ("1 khoản" if own == "Sở Y tế" else "6 khoản") in listed
    sheet = load_workbook(BytesIO(client.get("/thu-phi/doi-soat.xlsx",
                                             query_string=DAY).data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert names == [own, "Tổng cộng"]


def test_the_supervisor_sees_every_agency(app, ledger, signed_in):
    page = _text(signed_in("giamsat@example.vn").get("/thu-phi/doi-soat", query_string=DAY))
    assert '<th scope="row">Sở Tư pháp</th>' in page and '<th scope="row">Sở Y tế</th>' in page


@pytest.mark.parametrize("url", ["/thu-phi/doi-soat", "/thu-phi/doi-soat/gateway",
                                 "/thu-phi/doi-soat.xlsx"])
def test_a_citizen_is_refused(app, ledger, signed_in, client, url):
    assert signed_in("dan@example.vn").get(url).status_code == 403
    assert client.get(url).status_code in (302, 401)


def test_the_menu_leads_officers_to_the_fees(app, ledger, signed_in):
    counter = _text(signed_in("motcua@example.vn").get("/thu-phi"))
    assert 'href="/thu-phi"' in counter and 'href="/thu-phi/doi-soat"' in counter
    leader = _text(signed_in("lanhdao@example.vn").get("/thu-phi/doi-soat"))
    assert 'href="/thu-phi/doi-soat">Đối soát thu phí<' in leader
