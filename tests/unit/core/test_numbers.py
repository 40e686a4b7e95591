"""Whole numbers from outside (issue #10, item 12): one reading for URLs, query strings and
forms. No database needed."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.core.numbers import MAX_ID, install_id_converter, parse_int, whole_number
from portal.core.pagination import page_number


@pytest.mark.parametrize("raw, expected", [
    ("7", 7), (" 42 ", 42), ("0", 0), (str(MAX_ID), MAX_ID), (12, 12),
    (str(MAX_ID + 1), None), (str(2**63), None), ("9" * 5000, None), ("-1", None),
    ("+1", None), ("1e3", None), ("²", None), ("١٢", None), ("１２", None), ("", None),
    (None, None), (True, None), (3.0, None), (-5, None), (MAX_ID + 1, None)])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


def test_bounds_and_page_numbers():
    assert parse_int("1999", low=2000, high=2100) is None
    assert parse_int("2025", low=2000, high=2100) == 2025
    assert [page_number(v) for v in ("3", "0", "-2", "abc", None, str(2**64), 2**40)] == [
        3, 1, 1, 1, 1, 1, 1]
    with pytest.raises(ValueError):
        whole_number("²")


def test_the_int_converter_refuses_what_no_row_can_have():
    app = Flask(__name__)
    install_id_converter(app)

    @app.get("/x/<int:item_id>")
    def item(item_id):
        return str(item_id)

    @app.get("/y/<int(max=5):small>")
    def small(small):
        return str(small)

    client = app.test_client()
    assert client.get(f"/x/{MAX_ID}").text == str(MAX_ID)
    for bad in (MAX_ID + 1, 2**63, 2**64, -1, "١٢", "9" * 5000):
        assert client.get(f"/x/{bad}").status_code == 404, bad
    assert client.get("/y/5").text == "5" and client.get("/y/6").status_code == 404
