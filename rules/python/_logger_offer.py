"""What a project's logger module offers the print fix: a logger object or a function
that makes one, which library it is (the call's shape follows it), and the levels it
has. The module is read, never imported.

- `logger = logging.getLogger(...)` (also `getLogger` imported from logging, an
  annotation, or a subclass of `logging.Logger`/`LoggerAdapter` instantiated there):
  the standard library's API, `%`-style arguments.
- `logger = structlog.get_logger(...)` (`structlog.getLogger`, `structlog.stdlib.get_logger`,
  `from structlog import get_logger`): structlog, an event and keyword values.
- `from loguru import logger` (re-exported): loguru, `{}`-style arguments.
- `def get_logger(...)`/`def getLogger(...)` returning one of those: a factory, bound in
  each module as `logger = get_logger(__name__)` (no argument when it takes none).
- `logger = build_logger()` of a function of any name defined in the module that returns
  one of those (glances' `logger = glances_logger()`): the object it binds.
- `logger = AppLogger(...)` of a class defined in the module: its own level methods;
  stdlib-shaped unless a method takes the message only.
Objects are preferred to factories, and `logger` to `log`, `LOGGER`, `LOG`.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

LoggerKind = Literal["stdlib", "structlog", "loguru"]
LEVEL_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"}
)
OBJECT_NAMES = ("logger", "log", "LOGGER", "LOG", "_logger")
FACTORY_NAMES = ("get_logger", "getLogger", "make_logger", "create_logger", "setup_logger")
_MAKERS: dict[str, LoggerKind] = {
    "logging.getLogger": "stdlib",
    "logging.Logger": "stdlib",
    "logging.LoggerAdapter": "stdlib",
    "structlog.get_logger": "structlog",
    "structlog.getLogger": "structlog",
    "structlog.stdlib.get_logger": "structlog",
    "structlog.wrap_logger": "structlog",
    "loguru.logger": "loguru",
}


@dataclass(frozen=True, slots=True)
class Offer:
    """A name the module exports for logging."""

    name: str
    kind: LoggerKind
    factory: bool  # a function: each module binds `logger = name(__name__)`
    takes_name: bool = True  # the factory takes an argument
    # The level methods, when the logger is of a class the module defines (None: the
    # library's, all of them), and whether they take `%` arguments after the message.
    methods: frozenset[str] | None = None
    takes_arguments: bool = True


def offers(source: str | ast.Module) -> dict[str, Offer]:
    """Each logger or logger factory the module's top level binds, by name (`source`:
    the module's text, or its tree when the caller has it: no second parse)."""
    if isinstance(source, ast.Module):
        tree = source
    else:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return {}
    imported = dict(_imports(tree))
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    found: dict[str, Offer] = {}
    # Functions of other names that return a logger: not offered, but what a module-level
    # call of one binds is (`logger = glances_logger()`).
    helpers: dict[str, Offer] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "loguru":
            for alias in node.names:
                if alias.name == "logger":
                    found[alias.asname or "logger"] = Offer(
                        alias.asname or "logger", "loguru", False
                    )
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            offer = _made(node.value, imported, classes, {**helpers, **found})
            for target in targets:
                if isinstance(target, ast.Name) and offer is not None:
                    found[target.id] = Offer(
                        target.id, offer.kind, False, methods=offer.methods,
                        takes_arguments=offer.takes_arguments,
                    )  # fmt: skip
        elif isinstance(node, ast.FunctionDef):
            kind = _returned_kind(node, imported, classes, {**helpers, **found})
            if kind is not None:
                takes = bool(node.args.posonlyargs or node.args.args or node.args.vararg)
                offer = Offer(node.name, kind, True, takes)
                (found if node.name in FACTORY_NAMES else helpers)[node.name] = offer
    return found


def preferred(found: dict[str, Offer], name: str | None = None) -> Offer | None:
    """The offer named `name`, or the one the fix should use."""
    if name is not None:
        return found.get(name)
    for wanted in (*OBJECT_NAMES, *FACTORY_NAMES):
        if wanted in found:
            return found[wanted]
    return None


def _imports(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """(local name, dotted name) of each top-level import."""
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    yield alias.asname, alias.name
                else:
                    top = alias.name.split(".")[0]
                    yield top, top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def _dotted(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imported.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value, imported)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _made(
    value: ast.expr,
    imported: dict[str, str],
    classes: dict[str, ast.ClassDef],
    found: dict[str, Offer],
) -> Offer | None:
    """What a module-level value is: a logger made by a library, or of a class defined here."""
    if isinstance(value, ast.Call):
        func = _dotted(value.func, imported)
        if func in _MAKERS:
            return Offer("", _MAKERS[func], False)
        if isinstance(value.func, ast.Name) and value.func.id in classes:
            return _instance(classes[value.func.id], imported)
        if isinstance(value.func, ast.Name) and value.func.id in found:
            made = found[value.func.id]
            return made if made.factory else None
        if isinstance(value.func, ast.Attribute) and value.func.attr == "bind":
            inner = _made(value.func.value, imported, classes, found)
            return inner if inner is not None and inner.kind != "stdlib" else None
        return None
    name = _dotted(value, imported)
    if name == "loguru.logger":
        return Offer("", "loguru", False)
    if isinstance(value, ast.Name) and value.id in found and not found[value.id].factory:
        return found[value.id]
    return None


def _instance(cls: ast.ClassDef, imported: dict[str, str]) -> Offer | None:
    """A logger of a class the module defines: a `logging.Logger` subclass is stdlib's;
    a class of its own offers the level methods it defines."""
    bases = {_dotted(b, imported) for b in cls.bases}
    if bases & {"logging.Logger", "logging.LoggerAdapter"}:
        return Offer("", "stdlib", False)
    methods = {
        n.name: n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in LEVEL_METHODS
    }
    if not methods or (bases - {"object"}):
        return None  # no level methods, or some come from a base not read here
    takes = all(m.args.vararg is not None or len(m.args.args) > 2 for m in methods.values())
    return Offer("", "stdlib", False, methods=frozenset(methods), takes_arguments=takes)


def _returned_kind(
    function: ast.FunctionDef,
    imported: dict[str, str],
    classes: dict[str, ast.ClassDef],
    found: dict[str, Offer],
) -> LoggerKind | None:
    """The kind of logger every `return` of a factory gives; None when unknown."""
    kinds: set[LoggerKind] = set()
    # `logger = logging.getLogger(name); logger.setLevel(...); return logger`
    local: dict[str, ast.expr] = {}
    returns: list[ast.Return] = []
    for node in _statements(function):  # one walk: every function of the module is asked
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    local[target.id] = node.value
        elif isinstance(node, ast.Return):
            returns.append(node)
    for node in returns:
        if node.value is None:
            return None
        value = node.value
        if isinstance(value, ast.Name) and value.id in local:
            value = local[value.id]
        made = _made(value, imported, classes, found)
        if made is None or made.methods is not None:
            return None
        kinds.add(made.kind)
    return kinds.pop() if len(kinds) == 1 else None


# The fields holding statements (handlers, cases), in the order of every class's `_fields`
# (a `try`'s body, handlers, else, finally); an expression never holds one.
_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


def _statements(function: ast.FunctionDef) -> Iterator[ast.AST]:
    """`ast.walk(function)` without the expressions: its statements (and handlers and
    cases) in the same order, breadth first. Pruning subtrees that hold no statement
    keeps every statement's depth and the order within each depth, so `local` above
    keeps the same last assignment of a name as the full walk."""
    pending: deque[ast.AST] = deque([function])
    while pending:
        node = pending.popleft()
        for field in _BLOCKS:
            block = getattr(node, field, None)
            if type(block) is list:
                pending.extend(block)
        yield node
