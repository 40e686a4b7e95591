"""The postal statistics (/thong-ke/buu-chinh): per agency and period, with drill-down."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.calendar import VN_TZ

GOOD = "EB123456785VN"


def _delivered(as_, desk):
    postal = as_("postal")
    location = postal.post("/buu-dien/bang-ke",
                           data={"item": [str(desk.shipment_id)]}).headers["Location"]
    batch = location.rstrip("/").split("/")[-1]
    postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                data={"tracking_number": GOOD})
    postal.post(f"/buu-dien/bang-ke/{batch}/giao")
    postal.post(f"/buu-dien/buu-gui/{desk.shipment_id}/trang-thai", data={"action": "deliver"})


def _period() -> dict[str, str]:
    today = datetime.now(VN_TZ).date()
    return {"ky": "tuy-chon", "tu": (today - timedelta(days=3)).strftime("%d/%m/%Y"),
            "den": today.strftime("%d/%m/%Y")}


def test_the_leader_reads_their_agencys_postal_figures_and_drills_down(as_, desk):
    _delivered(as_, desk)
    leader = as_("leader")
    page = leader.get("/thong-ke/buu-chinh", query_string=_period())
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tỷ lệ phát thành công" in html and "100" in html
    assert "/thong-ke/buu-chinh/ho-so?" in html
    listing = leader.get("/thong-ke/buu-chinh/ho-so",
                         query_string={**_period(), "o": "delivered"}).get_data(as_text=True)
    assert desk.code in listing
    posted = leader.get("/thong-ke/buu-chinh/ho-so",
                        query_string={**_period(), "o": "posted"}).get_data(as_text=True)
    # Handed to the post on the world's day in March 2025: outside this period.
    assert desk.code not in posted and ": 0 hồ sơ" in posted


def test_others_may_not_read_it(as_, desk):
    for who in ("postal", "counter", "applicant"):
        assert as_(who).get("/thong-ke/buu-chinh").status_code == 403
    leader = as_("leader")
    assert leader.get("/thong-ke/buu-chinh/ho-so",
                      query_string={**_period(), "o": "bogus"}).status_code == 404
    # Another agency's list, asked by id: not found.
    assert leader.get("/thong-ke/buu-chinh/ho-so", query_string={
        **_period(), "o": "posted", "co-quan": "999999"}).status_code == 404
