"""A file's `ast` tree, walked once and grouped by node type: for the rules' cheap
`could_match` checks (a rule that can tell from the tree that it has nothing to report
spares the file its walk), and for the rules themselves (`AstRule.nodes`), so that no
rule walks the whole tree again to find the nodes of one kind."""

from __future__ import annotations

import ast
from typing import TypeVar

from auditor.scan.ast_fields import field_table, is_singleton

T = TypeVar("T", bound=ast.AST)


class AstIndex:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._by_type: dict[type[ast.AST], list[ast.AST]] | None = None
        self._depth = 0

    def depth(self) -> int:
        """The number of levels of the tree below the module, singletons not counted."""
        if self._by_type is None:
            self._by_type, self._depth = _grouped(self.tree)
        return self._depth

    def nodes(self, kind: type[T]) -> list[T]:
        """Every node of exactly this type (not subclasses), in `ast.walk`'s order."""
        if self._by_type is None:
            self._by_type, self._depth = _grouped(self.tree)
        found = self._by_type.get(kind)
        if found is not None:
            return found  # type: ignore[return-value]
        if is_singleton(kind):  # not indexed (auditor.scan.ast_fields): rarely asked for
            return [n for n in ast.walk(self.tree) if type(n) is kind]
        return []


def _grouped(tree: ast.AST) -> tuple[dict[type[ast.AST], list[ast.AST]], int]:
    """`ast.walk`, breadth first, without its generators, and without the singletons; and
    the number of levels below the root."""
    by_type: dict[type[ast.AST], list[ast.AST]] = {}
    fields = field_table()
    queue: list[ast.AST] = [tree]
    at = 0
    depth, level_end = -1, 0  # the queue holds one level after another
    while at < len(queue):
        if at == level_end:
            depth += 1
            level_end = len(queue)
        node = queue[at]
        at += 1
        kind = type(node)
        found = by_type.get(kind)
        if found is None:
            by_type[kind] = [node]
        else:
            found.append(node)
        for name in fields[kind]:
            value = getattr(node, name, None)
            if type(value) is list:
                queue.extend(item for item in value if item is not None)
            elif value is not None:
                queue.append(value)
    return by_type, depth
