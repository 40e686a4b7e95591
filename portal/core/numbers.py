"""Whole numbers that come from outside — URL parts, query strings, form values — read once,
the same way everywhere (issue #10, item 12).

Every table's id is an SQL ``INTEGER``: 32 bits on PostgreSQL, so an id above ``MAX_ID``
can name no row. Passed on unchecked, a larger number fails inside the database driver
instead (SQLite refuses integers beyond 64 bits, PostgreSQL integer columns beyond 32, an
OFFSET beyond 64), which used to be a 500 page; here it is simply "no such number". Only
ASCII digits count: ``str.isdigit`` also accepts "²" and "٣", which ``int`` then refuses or
reads as another number."""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # the largest PostgreSQL INTEGER: no id (or version, or count) is bigger
_DIGITS = re.compile(r"[0-9]{1,10}")  # MAX_ID has 10 digits: longer is out of range anyway


def parse_int(value: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``value`` as a whole number in [low, high], or None when it is anything else (blank,
    signed, not ASCII digits, out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if low <= number <= high else None


def whole_number(value: str) -> int:
    """For ``request.args.get(name, default, type=whole_number)``: Werkzeug answers the
    default when this raises ValueError (a negative, huge or garbled number)."""
    number = parse_int(value)
    if number is None:
        raise ValueError(value)
    return number


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: unsigned ASCII digits up to ``MAX_ID``, otherwise the URL
    matches no route (404) before any view or query runs."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        upper = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, upper, False)


def install_id_converter(app: Flask) -> None:
    """Replace Flask's ``int`` converter; must run before the blueprints are registered (a
    rule picks its converter class when it is added to the map)."""
    app.url_map.converters["int"] = IdConverter
