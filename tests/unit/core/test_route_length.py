"""STYLE.md §4: a route is load → authorise → validate → call one operation → respond, about
30 lines at most. Longer, it is doing work that belongs in an operation or a helper (the
request frame — commit, rollback, refusal — is ``core.frame``'s). Read from the source, so
it costs nothing to run."""

from __future__ import annotations

import ast
from pathlib import Path

import portal.blueprints

MAX_LINES = 30
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
BLUEPRINTS = Path(portal.blueprints.__file__).parent


def _is_route(decorator: ast.expr) -> bool:
    """``@bp.route(...)``, ``@bp.get(...)``, ``@bp.post(...)`` …"""
    return (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_DECORATORS)


def _routes() -> list[tuple[str, int]]:
    """(where, length in lines from ``def`` to the last line) of every route function."""
    found = []
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(map(_is_route, node.decorator_list)):
                where = f"{path.relative_to(BLUEPRINTS)}:{node.lineno} {node.name}"
                found.append((where, node.end_lineno - node.lineno + 1))
    return found


def test_routes_are_found():
    assert len(_routes()) > 50  # the walk sees the blueprints


def test_no_route_is_longer_than_30_lines():
    long = [f"{where} ({length} lines)" for where, length in _routes() if length > MAX_LINES]
    assert long == []
