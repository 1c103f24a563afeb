"""What an expression holds: the caller's `**` mapping (or a copy with every key), its keys
or its items, as far as the flow has followed the mapping into local names and attributes."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from rules.python._kwargs_ast_syntax import (
    COPIES,
    KEEP_KEYS,
    call_args,
    dotted,
    is_object_namespace,
    membership_collections,
    self_attribute,
)


@dataclass(slots=True)
class Taint:
    names: set[str]  # local names holding the caller's mapping with every key
    attrs: frozenset[str]  # attributes of self holding it

    def carries(self, expr: ast.expr) -> bool:
        """Whether `expr` is the caller's mapping or a copy of it with every key."""
        if isinstance(expr, ast.Name):
            return expr.id in self.names
        if isinstance(expr, ast.Attribute):
            return self_attribute(expr) in self.attrs
        if isinstance(expr, ast.Dict):
            return any(
                key is None and self.carries(value)
                for key, value in zip(expr.keys, expr.values, strict=True)
            )
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            return self.carries(expr.left) or self.carries(expr.right)
        if isinstance(expr, ast.DictComp):
            first = expr.generators[0]
            key = self.loop_key(first.target, first.iter)
            return key is not None and not self.filters(first, key)
        if isinstance(expr, ast.Call):
            callee = dotted(expr.func)
            if callee in COPIES:
                return any(
                    self.carries(a.value)
                    for a in call_args(expr)
                    if a.keyword is None and a.star != "*"
                )
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy":
                return not expr.args and not expr.keywords and self.carries(expr.func.value)
        return False

    def keys_of(self, expr: ast.expr) -> bool:
        """Whether `expr` iterates or holds the keys of the caller's mapping."""
        if self.carries(expr):
            return True
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "keys" and not _has_args(expr):
                return self.carries(func.value)
            only = _only_arg(expr)
            if dotted(func) in KEEP_KEYS and only is not None:
                return self.keys_of(only)
        return False

    def items_of(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "items" and not _has_args(expr):
                return self.carries(func.value)
            only = _only_arg(expr)
            if dotted(func) in KEEP_KEYS and only is not None:
                return self.items_of(only)
        return False

    def loop_key(self, target: ast.expr, iterable: ast.expr) -> str | None:
        """The key variable of `for k in kwargs` / `for k, v in kwargs.items()`."""
        if self.items_of(iterable):
            if isinstance(target, ast.Tuple | ast.List) and len(target.elts) == 2:
                first = target.elts[0]
                if isinstance(first, ast.Starred):
                    first = first.value
                return first.id if isinstance(first, ast.Name) else None
            return None
        if self.keys_of(iterable) and isinstance(target, ast.Name):
            return target.id
        return None

    def tests_key(self, node: ast.AST, key: str) -> bool:
        """Whether `node` tests `key` for membership in a collection (an allow- or deny-list),
        not in the object's own attributes nor in the mapping itself."""
        return any(
            not is_object_namespace(c) and not self.carries(c)
            for c in membership_collections(node, key)
        )

    def filters(self, comp: ast.comprehension, key: str) -> bool:
        return any(self.tests_key(condition, key) for condition in comp.ifs)


def _has_args(call: ast.Call) -> bool:
    return bool(call.args or call.keywords)


def _only_arg(call: ast.Call) -> ast.expr | None:
    """The value of a call's one argument, unless it is `*x` or `**x`."""
    args = call_args(call)
    return args[0].value if len(args) == 1 and not args[0].star else None
