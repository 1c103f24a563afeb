"""bare-except's unsafe alternative: the handler names the exceptions its `try` body
raises (`_raises`), and a handler that swallowed the error silently logs it.

The names are written so that they resolve in the module: through an import already
there (`import json` gives `json.JSONDecodeError`, `from json import JSONDecodeError`
gives `JSONDecodeError`, `from sqlalchemy import exc` gives `exc.SQLAlchemyError`), else
through a new `import json` placed as isort places it, when the module uses no variable
of that name. The log line is `<logger>.exception("...")` on the module's logger, found
or bound as console-logging's fix does (`_logger_fix`).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import BuiltinAssignment, GlobalScope, QualifiedName, Scope

from auditor.plugins import Alternative, Insertions, Replacement, imported_modules
from rules.python._code import code_of
from rules.python._exits import statements
from rules.python._logger_discovery import Discovery
from rules.python._logger_fix import (
    LoggerPlan,
    bind_logger,
    binding_index,
    plan_logger,
    sees_module_binding,
)
from rules.python._raises import PARENTS
from rules.python._raises_walk import Bound, Raises, bindings, import_or_builtin

# Parents whose module imports the submodule an exception lives in: `import sqlalchemy`
# makes `sqlalchemy.exc.SQLAlchemyError` work.
IMPORTED_SUBMODULES = {"sqlalchemy.exc": "sqlalchemy"}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a handler is: the index of the module's top-level statement around it, and
    the functions and classes around it ("" at module level), "Cart.total"."""

    statement: int
    scope: str
    in_function: bool


@dataclass
class Narrowing:
    module: cst.Module
    global_scope: GlobalScope
    qualified_names: Callable[[cst.CSTNode], Collection[QualifiedName]]
    scope_of: Callable[[cst.CSTNode], Scope | None]
    module_uses: Callable[[str], bool]
    path: str
    project: Discovery = None  # the project's logger (`_logger_discovery`)
    _bound: Bound | None = None
    _plan: LoggerPlan | None = None

    def qualified(self, node: cst.CSTNode) -> str | None:
        return import_or_builtin(self.qualified_names(node))

    def alternative(
        self, try_: cst.Try, handler: cst.ExceptHandler, place: Place
    ) -> Alternative | None:
        """The unsafe alternative for `handler`, a bare `except:` of `try_`; None where
        the body does something the table does not know, raises nothing it knows (or
        only what earlier handlers catch), or a name cannot be written."""
        if self._bound is None:
            self._bound = bindings(self.module)
        walk = Raises(self.qualified, self.scope_of, self._bound)
        raised = walk.of_body(statements(try_.body))
        if raised is None:
            return None
        caught = self._caught(try_.handlers[: try_.handlers.index(handler)])
        raised = tuple(n for n in raised if n not in caught and PARENTS.get(n) not in caught)
        if not raised:
            return None
        scope = self.scope_of(handler)
        if scope is None:
            return None
        # A handler that runs at import time needs what it names imported before it.
        insertions = Insertions(self.module.body, None if place.in_function else place.statement)
        written = [self._written(n, walk.local, scope, insertions) for n in raised]
        if None in written:
            return None
        names = [n for n in written if n is not None]
        kind = cst.parse_expression(names[0] if len(names) == 1 else f"({', '.join(names)})")
        new = handler.with_changes(type=kind, whitespace_after_except=cst.SimpleWhitespace(" "))
        description = f"name what the `try` body raises: `except {code_of(kind)}:`"
        if silent(handler.body):
            logged = self._logged(handler, place, scope, insertions)
            if logged is not None:
                new = new.with_changes(body=logged)
                description += f" and log the ignored error with `{self.plan().name}.exception`"
                origin = self.plan().origin if self.plan().insertion is not None else None
                description += f" {origin}" if origin else ""
        pairs: list[tuple[cst.CSTNode, Replacement]] = [(handler, new)]
        pairs.extend(insertions.replacements())
        return Alternative(
            tuple(pairs), description + " (unsafe: any other exception now propagates)"
        )

    def _caught(self, handlers: Sequence[cst.ExceptHandler]) -> set[str]:
        """What earlier handlers of the `try` name, as the table names exceptions."""
        caught = set()
        for earlier in handlers:
            if earlier.type is None:
                continue
            kinds = earlier.type.elements if isinstance(earlier.type, cst.Tuple) else None
            for expr in [e.value for e in kinds] if kinds is not None else [earlier.type]:
                name = self.qualified(expr)
                if name is not None:
                    caught.add(name.removeprefix("builtins."))
        return caught

    def _written(
        self, name: str, local: set[str], scope: Scope, insertions: Insertions
    ) -> str | None:
        """How the handler writes the exception `name` so that it resolves there."""
        if name in local:
            return name
        if "." not in name:  # a builtin, unless the module rebinds it
            builtin = isinstance(getattr(builtins, name, None), type)
            ok = builtin and all(isinstance(a, BuiltinAssignment) for a in scope[name])
            return name if ok else None
        module, attr = name.rsplit(".", 1)
        found = self._through_import(module, attr, scope)
        if found is not None:
            return found
        root = module.split(".")[0]
        if self.module_uses(root) or root in self.global_scope:
            return None
        return name if insertions.add_import(module) else None

    def _through_import(self, module: str, attr: str, scope: Scope) -> str | None:
        """`attr` of `module` through a top-level import binding one name once."""
        for statement in self.module.body:
            if imported_modules(statement) is None:
                continue
            assert isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body:
                for bound, written in _access(small, module, attr):
                    assignments = self.global_scope.assignments[bound]
                    if len(assignments) == 1 and sees_module_binding(scope, bound):
                        return written
        return None

    def _logged(
        self, handler: cst.ExceptHandler, place: Place, scope: Scope, insertions: Insertions
    ) -> cst.BaseSuite | None:
        """The handler's body with a log line first; None where the module's logger
        cannot be used there."""
        plan = self.plan()
        if plan.problem is not None or not sees_module_binding(scope, plan.name):
            return None
        if plan.methods is not None and "exception" not in plan.methods:
            return None
        if plan.insertion is None:
            at = plan.bound_at  # the binding's statement
            if place.in_function and plan.unusable(_NOT_AT_IMPORT) is not None:
                return None
        else:
            at = binding_index(plan.insertion, self.module.body)
        if not place.in_function and at >= place.statement:
            return None  # the handler runs at import time, before the logger is bound
        if plan.insertion is not None:
            bind_logger(plan.insertion, at, insertions)
        message = f"ignored error in {place.scope}" if place.scope else "ignored error"
        call = cst.parse_statement(f'{plan.name}.exception("{message}")')
        return _with_first(handler.body, call)

    def plan(self) -> LoggerPlan:
        if self._plan is None:
            self._plan = plan_logger(
                self.module,
                self.global_scope,
                self.qualified_names,
                lambda call: False,
                self.path,
                self.module_uses,
                self.project,
            )
        return self._plan


_NOT_AT_IMPORT = cst.Call(cst.Name("_"))  # a call no module has: not run at import time


def _access(small: cst.BaseSmallStatement, module: str, attr: str) -> list[tuple[str, str]]:
    """The names an import binds through which `module.attr` is reachable, each with how
    to write it: (bound name, written)."""
    found: list[tuple[str, str]] = []
    if isinstance(small, cst.Import):
        for alias in small.names:
            dotted = code_of(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                if dotted == module:
                    found.append((alias.asname.name.value, f"{alias.asname.name.value}.{attr}"))
            elif (
                dotted == module
                or dotted.startswith(module + ".")
                or (IMPORTED_SUBMODULES.get(module) == dotted)
            ):
                found.append((dotted.split(".")[0], f"{module}.{attr}"))
    elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
        source = code_of(small.module)
        if isinstance(small.names, cst.ImportStar):
            return found
        for alias in small.names:
            name = code_of(alias.name)
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            if source == module and name == attr:
                found.append((bound, bound))
            elif f"{source}.{name}" == module:
                found.append((bound, f"{bound}.{attr}"))
    return found


def silent(body: cst.BaseSuite) -> bool:
    """Only `pass`, `...`, `continue`, `return` or `return None`: the error is swallowed
    without a trace. Not `break`: `while True: try: stack.pop() except: break` ends a
    loop the expected way, and a log line there would report every normal end."""
    lines = statements(body)
    return all(
        isinstance(line, cst.SimpleStatementLine) and all(_quiet(s) for s in line.body)
        for line in lines
    )


def _quiet(small: cst.CSTNode) -> bool:
    if isinstance(small, cst.Pass | cst.Continue):
        return True
    if isinstance(small, cst.Return):
        value = small.value
        return value is None or (isinstance(value, cst.Name) and value.value == "None")
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)


def _with_first(body: cst.BaseSuite, line: cst.BaseStatement) -> cst.BaseSuite:
    """The body with `line` first, in place of a `pass` or `...` (which would be left
    with nothing to do); a one-line body becomes an indented block."""
    assert isinstance(line, cst.SimpleStatementLine)
    if isinstance(body, cst.SimpleStatementSuite):
        rest = [cst.SimpleStatementLine([s]) for s in body.body if not _placeholder(s)]
        return cst.IndentedBlock([line, *rest], header=body.trailing_whitespace)
    assert isinstance(body, cst.IndentedBlock)
    statements = list(body.body)
    first = statements[0]
    assert isinstance(first, cst.SimpleStatementLine)
    line = line.with_changes(leading_lines=first.leading_lines)
    if all(_placeholder(s) for s in first.body):
        return body.with_changes(
            body=[line.with_changes(trailing_whitespace=first.trailing_whitespace), *statements[1:]]
        )
    return body.with_changes(body=[line, first.with_changes(leading_lines=[]), *statements[1:]])


def _placeholder(small: cst.BaseSmallStatement) -> bool:
    return isinstance(small, cst.Pass) or (
        isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)
    )
