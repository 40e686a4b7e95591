"""Charts as SVG, drawn on the server (issue #5): no JavaScript library, nothing to load, the
same picture with scripts off. Three shapes are enough for the statistics pages: horizontal
bars (a share per agency), stacked columns (intake per month and channel) and lines (pending
and overdue at each month's end).

Every chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``
(``aria-labelledby``); the page puts the same numbers in a table right below it. All text is
escaped here, so names from the database are safe to draw. Pure Python: no Flask, no
database; numbers are formatted by the function the caller passes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
TEXT = "#212529"
GRID = "#c8ced6"
# Colours against white: all above the 3:1 that WCAG 1.4.11 asks of graphics.
PALETTE = ("#0b4f9c", "#b35900", "#2e7d32", "#a51d1d", "#5b3f99")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str


def _t(value: object) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate: short, stable text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Svg:
    def __init__(self, chart_id: str, width: int, height: int, title: str,
                 description: str) -> None:
        self.id, self.width, self.height = chart_id, width, height
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_t(chart_id)}" '
            f'viewBox="0 0 {width} {height}" role="img" focusable="false" '
            f'aria-labelledby="{_t(chart_id)}-title {_t(chart_id)}-desc" '
            f'font-family="{_t(FONT)}" font-size="13" fill="{TEXT}">',
            f'<title id="{_t(chart_id)}-title">{_t(title)}</title>',
            f'<desc id="{_t(chart_id)}-desc">{_t(description)}</desc>',
        ]

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, content: str, anchor: str = "start",
             size: int | None = None, weight: str | None = None) -> None:
        extra = (f' font-size="{size}"' if size else "") + (
            f' font-weight="{weight}"' if weight else "")
        self.add(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>'
                 f'{_t(content)}</text>')

    def rect(self, x: float, y: float, w: float, h: float, colour: str,
             tip: str | None = None) -> None:
        inner = f"<title>{_t(tip)}</title>" if tip else ""
        self.add(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" '
                 f'height="{_n(max(h, 0))}" fill="{colour}">{inner}</rect>')

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = GRID,
             width: float = 1) -> None:
        self.add(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                 f'stroke="{colour}" stroke-width="{_n(width)}"/>')

    def legend(self, series: Sequence[Series], y: float = 16) -> None:
        x = 0.0
        for item in series:
            self.rect(x, y - 10, 12, 12, item.colour)
            self.text(x + 17, y, item.name)
            x += 17 + 8 * len(item.name) + 18

    def markup(self) -> Markup:
        return Markup("".join([*self.parts, "</svg>"]))  # every text above is escaped


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 × 10^k) up to at least ``maximum``."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1) if maximum >= 1 else step
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(int(round(top / step)) + 1)]


def horizontal_bars(chart_id: str, title: str, description: str,
                    items: Sequence[tuple[str, float | None]],
                    value_text: Callable[[float | None], str], *, maximum: float = 1.0,
                    colour: str = PALETTE[2]) -> Markup:
    """One bar per item, its label on the line above it (long agency names stay readable
    on a phone), its value after it. ``None`` draws no bar, only ``value_text(None)``."""
    width, bar_area, row = 480, 400, 40
    height = 28 + row * max(len(items), 1)
    svg = _Svg(chart_id, width, height, title, description)
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        x = bar_area * fraction
        svg.line(x, 4, x, height - 20)
        anchor = "start" if fraction == 0 else "end" if fraction == 1 else "middle"
        svg.text(x, height - 6, value_text(maximum * fraction), anchor, size=11)
    for i, (label, value) in enumerate(items):
        top = 4 + i * row
        svg.text(0, top + 13, _shorten(label, 66))
        length = 0 if value is None else bar_area * min(max(value / maximum, 0), 1)
        svg.rect(0, top + 18, length, 14, colour, f"{label}: {value_text(value)}")
        svg.text(length + 4, top + 30, value_text(value), size=12, weight="600")
    return svg.markup()


def _shorten(text: str, limit: int) -> str:
    """The label as drawn (the bar's tooltip and the table below keep it whole)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _axes(svg: _Svg, left: float, top: float, plot_w: float, plot_h: float,
          ticks: list[float], number: Callable[[int], str]) -> Callable[[float], float]:
    top_value = ticks[-1] or 1

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    for tick in ticks:
        svg.line(left, y_of(tick), left + plot_w, y_of(tick))
        svg.text(left - 6, y_of(tick) + 4, number(int(tick)), "end", size=11)
    return y_of


def _category_labels(svg: _Svg, categories: Sequence[str], centres: Sequence[float],
                     baseline: float) -> None:
    """'MM/YYYY' categories as the month on one line and the year below it, written only
    when it changes (twelve months fit on a phone)."""
    previous_year = None
    for label, x in zip(categories, centres, strict=True):
        month, _, year = label.partition("/")
        svg.text(x, baseline + 15, month if year else label, "middle", size=11)
        if year and year != previous_year:
            svg.text(x, baseline + 29, year, "middle", size=11)
        previous_year = year or previous_year


def stacked_columns(chart_id: str, title: str, description: str, categories: Sequence[str],
                    series: Sequence[Series], number: Callable[[int], str]) -> Markup:
    """One column per category, the series stacked in it (first series at the bottom)."""
    width, height, left, top, bottom = 640, 320, 52, 36, 40
    plot_w, plot_h = width - left - 8, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0))
    svg = _Svg(chart_id, width, height, title, description)
    svg.legend(series)
    y_of = _axes(svg, left, top, plot_w, plot_h, ticks, number)
    slot = plot_w / max(len(categories), 1)
    bar = min(slot * 0.7, 48)
    centres = [left + slot * (i + 0.5) for i in range(len(categories))]
    for i, centre in enumerate(centres):
        base = 0
        for item in series:
            value = item.values[i]
            if value:
                svg.rect(centre - bar / 2, y_of(base + value), bar,
                         y_of(base) - y_of(base + value), item.colour,
                         f"{categories[i]} – {item.name}: {number(value)}")
            base += value
    svg.line(left, top + plot_h, left + plot_w, top + plot_h, TEXT)
    _category_labels(svg, categories, centres, top + plot_h)
    return svg.markup()


def lines(chart_id: str, title: str, description: str, categories: Sequence[str],
          series: Sequence[Series], number: Callable[[int], str]) -> Markup:
    """One line per series across the categories, a dot on each value."""
    width, height, left, top, bottom = 640, 320, 52, 36, 40
    plot_w, plot_h = width - left - 8, height - top - bottom
    ticks = nice_ticks(max((v for s in series for v in s.values), default=0))
    svg = _Svg(chart_id, width, height, title, description)
    svg.legend(series)
    y_of = _axes(svg, left, top, plot_w, plot_h, ticks, number)
    slot = plot_w / max(len(categories), 1)
    centres = [left + slot * (i + 0.5) for i in range(len(categories))]
    for item in series:
        points = [(x, y_of(v)) for x, v in zip(centres, item.values, strict=True)]
        if len(points) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            svg.add(f'<polyline points="{path}" fill="none" stroke="{item.colour}" '
                    f'stroke-width="2.5"/>')
        for (x, y), value, label in zip(points, item.values, categories, strict=True):
            svg.add(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{item.colour}">'
                    f'<title>{_t(f"{label} – {item.name}: {number(value)}")}</title></circle>')
    svg.line(left, top + plot_h, left + plot_w, top + plot_h, TEXT)
    _category_labels(svg, categories, centres, top + plot_h)
    return svg.markup()
