"""What a name in a module certainly refers to, by scope, on `ast`: the part of
environment-read detection that both raw reads (`os.environ`) and validated ones
(`environs.Env`, `pydantic_settings.BaseSettings`) rest on. The answers are those of the
LibCST resolver the fix still uses (`_env_resolve`), from `auditor.plugins.Scopes`."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from rules.python._env_ast_source import Source

if TYPE_CHECKING:
    from auditor.plugins import Assignment, Scopes

# Aliases of aliases (`a = os.environ; b = a`) are followed this deep, no further.
_MAX_ALIAS_DEPTH = 8
_NOTHING: frozenset[str] = frozenset()


class Names:
    """Resolves names to the dotted names of what they were imported as, through plain
    aliases; the scopes are built when a name first needs them."""

    def __init__(self, source: Source, scopes: Callable[[], Scopes]) -> None:
        self.source = source
        self._scopes = scopes

    @property
    def scopes(self) -> Scopes:
        return self._scopes()

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.scopes.parent(node)

    def resolve(self, expr: ast.AST, depth: int = 0) -> frozenset[str]:
        """The dotted names `expr` certainly refers to; empty when any binding it may
        come from is not an import, a builtin or an alias of one."""
        if type(expr) is ast.Attribute:
            bases = self.resolve(expr.value, depth)
            return frozenset(f"{base}.{expr.attr}" for base in bases)
        if type(expr) is not ast.Name:
            return _NOTHING
        names = self.scopes.scope_of(expr).get_qualified_names_for(expr)
        if not names:
            return _NOTHING
        if all(q.source != "local" for q in names):
            return frozenset(q.name for q in names)
        return self._alias(expr, depth)

    def _alias(self, name: ast.Name, depth: int) -> frozenset[str]:
        """What a local name is bound to, when every binding that reaches this use is a
        plain `name = <import or alias>` assignment."""
        if depth >= _MAX_ALIAS_DEPTH:
            return _NOTHING
        scopes = self.scopes
        # Most local names (parameters, `d = {}`) cannot be aliases: rule them out before
        # resolving this use.
        if not any(
            isinstance(self.assigned_value(a), ast.Name | ast.Attribute)
            for a in scopes.scope_of(name)[name.id]
        ):
            return _NOTHING
        referents = scopes.referents(name)
        if not referents:
            return _NOTHING
        resolved: set[str] = set()
        for referent in referents:
            value = self.assigned_value(referent)
            targets = _NOTHING if value is None else self.resolve(value, depth + 1)
            if not targets:
                return _NOTHING
            resolved |= targets
        return frozenset(resolved)

    def assigned_value(self, referent: Assignment) -> ast.expr | None:
        """The value of `name = value` or `name: T = value` that makes this binding."""
        node = referent.node
        if referent.kind != "local" or type(node) is not ast.Name:
            return None
        parent = self.scopes.parent(node)
        if isinstance(parent, ast.AnnAssign) and parent.target is node:
            return parent.value
        if isinstance(parent, ast.Assign) and any(t is node for t in parent.targets):
            return parent.value
        return None

    def instance_of(self, expr: ast.AST) -> frozenset[str]:
        """The classes `expr` is certainly an instance of, when it is a call of one
        (`Env()`) or a name every binding of which assigns such a call (`env = Env()`)."""
        if isinstance(expr, ast.Call):
            return self.resolve(expr.func)
        if type(expr) is not ast.Name:
            return _NOTHING
        classes: set[str] = set()
        for referent in self.scopes.referents(expr):
            value = self.assigned_value(referent)
            found = self.resolve(value.func) if isinstance(value, ast.Call) else _NOTHING
            if not found:
                return _NOTHING
            classes |= found
        return frozenset(classes)
