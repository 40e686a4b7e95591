"""Decision 766's online-payment indicator on the statistics pages (/thong-ke/thanh-toan,
issue 14): per agency and period, fee-bearing dossiers paid, of which online only (gateway,
VietQR) and with a counter payment, and the share; each count opens its dossiers; a leader
reads their agency only, 404 for another's list; officers and citizens are refused."""

from __future__ import annotations

import pytest
from ledger_world import ledger_fixture  # noqa: F401  (the "ledger" fixture)

from portal.stats.sheet import vn_share

DAY = {"ky": "tuy-chon", "tu": "12/03/2025", "den": "12/03/2025"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _cell(page: str, agency: str, measure: str) -> str:
    row = page.split(f'<th scope="row">{agency}</th>', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-measure="{measure}">', 1)[1].split("</td>", 1)[0]


def _number(cell: str) -> str:
    return cell.split(">", 1)[1].split("<", 1)[0] if "<a" in cell else cell.strip()


def test_the_share_paid_online_per_agency(app, ledger, signed_in):
    page = _text(signed_in("giamsat@example.vn").get("/thong-ke/thanh-toan", query_string=DAY))
    assert 'aria-current="page"' in page and "Thanh toán trực tuyến" in page
    stp = "Sở Tư pháp"
    # Paid on the 12th: gateway, VietQR, counter, bank counter, counter (then paid twice).
    assert _number(_cell(page, stp, "paid")) == "5"
    assert _number(_cell(page, stp, "online")) == "2"
    assert _number(_cell(page, stp, "counter")) == "3"
    assert _cell(page, stp, "share").strip() == vn_share(2, 5)
    assert _number(_cell(page, "Sở Y tế", "online")) == "0"
    assert _cell(page, "Sở Y tế", "share").strip() == vn_share(0, 1)
    eleventh = _text(signed_in("giamsat@example.vn").get(
        "/thong-ke/thanh-toan", query_string={**DAY, "tu": "11/03/2025", "den": "11/03/2025"}))
    assert _number(_cell(eleventh, stp, "online")) == "1"
    assert _cell(eleventh, stp, "share").strip() == vn_share(1, 1)


def test_a_count_opens_its_dossiers(app, ledger, signed_in, world):
    supervisor = signed_in("giamsat@example.vn")
    online = _text(supervisor.get("/thong-ke/thanh-toan/ho-so",
                                  query_string={**DAY, "o": "online",
                                                "co-quan": ledger.agency_id}))
    assert world.code in online and ": 2 hồ sơ" in online
    counter = _text(supervisor.get("/thong-ke/thanh-toan/ho-so",
                                   query_string={**DAY, "o": "counter"}))
    assert world.code not in counter and ": 4 hồ sơ" in counter
    assert supervisor.get("/thong-ke/thanh-toan/ho-so",
                          query_string={**DAY, "o": "bogus"}).status_code == 404


def test_a_leader_reads_their_agency_only(app, ledger, signed_in):
    leader = signed_in("lanhdao@example.vn")
    page = _text(leader.get("/thong-ke/thanh-toan", query_string=DAY))
    assert '<th scope="row">Sở Tư pháp</th>' in page
    assert '<th scope="row">Sở Y tế</th>' not in page
    for agency in (str(ledger.other_agency_id), "abc", "999999"):
        assert leader.get("/thong-ke/thanh-toan/ho-so", query_string={
            **DAY, "o": "paid", "co-quan": agency}).status_code == 404


@pytest.mark.parametrize("who", ["dan@example.vn", "motcua@example.vn",
                                 "nganhang@example.vn"])
def test_others_may_not_read_it(app, ledger, signed_in, who):
    client = signed_in(who)
    assert client.get("/thong-ke/thanh-toan").status_code == 403
    assert client.get("/thong-ke/thanh-toan/ho-so",
                      query_string={**DAY, "o": "paid"}).status_code == 403
