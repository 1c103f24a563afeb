"""How a block of statements can end, on `ast`: normally, by re-raising the exception
being handled (a bare `raise`), by raising another, by `return`, or by `break`/`continue`
of a loop around it. bare-except keeps `except BaseException:` only for a handler that
re-raises on every path, so the analysis must see every path: a path it cannot follow
counts as one that completes normally."""

from __future__ import annotations

import ast
from collections.abc import Sequence

NORMAL, RERAISE, RAISE, RETURN, BREAK, CONTINUE = (
    "normal",
    "reraise",
    "raise",
    "return",
    "break",
    "continue",
)


def always_reraises(body: Sequence[ast.stmt]) -> bool:
    """Whether every path through a handler's body ends in a bare `raise`."""
    return block_exits(body) == {RERAISE}


def sometimes_reraises(body: Sequence[ast.stmt]) -> bool:
    """Whether some path, not every one, ends in a bare `raise` (cleanup that propagates
    unless something says otherwise: `if not self.__exit__(*sys.exc_info()): raise`)."""
    exits = block_exits(body)
    return RERAISE in exits and exits != {RERAISE}


def block_exits(body: Sequence[ast.stmt]) -> frozenset[str]:
    exits: set[str] = set()
    for statement in body:
        found = statement_exits(statement)
        exits |= found - {NORMAL}
        if NORMAL not in found:
            return frozenset(exits)  # the rest of the block is unreachable
    return frozenset(exits | {NORMAL})


def statement_exits(statement: ast.stmt) -> frozenset[str]:
    if isinstance(statement, ast.Raise):
        return frozenset({RERAISE if statement.exc is None else RAISE})
    if isinstance(statement, ast.Return):
        return frozenset({RETURN})
    if isinstance(statement, ast.Break):
        return frozenset({BREAK})
    if isinstance(statement, ast.Continue):
        return frozenset({CONTINUE})
    if isinstance(statement, ast.If):
        return block_exits(statement.body) | block_exits(statement.orelse)
    if isinstance(statement, ast.For | ast.AsyncFor | ast.While):
        return _loop_exits(statement)
    if isinstance(statement, ast.Try | ast.TryStar):
        return _try_exits(statement)
    if isinstance(statement, ast.With | ast.AsyncWith):
        # A context manager may suppress the exception (`contextlib.suppress`); one that
        # does is rare around a re-raise, and assuming it never does keeps cleanup blocks
        # (`with lock: raise`) exact.
        return block_exits(statement.body)
    if isinstance(statement, ast.Match):
        exits = set().union(*(block_exits(case.body) for case in statement.cases))
        last = statement.cases[-1] if statement.cases else None
        irrefutable = (
            last is not None
            and last.guard is None
            and isinstance(last.pattern, ast.MatchAs)
            and last.pattern.pattern is None
        )
        return frozenset(exits if irrefutable else exits | {NORMAL})
    return frozenset({NORMAL})  # definitions and anything not followed


def _loop_exits(loop: ast.For | ast.AsyncFor | ast.While) -> frozenset[str]:
    body = block_exits(loop.body)
    exits = set(body - {NORMAL, BREAK, CONTINUE})
    if BREAK in body:
        exits.add(NORMAL)
    # LibCST's test: the name `True` (CPython's parser makes it a constant).
    endless = (
        isinstance(loop, ast.While)
        and isinstance(loop.test, ast.Constant)
        and loop.test.value is True
    )
    if not endless:  # the loop can end (or not run at all): the `else` runs
        exits |= block_exits(loop.orelse)
    return frozenset(exits)


def _try_exits(node: ast.Try | ast.TryStar) -> frozenset[str]:
    body = block_exits(node.body)
    # Any exception of the body, a re-raise included, may be caught by a handler.
    exits = set(body - {NORMAL})
    for handler in node.handlers:
        exits |= block_exits(handler.body)
    if NORMAL in body:
        exits |= block_exits(node.orelse)  # an absent `else` completes normally
    if node.finalbody:
        final = block_exits(node.finalbody)
        if NORMAL not in final:
            return final  # `finally` ends every path its own way
        exits |= final - {NORMAL}
    return frozenset(exits)
