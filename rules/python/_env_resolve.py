"""What a name in a module certainly refers to, by scope: the part of environment-read
detection that both raw reads (`os.environ`) and validated ones (`environs.Env`,
`pydantic_settings.BaseSettings`) rest on."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

import libcst as cst
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameSource,
    ScopeProvider,
)

# Aliases of aliases (`a = os.environ; b = a`) are followed this deep, no further.
_MAX_ALIAS_DEPTH = 8


class NameResolver(cst.BatchableCSTVisitor):
    """A mixin for LibCST visitors that resolves names to the dotted names of what they
    were imported as, through plain aliases."""

    # Qualified names are asked of the scope for the few names that need them (what
    # QualifiedNameProvider does for every node of the module), and whether a subscript
    # is read is told by its parents (ExpressionContextProvider is a third traversal).
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (ScopeProvider, ParentNodeProvider)

    def _resolve(self, expr: cst.BaseExpression, depth: int = 0) -> frozenset[str]:
        """The dotted names `expr` certainly refers to; empty when any binding it may
        come from is not an import, a builtin or an alias of one."""
        if isinstance(expr, cst.Attribute):
            bases = self._resolve(expr.value, depth)
            return frozenset(f"{base}.{expr.attr.value}" for base in bases)
        if not isinstance(expr, cst.Name):
            return frozenset()
        scope = self.get_metadata(ScopeProvider, expr, None)
        names = scope.get_qualified_names_for(expr) if scope is not None else set()
        if not names:
            return frozenset()
        if all(q.source != QualifiedNameSource.LOCAL for q in names):
            return frozenset(q.name for q in names)
        return self._alias(expr, depth)

    def _alias(self, name: cst.Name, depth: int) -> frozenset[str]:
        """What a local name is bound to, when every binding that reaches this use is a
        plain `name = <import or alias>` assignment."""
        if depth >= _MAX_ALIAS_DEPTH:
            return frozenset()
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return frozenset()
        # Most local names (parameters, `d = {}`) cannot be aliases: rule them out before
        # searching this use among every use of the name, which is linear in those uses.
        if not any(
            isinstance(self._assigned_value(a), cst.Name | cst.Attribute) for a in scope[name.value]
        ):
            return frozenset()
        referents = [
            a for access in scope.accesses[name] if access.node is name for a in access.referents
        ]
        if not referents:
            return frozenset()
        resolved: set[str] = set()
        for referent in referents:
            value = self._assigned_value(referent)
            targets = frozenset() if value is None else self._resolve(value, depth + 1)
            if not targets:
                return frozenset()
            resolved |= targets
        return frozenset(resolved)

    def _assigned_value(self, referent: object) -> cst.BaseExpression | None:
        if not isinstance(referent, Assignment) or not isinstance(referent.node, cst.Name):
            return None
        parent = self.get_metadata(ParentNodeProvider, referent.node, None)
        if isinstance(parent, cst.AnnAssign) and parent.target is referent.node:
            return parent.value
        if isinstance(parent, cst.AssignTarget) and parent.target is referent.node:
            statement = self.get_metadata(ParentNodeProvider, parent, None)
            if isinstance(statement, cst.Assign):
                return statement.value
        return None
