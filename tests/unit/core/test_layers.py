"""The floors of the web layer (issue 11, item 3), read from the source with ``ast``: an area's
blueprint (``portal/blueprints/<area>/``) imports no other area's blueprint — what several
areas share lives in ``portal/blueprints/*.py`` or ``portal/core/`` — no module of the web
layer imports, through others, back into itself, the domain packages never import the web
layer, and the lower domain packages never import the upper ones."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[3] / "portal"
BLUEPRINTS = PORTAL / "blueprints"
AREAS = sorted(p.name for p in BLUEPRINTS.iterdir() if (p / "__init__.py").exists())


def _module(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The modules ``path`` imports (``from a import b`` counts as ``a.b`` and ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _area_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["portal", "blueprints"] and len(parts) > 2 and parts[2] in AREAS:
        return parts[2]
    return None


def test_no_blueprint_imports_another_areas_blueprint():
    assert {"admin", "auth", "citizen", "public", "staff", "stats"} <= set(AREAS)
    crossings = []
    for area in AREAS:
        for path in sorted((BLUEPRINTS / area).rglob("*.py")):
            others = {_area_of(m) for m in _imports(path)} - {None, area}
            crossings += [f"{path.relative_to(PORTAL.parent)} imports the {other} blueprint"
                          for other in sorted(others)]
    assert not crossings, crossings


def test_no_import_circle_in_the_web_layer():
    """Module-level imports between the web layer's modules form no cycle. A blueprint
    package's ``__init__`` is left out: it defines ``bp`` and then imports the modules that
    add routes to it, Flask's usual pattern."""
    modules = {_module(p): p for p in BLUEPRINTS.rglob("*.py") if p.name != "__init__.py"}
    graph = {name: {m for m in _imports(path, top_level_only=True) if m in modules and m != name}
             for name, path in modules.items()}
    state: dict[str, str] = {}
    circles = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, circles


def _reaching(packages: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for package in packages:
        for path in sorted((PORTAL / package).rglob("*.py")):
            found += [f"{path.relative_to(PORTAL.parent)} imports {m}"
                      for m in _imports(path) if m.startswith(forbidden)]
    return found


def test_the_domain_never_imports_the_web_layer():
    domain = ("accounts", "addresses", "calendar", "catalog", "delivery", "dossiers",
              "feedback", "notifications", "payments", "stats", "storage", "workflow")
    found = _reaching(domain, ("portal.blueprints", "flask_wtf"))
    assert not found, found


def test_the_catalog_and_accounts_never_reach_up_into_dossiers_or_the_workflow():
    """The demo seed included: ``portal/demo.py`` seeds the catalog, then the workflow."""
    found = _reaching(("catalog", "accounts", "calendar"),
                      ("portal.dossiers", "portal.workflow", "portal.demo"))
    assert not found, found
