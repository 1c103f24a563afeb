"""bare-except's unsafe alternative decided at detection, on `ast`: whether it is offered
and how it reads, as `_narrow.Narrowing` (which writes it, on LibCST, when the fix is
computed) would make it. The walk of the `try` body is `_bare_raises`; what each binding
gives its name is worked out once per module."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.plugins import AstIndex
from rules.python._bare_logger import Logger, ModuleFacts, code_names, plan
from rules.python._bare_module import (
    ImportPlaces,
    Line,
    imported_modules,
    statement_lines,
)
from rules.python._bare_raises import Known, Raises, bindings
from rules.python._logger_discovery import Discovery, discover
from rules.python._raises import PARENTS

if TYPE_CHECKING:
    from auditor.plugins import Scope, Scopes

# `_narrow.IMPORTED_SUBMODULES`: `import sqlalchemy` makes `sqlalchemy.exc.X` work.
IMPORTED_SUBMODULES = {"sqlalchemy.exc": "sqlalchemy"}
UNSAFE = " (unsafe: any other exception now propagates)"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a handler is: the index of the module's top-level statement around it (as
    LibCST counts them), and the functions and classes around it ("" at module level)."""

    statement: int
    scope: str
    in_function: bool


class Narrowing:
    """One module's answers, each worked out when first needed."""

    def __init__(
        self,
        scopes: Scopes,
        tree: ast.Module,
        text: str,
        text_lines: Sequence[str],
        path: str,
        code: Callable[[ast.AST], str],
        project: Callable[[Sequence[str]], Discovery],
        used: Callable[[str], bool],
        index: AstIndex,
    ) -> None:
        self.scopes = scopes
        self.index = index
        self.used = used
        self.tree = tree
        self.text = text
        self.text_lines = text_lines
        self.path = path
        self.code = code
        self._find_project = project
        self.lines: list[Line] = statement_lines(tree.body)
        self.line_of = {id(s): i for i, line in enumerate(self.lines) for s in line}
        self._known: Known | None = None
        self._logger: Logger | None = None
        self._project: tuple[Discovery] | None = None

    def qualified(self, node: ast.AST) -> str | None:
        """The one import or builtin `node` resolves to (`import_or_builtin`)."""
        return _qualified(self.scopes, node)

    def known(self) -> Known:
        if self._known is None:
            # Functions of the scopes, not methods of this object: a Known that referred
            # back to it would keep the module's tree for the garbage collector.
            self._known = Known(
                partial(_qualified, self.scopes),
                partial(_lookup, self.scopes),
                bindings(self.index),
                self.code,
            )
        return self._known

    def project(self) -> Discovery:
        if self._project is None:
            imports = [m for line in self.lines for m in imported_modules(line) or ()]
            self._project = (self._find_project(imports),)
        return self._project[0]

    def description(self, try_: ast.Try, index: int, place: Place) -> str | None:
        """How the alternative for `try_`'s handler `index`, a bare `except:`, reads; None
        where it is not offered (as `_narrow.Narrowing.alternative`)."""
        walk = Raises(self.known())
        raised = walk.of_body(try_.body)
        if raised is None:
            return None
        caught = self._caught(try_.handlers[:index])
        raised = tuple(n for n in raised if n not in caught and PARENTS.get(n) not in caught)
        if not raised:
            return None
        handler = try_.handlers[index]
        scope = self.scopes.scope_of(handler)
        places = ImportPlaces(
            self.lines, self.text_lines, None if place.in_function else place.statement
        )
        written = [self._written(n, walk.local, scope, places) for n in raised]
        names = [n for n in written if n is not None]
        if len(names) < len(written):
            return None
        kind = names[0] if len(names) == 1 else f"({', '.join(names)})"
        description = f"name what the `try` body raises: `except {kind}:`"
        if silent(handler.body):
            logger = self.logger()
            if self._logs(logger, place, scope):
                description += f" and log the ignored error with `{logger.name}.exception`"
                origin = logger.origin if logger.insertion is not None else None
                description += f" {origin}" if origin else ""
        return description + UNSAFE

    def _caught(self, handlers: Sequence[ast.ExceptHandler]) -> set[str]:
        caught = set()
        for earlier in handlers:
            if earlier.type is None:
                continue
            kinds = earlier.type.elts if isinstance(earlier.type, ast.Tuple) else [earlier.type]
            for expr in kinds:
                name = self.qualified(expr)
                if name is not None:
                    caught.add(name.removeprefix("builtins."))
        return caught

    def _written(
        self, name: str, local: set[str], scope: Scope, places: ImportPlaces
    ) -> str | None:
        if name in local:
            return name
        if "." not in name:  # a builtin, unless the module rebinds it
            builtin = isinstance(getattr(builtins, name, None), type)
            ok = builtin and all(a.kind == "builtin" for a in scope[name])
            return name if ok else None
        module, attr = name.rsplit(".", 1)
        found = self._through_import(module, attr, scope)
        if found is not None:
            return found
        root = module.split(".")[0]
        if self.used(root) or root in self.scopes.global_scope:
            return None
        return name if places.add_import(module) else None

    def _through_import(self, module: str, attr: str, scope: Scope) -> str | None:
        assignments = self.scopes.global_scope.assignments
        for line in self.lines:
            if imported_modules(line) is None:
                continue
            for small in line:
                for bound, written in _access(small, module, attr):
                    if len(assignments.get(bound, ())) == 1 and sees_module_binding(scope, bound):
                        return written
        return None

    def logger(self) -> Logger:
        if self._logger is None:
            global_scope = self.scopes.global_scope
            assignments = global_scope.assignments
            facts = ModuleFacts(
                self.lines,
                self.text,
                self.path,
                lambda name: len(assignments.get(name, ())),
                code_names({n: [a.node for a in found] for n, found in assignments.items()}),
                "__all__" in global_scope,
                lambda node: {
                    q.name for q in self.scopes.scope_of(node).get_qualified_names_for(node)
                },
                self.used,
            )
            self._logger = plan(facts, self.project())
        return self._logger

    def _logs(self, logger: Logger, place: Place, scope: Scope) -> bool:
        """Whether the log line can be written in the handler (`Narrowing._logged`)."""
        if logger.problem is not None or not sees_module_binding(scope, logger.name):
            return False
        if logger.methods is not None and "exception" not in logger.methods:
            return False
        if logger.insertion is None:
            at = logger.bound_at
            if place.in_function and logger.unusable_in_function():
                return False
        else:
            at = logger.insertion
        return place.in_function or at < place.statement


def find_project(root: Path | None, path: str, option: str) -> Callable[[Sequence[str]], Discovery]:
    return lambda imports: discover(root, path, imports, option)


def sees_module_binding(scope: Scope, name: str) -> bool:
    """Whether `name`, read in `scope`, is the module-level binding (not shadowed)."""
    return all(a.scope.kind == "global" for a in scope[name])


def _access(small: ast.stmt, module: str, attr: str) -> list[tuple[str, str]]:
    """The names an import binds through which `module.attr` is reachable, each with how
    to write it: (bound name, written)."""
    found: list[tuple[str, str]] = []
    if isinstance(small, ast.Import):
        for alias in small.names:
            dotted = alias.name
            if alias.asname is not None:
                if dotted == module:
                    found.append((alias.asname, f"{alias.asname}.{attr}"))
            elif (
                dotted == module
                or dotted.startswith(module + ".")
                or (IMPORTED_SUBMODULES.get(module) == dotted)
            ):
                found.append((dotted.split(".")[0], f"{module}.{attr}"))
    elif isinstance(small, ast.ImportFrom) and small.module is not None and not small.level:
        if small.names[0].name == "*":
            return found
        for alias in small.names:
            bound = alias.asname or alias.name
            if small.module == module and alias.name == attr:
                found.append((bound, bound))
            elif f"{small.module}.{alias.name}" == module:
                found.append((bound, f"{bound}.{attr}"))
    return found


def silent(body: Sequence[ast.stmt]) -> bool:
    """Only `pass`, `...`, `continue`, `return` or `return None` (`_narrow.silent`)."""
    return all(_quiet(statement) for statement in body)


def _quiet(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or (isinstance(value, ast.Constant) and value.value is None)
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value is Ellipsis
    )


def _qualified(scopes: Scopes, node: ast.AST) -> str | None:
    names = scopes.scope_of(node).get_qualified_names_for(node)
    if len(names) != 1:
        return None
    (name,) = names
    return name.name if name.source in ("import", "builtin") else None


def _lookup(scopes: Scopes, name: ast.Name) -> list[tuple[str, ast.AST | None]]:
    return [(a.kind, a.node) for a in scopes.scope_of(name)[name.id]]
