"""The statistics tests' January 2019 dossiers (``make``), and reading the pages back: the
table's cells, a list page's count."""

from __future__ import annotations

import html
import re
from datetime import datetime

import factories

from portal.calendar import VN_TZ
from portal.dossiers.models import Channel, DossierState
from portal.extensions import db

S = DossierState

NUMBER_CELL = re.compile(r'<td class="n">(.*?)</td>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([\d.]+)</a>')
LIST_COUNT = re.compile(r'<h1 class="h4 stats-list-title">.*?: ([\d.]+) hồ sơ</h1>', re.S)

JANUARY = {"tu": "2019-01-01", "den": "2019-01-31"}


def at(day: int, hour: int = 9, month: int = 1, year: int = 2019) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN_TZ)


def make(version, received, due, finished=None, state=None, channel=Channel.COUNTER):
    """A dossier with the given history, timestamps set directly (like test_figures.py)."""
    item = factories.submitted_dossier(version)
    item.channel = channel
    item.received_at, item.due_at, item.finished_at = received, due, finished
    item.state = state or (S.RETURNED if finished else S.IN_PROGRESS)
    db.session.flush()
    return item


def number(text: str) -> int:
    return int(text.replace(".", ""))


def table_rows(page: str) -> dict[str, list[str]]:
    """Row header (agency name, "Cộng I", "Tổng cộng") → the inner HTML of its number cells."""
    rows = {}
    for match in re.finditer(r'<tr(?: class="[\w-]+")?>\s*<td(?: class="n")?>\d*</td>\s*'
                             r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', page, re.S):
        rows[html.unescape(match.group(1)).strip()] = NUMBER_CELL.findall(match.group(2))
    return rows


def values(cells: list[str]) -> list[int]:
    out = []
    for cell in cells:
        link = LINK.search(cell)
        out.append(number(link.group(2)) if link else number(re.sub(r"<[^>]+>", "", cell)))
    return out


def links(cells: list[str]) -> list[tuple[str, int] | None]:
    out = []
    for cell in cells:
        link = LINK.search(cell)
        out.append((html.unescape(link.group(1)), number(link.group(2))) if link else None)
    return out


def list_count(page: str) -> int:
    return number(LIST_COUNT.search(page).group(1))


def list_row_count(page: str) -> int:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return body.count("<tr>")
