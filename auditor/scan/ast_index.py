"""A file's `ast` tree, walked once and grouped by node type, for the rules' cheap
`could_match` checks: CPython parses a file about five times faster than LibCST, so a
rule that can tell from the `ast` tree that it has nothing to report spares the file
LibCST's parse, traversal and metadata."""

from __future__ import annotations

import ast
from typing import TypeVar

T = TypeVar("T", bound=ast.AST)


class AstIndex:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._by_type: dict[type[ast.AST], list[ast.AST]] | None = None

    def nodes(self, kind: type[T]) -> list[T]:
        """Every node of exactly this type (not subclasses), in no particular order."""
        if self._by_type is None:
            by_type: dict[type[ast.AST], list[ast.AST]] = {}
            for node in ast.walk(self.tree):
                kind_of = type(node)
                found = by_type.get(kind_of)
                if found is None:
                    by_type[kind_of] = [node]
                else:
                    found.append(node)
            self._by_type = by_type
        return self._by_type.get(kind, [])  # type: ignore[return-value]
