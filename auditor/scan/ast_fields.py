"""Which fields of an `ast` node class hold child nodes: what every walk of a tree over
`ast` (the rules' walk, the index, the scope pass) steps through, worked out once per
class rather than tested value by value on every node.

Two kinds of field are left out. Leaves: names, strings, numbers and constants, never a
node. And the singletons: the context of a name (`Load`, `Store`, `Del`) and the
operators (`Add`, `Eq`, `And`, `Not`...), one shared object each, a quarter of the nodes
of a typical tree, which no rule needs to be walked to (`node.ctx`, `node.op` read them).
A walk for a visitor of one of those classes asks for them (`with_singletons`)."""

from __future__ import annotations

import ast
import functools
import re

SINGLETONS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
# The ASDL types of fields that hold no node (`identifier name`, `constant value`...).
_LEAVES = frozenset({"identifier", "string", "int", "constant"})
_SINGLETON_TYPES = frozenset({"expr_context", "boolop", "operator", "unaryop", "cmpop"})
# Each node class documents its ASDL signature: "Name(identifier id, expr_context ctx)".
_SIGNATURE = re.compile(r"\w+\((.*)\)")


def child_fields(cls: type[ast.AST], with_singletons: bool = False) -> tuple[str, ...]:
    """The fields of `cls` whose values are nodes, lists of nodes (or of None: a dict's
    `**` has no key) or None; without the singletons unless asked."""
    signature = _SIGNATURE.fullmatch((cls.__doc__ or "").split("\n", 1)[0].strip())
    if signature is None:
        return cls._fields if with_singletons else ()  # an abstract class, or no node at all
    kept = []
    for field in filter(None, signature.group(1).split(", ")):
        kind, name = field.rsplit(" ", 1)
        kind = kind.rstrip("*?")
        if kind in _LEAVES or (kind in _SINGLETON_TYPES and not with_singletons):
            continue
        kept.append(name)
    return tuple(kept)


@functools.cache
def field_table(with_singletons: bool = False) -> dict[type[ast.AST], tuple[str, ...]]:
    """`child_fields` of every node class, for a walk to look up node by node."""
    return {cls: child_fields(cls, with_singletons) for cls in node_classes()}


def is_singleton(cls: type[ast.AST]) -> bool:
    return issubclass(cls, SINGLETONS)


@functools.cache
def node_classes() -> tuple[type[ast.AST], ...]:
    """Every `ast` node class, abstract ones included."""
    found: list[type[ast.AST]] = []
    stack: list[type[ast.AST]] = [ast.AST]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return tuple(found)


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, without the singletons: a node's children in
    field order, by the field table rather than a generator over every field."""
    found: list[ast.AST] = []
    for name in field_table()[type(node)]:
        value = getattr(node, name, None)
        if type(value) is list:
            found.extend([item for item in value if item is not None])
        elif value is not None:
            found.append(value)
    return found


def subtree(node: ast.AST) -> list[ast.AST]:
    """`ast.walk(node)` as a list, without the singletons: the node and every node under
    it, breadth first, in the same order; twice as fast, for a rule that looks through
    part of a tree (the rule's index, `AstRule.nodes`, has the whole module's by type)."""
    fields = field_table()
    found: list[ast.AST] = [node]
    append = found.append
    at = 0
    while at < len(found):
        current = found[at]
        at += 1
        for name in fields[type(current)]:
            value = getattr(current, name, None)
            if type(value) is list:
                for item in value:
                    if item is not None:
                        append(item)
            elif value is not None:
                append(value)
    return found
