"""How a block of statements can end: normally, by re-raising the exception being handled
(a bare `raise`), by raising another, by `return`, or by `break`/`continue` of a loop
around it. bare-except keeps `except BaseException:` only for a handler that re-raises on
every path, so the analysis must see every path: a path it cannot follow counts as one
that completes normally."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

NORMAL, RERAISE, RAISE, RETURN, BREAK, CONTINUE = (
    "normal",
    "reraise",
    "raise",
    "return",
    "break",
    "continue",
)


def always_reraises(body: cst.BaseSuite) -> bool:
    """Whether every path through a handler's body ends in a bare `raise`."""
    return block_exits(statements(body)) == {RERAISE}


def sometimes_reraises(body: cst.BaseSuite) -> bool:
    """Whether some path, not every one, ends in a bare `raise` (cleanup that propagates
    unless something says otherwise: `if not self.__exit__(*sys.exc_info()): raise`)."""
    exits = block_exits(statements(body))
    return RERAISE in exits and exits != {RERAISE}


def statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(suite, cst.SimpleStatementSuite):  # `except: raise` on one line
        return [cst.SimpleStatementLine(body=suite.body)]
    assert isinstance(suite, cst.IndentedBlock)
    return suite.body


def block_exits(body: Sequence[cst.BaseStatement]) -> frozenset[str]:
    exits: set[str] = set()
    for statement in body:
        found = statement_exits(statement)
        exits |= found - {NORMAL}
        if NORMAL not in found:
            return frozenset(exits)  # the rest of the block is unreachable
    return frozenset(exits | {NORMAL})


def statement_exits(statement: cst.BaseStatement) -> frozenset[str]:
    if isinstance(statement, cst.SimpleStatementLine):
        return _small_exits(statement.body)
    if isinstance(statement, cst.If):
        return _suite_exits(statement.body) | _else_exits(statement.orelse)
    if isinstance(statement, cst.For | cst.While):
        return _loop_exits(statement)
    if isinstance(statement, cst.Try | cst.TryStar):
        return _try_exits(statement)
    if isinstance(statement, cst.With):
        # A context manager may suppress the exception (`contextlib.suppress`); one that
        # does is rare around a re-raise, and assuming it never does keeps cleanup blocks
        # (`with lock: raise`) exact.
        return _suite_exits(statement.body)
    if isinstance(statement, cst.Match):
        exits = set().union(*(_suite_exits(case.body) for case in statement.cases))
        last = statement.cases[-1] if statement.cases else None
        irrefutable = (
            last is not None
            and last.guard is None
            and isinstance(last.pattern, cst.MatchAs)
            and last.pattern.pattern is None
        )
        return frozenset(exits if irrefutable else exits | {NORMAL})
    return frozenset({NORMAL})  # definitions and anything not followed


def _small_exits(body: Sequence[cst.BaseSmallStatement]) -> frozenset[str]:
    for small in body:
        if isinstance(small, cst.Raise):
            return frozenset({RERAISE if small.exc is None else RAISE})
        if isinstance(small, cst.Return):
            return frozenset({RETURN})
        if isinstance(small, cst.Break):
            return frozenset({BREAK})
        if isinstance(small, cst.Continue):
            return frozenset({CONTINUE})
    return frozenset({NORMAL})


def _suite_exits(suite: cst.BaseSuite) -> frozenset[str]:
    return block_exits(statements(suite))


def _else_exits(orelse: cst.If | cst.Else | None) -> frozenset[str]:
    if orelse is None:
        return frozenset({NORMAL})
    if isinstance(orelse, cst.If):
        return statement_exits(orelse)
    return _suite_exits(orelse.body)


def _loop_exits(loop: cst.For | cst.While) -> frozenset[str]:
    body = _suite_exits(loop.body)
    exits = set(body - {NORMAL, BREAK, CONTINUE})
    if BREAK in body:
        exits.add(NORMAL)
    endless = isinstance(loop, cst.While) and _is_true(loop.test)
    if not endless:  # the loop can end (or not run at all): the `else` runs
        exits |= _else_exits(loop.orelse)
    return frozenset(exits)


def _is_true(test: cst.BaseExpression) -> bool:
    return isinstance(test, cst.Name) and test.value == "True"


def _try_exits(node: cst.Try | cst.TryStar) -> frozenset[str]:
    body = _suite_exits(node.body)
    # Any exception of the body, a re-raise included, may be caught by a handler.
    exits = set(body - {NORMAL})
    for handler in node.handlers:
        exits |= _suite_exits(handler.body)
    if NORMAL in body:
        exits |= _suite_exits(node.orelse.body) if node.orelse else {NORMAL}
    if node.finalbody is not None:
        final = _suite_exits(node.finalbody.body)
        if NORMAL not in final:
            return final  # `finally` ends every path its own way
        exits |= final - {NORMAL}
    return frozenset(exits)
