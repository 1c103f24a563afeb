"""bare-except's fixes on LibCST, computed only when they are written: the handler found by
its `try`'s order among the module's `try` statements, the type named, and the narrowing
alternative made by `_narrow.Narrowing` (as the LibCST rule made it)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedName, Scope, ScopeProvider

from auditor.plugins import Alternative, Fixed, FixTarget, find_all
from rules.python._bare_detect import HandlerAt, Named
from rules.python._narrow import Narrowing, Place


class Fixes:
    """One module's fixes: its `try` statements in order, one `Narrowing` for all."""

    def __init__(self, target: FixTarget) -> None:
        self.module = target.module
        self.target = target
        self.tries = find_all(self.module, cst.Try)
        self.narrowing: Narrowing | None = None

    def handler(self, at: HandlerAt) -> cst.ExceptHandler:
        return self.tries[at.try_].handlers[at.handler]

    def swallowed(self, at: HandlerAt) -> Fixed:
        handler = self.handler(at)
        assert handler.type is not None
        return Fixed(replacements=((handler.type, cst.Name("Exception")),))

    def named(self, data: Named) -> Fixed:
        try_ = self.tries[data.at.try_]
        handler = try_.handlers[data.at.handler]
        new = handler.with_changes(
            type=cst.Name(data.caught), whitespace_after_except=cst.SimpleWhitespace(" ")
        )
        if data.place is None:
            return Fixed(replacements=((handler, new),))
        where = data.place
        place = Place(where.statement, where.scope, where.in_function)
        alternative: Alternative | None = self._narrowing(data).alternative(try_, handler, place)
        return Fixed(replacements=((handler, new),), alternatives=(alternative,))

    def _narrowing(self, data: Named) -> Narrowing:
        if self.narrowing is None:
            scope = self.target.metadata(ScopeProvider, self.module)
            assert isinstance(scope, GlobalScope)
            self.narrowing = Narrowing(
                self.module,
                scope,
                self._qualified_names,
                self._scope_of,
                data.used,
                data.path,
                data.project(),
            )
        return self.narrowing

    def _scope_of(self, node: cst.CSTNode) -> Scope | None:
        try:
            scope = self.target.metadata(ScopeProvider, node)
        except KeyError:
            return None
        assert scope is None or isinstance(scope, Scope)
        return scope

    def _qualified_names(self, node: cst.CSTNode) -> frozenset[QualifiedName]:
        scope = self._scope_of(node)
        return frozenset(scope.get_qualified_names_for(node)) if scope is not None else frozenset()
