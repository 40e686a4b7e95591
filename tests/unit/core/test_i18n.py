"""Every refusal and flash is translatable (issue 11, item 5): the domain raises lazy
messages that take the language of the request showing them, and no route flashes a bare
Vietnamese literal that the English catalog cannot see."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import render_template_string, session

from portal.accounts.operations import AccountError
from portal.calendar.overrides import OverrideError
from portal.catalog.operations import CatalogError
from portal.core.i18n import lazy_join
from portal.core.i18n import lazy_text as _l
from portal.dossiers.operations import DossierError
from portal.workflow.actions import WorkflowError

PORTAL = Path(__file__).resolve().parents[3] / "portal"
LETTER = re.compile(r"[^\W\d_]")
EMPTY_FILE = "Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp."


def _refusal_names() -> set[str]:
    found, todo = set(), [AccountError, OverrideError, CatalogError, DossierError, WorkflowError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _bare_text(node: ast.expr) -> bool:
    """A str literal or an f-string with words in it: text no catalog can translate."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and LETTER.search(part.value)
                   for part in node.values)
    if isinstance(node, ast.IfExp):
        return _bare_text(node.body) or _bare_text(node.orelse)
    return False


def _calls_with_bare_text(names: set[str], root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and _called_name(node) in names and node.args
                    and _bare_text(node.args[0])):
                found.append(f"{path.relative_to(PORTAL.parent)}:{node.lineno}")
    return found


def test_refusals_are_raised_with_translatable_messages():
    """`raise DossierError(_l("Tệp “%(name)s” …", name=name))`, never a literal or f-string."""
    bare = _calls_with_bare_text(_refusal_names(), PORTAL)
    assert not bare, f"refusals with a bare str message (wrap in _l): {bare}"


def test_routes_flash_translated_text():
    """`flash(_("Đã lưu %(name)s.", name=…), "success")`, never a literal or f-string."""
    bare = _calls_with_bare_text({"flash"}, PORTAL)
    assert not bare, f"flash() with a bare str message (wrap in _): {bare}"


def test_the_checks_see_literals_and_f_strings():
    source = ('raise DossierError("Hồ sơ đã nộp.")\nraise WorkflowError(f"Hồ sơ {code}.")\n'
              'flash(f"{name}: {error}", "error")\nflash(_("Đã lưu."), "success")\n')
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
             and _called_name(n) in {"DossierError", "WorkflowError", "flash"}]
    assert [_bare_text(c.args[0]) for c in calls] == [True, True, False, False]


def test_a_refusal_is_vietnamese_outside_a_request(app):
    """The CLI and the replay print refusals with no request (and no session) to ask."""
    refusal = DossierError(_l(EMPTY_FILE, name="to-khai.pdf"))
    assert str(refusal) == "Tệp “to-khai.pdf” rỗng (0 byte). Vui lòng chọn lại tệp."
    with app.app_context():
        assert str(refusal) == "Tệp “to-khai.pdf” rỗng (0 byte). Vui lòng chọn lại tệp."


def test_a_refusal_takes_the_language_of_the_request_showing_it(app):
    refusal = DossierError(_l(EMPTY_FILE, name="to-khai.pdf"), "req-1")
    with app.test_request_context():
        session["locale"] = "en"
        assert str(refusal) == ("The file “to-khai.pdf” is empty (0 bytes). Please choose the "
                                "file again.")
    with app.test_request_context():
        assert str(refusal).startswith("Tệp “to-khai.pdf” rỗng")


def test_joined_refusals_translate_each_part(app):
    joined = lazy_join([_l("Thiếu mã thủ tục."), _l("Thiếu tên thủ tục.")])
    assert str(joined) == "Thiếu mã thủ tục. Thiếu tên thủ tục."
    with app.test_request_context():
        session["locale"] = "en"
        assert str(joined) == "The procedure code is missing. The procedure name is missing."


@pytest.mark.parametrize("name", ["<script>alert(1)</script>.pdf", "a&b.pdf"])
def test_a_refusal_quoting_user_input_is_escaped_in_pages(app, name):
    """flask_babel's LazyString would pass for markup; a file name a citizen typed must not."""
    with app.test_request_context():
        html = render_template_string("{{ message }}", message=_l(EMPTY_FILE, name=name))
    assert "<script>" not in html and "a&b" not in html
    assert ("&lt;script&gt;" in html) or ("a&amp;b" in html)


def test_catalog_import_errors_take_the_language_of_the_request(app):
    """The import's line-numbered errors are shown to the administrator in their language."""
    from portal.catalog.io_format import parse_table

    errors = parse_table([["loai", "ma_thu_tuc"], ["thu_tuc", ""]]).errors
    assert str(errors[0]).startswith("Dòng 1, cột ")
    with app.test_request_context():
        session["locale"] = "en"
        assert str(errors[0]).startswith("Line 1, column ")
        assert "Dòng" not in " ".join(str(e) for e in errors)
