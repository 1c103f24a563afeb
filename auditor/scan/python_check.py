"""CPython's verdict on a Python text, and the check that fixed text is still the same
program apart from what the fix meant to change."""

from __future__ import annotations

import ast
import itertools
import warnings
from collections.abc import Iterator, Sequence

import libcst as cst

from auditor.model import Edit, Location
from auditor.scan.source import split_lines


def parse_ast(text: str) -> ast.Module | tuple[Location, str]:
    """CPython's tree, or its verdict on the syntax error. CPython goes first: its
    messages are clearer than LibCST's, it refuses pathological nesting cleanly where
    LibCST's native parser may crash the process, and its tree lets rules skip LibCST."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences are not our finding
            return ast.parse(text)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = max(exc.offset or 1, 1)
        return Location(line, column), exc.msg
    except (RecursionError, MemoryError, ValueError) as exc:  # ValueError: NUL bytes
        return Location(1, 1), str(exc) or "too deeply nested to parse"


def syntax_error(text: str) -> tuple[Location, str] | None:
    parsed = parse_ast(text)
    return None if isinstance(parsed, ast.Module) else parsed


def check_syntax(text: str, path: str | None = None) -> str | None:
    """Whether fixed text is still a Python module both CPython and LibCST accept."""
    parsed = _parsed(text)
    return parsed if isinstance(parsed, str) else None


def _parsed(text: str) -> ast.Module | str:
    """CPython's tree of text LibCST accepts too, or why either refuses it."""
    tree = parse_ast(text)
    if not isinstance(tree, ast.Module):
        location, message = tree
        return f"{message} at {location.line}:{location.column}"
    try:
        cst.parse_module(text)
    except Exception as exc:
        return f"LibCST cannot parse the result: {str(exc).splitlines()[0]}"
    return tree


def check_fix(before: str, after: str, edits: Sequence[Edit], path: str = "") -> str | None:
    """Why fixed text must not be written, or None. It must parse, and every statement no
    edit touches must still be there, the same, at its place (shifted by the edits) and
    under the same parents: an edit may change what it covers and nothing else, so it must
    not, say, pull the next line into an expression with a trailing backslash."""
    parsed = _parsed(after)
    if isinstance(parsed, str):
        return f"the result does not parse ({parsed})"
    return _changed_outside(before, after, parsed, edits)


def _changed_outside(
    before: str, after: str, new_tree: ast.Module, edits: Sequence[Edit]
) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            old_tree = ast.parse(before)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the original did not parse with CPython: nothing to compare
    spans = sorted((e.start, e.end, len(e.text)) for e in edits)
    old_at, new_at = _Offsets(before), _Offsets(after)
    placed = {new_at.start(node): (node, parents) for node, parents in _statements(new_tree, ())}

    def touched(start: int, end: int) -> bool:
        return any((s < end and e > start) or (s == e and start < s < end) for s, e, _ in spans)

    def shifted(offset: int) -> int:
        return offset + sum(size - (e - s) for s, e, size in spans if e <= offset)

    pending = [(node, parents) for node, parents in _children(old_tree, ())]
    while pending:
        node, parents = pending.pop()
        start, end = old_at.start(node), old_at.end(node)
        if touched(start, end):
            pending.extend(_children(node, (*parents, type(node).__name__)))
            continue
        match = placed.get(shifted(start))
        if match is None or match[1] != parents or _dump(match[0]) != _dump(node):
            return f"it changes code outside its edits (the statement at line {node.lineno})"
    return None


def _dump(node: ast.AST) -> str:
    return ast.dump(node, include_attributes=False)


def _children(
    node: ast.AST, parents: tuple[str, ...]
) -> Iterator[tuple[ast.stmt, tuple[str, ...]]]:
    """The statements directly inside `node` (through handlers and match cases)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt):
            yield child, parents
        else:
            yield from _children(child, parents)


def _statements(
    node: ast.AST, parents: tuple[str, ...]
) -> Iterator[tuple[ast.stmt, tuple[str, ...]]]:
    for child, above in _children(node, parents):
        yield child, above
        yield from _statements(child, (*above, type(child).__name__))


class _Offsets:
    """Character offsets of ast nodes (ast counts columns in UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text, keepends=True)
        self.starts = [0, *itertools.accumulate(len(line) for line in self.lines)]

    def _offset(self, line: int, byte_column: int) -> int:
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        column = len(text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
        return self.starts[line - 1] + column

    def start(self, node: ast.stmt) -> int:
        first = min(
            [node, *getattr(node, "decorator_list", ())], key=lambda n: (n.lineno, n.col_offset)
        )
        return self._offset(first.lineno, first.col_offset)

    def end(self, node: ast.stmt) -> int:
        return self._offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
