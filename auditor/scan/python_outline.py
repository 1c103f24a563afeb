"""The outline of a module's statements: what a `statement_local` rule may look at
outside the statement it reports in. Functions keep their decorators, return annotation
and the parameters with a default or an annotation; their bodies become the outlines of
the classes they define, or `...`; classes keep their bases and the outlines of their members;
other statements stay whole. A function that declares `global` stays whole: its body
binds names of the module."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from auditor.scan.source import common_prefix


def outline(
    statement: cst.BaseStatement,
    inner: Callable[[cst.BaseStatement], cst.BaseStatement] | None = None,
) -> cst.BaseStatement:
    """The statement's outline; the statement itself when nothing is left out. `inner`
    outlines the members of a class and the classes in a function (a cache, say)."""
    inner = inner or outline
    if isinstance(statement, cst.FunctionDef):
        if contains(statement, cst.Global):
            return statement
        # The classes it defines stay, outlined (a rule may know a module's classes by
        # name); without any, `...` on one line: a third of the nodes of an indented
        # one, for scope analysis to go through.
        body = statement.body
        classes = [inner(c) for c in _classes_in(body)]
        suite: cst.BaseSuite
        if classes:
            header = body.header if isinstance(body, cst.IndentedBlock) else None
            suite = cst.IndentedBlock(body=classes, header=header or cst.TrailingWhitespace())
        else:
            trailing = (
                body.header
                if isinstance(body, cst.IndentedBlock)
                else cst.ensure_type(body, cst.SimpleStatementSuite).trailing_whitespace
            )
            suite = cst.SimpleStatementSuite(
                body=[cst.Expr(cst.Ellipsis())], trailing_whitespace=trailing
            )
        return statement.with_changes(params=_slim(statement.params), body=suite)
    if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
        members = statement.body.body
        outlined = [inner(member) for member in members]
        if all(new is old for new, old in zip(outlined, members, strict=True)):
            return statement
        return statement.with_changes(body=statement.body.with_changes(body=outlined))
    return statement


def _slim(params: cst.Parameters) -> cst.Parameters:
    """The parameters that hold code run at definition time: a default or an annotation.
    A plain parameter binds a name in the body alone, and costs scope analysis a node
    or two; only removed, the rest keeps its order, and so stays valid."""
    kept = [p for p in params.params if _holds_code(p)]
    posonly = [p for p in params.posonly_params if _holds_code(p)]
    kwonly = [p for p in params.kwonly_params if _holds_code(p)]
    star: cst.Param | cst.ParamStar | cst.MaybeSentinel = params.star_arg
    if isinstance(star, cst.Param) and star.annotation is None:
        star = cst.ParamStar() if kwonly else cst.MaybeSentinel.DEFAULT
    elif isinstance(star, cst.ParamStar) and not kwonly:
        star = cst.MaybeSentinel.DEFAULT
    star_kwarg = params.star_kwarg
    if star_kwarg is not None and star_kwarg.annotation is None:
        star_kwarg = None
    return params.with_changes(
        params=kept,
        posonly_params=posonly,
        posonly_ind=params.posonly_ind if posonly else cst.MaybeSentinel.DEFAULT,
        kwonly_params=kwonly,
        star_arg=star,
        star_kwarg=star_kwarg,
    )


def _classes_in(node: cst.CSTNode) -> list[cst.ClassDef]:
    """The class statements in a function body, however nested, outermost first."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        if isinstance(current, cst.ClassDef):
            found.append(current)
        elif isinstance(current, _STATEMENT_PARTS):
            todo.extend(reversed(current.children))
    return found


def _holds_code(param: cst.Param) -> bool:
    return param.default is not None or param.annotation is not None


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
    """Each statement's outline (class members' too), its code and how much of it reads
    as the statement does, kept for as long as the statement is in the tree: a spliced
    tree reuses the statements that did not change, and so their outlines."""

    def __init__(self) -> None:
        self._nodes: dict[int, tuple[cst.BaseStatement, cst.BaseStatement]] = {}
        self._codes: dict[int, tuple[cst.BaseStatement, str]] = {}
        self._shared: dict[int, tuple[cst.BaseStatement, int]] = {}

    def node(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        known = self._nodes.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        node = outline(statement, self.node)
        self._nodes[id(statement)] = (statement, node)
        return node

    def of(
        self, module: cst.Module, statement: cst.BaseStatement, full: str
    ) -> tuple[cst.BaseStatement, str, int]:
        """The outline, its code, and the length of the code it shares with the
        statement's, `full`, from the start (-1: all of it, nothing is left out)."""
        node = self.node(statement)
        code = self.code(module, [statement])[0]
        if node is statement:
            return node, code, -1
        known = self._shared.get(id(statement))
        if known is None or known[0] is not statement:
            shared = common_prefix(code, full)
            known = self._shared[id(statement)] = (statement, shared)
        return node, code, known[1]

    def code(self, module: cst.Module, statements: Sequence[cst.BaseStatement]) -> tuple[str, ...]:
        codes = []
        for statement in statements:
            known = self._codes.get(id(statement))
            if known is None or known[0] is not statement:
                known = (statement, module.code_for_node(self.node(statement)))
                self._codes[id(statement)] = known
            codes.append(known[1])
        return tuple(codes)

    def keep_only(self, module: cst.Module) -> None:
        """Forget the top-level statements that are no longer in `module` (and the
        members of classes that are not)."""
        alive = {id(statement) for statement in module.body}
        for statement in module.body:
            if isinstance(statement, cst.ClassDef):
                alive.update(id(member) for member in statement.body.body)
        self._nodes = {k: v for k, v in self._nodes.items() if k in alive}
        self._codes = {k: v for k, v in self._codes.items() if k in alive}
        self._shared = {k: v for k, v in self._shared.items() if k in alive}
