"""The module logger that console-logging's fix writes to.

A module-level `NAME = logging.getLogger(__name__)` is reused (another `getLogger(...)`
binding only when it is the module's one logger: `access_log = getLogger("app.access")`
is for something else). Otherwise one is planned, placed after the imports but before
the first top-level statement that could run a print at import time, so the fixed
module still imports. Without an `__all__`, `from module import *` would carry every new
public name into the importing module (over its own `logger`), so the new names are
private then: `_logger = _logging.getLogger(__name__)`, reusing an existing import of
logging. A module that `logging` itself imports (a vendored or copied `os`, `re`,
`threading`, ...) gets no fix: importing logging there is circular.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, QualifiedName, Scope

from auditor.plugins import (
    Insertions,
    Replacement,
    from_import_line,
    header_end,
    imported_modules,
)
from rules.python._ast_logger_plan import LOGGING_IMPORTS as LOGGING_IMPORTS
from rules.python._ast_logger_plan import logging_imports
from rules.python._code import code_of
from rules.python._logger_discovery import Discovery, ProjectLogger
from rules.python._logger_offer import LoggerKind, Offer, offers
from rules.python._module_header import (
    GET_LOGGER,
    existing_factory,
    import_like,
    import_logging,
    importable_as_logging,
    logger_binding,
)

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
    # The logger's library, which the calls' shape follows, and its level methods when
    # it is of a class of the project's (None: all of the library's).
    kind: LoggerKind = "stdlib"
    methods: frozenset[str] | None = None
    takes_arguments: bool = True
    # Where the logger comes from (`app.log`, found at app/log.py), or why the project's
    # logger was not used: the fix's description says it.
    origin: str | None = None

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
    module: cst.Module,
    scope: GlobalScope,
    qualified: QualifiedNames,
    is_print: IsPrint,
    path: str,
    used: Callable[[str], bool],
    project: Discovery = None,
) -> LoggerPlan:
    """`used`: whether some scope of the module uses a name as a variable (a new
    module-level name must not be one: a function would see its own variable).
    `project`: the project's logger (`_logger_discovery`), which a module that has no
    logger of its own imports; a string says why it is not used."""
    circular = logging_imports(path)
    if circular is not None:
        return LoggerPlan(
            "logger", problem=f"`logging` imports `{circular}`: importing it here is circular"
        )
    body = module.body
    immediate, first_code = _import_time_uses(body, _code_names(scope), is_print)
    existing = list(_logger_bindings(body, qualified))
    # Rebinding (or `global` writes elsewhere) would make a name mean something else.
    usable = [(i, name) for i, name, own in existing if len(scope.assignments[name]) == 1]
    named = [(i, name) for i, name, own in existing if own and (i, name) in usable]
    if named:
        index, name = named[0]
        return LoggerPlan(name, bound_at=index, first_code=first_code, immediate=immediate)
    library = _bound_logger(module, scope, project if isinstance(project, ProjectLogger) else None)
    if library is not None:
        index, name, made = library
        return LoggerPlan(
            name, bound_at=index, first_code=first_code, immediate=immediate, kind=made.kind,
            methods=made.methods, takes_arguments=made.takes_arguments,
        )  # fmt: skip
    if len(existing) == 1 and usable:
        index, name = usable[0]
        return LoggerPlan(name, bound_at=index, first_code=first_code, immediate=immediate)
    if len(existing) == 1:
        name = existing[0][1]
        return LoggerPlan(name, problem=f"the module's logger `{name}` is bound more than once")

    # The new binding goes before any statement that may print at import time.
    danger = min([first_code, *immediate.values()])
    start = header_end(body)
    imports = [i for i in range(start, danger) if import_like(body[i])]
    anchor = imports[-1] if imports else start - 1
    public = "__all__" in scope  # else `import *` takes every public name we add
    if isinstance(project, ProjectLogger):
        return _import_project(project, body, anchor, start, public, used)
    name = _free_name(("logger", "_logger") if public else ("_logger",), used)
    factory = existing_factory(body[: anchor + 1], scope)
    new: list[cst.BaseStatement] = []
    if factory is None:
        if public and importable_as_logging(scope):
            alias = "logging"
        else:
            alias = _free_name(("_logging",), used)
        factory = cst.Attribute(cst.Name(alias), cst.Name("getLogger"))
        after_header = 0 <= anchor < start  # a docstring or `from __future__` import
        new.append(import_logging(alias, blank_before=after_header))
    new.append(logger_binding(name, factory))
    origin = None if project is None else f"({project}; `logging.getLogger(__name__)` instead)"
    return LoggerPlan(name, _placed(body, anchor, new), origin=origin)


def _placed(
    body: Sequence[cst.BaseStatement], anchor: int, new: Sequence[cst.BaseStatement]
) -> tuple[cst.CSTNode, Replacement]:
    if anchor >= 0:
        return body[anchor], cst.FlattenSentinel([body[anchor], *new])
    # Nothing may precede the binding: it goes first (the module header keeps any
    # shebang, encoding cookie and leading comments above it).
    return body[0], cst.FlattenSentinel([*new, body[0]])


def _import_project(
    project: ProjectLogger,
    body: Sequence[cst.BaseStatement],
    anchor: int,
    start: int,
    public: bool,
    used: Callable[[str], bool],
) -> LoggerPlan:
    """The project's logger imported (`from app.log import logger`), or its factory
    imported and called (`_logger = get_logger(__name__)`), after the imports."""
    offer = project.offer
    imported = _free_name((offer.name, f"_{offer.name}"), used)
    line = from_import_line(
        project.module, offer.name, None if imported == offer.name else imported
    )
    new: list[cst.BaseStatement] = [
        line.with_changes(leading_lines=[cst.EmptyLine()] if anchor >= 0 else [])
    ]
    name = imported
    if offer.factory:
        wanted = (project.binding or "").split("=")[0].strip()
        name = _free_name((wanted,) if wanted else ("logger", "_logger")[not public :], used)
        argument = [cst.Arg(cst.Name("__name__"))] if offer.takes_name else []
        call = cst.Call(cst.Name(imported), argument)
        if project.binding is not None and imported == offer.name:
            written = cst.parse_statement(project.binding)
            assert isinstance(written, cst.SimpleStatementLine)
            small = written.body[0]
            assert isinstance(small, cst.Assign)
            call = small.value if isinstance(small.value, cst.Call) else call
        new.append(
            cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(name))], call)],
                leading_lines=[cst.EmptyLine()],
            )
        )
    origin = f"from `{project.module}` ({project.origin})"
    return LoggerPlan(
        name, _placed(body, anchor, new), kind=offer.kind, methods=offer.methods,
        takes_arguments=offer.takes_arguments, origin=origin,
    )  # fmt: skip


def _bound_logger(
    module: cst.Module, scope: GlobalScope, project: ProjectLogger | None
) -> tuple[int, str, Offer] | None:
    """A logger the module binds already, other than a `getLogger`: a structlog or loguru
    one (`logger = structlog.get_logger()`, `from loguru import logger`), or the
    project's (its import, or the binding of its factory's result): (statement index,
    name, what it is)."""
    found = {
        name: offer
        for name, offer in offers(module.code).items()
        if not offer.factory and offer.kind != "stdlib"
    }
    factories: set[str] = set()  # the names the project's factory is imported as
    if project is not None and project.offer.factory:
        for statement in module.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                factories.update(_imported_as(small, project.module, project.offer.name))
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            for name, offer in _binds(small, found, project, factories):
                if len(scope.assignments[name]) == 1:
                    return index, name, offer
    return None


def _imported_as(small: cst.BaseSmallStatement, module: str, name: str) -> Iterator[str]:
    if (
        isinstance(small, cst.ImportFrom)
        and not isinstance(small.names, cst.ImportStar)
        and small.module is not None
        and not small.relative
        and code_of(small.module) == module
    ):
        for alias in small.names:
            if code_of(alias.name) == name:
                yield code_of(alias.asname.name) if alias.asname else name


def _binds(
    small: cst.BaseSmallStatement,
    found: Mapping[str, Offer],
    project: ProjectLogger | None,
    factories: Collection[str],
) -> Iterator[tuple[str, Offer]]:
    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
        source = None if small.module is None or small.relative else code_of(small.module)
        for alias in small.names:
            bound = code_of(alias.asname.name) if alias.asname else code_of(alias.name)
            if bound in found:
                yield bound, found[bound]
            elif (
                project is not None
                and not project.offer.factory
                and source == project.module
                and code_of(alias.name) == project.offer.name
            ):
                yield bound, project.offer
    elif isinstance(small, cst.Assign | cst.AnnAssign):
        targets = (
            [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        )
        value = small.value
        made = (
            project is not None
            and isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in factories
        )
        for target in targets:
            if isinstance(target, cst.Name) and target.value in found:
                yield target.value, found[target.value]
            elif isinstance(target, cst.Name) and made and project is not None:
                yield target.value, project.offer


def binding_index(
    insertion: tuple[cst.CSTNode, Replacement], body: Sequence[cst.BaseStatement]
) -> int:
    """The top-level statement a planned new binding follows; -1 when it goes first."""
    anchor, replacement = insertion
    assert isinstance(replacement, cst.FlattenSentinel)
    if replacement.nodes[0] is not anchor:
        return -1
    return next(i for i, statement in enumerate(body) if statement is anchor)


def bind_logger(
    insertion: tuple[cst.CSTNode, Replacement], at: int, insertions: Insertions
) -> None:
    """The logger's new binding where the plan puts it (after statement `at`), and its
    `import logging` where isort would put it, when a section before the binding can
    take it (ruff's I001 then has nothing to say)."""
    anchor, replacement = insertion
    assert isinstance(replacement, cst.FlattenSentinel)
    new = [s for s in replacement.nodes if s is not anchor and isinstance(s, cst.BaseStatement)]
    for line in [s for s in new if imported_modules(s) is not None]:
        assert isinstance(line, cst.SimpleStatementLine)
        small = line.body[0]
        names = small.names if isinstance(small, cst.Import | cst.ImportFrom) else None
        assert isinstance(names, Sequence)
        alias = names[0]
        asname = code_of(alias.asname.name) if alias.asname is not None else None
        if isinstance(small, cst.Import):
            placed = insertions.add_import("logging", asname, limit=at)
        else:
            assert isinstance(small, cst.ImportFrom) and small.module is not None
            module, name = code_of(small.module), code_of(alias.name)
            placed = insertions.add_from_import(
                module, name, asname, limit=at
            ) or insertions.add_section_above_relative(module, name, asname, limit=at)
        if placed:
            new.remove(line)
    if at >= 0:
        insertions.after.setdefault(at, []).extend(new)
    else:
        insertions.before.setdefault(0, []).extend(new)
        insertions.spaced.add(0)  # two blank lines before a `def` or `class` there


def _logger_bindings(
    body: Sequence[cst.BaseStatement], qualified: QualifiedNames
) -> Iterator[tuple[int, str, bool]]:
    """Top-level `NAME = logging.getLogger(...)` (or `NAME: Logger = ...`) statements, and
    whether each is the module's own logger (`getLogger(__name__)`)."""
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
                own = len(value.args) == 1 and _is_module_name(value.args[0].value)
                yield index, target.value, own


def _is_module_name(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "__name__"


def _is_get_logger(func: cst.BaseExpression, qualified: QualifiedNames) -> bool:
    names = qualified(func)
    return bool(names) and all(n.name == GET_LOGGER.name for n in names)


def sees_module_binding(scope: Scope, name: str) -> bool:
    """Whether `name`, read in `scope`, is the module-level binding (not shadowed)."""
    return all(isinstance(a.scope, GlobalScope) for a in scope[name])


def _free_name(preferred: Sequence[str], used: Callable[[str], bool]) -> str:
    for name in preferred:
        if not used(name):
            return name
    base = preferred[-1]
    return next(f"{base}{n}" for n in itertools.count(2) if not used(f"{base}{n}"))


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
