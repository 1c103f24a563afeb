"""CPython's verdict on a Python text, and the check that fixed text is still the same
program apart from what the fix meant to change."""

from __future__ import annotations

import ast
import itertools
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from types import FrameType

from auditor.model import Edit, Location
from auditor.scan.source import split_lines

# CPython's default recursion limit: `python file.py` compiles the file under it.
CPYTHON_RECURSION_LIMIT = 1000
# Every way the compiler says no: SyntaxError (IndentationError too), ValueError (NUL
# bytes), RecursionError and MemoryError (nesting too deep for the compiler or for the
# parser's stack), SystemError and OverflowError (limits of the interpreter).
REFUSALS = (SyntaxError, ValueError, RecursionError, MemoryError, SystemError, OverflowError)
_limit = threading.Lock()  # one change of the recursion limit at a time


def _compile(source: str | ast.Module, flags: int) -> object:
    """`compile(source)` as CPython judges a file it runs. Up to Python 3.11 the
    compiler's depth limit follows the recursion limit, which auditor raises for LibCST
    (auditor.scan.python): under it the compiler accepts a 5,000-term `1+1+...` that
    `python` refuses, and LibCST's native parser then takes seconds over such code, or
    overflows the C stack and kills the process. So the limit is CPython's default while
    CPython judges, counted from here as a script's is from the top. (From 3.12 the
    compiler has a fixed limit of its own.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences are not our finding
        if sys.version_info >= (3, 12):
            return compile(source, "<file>", "exec", flags, dont_inherit=True)
        with _limit:
            old = sys.getrecursionlimit()
            sys.setrecursionlimit(_depth() + CPYTHON_RECURSION_LIMIT - 1)
            try:
                return compile(source, "<file>", "exec", flags, dont_inherit=True)
            finally:
                sys.setrecursionlimit(old)


def _depth() -> int:
    """The number of frames on the stack of the caller (this one excluded)."""
    frame: FrameType | None = sys._getframe(1)
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _refusal(exc: BaseException) -> tuple[Location, str]:
    if isinstance(exc, SyntaxError):
        return Location(exc.lineno or 1, max(exc.offset or 1, 1)), exc.msg
    if isinstance(exc, RecursionError | MemoryError):
        detail = str(exc) or "the parser ran out of memory"
        return Location(1, 1), f"too deeply nested for CPython ({detail})"
    return Location(1, 1), str(exc) or type(exc).__name__


def parse_ast(text: str) -> ast.Module | tuple[Location, str]:
    """CPython's tree, or its verdict on the syntax error. CPython goes first: its
    messages are clearer than LibCST's, it refuses pathological nesting cleanly where
    LibCST's native parser may crash the process, and its tree lets rules skip LibCST.
    The tree is the parser's verdict only: `syntax_error` has the compiler's too."""
    try:
        tree = _compile(text, ast.PyCF_ONLY_AST)
    except REFUSALS as exc:
        return _refusal(exc)
    assert isinstance(tree, ast.Module)
    return tree


def syntax_error(text: str) -> tuple[Location, str] | None:
    """Why CPython would not run `text` as a file, or None: the parser's verdict and the
    compiler's, which refuses more than the parser: 21 nested loops ("too many statically
    nested blocks"), `return` outside a function, `nonlocal` at module level, a name used
    before its `global` statement. Compiled from the text, without building the tree
    (cheaper than `ast.parse`), and not from a tree: the compiler checks a tree it is
    given more strictly than its own (1,000 `+` terms are "too deep" in a tree)."""
    try:
        _compile(text, 0)
    except REFUSALS as exc:
        return _refusal(exc)
    return None


def checked_tree(text: str) -> ast.Module | tuple[Location, str]:
    """CPython's tree of `text` if CPython would run it as a file, or why not: the
    parser's verdict and the compiler's, as `syntax_error` has them."""
    tree = parsed_tree(text)
    if not isinstance(tree, ast.Module):
        return tree
    refused = compiler_refusal(tree, text)
    return tree if refused is None else refused


def parsed_tree(text: str) -> ast.Module | tuple[Location, str]:
    """CPython's tree of `text`, or why its parser (or, where the tree is too deep to
    build, its compiler) refuses it; `compiler_refusal` has the compiler's verdict."""
    try:
        tree = _compile(text, ast.PyCF_ONLY_AST)
        assert isinstance(tree, ast.Module)
    except SyntaxError as exc:  # the parser's: compiling the text stops at the same one
        return _refusal(exc)
    except REFUSALS:
        refused = syntax_error(text)
        return parse_ast(text) if refused is None else refused
    return tree


def compiler_refusal(tree: ast.Module, text: str) -> tuple[Location, str] | None:
    """Why CPython's compiler refuses the parsed `tree` of `text`, or None. The tree is
    compiled rather than the text, which would parse it a second time: half the cost.
    Compiling a tree is stricter than compiling text (nesting too deep for a tree is
    not for the text), so when the tree is refused, the text's compilation has the last
    word. `compile_guard.might_refuse` tells when this need not be asked."""
    try:
        _compile(tree, 0)
    except REFUSALS:
        return syntax_error(text)
    return None


def check_syntax(text: str, path: str | None = None) -> str | None:
    """Whether fixed text is still a Python module both CPython and LibCST accept."""
    parsed = _parsed(text)
    return parsed if isinstance(parsed, str) else None


def _parsed(text: str) -> ast.Module | str:
    """CPython's tree of text LibCST accepts too, or why either refuses it."""
    tree = checked_tree(text)
    if not isinstance(tree, ast.Module):
        location, message = tree
        return f"{message} at {location.line}:{location.column}"
    import libcst as cst  # a fix's check only: detection never imports LibCST

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
