"""A file's `ast` tree, walked once and grouped by node type: for the rules' cheap
`could_match` checks (a rule that can tell from the tree that it has nothing to report
spares the file its walk), and for the rules themselves (`AstRule.nodes`), so that no
rule walks the whole tree again to find the nodes of one kind. The same walk notes each
node's parent, for the scopes (`ast_scope.Scopes.parent`)."""

from __future__ import annotations

import ast
from typing import TypeVar

from auditor.scan.ast_fields import field_table, is_singleton

T = TypeVar("T", bound=ast.AST)


class AstIndex:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._by_type: dict[type[ast.AST], list[ast.AST]] | None = None
        self._parents: dict[ast.AST, ast.AST] = {}
        self._depth = 0

    def _build(self) -> dict[type[ast.AST], list[ast.AST]]:
        if self._by_type is None:
            self._by_type, self._parents, self._depth = _grouped(self.tree)
        return self._by_type

    def depth(self) -> int:
        """The number of levels of the tree below the module, singletons not counted."""
        self._build()
        return self._depth

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The node `node` is a field of (or an item of a field of); None for the module,
        a singleton, an import's names, a type alias's name and type-ignore comments (the
        scope pass binds or skips those itself, and gives them no parent)."""
        self._build()
        return self._parents.get(node)

    def parents(self) -> dict[ast.AST, ast.AST]:
        """Each node's parent, as `parent` answers for one."""
        self._build()
        return self._parents

    def nodes(self, kind: type[T]) -> list[T]:
        """Every node of exactly this type (not subclasses), in `ast.walk`'s order."""
        found = self._build().get(kind)
        if found is not None:
            return found  # type: ignore[return-value]
        if is_singleton(kind):  # not indexed (auditor.scan.ast_fields): rarely asked for
            return [n for n in ast.walk(self.tree) if type(n) is kind]
        return []


# Type alias statements (Python 3.12's `type X = ...`): their name gets no parent.
_TYPE_ALIAS: type[ast.AST] | None = getattr(ast, "TypeAlias", None)


def _grouped(
    tree: ast.AST,
) -> tuple[dict[type[ast.AST], list[ast.AST]], dict[ast.AST, ast.AST], int]:
    """`ast.walk`, breadth first, without its generators, and without the singletons;
    each node's parent; and the number of levels below the root. Loops over the items of
    a list field, not `extend` with a generator: most lists are short, and a generator
    per list cost more than the parents cost to note."""
    by_type: dict[type[ast.AST], list[ast.AST]] = {}
    parents: dict[ast.AST, ast.AST] = {}
    fields = field_table()
    queue: list[ast.AST] = [tree]
    append = queue.append
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
                for item in value:
                    if item is not None:
                        append(item)
                        parents[item] = node
            elif value is not None:
                append(value)
                parents[value] = node
    # As the scope pass walks the tree: an import's aliases, a type alias's name and the
    # module's type-ignore comments are not children there.
    for leaf in (*by_type.get(ast.alias, ()), *by_type.get(ast.TypeIgnore, ())):
        del parents[leaf]
    if _TYPE_ALIAS is not None:
        for alias in by_type.get(_TYPE_ALIAS, ()):
            del parents[alias.name]  # type: ignore[attr-defined]
    return by_type, parents, depth
