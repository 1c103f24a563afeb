"""The house rules, checked from the code's own imports (lazy ones included): a wing
has no import circle, imports neither the rules nor the reports, and no module in it is
a large room. The wings (`scan/`, `track/`, `sources/`, `cli/`) follow them."""

from __future__ import annotations

import ast
from pathlib import Path

AUDITOR = Path(__file__).resolve().parent.parent / "auditor"
WINGS = ("track", "sources", "cli", "scan")


def _module(path: Path) -> str:
    parts = path.relative_to(AUDITOR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at the top, in functions or under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _graph(wing: str) -> dict[str, set[str]]:
    files = sorted((AUDITOR / wing).glob("*.py"))
    modules = {_module(p): p for p in files}
    return {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_circle_in_a_wing() -> None:
    for wing in WINGS:
        assert _cycle(_graph(wing)) == [], wing


def test_a_wing_imports_neither_rules_nor_reports() -> None:
    # The command line renders reports; it still reads env reads from a rule (issue 17).
    for wing in (w for w in WINGS if w != "cli"):
        for path in (AUDITOR / wing).glob("*.py"):
            outside = {i for i in _imports(path) if i.split(".")[0] in ("rules", "reports")}
            assert outside == set(), path.name


def test_no_large_rooms_in_a_wing() -> None:
    for wing in WINGS:
        sizes = {p.name: len(p.read_text().splitlines()) for p in (AUDITOR / wing).glob("*.py")}
        assert {name: n for name, n in sizes.items() if n > 500} == {}, wing


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
