"""Whether unvalidated-kwargs' schema fix can place what it writes, answered on `ast` at
detection (the fix offered must be known then): the schema goes after the model class (or
after the module's imports, for an imported model), and its imports into an import
section before it, as `Insertions` places them (auditor.scan.python_imports), on LibCST,
when the fix is written.

LibCST's top-level statements are lines: `import a; import b` is one. `lines` groups the
`ast` statements the same way, so that an index here is an index into LibCST's body."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Sequence

from auditor.plugins import subtree

Line = list[ast.stmt]  # a compound statement, or the simple statements of one line
_SIMPLE = (
    ast.Expr,
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Import,
    ast.ImportFrom,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.Return,
    ast.Raise,
    ast.Global,
    ast.Nonlocal,
    ast.Delete,
    ast.Assert,
)


def lines(body: Sequence[ast.stmt]) -> list[Line]:
    found: list[Line] = []
    for statement in body:
        previous = found[-1][-1] if found else None
        if (
            previous is not None
            and isinstance(statement, _SIMPLE)
            and isinstance(previous, _SIMPLE)
            and statement.lineno == previous.end_lineno
        ):
            found[-1].append(statement)
        else:
            found.append([statement])
    return found


def can_place(
    tree: ast.Module,
    source: Sequence[str],
    model: str | None,
    modules: Sequence[str],
) -> bool:
    """Whether the schema and `import` lines for `modules` (and pydantic) have their
    places: `model`, the model class's name in this module (None: an imported model);
    `source`, the module's lines."""
    body = lines(tree.body)
    place = _placement(body, model, source)
    if place is None:
        return False
    start = header_end(body)
    imported = [
        found
        for index in range(start, place + 1)
        if (found := _imported_modules(body[index])) and "__future__" not in found
    ]
    if not imported:
        return False  # pydantic has no section to join
    roots = {m.split(".")[0] for found in imported for m in found}
    return all(_is_stdlib(m) or m.split(".")[0] in roots for m in modules)


def _placement(body: Sequence[Line], model: str | None, source: Sequence[str]) -> int | None:
    if model is not None:
        for index, line in enumerate(body):
            if isinstance(line[0], ast.ClassDef) and line[0].name == model:
                return index
        return None
    index = header_end(body)
    last = None
    while index < len(body) and _import_like(body[index], source):
        last = index
        index += 1
    return last


def header_end(body: Sequence[Line]) -> int:
    """The index after the module docstring and `from __future__` imports."""
    index = 0
    if body and len(body[0]) == 1 and _is_docstring(body[0][0]):
        index = 1
    while index < len(body) and _is_future_import(body[index]):
        index += 1
    return index


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str | bytes)
    )


def _is_future_import(line: Line) -> bool:
    return all(
        isinstance(s, ast.ImportFrom) and s.level == 0 and s.module == "__future__" for s in line
    )


def _imported_modules(line: Line) -> list[str] | None:
    found: list[str] = []
    for statement in line:
        if isinstance(statement, ast.Import):
            found.extend(alias.name for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            found.append(statement.module)
        else:
            return None
    return found


def _is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


# --- `_module_header.import_like` on `ast` ---------------------------------------------------


def _import_like(line: Line, source: Sequence[str]) -> bool:
    """An import line, or an `if`/`try` block of imports and calm statements."""
    simple = [s for statement in line for s in _simple_statements(statement)]
    return (
        any(isinstance(s, ast.Import | ast.ImportFrom) for s in simple)
        and all(_calm(s) for s in simple)
        and (len(line) > 1 or _calm_tests(line[0], source))
    )


def _simple_statements(node: ast.stmt) -> Iterator[ast.stmt]:
    if isinstance(node, ast.If):
        for statement in (*node.body, *node.orelse):
            yield from _simple_statements(statement)
    elif isinstance(node, ast.Try):
        parts = [*node.body, *(s for h in node.handlers for s in h.body)]
        for statement in (*parts, *node.orelse, *node.finalbody):
            yield from _simple_statements(statement)
    else:
        yield node


def _calm(small: ast.stmt) -> bool:
    if isinstance(small, ast.Import | ast.ImportFrom | ast.Pass):
        return True
    if isinstance(small, ast.Assign | ast.AnnAssign | ast.Expr):
        return not any(isinstance(n, ast.Call) for n in subtree(small))
    return False


def _calm_tests(statement: ast.stmt, source: Sequence[str]) -> bool:
    """The conditions of an `if` chain (`elif`s, not an `if` inside `else`) and the types
    of `except` clauses call nothing."""
    tests: list[ast.expr] = []
    node: ast.stmt | None = statement
    while isinstance(node, ast.If):
        tests.append(node.test)
        after = node.orelse
        node = after[0] if len(after) == 1 and _is_elif(after[0], source) else None
    if isinstance(statement, ast.Try):
        tests.extend(h.type for h in statement.handlers if h.type is not None)
    return not any(isinstance(n, ast.Call) for test in tests for n in subtree(test))


def _is_elif(node: ast.stmt, source: Sequence[str]) -> bool:
    if not isinstance(node, ast.If) or node.lineno > len(source):
        return False
    line = source[node.lineno - 1].encode("utf-8")[node.col_offset :]
    return line.startswith(b"elif")
