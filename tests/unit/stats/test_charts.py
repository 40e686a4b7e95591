"""The SVG chart builder (portal/stats/charts.py) and the months of a period
(portal/stats/trends.py): accessible images, escaped text, round axis steps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from portal.stats import charts
from portal.stats.figures import Period
from portal.stats.trends import months_of

NS = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_chart_is_a_named_image_and_escapes_its_text():
    svg = _parse(charts.horizontal_bars(
        "c1", 'Tỷ lệ <đúng hạn> & "đủ"', "Mô tả", [("Sở <A>", 0.5), ("Sở B", None)],
        lambda v: "—" if v is None else f"{v:.0%}"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{NS}title").text == 'Tỷ lệ <đúng hạn> & "đủ"'  # parsed back: escaped
    assert svg.find(f"{NS}desc").get("id") == "c1-desc"
    texts = [t.text for t in svg.iter(f"{NS}text")]
    assert "Sở <A>" in texts and "—" in texts and "50%" in texts
    bars = [r for r in svg.iter(f"{NS}rect")]
    assert float(bars[0].get("width")) == 200  # half of the 400-unit bar area
    assert float(bars[1].get("width")) == 0


def test_stacked_columns_stack_and_lines_join_the_points():
    series = [charts.Series("Trực tuyến", [1, 4], "#0b4f9c"),
              charts.Series("Tại quầy", [2, 0], "#b35900")]
    svg = _parse(charts.stacked_columns("c2", "T", "D", ["12/2018", "01/2019"], series, str))
    rects = [r for r in svg.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert len(rects) == 3  # zero values draw nothing
    labels = [t.text for t in svg.iter(f"{NS}text")]
    assert {"12", "01", "2018", "2019"} <= set(labels)
    line = _parse(charts.lines("c3", "T", "D", ["01/2019", "02/2019"], series, str))
    assert len(list(line.iter(f"{NS}polyline"))) == 2
    assert len(list(line.iter(f"{NS}circle"))) == 4


def test_axis_steps_are_round():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
    assert charts.nice_ticks(57_387) == [0, 20_000, 40_000, 60_000]
    assert charts.nice_ticks(95) == [0, 20, 40, 60, 80, 100]


def test_months_are_cut_to_the_period():
    months = months_of(Period.report_year(2019))
    assert len(months) == 13
    assert months[0] == Period(date(2018, 12, 15), date(2018, 12, 31))
    assert months[1] == Period.month(2019, 1)
    assert months[-1] == Period(date(2019, 12, 1), date(2019, 12, 14))
    assert months_of(Period(date(2019, 2, 3), date(2019, 2, 3))) == [
        Period(date(2019, 2, 3), date(2019, 2, 3))]
