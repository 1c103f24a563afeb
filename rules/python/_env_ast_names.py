"""What a name in a module certainly refers to, by scope, on `ast`: the part of
environment-read detection that both raw reads (`os.environ`) and validated ones
(`environs.Env`, `pydantic_settings.BaseSettings`) rest on. The answers are those of the
LibCST resolver the fix still uses (`_env_resolve`), from `auditor.plugins.Scopes`."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rules.python._env_ast_source import Source

if TYPE_CHECKING:
    from auditor.plugins import Assignment, AstIndex, Scopes

# Aliases of aliases (`a = os.environ; b = a`) are followed this deep, no further.
_MAX_ALIAS_DEPTH = 8
_NOTHING: frozenset[str] = frozenset()


class Names:
    """Resolves names to the dotted names of what they were imported as, through plain
    aliases; the scopes are built when a name first needs them."""

    def __init__(
        self,
        source: Source,
        scopes: Callable[[], Scopes],
        relevant: Callable[[], frozenset[str] | None] | None = None,
    ) -> None:
        """`relevant`: the names that may lead to a qualified name the caller looks for
        (`relevant_names`; None: any may), worked out when first needed."""
        self.source = source
        self._scopes = scopes
        self._relevant = relevant
        self._relevant_names: frozenset[str] | None = None
        self._all_relevant = relevant is None

    def lookup(self, expr: ast.AST) -> frozenset[str]:
        """`resolve`, or nothing where `expr` cannot lead to a relevant qualified name:
        the answer differs only by names the caller does not look for, and costs no
        scope query."""
        return self.resolve(expr) if self.may_be_relevant(expr) else _NOTHING

    def instance_lookup(self, expr: ast.AST) -> frozenset[str]:
        """`instance_of`, or nothing where `expr` cannot lead to a relevant class."""
        return self.instance_of(expr) if self.may_be_relevant(expr) else _NOTHING

    def may_be_relevant(self, expr: ast.AST) -> bool:
        if self._all_relevant:
            return True
        if self._relevant_names is None:
            assert self._relevant is not None
            found = self._relevant()
            if found is None:
                self._all_relevant = True
                return True
            self._relevant_names = found
        root = _root(expr)
        return root is not None and root in self._relevant_names

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


def _root(expr: ast.AST) -> str | None:
    """The name an attribute chain or call starts from: `a` of `a.b().c`."""
    while True:
        kind = type(expr)
        if kind is ast.Attribute:
            expr = expr.value  # type: ignore[attr-defined]
        elif kind is ast.Call:
            expr = expr.func  # type: ignore[attr-defined]
        elif kind is ast.Name:
            return expr.id  # type: ignore[attr-defined,no-any-return]
        else:
            return None


def relevant_names(index: AstIndex, wanted: Iterable[str]) -> frozenset[str] | None:
    """The names of the module through which `resolve` or `instance_of` may reach one of
    the qualified names `wanted`: bound by an import of a module of theirs (or the
    builtin, for `builtins.*`), or assigned (`x = <one of those>...`, as `_alias` and
    `instance_of` follow) from such a name, to a fixed point. Every other name resolves
    to nothing wanted, whatever its scopes. None (any name may) with a star import.
    Relative imports resolve to dotted names (`.m.a`), never wanted."""
    roots = {name.partition(".")[0] for name in wanted}
    found: set[str] = set()
    for node in index.nodes(ast.ImportFrom):
        if any(alias.name == "*" for alias in node.names):
            return None
        if not node.level and (node.module or "").partition(".")[0] in roots:
            found.update(alias.asname or alias.name for alias in node.names)
    for imported in index.nodes(ast.Import):
        for alias in imported.names:
            if alias.name.partition(".")[0] in roots:
                found.add(alias.asname or alias.name.partition(".")[0])
    if "builtins" in roots:
        found.update(
            name.partition(".")[2].partition(".")[0]
            for name in wanted
            if name.startswith("builtins.")
        )
    values: list[tuple[list[ast.expr], ast.expr]] = [
        (node.targets, node.value) for node in index.nodes(ast.Assign)
    ]
    values += [
        ([node.target], node.value) for node in index.nodes(ast.AnnAssign) if node.value is not None
    ]
    bindings = [
        (names, value)
        for targets, value in values
        if (names := [t.id for t in targets if isinstance(t, ast.Name)])
    ]
    changed = True
    while changed:
        changed = False
        for targets, value in bindings:
            if _root(value) in found:
                for name in targets:
                    if name not in found:
                        found.add(name)
                        changed = True
    return frozenset(found)
