"""The house rules, checked from the code's own imports (lazy ones and those under
TYPE_CHECKING included): auditor's modules form no import circle, the core imports no rule
(and no report outside the command line), the built-in rules import auditor only through
its public face, and no module is a large room."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
FACES = {"auditor.plugins", "auditor.testing"}  # testing: the harness, for rule tests only


def _module(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(path: Path, root: Path = ROOT) -> set[str]:
    """Every module the file imports, at the top, in functions or under TYPE_CHECKING;
    `from a import b` counts as importing `a.b` too, in case that is a module."""
    package = _module(path, root) if path.name == "__init__.py" else _module(path.parent, root)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph(package: str) -> dict[str, set[str]]:
    modules = _modules(package)
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


def test_no_import_circle_among_auditors_modules() -> None:
    graph = _graph("auditor")
    # A package's __init__ importing its own modules is how a package is made, not a circle.
    for module in graph:
        graph[module] = {i for i in graph[module] if not module.startswith(i + ".")}
    assert _cycle(graph) == []


def test_the_core_imports_no_rule_and_no_report_outside_the_command_line() -> None:
    for module, path in _modules("auditor").items():
        roots = {i.split(".")[0] for i in _imports(path)}
        assert "rules" not in roots, module
        if not module.startswith("auditor.cli"):
            assert "reports" not in roots, module


def test_rules_import_auditor_only_through_its_face() -> None:
    for module, path in _modules("rules").items():
        private = {
            i
            for i in _imports(path)
            if i.split(".")[0] == "auditor" and i not in FACES and i.rsplit(".", 1)[0] not in FACES
        }
        assert private == set(), module
        assert "auditor.testing" not in _imports(path), module


def test_no_large_rooms() -> None:
    for package in ("auditor", "rules", "reports"):
        sizes = {m: len(p.read_text().splitlines()) for m, p in _modules(package).items()}
        assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}


def test_every_package_says_what_it_is_for() -> None:
    for package in ("auditor", "rules", "reports"):
        for init in (ROOT / package).rglob("__init__.py"):
            doc = ast.get_docstring(ast.parse(init.read_text()))
            assert doc and len(doc.splitlines()) == 1, init


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_lazy_relative_and_from_packages(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    module = tmp_path / "pkg" / "sub" / "mod.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "from ..top import name\n"
        "if TYPE_CHECKING:\n    import rules.x\n"
        "def f():\n    from reports import progress\n"
    )
    assert _imports(module, tmp_path) == {
        "typing",
        "typing.TYPE_CHECKING",
        "pkg.sub",
        "pkg.sub.sibling",
        "pkg.top",
        "pkg.top.name",
        "rules.x",
        "reports",
        "reports.progress",
    }


MAX_CLI_FUNCTION_LINES = 60  # the command line is thin: parse, call a use case, print


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text())
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_function_of_the_command_line_is_long() -> None:
    long = {
        f"{module}.{function.name}": (function.end_lineno or 0) - function.lineno + 1
        for module, path in _modules("auditor").items()
        if module.startswith("auditor.cli")
        for function in _functions(path)
    }
    assert {name: n for name, n in long.items() if n > MAX_CLI_FUNCTION_LINES} == {}


def _any_annotations(path: Path) -> list[int]:
    """The lines where `Any` (typing's) is named: imported, in an annotation, anywhere."""
    nodes = ast.walk(ast.parse(path.read_text()))
    return sorted(getattr(node, "lineno", 0) for node in nodes if _names_any(node))


def _names_any(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "Any"
    if isinstance(node, ast.alias):
        return node.name.split(".")[-1] == "Any"
    if isinstance(node, ast.Attribute):
        return node.attr == "Any"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
        return bool(re.search(r"\bAny\b", node.value)) and _is_annotation_string(node.value)
    return False


def _is_annotation_string(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def test_the_command_line_names_its_types() -> None:
    """No `Any` in auditor/cli/: a value's type is imported under TYPE_CHECKING, so the
    command's start-up imports nothing more for it."""
    anys = {
        module: lines
        for module, path in _modules("auditor").items()
        if module.startswith("auditor.cli") and (lines := _any_annotations(path))
    }
    assert anys == {}


def test_the_checks_of_the_command_line_find_what_they_look_for(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import Any\n"
        "def short(x: Any) -> 'dict[str, Any]':\n    return {}\n"
        "def long() -> None:\n" + "    pass\n" * 60
    )
    assert _any_annotations(module) == [1, 2, 2]
    assert [(f.name, (f.end_lineno or 0) - f.lineno + 1) for f in _functions(module)] == [
        ("short", 2),
        ("long", 61),
    ]


# What the command line may import from auditor: the use cases and values it calls, the
# renderers' inputs, and its own modules. A new import here is a design decision: add it
# with a reason, or call a use case that owns the work.
CLI_MAY_IMPORT = {
    "auditor",  # __version__
    "auditor.errors",
    "auditor.config",
    "auditor.model",
    "auditor.trust",  # `audit trust`
    "auditor.trust_session",  # the gate every command passes
    "auditor.workers",  # the one worker pool's job count
    "auditor.testing",  # `audit test`: the harness as a command
    "auditor.scan.use_case",
    "auditor.scan.request",
    "auditor.scan.report",
    "auditor.scan.run",
    "auditor.scan.gate",
    "auditor.scan.gate_filters",  # `audit baseline` writes the file the gate reads
    "auditor.scan.loading",
    "auditor.scan.fileio",
    "auditor.scan.targets",
    "auditor.scan.source",
    "auditor.scan.shards",
    "auditor.scan.rule_core",
    "auditor.scan.rule_examples",
    "auditor.scan.generated",
    "auditor.scan.fixer",
    "auditor.scan.discovery",
    "auditor.scan.cache",
    "auditor.track.use_case",
    "auditor.track.state",
    "auditor.track.snapshot_notes",
    "auditor.track.snapshots",
    "auditor.track.issues_file",
    "auditor.track.issues_append",
    "auditor.track.git_objects",
    "auditor.track.backfill",
    "auditor.sources.report",
    "auditor.lsp.server",
    "auditor.env.inventory",
    "auditor.env.example_file",
}


def test_the_command_line_imports_only_what_it_names() -> None:
    modules = _modules("auditor")
    used = {
        imported
        for module, path in modules.items()
        if module.startswith("auditor.cli")
        for imported in _imports(path)
        if imported in modules and not imported.startswith("auditor.cli")
    }
    assert used - CLI_MAY_IMPORT == set()


def test_every_registered_rule_is_run_by_the_harness() -> None:
    import tomllib

    from test_rule_examples import CASES, RULES

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    targets = {value.replace(":", ".") for value in declared["auditor.rules"].values()}
    harnessed = {f"{cls.__module__}.{cls.__qualname__}" for cls in RULES}
    assert targets <= harnessed
    with_examples = {case.values[0] for case in CASES}
    assert {cls for cls in RULES if f"{cls.__module__}.{cls.__qualname__}" in targets} <= (
        with_examples
    )
