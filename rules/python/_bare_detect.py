"""bare-except's tests of a handler on `ast`: a deliberate catch-all's types, and an
`except BaseException:` that swallows the error without a word."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from auditor.plugins import subtree
from rules.python._bare_exits import always_reraises, sometimes_reraises
from rules.python._bare_narrow import Place as Where
from rules.python._bare_narrow import silent
from rules.python._logger_discovery import Discovery

# The exceptions that are not an Exception: a handler for one of them makes a later
# bare `except:` of the same `try` a deliberate catch-all.
CATCH_ALL_SIGNALS = frozenset({"KeyboardInterrupt", "SystemExit", "GeneratorExit", "BaseException"})


@dataclass(frozen=True, slots=True)
class HandlerAt:
    """A handler, for the fix to find on LibCST: the `try` by its order among the module's
    `try` statements (CPython's and LibCST's walks meet them in the same order), and the
    handler's index in it."""

    try_: int
    handler: int


def names_a_base_exception(
    expr: ast.expr, code: Callable[[ast.AST], str], around: Callable[[ast.AST], str]
) -> bool:
    """`except KeyboardInterrupt:`, `except (SystemExit, ValueError):`, ... A name in
    parentheses of its own, `except (KeyboardInterrupt):`, is not one: LibCST's code of it
    keeps them, and the rule compared that code. `around`: the characters just before and
    after a node, but for whitespace."""
    if isinstance(expr, ast.Tuple):
        return any(names_a_base_exception(e, code, around) for e in expr.elts)
    name = code(expr).removeprefix("builtins.")
    return name in CATCH_ALL_SIGNALS and around(expr) != "()"


def swallows_everything(handler: ast.ExceptHandler) -> bool:
    """`except BaseException:` alone, its error dropped without a word: never re-raised,
    never looked at (its name unused, nothing logged), whatever the handler goes on to
    do (`return value`, a default)."""
    caught = handler.type
    if not (isinstance(caught, ast.Name) and caught.id == "BaseException"):
        return False
    if silent(handler.body):
        return True
    if always_reraises(handler.body) or sometimes_reraises(handler.body):
        return False
    bound = handler.name
    for statement in handler.body:
        for node in subtree(statement):
            if bound is not None and bound in _identifiers(node):
                return False  # the error is used: recorded, wrapped, passed on
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else None
                printed = isinstance(node.func, ast.Name) and node.func.id == "print"
                if called in _RECORDS or printed:
                    return False
    return True


def _identifiers(node: ast.AST) -> Iterator[str]:
    """Every name LibCST holds as a `Name` node in `node` (not its children): an
    attribute's, a keyword argument's, an import's too."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.keyword) and node.arg is not None:
        yield node.arg
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, ast.alias):
        yield from node.name.split(".")
        if node.asname is not None:
            yield node.asname
    elif isinstance(node, ast.ImportFrom) and node.module is not None:
        yield from node.module.split(".")
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names
    elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest is not None:
        yield node.rest
    elif isinstance(node, ast.MatchClass):
        yield from node.kwd_attrs
    elif isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        yield str(node.value)


# Calls that record what was caught: a handler making one is not silent.
_RECORDS = frozenset(
    {
        "exception",
        "error",
        "critical",
        "warning",
        "warn",
        "log",
        "print_exc",
        "format_exc",
        "exc_info",
        "capture_exception",
    }
)


def around(text: str, start: int, end: int) -> str:
    """The characters before and after `text[start:end]`, but for whitespace."""
    blank = " \t\f\\\r\n"
    return text[:start].rstrip(blank)[-1:] + text[end:].lstrip(blank)[:1]


def colon(text: str, lines: Sequence[str], start: int) -> ast.AST:
    """Where the whitespace after a bare `except` (at offset `start`) ends, as a node of
    no kind for its position: its colon. LibCST's range of the finding ended there."""
    at = start + len("except")
    while text[at] != ":":
        at += 1
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1)
    end = ast.Pass()
    end.end_lineno = line
    end.end_col_offset = len(lines[line - 1][:column].encode())
    return end


@dataclass(frozen=True, slots=True)
class Named:
    """A bare `except:`'s fix: the type it names, and the alternative when offered (where
    the handler is, the module's project logger)."""

    at: HandlerAt
    caught: str
    place: Where | None  # None: no alternative offered
    used: Callable[[str], bool]
    project: Callable[[], Discovery]
    path: str
