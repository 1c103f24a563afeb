"""The outline of a module's statements: what a `statement_local` rule may look at
outside the statement it reports in. Functions keep their decorators and signatures,
their bodies become `...`; classes keep their bases and the outlines of their members;
other statements stay whole. A function that declares `global` stays whole: its body
binds names of the module."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


def outline(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The statement's outline; the statement itself when nothing is left out."""
    if isinstance(statement, cst.FunctionDef):
        if contains(statement, cst.Global):
            return statement
        body = statement.body
        if isinstance(body, cst.IndentedBlock):
            return statement.with_changes(
                body=body.with_changes(body=[_ellipsis_line()], footer=())
            )
        return statement.with_changes(body=body.with_changes(body=[cst.Expr(cst.Ellipsis())]))
    if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
        members = statement.body.body
        outlined = [outline(member) for member in members]
        if all(new is old for new, old in zip(outlined, members, strict=True)):
            return statement
        return statement.with_changes(body=statement.body.with_changes(body=outlined))
    return statement


def _ellipsis_line() -> cst.SimpleStatementLine:
    # A new node each time: metadata is keyed by node, and a node has one parent.
    return cst.SimpleStatementLine(body=[cst.Expr(cst.Ellipsis())])


# What statements are made of, down to their small statements: a walk through these
# finds every `global` and every indented block without visiting an expression.
_STATEMENT_PARTS = (
    cst.BaseSuite,
    cst.BaseCompoundStatement,
    cst.SimpleStatementLine,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)


def contains(statement: cst.CSTNode, kind: type[cst.CSTNode]) -> bool:
    """Whether a `kind` is among the statement's parts, at any depth."""
    todo = [statement]
    while todo:
        current = todo.pop()
        if isinstance(current, kind):
            return True
        if isinstance(current, _STATEMENT_PARTS):
            todo.extend(current.children)
    return False


class Outlines:
    """Each top-level statement's outline, its code and how much of it reads as the
    statement does, kept for as long as the statement is in the tree: a spliced tree
    reuses the statements that did not change, and so their outlines."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[cst.BaseStatement, cst.BaseStatement, str, int]] = {}

    def of(
        self, module: cst.Module, statement: cst.BaseStatement
    ) -> tuple[cst.BaseStatement, str, int]:
        """The outline, its code, and the length of the code it shares with the
        statement's from the start (-1: all of it, nothing is left out)."""
        known = self._known.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1], known[2], known[3]
        node = outline(statement)
        code = module.code_for_node(node)
        if node is statement:
            shared = -1
        else:
            full = module.code_for_node(statement)
            shared = 0
            while shared < min(len(code), len(full)) and code[shared] == full[shared]:
                shared += 1
        self._known[id(statement)] = (statement, node, code, shared)
        return node, code, shared

    def code(self, module: cst.Module, statements: Sequence[cst.BaseStatement]) -> tuple[str, ...]:
        return tuple(self.of(module, statement)[1] for statement in statements)

    def keep_only(self, module: cst.Module) -> None:
        """Forget the statements that are no longer in `module`."""
        alive = {id(statement) for statement in module.body}
        self._known = {key: value for key, value in self._known.items() if key in alive}
