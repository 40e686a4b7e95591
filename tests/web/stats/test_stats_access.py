"""Who may read the statistics pages: the centre's supervisor every agency, an agency's
leader their own agency only (another agency in a link is a 404); citizens and the other
officers get 403, anonymous visitors the login page."""

from __future__ import annotations

import html
import re

import pytest
from stats_helpers import JANUARY, list_count, table_rows, values

Q = "tu=2019-01-01&den=2019-01-31"
ROUTES = ["/thong-ke/", f"/thong-ke/?{Q}", f"/thong-ke/ho-so?{Q}&o=received",
          f"/thong-ke/bieu-do?{Q}", f"/thong-ke/so-lieu-nam?{Q}", f"/thong-ke/ban-in?{Q}",
          f"/thong-ke/bang.csv?{Q}", f"/thong-ke/bang.xlsx?{Q}", f"/thong-ke/bang.pdf?{Q}"]
CHEAP = [url for url in ROUTES if "pdf" not in url]  # WeasyPrint is tried once, below


def test_anonymous_visitors_get_the_login_page(client, world):
    for url in ROUTES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/tai-khoan/dang-nhap" in response.location, url


@pytest.mark.parametrize("who", ["citizen", "counter", "specialist"])
def test_citizens_and_officers_get_403(as_, who):
    client = as_(who)
    for url in ROUTES:
        assert client.get(url).status_code == 403, url
    assert 'href="/thong-ke/"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["supervisor", "leader"])
def test_readers_open_every_page_and_see_the_menu_link(as_, who):
    client = as_(who)
    for url in CHEAP:
        assert client.get(url).status_code == 200, url
    assert 'href="/thong-ke/"' in client.get("/").get_data(as_text=True)


def test_the_supervisor_reads_every_agency(as_, world):
    page = as_("supervisor").get(f"/thong-ke/?{Q}").get_data(as_text=True)
    rows = table_rows(page)
    for name in ("Sở Tư pháp", "Sở Tài chính", "Văn phòng UBND tỉnh",
                 "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi"):
        assert name in rows
    assert values(rows["Tổng cộng"])[0] == 15


def test_a_leader_reads_only_their_own_agency(as_, world):
    client = as_("leader")
    page = client.get(f"/thong-ke/?{Q}").get_data(as_text=True)
    rows = table_rows(page)
    assert "Sở Tư pháp" in rows and "Sở Tài chính" not in rows
    assert "Văn phòng UBND tỉnh" not in page
    assert values(rows["Tổng cộng"]) == values(rows["Sở Tư pháp"])
    # A link naming another agency does not exist for this reader.
    for other in ("finance", "land", "office"):
        url = f"/thong-ke/ho-so?{Q}&o=received&co-quan={world.agencies[other]}"
        assert client.get(url).status_code == 404
    # The total's list holds the leader's agency's dossiers only.
    total = client.get(f"/thong-ke/ho-so?{Q}&o=received&nhom=tat-ca").get_data(as_text=True)
    assert list_count(total) == 11 and "Sở Tài chính" not in total
    own = client.get(f"/thong-ke/ho-so?{Q}&o=received&co-quan={world.agencies['justice']}")
    assert own.status_code == 200
    # Exports and charts carry the same restriction.
    csv_text = client.get(f"/thong-ke/bang.csv?{Q}").get_data().decode("utf-8-sig")
    assert "Sở Tư pháp" in csv_text and "Sở Tài chính" not in csv_text
    charts = client.get(f"/thong-ke/bieu-do?{Q}").get_data(as_text=True)
    assert "Sở Tư pháp" in charts and "Sở Tài chính" not in charts
    printable = client.get(f"/thong-ke/ban-in?{Q}").get_data(as_text=True)
    assert "SỞ TƯ PHÁP" in printable and "Sở Tài chính" not in printable


def test_list_codes_link_to_the_workspace_for_readers_who_may_open_it(as_, world):
    url = f"/thong-ke/ho-so?{Q}&o=late&co-quan={world.agencies['justice']}"
    for who in ("supervisor", "leader"):
        page = as_(who).get(url).get_data(as_text=True)
        for key in ("carried_late", "postal_late"):
            assert f'href="/can-bo/ho-so/{world.dossiers[key]}"' in page


def test_the_period_of_a_link_is_kept_in_the_list(as_, world):
    page = as_("supervisor").get(f"/thong-ke/ho-so?{Q}&o=received&nhom=dat-dai")
    assert list_count(page.get_data(as_text=True)) == 1
    assert JANUARY["tu"] in page.get_data(as_text=True)  # the way back keeps the period


def _headings(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(
        r'<(?:h2|p) class="(?:h5|h6|subtitle)"[^>]*>(.*?)</(?:h2|p)>', page, re.S)]


def test_the_tables_are_headed_with_what_they_show(as_):
    # Issue 12: a leader's table is of their agency, not of "every agency".
    leader, supervisor = as_("leader"), as_("supervisor")
    for url in (f"/thong-ke/?{Q}", f"/thong-ke/so-lieu-nam?{Q}", f"/thong-ke/bieu-do?{Q}",
                f"/thong-ke/ban-in?{Q}"):
        own = _headings(leader.get(url).get_data(as_text=True))
        assert any("Sở Tư pháp" in h for h in own), url
        assert not any("Tất cả cơ quan" in h for h in own), url
        every = _headings(supervisor.get(url).get_data(as_text=True))
        assert any("Tất cả cơ quan" in h for h in every), url
