"""Whether importing the project's logger into a module would be circular: the logger
module imports that module itself, directly or through other modules of the project
(glances' `logger.py` imports `glances.globals`, so `globals.py` cannot import it: one of
the two is always half-initialised when the other asks for its names). Read, never
imported; only modules that resolve under the import roots are followed."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from auditor.plugins import subtree

# The modules followed at most: a logger module's own imports are few and shallow.
LIMIT = 200


def import_chain(
    start: Path, start_module: str, target: str, resolve: Callable[[str], Path | None]
) -> list[str]:
    """The modules from `start_module` (at `start`) through which it imports `target`
    (`["glances.logger"]` for `glances.globals`), or [] when it does not; `resolve`
    finds a module's file in the project."""
    seen = {start_module}
    queue: list[tuple[Path, str, list[str]]] = [(start, start_module, [start_module])]
    while queue and len(seen) < LIMIT:
        file, module, chain = queue.pop(0)
        for imported in _imported(file, module):
            if imported == target:
                return chain
            if imported in seen:
                continue
            seen.add(imported)
            found = resolve(imported)
            if found is not None:
                queue.append((found, imported, [*chain, imported]))
    return []


def _imported(file: Path, module: str) -> Iterator[str]:
    """Every module an import statement of the file names (a `from a import b` names both
    `a` and `a.b`, which may be a submodule); relative imports made absolute."""
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    for node in subtree(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 > len(parts):
                    continue
                head = ".".join(parts[: len(parts) - (node.level - 1)])
                base = ".".join(p for p in (head, base) if p)
            if not base:
                continue
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
