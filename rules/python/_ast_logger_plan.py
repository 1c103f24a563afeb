"""The module logger console-logging's fix writes to, as `_logger_fix.plan_logger` plans it,
worked out on `ast` at detection: its name, why it cannot be used, where it comes from and
its shape; what the finding and the fix's description say. The statements the fix adds
are LibCST's business, at fix time (`_logger_fix`).

Top-level statements are counted as LibCST counts them: small statements joined by `;`
are one line (`ast` lists each)."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from auditor.plugins import Scopes, child_nodes
from rules.python._logger_discovery import Discovery, ProjectLogger
from rules.python._logger_offer import LoggerKind, Offer, offers

IsPrint = Callable[[ast.Call], bool]
GET_LOGGER = "logging.getLogger"
_COMPOUND = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
    ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match, ast.TryStar,
)  # fmt: skip

# What `import logging` imports, in CPython 3.9 to 3.14 (`python -I -S -c "import logging,
# sys; print(sorted(sys.modules))"` on each, and what `site` and Windows add): a copy of
# one of them (a vendored stdlib) that imported logging would import itself half-made.
LOGGING_IMPORTS = frozenset(
    {
        "_collections_abc", "_colorize", "_sitebuiltins", "_weakrefset", "abc", "codecs",
        "re._casefix", "re._compiler", "re._constants", "re._parser",
        "collections", "collections.abc", "contextlib", "copyreg", "encodings", "enum",
        "functools", "genericpath", "heapq", "io", "keyword", "linecache", "logging",
        "ntpath", "operator", "os", "posixpath", "re", "reprlib", "site", "sre_compile",
        "sre_constants", "sre_parse", "stat", "string", "textwrap", "threading", "token",
        "tokenize", "traceback", "types", "warnings", "weakref", "zipimport",
    }
)  # fmt: skip


def logging_imports(path: str) -> str | None:
    """The module `logging` imports that `path` may be a copy of: its dotted name, or any
    tail of it (`Lib/re/_parser.py` is `re._parser` when `Lib` is on the path), is one
    of them (any codec of `encodings` too)."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    for start in range(len(parts)):
        name = ".".join(parts[start:])
        if name in LOGGING_IMPORTS or name.startswith("encodings."):
            return name
    return None


@dataclass(frozen=True, slots=True)
class AstLoggerPlan:
    name: str
    inserts: bool = False  # the fix adds the binding (and its import)
    problem: str | None = None
    bound_at: int = -1
    first_code: int = 0
    immediate: Mapping[ast.Call, int] = field(default_factory=dict)
    kind: LoggerKind = "stdlib"
    methods: frozenset[str] | None = None
    takes_arguments: bool = True
    origin: str | None = None

    def unusable(self, call: ast.Call) -> str | None:
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


def lines(
    body: Sequence[ast.stmt], text: str, offsets: Callable[[ast.AST], tuple[int, int]]
) -> list[int]:
    """The LibCST top-level index of each statement of `body`."""
    indices: list[int] = []
    index = -1
    previous: ast.stmt | None = None
    for statement in body:
        joined = False
        simple = not isinstance(statement, _COMPOUND)
        if previous is not None and simple and not isinstance(previous, _COMPOUND):
            between = text[offsets(previous)[1] : offsets(statement)[0]]
            for continuation in ("\\\r\n", "\\\n", "\\\r"):
                between = between.replace(continuation, "")
            joined = between.strip(" \t\f") == ";"
        index += not joined
        indices.append(index)
        previous = statement
    return indices


def plan_logger(
    tree: ast.Module,
    scopes: Scopes,
    qualified: Callable[[ast.AST], frozenset[str]],
    is_print: IsPrint,
    path: str,
    used: Callable[[str], bool],
    index_of: Sequence[int],
    text: str,
    project: Discovery = None,
) -> AstLoggerPlan:
    circular = logging_imports(path)
    if circular is not None:
        return AstLoggerPlan(
            "logger", problem=f"`logging` imports `{circular}`: importing it here is circular"
        )
    body = tree.body
    scope = scopes.global_scope
    immediate, first_code = _import_time_uses(body, index_of, _code_names(scopes), is_print)
    existing = list(_logger_bindings(body, index_of, qualified))

    def count(name: str) -> int:
        return len(scope.assignments.get(name, ()))

    usable = [(i, name) for i, name, own in existing if count(name) == 1]
    named = [(i, name) for i, name, own in existing if own and (i, name) in usable]
    if named:
        index, name = named[0]
        return AstLoggerPlan(name, bound_at=index, first_code=first_code, immediate=immediate)
    library = _bound_logger(
        tree, index_of, text, count, project if isinstance(project, ProjectLogger) else None
    )
    if library is not None:
        index, name, made = library
        return AstLoggerPlan(
            name, bound_at=index, first_code=first_code, immediate=immediate, kind=made.kind,
            methods=made.methods, takes_arguments=made.takes_arguments,
        )  # fmt: skip
    if len(existing) == 1 and usable:
        index, name = usable[0]
        return AstLoggerPlan(name, bound_at=index, first_code=first_code, immediate=immediate)
    if len(existing) == 1:
        name = existing[0][1]
        return AstLoggerPlan(name, problem=f"the module's logger `{name}` is bound more than once")
    public = "__all__" in scope
    if isinstance(project, ProjectLogger):
        offer = project.offer
        imported = free_name((offer.name, f"_{offer.name}"), used)
        name = imported
        if offer.factory:
            wanted = (project.binding or "").split("=")[0].strip()
            name = free_name((wanted,) if wanted else ("logger", "_logger")[not public :], used)
        origin = f"from `{project.module}` ({project.origin})"
        return AstLoggerPlan(
            name, True, kind=offer.kind, methods=offer.methods,
            takes_arguments=offer.takes_arguments, origin=origin,
        )  # fmt: skip
    name = free_name(("logger", "_logger") if public else ("_logger",), used)
    fallback = None if project is None else f"({project}; `logging.getLogger(__name__)` instead)"
    return AstLoggerPlan(name, True, origin=fallback)


def free_name(preferred: Sequence[str], used: Callable[[str], bool]) -> str:
    for name in preferred:
        if not used(name):
            return name
    base = preferred[-1]
    return next(f"{base}{n}" for n in itertools.count(2) if not used(f"{base}{n}"))


def _code_names(scopes: Scopes) -> frozenset[str]:
    """Module-level names bound to functions or classes defined here."""
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return frozenset(
        name
        for name, assignments in scopes.global_scope.assignments.items()
        for assignment in assignments
        if assignment.kind == "local" and isinstance(assignment.node, defs)
    )


def _simple(body: Sequence[ast.stmt], index_of: Sequence[int]) -> Iterator[tuple[int, ast.stmt]]:
    for statement, index in zip(body, index_of, strict=True):
        if not isinstance(statement, _COMPOUND):
            yield index, statement


def _logger_bindings(
    body: Sequence[ast.stmt],
    index_of: Sequence[int],
    qualified: Callable[[ast.AST], frozenset[str]],
) -> Iterator[tuple[int, str, bool]]:
    for index, small in _simple(body, index_of):
        found = logger_binding(small, qualified)
        if found is not None:
            yield index, *found


def logger_binding(
    small: ast.stmt, qualified: Callable[[ast.AST], Collection[str]]
) -> tuple[str, bool] | None:
    """A `NAME = logging.getLogger(...)` (or `NAME: T = ...`) statement's name, and whether
    it is the module's own logger (`getLogger(__name__)`); None for any other statement."""
    if isinstance(small, ast.Assign) and len(small.targets) == 1:
        target, value = small.targets[0], small.value
    elif isinstance(small, ast.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
        return None
    names = qualified(value.func)
    if not names or not all(n == GET_LOGGER for n in names):
        return None
    arguments = [*value.args, *(k.value for k in value.keywords)]
    only = arguments[0] if len(arguments) == 1 else None
    if isinstance(only, ast.Starred):
        only = only.value
    return target.id, isinstance(only, ast.Name) and only.id == "__name__"


def _bound_logger(
    tree: ast.Module,
    index_of: Sequence[int],
    text: str,
    count: Callable[[str], int],
    project: ProjectLogger | None,
) -> tuple[int, str, Offer] | None:
    found = {
        name: offer
        for name, offer in offers(tree).items()
        if not offer.factory and offer.kind != "stdlib"
    }
    simple = list(_simple(tree.body, index_of))
    factories: set[str] = set()
    if project is not None and project.offer.factory:
        for _, small in simple:
            factories.update(imported_as(small, project.module, project.offer.name))
    for index, small in simple:
        for name, offer in logger_binds(small, found, project, factories):
            if count(name) == 1:
                return index, name, offer
    return None


def imported_as(small: ast.stmt, module: str, name: str) -> Iterator[str]:
    """The names a `from module import name` statement binds `name` to."""
    if isinstance(small, ast.ImportFrom) and small.module == module and not small.level:
        for alias in small.names:
            if alias.name == name:
                yield alias.asname or name


def logger_binds(
    small: ast.stmt,
    found: Mapping[str, Offer],
    project: ProjectLogger | None,
    factories: Collection[str],
) -> Iterator[tuple[str, Offer]]:
    """The loggers a module-level statement binds (name, what it is): one of the module's
    own (`found`), the project's imported, or one a project factory makes."""
    if isinstance(small, ast.ImportFrom):
        source = None if small.module is None or small.level else small.module
        for alias in small.names:
            if alias.name == "*":
                return
            bound = alias.asname or alias.name
            if bound in found:
                yield bound, found[bound]
            elif (
                project is not None
                and not project.offer.factory
                and source == project.module
                and alias.name == project.offer.name
            ):
                yield bound, project.offer
    elif isinstance(small, ast.Assign | ast.AnnAssign):
        targets = small.targets if isinstance(small, ast.Assign) else [small.target]
        value = small.value
        made = (
            project is not None
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in factories
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id in found:
                yield target.id, found[target.id]
            elif isinstance(target, ast.Name) and made and project is not None:
                yield target.id, project.offer


def _import_time_uses(
    body: Sequence[ast.stmt],
    index_of: Sequence[int],
    code_names: frozenset[str],
    is_print: IsPrint,
) -> tuple[dict[ast.Call, int], int]:
    immediate: dict[ast.Call, int] = {}
    first_code = (index_of[-1] + 1) if index_of else 0
    for statement, index in zip(body, index_of, strict=True):
        prints, names = _run_at_import(statement, is_print)
        immediate.update(dict.fromkeys(prints, index))
        if not code_names.isdisjoint(names):
            first_code = min(first_code, index)
    return immediate, first_code


def _run_at_import(statement: ast.stmt, is_print: IsPrint) -> tuple[list[ast.Call], set[str]]:
    """The prints a top-level statement makes when the module is imported, and the names
    that part of it reads or binds (`_logger_fix._ImportTimeUse` on `ast`; LibCST's `Name`
    nodes include a def's parameters, `global` names and `except ... as` names, which
    count here too): a def's decorators, parameters and annotations, not its body; a
    class's decorators, bases, keywords and body; no import."""
    prints: list[ast.Call] = []
    names: set[str] = set()
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            function: ast.FunctionDef | ast.AsyncFunctionDef = node  # type: ignore[assignment]
            parts = (*function.decorator_list, function.args, function.returns)
            pending.extend(part for part in parts if part is not None)
            continue
        if kind is ast.ClassDef:
            cls: ast.ClassDef = node  # type: ignore[assignment]
            pending.extend((*cls.decorator_list, *cls.bases, *cls.keywords, *cls.body))
            continue
        if kind is ast.Import or kind is ast.ImportFrom:
            continue
        if kind is ast.Call and is_print(node):  # type: ignore[arg-type]
            prints.append(node)  # type: ignore[arg-type]
        elif kind is ast.Name:
            names.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.arg:
            names.add(node.arg)  # type: ignore[attr-defined]
        elif kind is ast.Global or kind is ast.Nonlocal:
            names.update(node.names)  # type: ignore[attr-defined]
        elif kind in _NAMED and node.name is not None:  # type: ignore[attr-defined]
            names.add(node.name)  # type: ignore[attr-defined]
        elif kind is ast.MatchMapping and node.rest is not None:  # type: ignore[attr-defined]
            names.add(node.rest)  # type: ignore[attr-defined]
        pending.extend(child_nodes(node))
    return prints, names


_NAMED = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)


def imported_modules(body: Sequence[ast.stmt], index_of: Sequence[int]) -> list[str]:
    """`imported_modules` of each top-level line, joined: the absolute modules that lines
    made of imports only import from."""
    found: list[str] = []
    by_line: dict[int, list[ast.stmt]] = {}
    for statement, index in zip(body, index_of, strict=True):
        by_line.setdefault(index, []).append(statement)
    for smalls in by_line.values():
        line: list[str] = []
        for small in smalls:
            if isinstance(small, ast.Import):
                line.extend(alias.name for alias in small.names)
            elif isinstance(small, ast.ImportFrom) and small.module is not None and not small.level:
                line.append(small.module)
            else:
                break
        else:
            found.extend(line)
    return found
