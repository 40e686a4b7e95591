"""A small page object for list views (works the same on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from portal.core.numbers import parse_int
from portal.extensions import db


def page_number(value: object) -> int:
    """The page asked for (a query-string value or a number): anything that is not a whole
    number from 1 to ``MAX_ID`` (negative, huge, garbled, missing) is the first page. The
    pagers below also clamp past-the-end numbers to the last page."""
    return parse_int(value, low=1) or 1


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(query: Select, number: int, size: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(page_number(number), max(1, -(-total // size)))
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total or 0)
