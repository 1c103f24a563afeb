"""Where a new module-level statement may go: past the docstring, `from __future__`
imports and the imports, before the first statement that may run code; and the `import
logging` and logger binding statements themselves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedName, QualifiedNameSource

from auditor.plugins import find_all

LOGGING_MODULE = QualifiedName("logging", QualifiedNameSource.IMPORT)
GET_LOGGER = QualifiedName("logging.getLogger", QualifiedNameSource.IMPORT)


def import_like(statement: cst.BaseStatement) -> bool:
    """An import line, or an `if`/`try` block of imports and calm statements
    (`try: import x` / `except ImportError: x = None`, `if TYPE_CHECKING: ...`)."""
    simple = list(_simple_statements(statement))
    return (
        any(isinstance(s, cst.Import | cst.ImportFrom) for s in simple)
        and all(_calm(s) for s in simple)
        and _calm_tests(statement)
    )


def _simple_statements(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The small statements inside `node`; compound statements other than `if` and `try`
    yield the compound itself, which is never calm."""
    if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite):
        yield from node.body
    elif isinstance(node, cst.IndentedBlock):
        for statement in node.body:
            yield from _simple_statements(statement)
    elif isinstance(node, cst.If):
        yield from _simple_statements(node.body)
        if node.orelse is not None:
            yield from _simple_statements(node.orelse)
    elif isinstance(node, cst.Else | cst.Finally | cst.ExceptHandler):
        yield from _simple_statements(node.body)
    elif isinstance(node, cst.Try):
        for part in (node.body, *node.handlers, node.orelse, node.finalbody):
            if part is not None:
                yield from _simple_statements(part)
    else:
        yield node


def _calm(small: cst.CSTNode) -> bool:
    if isinstance(small, cst.Import | cst.ImportFrom | cst.Pass):
        return True
    if isinstance(small, cst.Assign | cst.AnnAssign | cst.Expr):
        return not _contains_call(small)
    return False


def _calm_tests(statement: cst.BaseStatement) -> bool:
    """The conditions of an `if` chain and the types of `except` clauses call nothing."""
    tests: list[cst.CSTNode] = []
    node: cst.CSTNode | None = statement
    while isinstance(node, cst.If):
        tests.append(node.test)
        node = node.orelse if isinstance(node.orelse, cst.If) else None
    if isinstance(statement, cst.Try):
        tests.extend(h.type for h in statement.handlers if h.type is not None)
    return not any(_contains_call(test) for test in tests)


def _contains_call(node: cst.CSTNode) -> bool:
    return bool(find_all(node, cst.Call))


def existing_factory(
    before: Sequence[cst.BaseStatement], scope: GlobalScope
) -> cst.BaseExpression | None:
    """`logging.getLogger` (or `lg.getLogger`, `getLogger`) through a module-level import
    that runs before the binding and is the only binding of its name."""
    for statement in before:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            for bound in _import_bindings(small):
                names = scope.get_qualified_names_for(bound)
                if names == {LOGGING_MODULE}:
                    return cst.Attribute(cst.Name(bound), cst.Name("getLogger"))
                if names == {GET_LOGGER}:
                    return cst.Name(bound)
    return None


def _import_bindings(small: cst.BaseSmallStatement) -> Iterator[str]:
    if not isinstance(small, cst.Import | cst.ImportFrom) or isinstance(
        small.names, cst.ImportStar
    ):
        return
    for alias in small.names:
        if alias.asname is not None:
            if isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value
        else:
            # `import logging.handlers` binds `logging`
            yield alias.evaluated_name.split(".")[0]


def importable_as_logging(scope: GlobalScope) -> bool:
    """A module-level `import logging` rebinds nothing but the logging module itself."""
    return set(scope.get_qualified_names_for("logging")) <= {LOGGING_MODULE}


def import_logging(alias: str, *, blank_before: bool) -> cst.SimpleStatementLine:
    asname = None if alias == "logging" else cst.AsName(cst.Name(alias))
    return cst.SimpleStatementLine(
        [cst.Import([cst.ImportAlias(cst.Name("logging"), asname)])],
        leading_lines=[cst.EmptyLine()] if blank_before else [],
    )


def logger_binding(name: str, factory: cst.BaseExpression) -> cst.SimpleStatementLine:
    call = cst.Call(factory, [cst.Arg(cst.Name("__name__"))])
    return cst.SimpleStatementLine(
        [cst.Assign([cst.AssignTarget(cst.Name(name))], call)],
        leading_lines=[cst.EmptyLine()],
    )
