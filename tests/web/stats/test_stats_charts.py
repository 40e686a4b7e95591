"""The charts page: three server-drawn SVG charts, each an image with a title and a
description and the same numbers in a table below it; the months add up to the table."""

from __future__ import annotations

import re

from stats_helpers import table_rows, values

Q = "tu=2019-01-01&den=2019-03-31"


def test_three_accessible_charts_with_their_tables(as_, world):
    page = as_("supervisor").get(f"/thong-ke/bieu-do?{Q}").get_data(as_text=True)
    svgs = re.findall(r"<svg [^>]*>", page.split("<main", 1)[1])  # not the navbar's bell
    assert len(svgs) == 3
    for tag in svgs:
        assert 'role="img"' in tag
        title, desc = re.search(r'aria-labelledby="([\w-]+) ([\w-]+)"', tag).groups()
        assert f'<title id="{title}">' in page and f'<desc id="{desc}">' in page
    assert page.count("<details>") == 3 and "<script" not in page.split("<main", 1)[1]
    assert "Tỷ lệ giải quyết đúng hạn theo cơ quan" in page
    # Sở Tư pháp resolved 7 in the quarter (January's 7; February/March none), 5 on time.
    assert re.search(r"Sở Tư pháp</th>\s*<td[^>]*>7</td>\s*<td[^>]*>5</td>\s*"
                     r"<td[^>]*>71,4 %</td>", page)
    # The months: intake per channel; pending and overdue at each month's end.
    assert "01/2019" in page and "03/2019" in page


def test_the_months_add_up_to_the_table(as_, world):
    client = as_("supervisor")
    charts = client.get(f"/thong-ke/bieu-do?{Q}").get_data(as_text=True)
    intake = charts.split('id="intake-heading"', 1)[1].split("</section>", 1)[0]
    month_rows = re.findall(r'<th scope="row">(\d\d/\d{4})[^<]*(?:<span[^>]*>[^<]*</span>)?'
                            r'</th>\s*((?:<td[^>]*>[\d.]+</td>\s*)+)</tr>', intake)
    totals = [int(re.findall(r">([\d.]+)</td>", cells)[-1]) for _, cells in month_rows]
    table = table_rows(client.get(f"/thong-ke/?{Q}&mau=A").get_data(as_text=True))
    received, online, carried, direct = values(table["Tổng cộng"])[:4]
    assert sum(totals) == online + direct == received - carried
    overdue_part = charts.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]
    last = re.findall(r'<th scope="row">(\d\d/\d\d/\d{4})</th>\s*<td[^>]*>(.*?)</td>\s*'
                      r'<td[^>]*>(.*?)</td>', overdue_part)[-1]
    assert last[0] == "31/03/2019"
    pending, overdue = (int(re.sub(r"<[^>]+>", "", v)) for v in last[1:])
    table_b = table_rows(client.get(f"/thong-ke/?{Q}&mau=B").get_data(as_text=True))
    assert [pending, overdue] == [values(table_b["Tổng cộng"])[8],
                                  values(table_b["Tổng cộng"])[10]]


def test_an_agency_name_is_escaped_in_the_svg(as_, world, app):
    from portal.catalog.models import Agency
    from portal.extensions import db

    with app.app_context():
        db.session.get(Agency, world.agencies["office"]).name = 'Văn phòng <b>"A&B"</b>'
        db.session.commit()
    page = as_("supervisor").get(f"/thong-ke/bieu-do?{Q}").get_data(as_text=True)
    assert '<b>"A&B"</b>' not in page
    svg = page.split('id="chart-rate"', 1)[1].split("</svg>", 1)[0]
    assert "Văn phòng &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in svg
