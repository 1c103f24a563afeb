"""The module logger that console-logging's fix writes to.

A module-level `NAME = logging.getLogger(...)` is reused. Otherwise one is planned:
`logger = logging.getLogger(__name__)` (and `import logging` when no usable import of it
exists) placed after the imports, but before the first top-level statement that could
run a print at import time, so the fixed module still imports.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, QualifiedName, QualifiedNameSource, Scope

from auditor.plugins import Replacement, content_children, find_all

LOGGING_MODULE = QualifiedName("logging", QualifiedNameSource.IMPORT)
GET_LOGGER = QualifiedName("logging.getLogger", QualifiedNameSource.IMPORT)

QualifiedNames = Callable[[cst.CSTNode], Collection[QualifiedName]]
IsPrint = Callable[[cst.Call], bool]


@dataclass(frozen=True, slots=True)
class LoggerPlan:
    name: str  # the variable the fixed calls go through
    # The statement to replace so that the binding exists; None when it already does.
    insertion: tuple[cst.CSTNode, Replacement] | None = None
    problem: str | None = None  # why the module's logger cannot be used: no fix
    # An existing binding: its top-level index, and that of the first statement that may
    # run this module's functions at import time.
    bound_at: int = -1
    first_code: int = 0
    # Prints that run at import time, with the index of their top-level statement.
    immediate: Mapping[cst.Call, int] = field(default_factory=dict)

    def unusable(self, call: cst.Call) -> str | None:
        """Why `call` cannot use the binding; None when it can."""
        if self.problem is not None or self.bound_at < 0:
            return self.problem
        statement = self.immediate.get(call)
        if statement is not None and statement < self.bound_at:
            return f"the module's logger `{self.name}` is bound after this statement runs"
        if statement is None and self.first_code < self.bound_at:
            return (
                f"the module's logger `{self.name}` is bound after code that may call this "
                "at import time; bind it right after the imports"
            )
        return None


def plan_logger(
    module: cst.Module, scope: GlobalScope, qualified: QualifiedNames, is_print: IsPrint
) -> LoggerPlan:
    body = module.body
    immediate, first_code = _import_time_uses(body, _code_names(scope), is_print)
    existing = list(_logger_bindings(body, qualified))
    for index, name in existing:
        # Rebinding (or `global` writes elsewhere) would make the name mean something else.
        if len(scope.assignments[name]) == 1:
            return LoggerPlan(name, bound_at=index, first_code=first_code, immediate=immediate)
    if existing:
        name = existing[0][1]
        return LoggerPlan(name, problem=f"the module's logger `{name}` is bound more than once")

    # The new binding goes before any statement that may print at import time.
    danger = min([first_code, *immediate.values()])
    start = _header_end(body)
    imports = [i for i in range(start, danger) if _import_like(body[i])]
    anchor = imports[-1] if imports else start - 1
    used = used_names(module)
    name = _free_name(("logger", "_logger"), used)
    factory = _existing_factory(body[: anchor + 1], scope)
    new: list[cst.BaseStatement] = []
    if factory is None:
        alias = "logging" if _importable_as_logging(scope) else _free_name(("_logging",), used)
        factory = cst.Attribute(cst.Name(alias), cst.Name("getLogger"))
        after_header = 0 <= anchor < start  # a docstring or `from __future__` import
        new.append(_import_logging(alias, blank_before=after_header))
    new.append(_binding(name, factory))
    if anchor >= 0:
        replacement = cst.FlattenSentinel([body[anchor], *new])
        return LoggerPlan(name, (body[anchor], replacement))
    # Nothing may precede the binding: it goes first (the module header keeps any
    # shebang, encoding cookie and leading comments above it).
    return LoggerPlan(name, (body[0], cst.FlattenSentinel([*new, body[0]])))


def _logger_bindings(
    body: Sequence[cst.BaseStatement], qualified: QualifiedNames
) -> Iterator[tuple[int, str]]:
    """Top-level `NAME = logging.getLogger(...)` (or `NAME: Logger = ...`) statements."""
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if (
                isinstance(target, cst.Name)
                and isinstance(value, cst.Call)
                and _is_get_logger(value.func, qualified)
            ):
                yield index, target.value


def _is_get_logger(func: cst.BaseExpression, qualified: QualifiedNames) -> bool:
    names = qualified(func)
    return bool(names) and all(n.name == GET_LOGGER.name for n in names)


def sees_module_binding(scope: Scope, name: str) -> bool:
    """Whether `name`, read in `scope`, is the module-level binding (not shadowed)."""
    return all(isinstance(a.scope, GlobalScope) for a in scope[name])


def used_names(module: cst.Module) -> frozenset[str]:
    """Every identifier the module uses as a variable in any scope: a new module-level name
    must be none of them, or some function would see its own variable instead. (`x.logger`
    uses `x`, not a variable `logger`; nor is a keyword argument's name a variable.)"""
    names: set[str] = set()
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif isinstance(node, cst.Attribute | cst.Arg):
            pending.append(node.value)
        else:
            pending.extend(content_children(node))
    return frozenset(names)


def _free_name(preferred: Sequence[str], used: Collection[str]) -> str:
    for name in preferred:
        if name not in used:
            return name
    base = preferred[-1]
    return next(f"{base}{n}" for n in range(2, len(used) + 3) if f"{base}{n}" not in used)


def _code_names(scope: GlobalScope) -> frozenset[str]:
    """Module-level names bound to functions or classes defined here: referring to one at
    import time (a call, a decorator, a base class) may run a print of this module."""
    return frozenset(
        assignment.name
        for assignment in scope.assignments
        if isinstance(assignment, Assignment)
        and isinstance(assignment.node, cst.FunctionDef | cst.ClassDef)
    )


def _import_time_uses(
    body: Sequence[cst.BaseStatement], code_names: frozenset[str], is_print: IsPrint
) -> tuple[dict[cst.Call, int], int]:
    """The prints that run at import time, each with the index of its top-level statement,
    and the index of the first statement that may run this module's own code then
    (len(body) when none does)."""
    immediate: dict[cst.Call, int] = {}
    first_code = len(body)
    for index, statement in enumerate(body):
        finder = _ImportTimeUse(code_names, is_print)
        statement.visit(finder)
        immediate.update(dict.fromkeys(finder.prints, index))
        if finder.runs_code:
            first_code = min(first_code, index)
    return immediate, first_code


class _ImportTimeUse(cst.CSTVisitor):
    """Finds, in the parts of a statement that run when the module is imported, a print
    or a reference to this module's own functions and classes. Lambdas count as running:
    one may be called on the spot."""

    def __init__(self, code_names: frozenset[str], is_print: IsPrint) -> None:
        super().__init__()
        self.code_names = code_names
        self.is_print = is_print
        self.prints: list[cst.Call] = []
        self.runs_code = False

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_print(node):
            self.prints.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.runs_code = self.runs_code or node.value in self.code_names

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for part in (*node.decorators, node.params, node.returns):
            if part is not None:
                part.visit(self)
        return False  # the body runs when called, and calls are what we look for

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        for part in (*node.decorators, *node.bases, *node.keywords, node.body):
            part.visit(self)
        return False  # not the class's own name

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False


def _header_end(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the module docstring and `from __future__` imports, which must
    stay first."""
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    while index < len(body) and _is_future_import(body[index]):
        index += 1
    return index


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _is_future_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.ImportFrom)
        and isinstance(s.module, cst.Name)
        and s.module.value == "__future__"
        for s in statement.body
    )


def _import_like(statement: cst.BaseStatement) -> bool:
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


def _existing_factory(
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


def _importable_as_logging(scope: GlobalScope) -> bool:
    """A module-level `import logging` rebinds nothing but the logging module itself."""
    return set(scope.get_qualified_names_for("logging")) <= {LOGGING_MODULE}


def _import_logging(alias: str, *, blank_before: bool) -> cst.SimpleStatementLine:
    asname = None if alias == "logging" else cst.AsName(cst.Name(alias))
    return cst.SimpleStatementLine(
        [cst.Import([cst.ImportAlias(cst.Name("logging"), asname)])],
        leading_lines=[cst.EmptyLine()] if blank_before else [],
    )


def _binding(name: str, factory: cst.BaseExpression) -> cst.SimpleStatementLine:
    call = cst.Call(factory, [cst.Arg(cst.Name("__name__"))])
    return cst.SimpleStatementLine(
        [cst.Assign([cst.AssignTarget(cst.Name(name))], call)],
        leading_lines=[cst.EmptyLine()],
    )
