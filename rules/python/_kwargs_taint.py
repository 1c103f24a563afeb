"""What an expression holds: the caller's `**` mapping (or a copy with every key), its keys
or its items, as far as the flow has followed the mapping into local names and attributes."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from rules.python._kwargs_syntax import (
    COPIES,
    KEEP_KEYS,
    MembershipTests,
    dotted,
    is_object_namespace,
    self_attribute,
)


@dataclass(slots=True)
class Taint:
    names: set[str]  # local names holding the caller's mapping with every key
    attrs: frozenset[str]  # attributes of self holding it

    def carries(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` is the caller's mapping or a copy of it with every key."""
        if isinstance(expr, cst.Name):
            return expr.value in self.names
        if isinstance(expr, cst.Attribute):
            return self_attribute(expr) in self.attrs
        if isinstance(expr, cst.Dict):
            return any(
                isinstance(e, cst.StarredDictElement) and self.carries(e.value)
                for e in expr.elements
            )
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self.carries(expr.left) or self.carries(expr.right)
        if isinstance(expr, cst.DictComp):
            key = self.loop_key(expr.for_in.target, expr.for_in.iter)
            return key is not None and not self.filters(expr.for_in, key)
        if isinstance(expr, cst.Call):
            callee = dotted(expr.func)
            if callee in COPIES:
                return any(
                    self.carries(a.value) for a in expr.args if a.keyword is None and a.star != "*"
                )
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "copy":
                return not expr.args and self.carries(expr.func.value)
        return False

    def keys_of(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` iterates or holds the keys of the caller's mapping."""
        if self.carries(expr):
            return True
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value == "keys" and not expr.args:
                return self.carries(func.value)
            if dotted(func) in KEEP_KEYS and len(expr.args) == 1 and not expr.args[0].star:
                return self.keys_of(expr.args[0].value)
        return False

    def items_of(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value == "items" and not expr.args:
                return self.carries(func.value)
            if dotted(func) in KEEP_KEYS and len(expr.args) == 1 and not expr.args[0].star:
                return self.items_of(expr.args[0].value)
        return False

    def loop_key(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> str | None:
        """The key variable of `for k in kwargs` / `for k, v in kwargs.items()`."""
        if self.items_of(iterable):
            if isinstance(target, cst.Tuple | cst.List) and len(target.elements) == 2:
                first = target.elements[0].value
                return first.value if isinstance(first, cst.Name) else None
            return None
        if self.keys_of(iterable) and isinstance(target, cst.Name):
            return target.value
        return None

    def tests_key(self, node: cst.CSTNode, key: str) -> bool:
        """Whether `node` tests `key` for membership in a collection (an allow- or deny-list),
        not in the object's own attributes nor in the mapping itself."""
        finder = MembershipTests(key)
        node.visit(finder)
        return any(not is_object_namespace(c) and not self.carries(c) for c in finder.collections)

    def filters(self, comp: cst.CompFor, key: str) -> bool:
        return any(self.tests_key(condition, key) for condition in comp.ifs)
