"""The module logger bare-except's log line would go through, decided at detection on
`ast`: what `_logger_fix.plan_logger` plans (its name, whether it is bound already and
where, why it cannot be used, where it comes from), for the alternative's description
and for whether it is offered. The fix then plans it with `plan_logger` on LibCST; the
two answer alike (the harness compares what is offered with what is computed)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from auditor.plugins import child_nodes, subtree
from rules.python._ast_logger_plan import free_name as _free_name
from rules.python._ast_logger_plan import (
    imported_as,
    logger_binding,
    logger_binds,
    logging_imports,
)
from rules.python._bare_module import Line, header_end
from rules.python._logger_discovery import Discovery, ProjectLogger
from rules.python._logger_offer import Offer, offers

Qualified = Callable[[ast.AST], Collection[str]]  # every qualified name, whatever its source
_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.TryStar,
    ast.With,
    ast.AsyncWith,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Match,
)


@dataclass(frozen=True, slots=True)
class Logger:
    """`LoggerPlan`'s answers that the alternative depends on."""

    name: str
    problem: str | None = None
    bound_at: int = -1  # an existing binding's statement
    first_code: int = 0
    methods: frozenset[str] | None = None
    # A new binding: the statement it follows (-1: it goes first); None: bound already.
    insertion: int | None = None
    origin: str | None = None

    def unusable_in_function(self) -> bool:
        """`LoggerPlan.unusable` of a call that does not run at import time."""
        if self.problem is not None or self.bound_at < 0:
            return self.problem is not None
        return self.first_code < self.bound_at


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    lines: Sequence[Line]
    text: str
    path: str
    assignments: Callable[[str], int]  # how many module-level bindings a name has
    code_names: frozenset[str]  # module-level names of functions and classes defined here
    public: bool  # the module has an `__all__`
    qualified: Qualified
    used: Callable[[str], bool]


def plan(facts: ModuleFacts, project: Discovery) -> Logger:
    """As `plan_logger` with no prints to move (bare-except's `is_print` is never true)."""
    circular = logging_imports(facts.path)
    if circular is not None:
        problem = f"`logging` imports `{circular}`: importing it here is circular"
        return Logger("logger", problem=problem)
    lines = facts.lines
    first_code = next(
        (i for i, line in enumerate(lines) if _runs_code(line, facts.code_names)), len(lines)
    )
    existing = list(_logger_bindings(lines, facts.qualified))
    usable = [(i, name) for i, name, own in existing if facts.assignments(name) == 1]
    named = [(i, name) for i, name, own in existing if own and (i, name) in usable]
    if named:
        index, name = named[0]
        return Logger(name, bound_at=index, first_code=first_code)
    library = _bound_logger(facts, project if isinstance(project, ProjectLogger) else None)
    if library is not None:
        index, name, made = library
        return Logger(name, bound_at=index, first_code=first_code, methods=made.methods)
    if len(existing) == 1 and usable:
        index, name = usable[0]
        return Logger(name, bound_at=index, first_code=first_code)
    if len(existing) == 1:
        name = existing[0][1]
        return Logger(name, problem=f"the module's logger `{name}` is bound more than once")
    start = header_end(lines)
    imports = [i for i in range(start, first_code) if import_like(lines[i])]
    anchor = imports[-1] if imports else start - 1
    at = anchor if anchor >= 0 else -1
    if isinstance(project, ProjectLogger):
        offer = project.offer
        name = _free_name((offer.name, f"_{offer.name}"), facts.used)
        if offer.factory:
            wanted = (project.binding or "").split("=")[0].strip()
            preferred = (wanted,) if wanted else ("logger", "_logger")[not facts.public :]
            name = _free_name(preferred, facts.used)
        imported = f"from `{project.module}` ({project.origin})"
        return Logger(name, methods=offer.methods, insertion=at, origin=imported)
    name = _free_name(("logger", "_logger") if facts.public else ("_logger",), facts.used)
    instead = None if project is None else f"({project}; `logging.getLogger(__name__)` instead)"
    return Logger(name, insertion=at, origin=instead)


def _simple(line: Line) -> bool:
    return not isinstance(line[0], _COMPOUND)


def _logger_bindings(
    lines: Sequence[Line], qualified: Qualified
) -> Iterator[tuple[int, str, bool]]:
    """Top-level `NAME = logging.getLogger(...)` statements, and whether each is the
    module's own logger (`getLogger(__name__)`)."""
    for index, line in enumerate(lines):
        if not _simple(line):
            continue
        for small in line:
            found = logger_binding(small, qualified)
            if found is not None:
                yield index, *found


def _bound_logger(
    facts: ModuleFacts, project: ProjectLogger | None
) -> tuple[int, str, Offer] | None:
    found = {
        name: offer
        for name, offer in offers(facts.text).items()
        if not offer.factory and offer.kind != "stdlib"
    }
    factories: set[str] = set()
    if project is not None and project.offer.factory:
        for line in facts.lines:
            for small in line if _simple(line) else ():
                factories.update(imported_as(small, project.module, project.offer.name))
    for index, line in enumerate(facts.lines):
        if not _simple(line):
            continue
        for small in line:
            for name, offer in logger_binds(small, found, project, factories):
                if facts.assignments(name) == 1:
                    return index, name, offer
    return None


def import_like(line: Line) -> bool:
    """An import line, or an `if`/`try` block of imports and calm statements
    (`_module_header.import_like`)."""
    simple = [s for statement in line for s in _simple_statements(statement)]
    return (
        any(isinstance(s, ast.Import | ast.ImportFrom) for s in simple)
        and all(_calm(s) for s in simple)
        and all(_calm_tests(statement) for statement in line)
    )


def _simple_statements(node: ast.stmt) -> Iterator[ast.stmt]:
    if isinstance(node, ast.If):
        for statement in (*node.body, *node.orelse):
            yield from _simple_statements(statement)
    elif isinstance(node, ast.Try):
        parts = (*node.body, *(s for h in node.handlers for s in h.body), *node.orelse)
        for statement in (*parts, *node.finalbody):
            yield from _simple_statements(statement)
    else:
        yield node


def _calm(small: ast.stmt) -> bool:
    if isinstance(small, ast.Import | ast.ImportFrom | ast.Pass):
        return True
    if isinstance(small, ast.Assign | ast.AnnAssign | ast.Expr):
        return not _contains_call(small)
    return False


def _calm_tests(statement: ast.stmt) -> bool:
    """The conditions of an `if` chain (its `elif`s, not an `if` inside an `else`) and the
    types of `except` clauses call nothing."""
    tests: list[ast.AST] = []
    node: ast.stmt | None = statement
    while isinstance(node, ast.If):
        tests.append(node.test)
        elif_ = node.orelse[0] if len(node.orelse) == 1 else None
        node = elif_ if isinstance(elif_, ast.If) and _is_elif(node, elif_) else None
    if isinstance(statement, ast.Try):
        tests.extend(h.type for h in statement.handlers if h.type is not None)
    return not any(_contains_call(test) for test in tests)


def _is_elif(parent: ast.If, child: ast.If) -> bool:
    """`elif`: CPython's `If` for it starts at the `elif` keyword, in the `if`'s column;
    an `if` inside an `else:` block is indented (or after `else:` on its line)."""
    return child.col_offset == parent.col_offset and child.lineno > parent.lineno


def _contains_call(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) for n in subtree(node))


def _runs_code(line: Line, code_names: frozenset[str]) -> bool:
    """Whether the parts of the statement that run at import time refer to a function or
    class of the module (`_logger_fix._ImportTimeUse`, whose quirks it keeps: a
    parameter's name counts, an assigned one too)."""
    return any(name in code_names for statement in line for name in _import_time_names(statement))


def _import_time_names(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute | ast.keyword):
        yield from _import_time_names(node.value)
    elif isinstance(node, ast.Import | ast.ImportFrom):
        return
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        parts: list[ast.AST] = [*node.decorator_list, node.args]
        for part in [*parts, *([node.returns] if node.returns is not None else [])]:
            yield from _import_time_names(part)
    elif isinstance(node, ast.ClassDef):
        for part in (*node.decorator_list, *node.bases, *node.keywords, *node.body):
            yield from _import_time_names(part)
    else:
        yield from _other_identifiers(node)
        for child in child_nodes(node):
            yield from _import_time_names(child)


def _other_identifiers(node: ast.AST) -> Iterator[str]:
    """The names LibCST holds as `Name` nodes and CPython as strings."""
    if isinstance(node, ast.arg):
        yield node.arg
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


def code_names(assignments: Mapping[str, Sequence[ast.AST | None]]) -> frozenset[str]:
    """Module-level names bound to functions or classes defined here."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return frozenset(
        name for name, nodes in assignments.items() if any(isinstance(n, kinds) for n in nodes)
    )
