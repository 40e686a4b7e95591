"""The ID number inputs say what they take (issue 12, citizens: "the ID field gets
inputmode="numeric" and its length"): the CCCD brings up the numeric keypad, is not filled
in from the browser's memory, and every ID input carries a ``pattern`` and a ``maxlength``
that accept exactly what the server accepts — spaces between groups included (the
registration's ``maxlength="12"`` used to cut "0511 9500 1111" short)."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from portal.blueprints.auth.forms import RegisterForm
from portal.blueprints.citizen.forms import ApplicantForm
from portal.blueprints.staff.intake import IntakeForm

TYPED = ["051195001111", "0511 9500 1111", "051 195 001 111", " 051195001111 ",
         "05119500111", "0511950011112", "4300123456", "4300123456-001", "4300 123 456-001",
         "4300123456-01", "4300123456001", "0511-9500-1111", "abc", "05119500111a"]


def _html_accepts(attrs: dict[str, str], typed: str) -> bool:
    """What the browser's constraint check would say (the pattern is anchored)."""
    return (len(typed) <= int(attrs["maxlength"])
            and re.fullmatch(attrs["pattern"], typed) is not None)


def _attrs(html: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', html))


@pytest.mark.parametrize("cls", [RegisterForm, ApplicantForm, IntakeForm])
def test_the_pattern_and_maxlength_match_the_check(app, cls):
    with app.test_request_context():
        attrs = _attrs(cls().id_number())
        for typed in TYPED:
            form = cls(formdata=MultiDict({"id_number": typed}))
            form.validate()
            server = not form.id_number.errors
            assert _html_accepts(attrs, typed) == server, (typed, attrs, form.id_number.errors)


def test_the_cccd_input_is_numeric_and_not_remembered(client):
    page = client.get("/tai-khoan/dang-ky").get_data(as_text=True)
    tag = re.search(r'<input[^>]*id="id_number"[^>]*>', page).group(0)
    attrs = _attrs(tag)
    assert attrs["inputmode"] == "numeric" and attrs["autocomplete"] == "off"
    assert attrs["maxlength"] == "15" and _html_accepts(attrs, "0511 9500 1111")
    assert not _html_accepts(attrs, "05119500111")


def test_an_input_that_also_takes_a_tax_code_keeps_the_dash(app):
    """An iPhone's numeric keypad has no "-": a branch's tax code could not be typed."""
    with app.test_request_context():
        for cls in (ApplicantForm, IntakeForm):
            attrs = _attrs(cls().id_number())
            assert "inputmode" not in attrs and _html_accepts(attrs, "4300123456-001")
