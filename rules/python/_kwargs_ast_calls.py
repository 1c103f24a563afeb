"""What ignored-kwargs reads of a module besides the function: how the module calls
functions (by simple name), signal receivers, and helpers local to one function."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.plugins import subtree
from rules.python._kwargs_ast_syntax import Function, call_args, dotted, identifiers


@dataclass(frozen=True, slots=True)
class CallSites:
    """How the module calls functions, by their simple name."""

    keywords: Mapping[str, set[str]]  # keyword names passed
    splatted: frozenset[str]  # called with a `**` mapping
    connected: frozenset[str]  # passed to `.connect(...)`: signal receivers

    @classmethod
    def of(cls, calls: Iterable[ast.Call]) -> CallSites:
        """Of every call of a module (the order does not matter)."""
        keywords: dict[str, set[str]] = {}
        splatted: set[str] = set()
        connected: set[str] = set()
        for node in calls:
            name = _simple_name(node.func)
            if name is None:
                continue
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keywords.setdefault(name, set()).add(keyword.arg)
                else:
                    splatted.add(name)
            if name == "connect" and (node.args or node.keywords):
                first = call_args(node)[0]
                receiver = _simple_name(first.value) if first.keyword is None else None
                if receiver is not None:
                    connected.add(receiver)
        return cls(keywords, frozenset(splatted), frozenset(connected))


def _simple_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def named_params(function: Function) -> list[ast.arg]:
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def is_receiver(function: Function) -> bool:
    """A signal receiver: `@receiver(...)`, or the `sender` parameter of the protocol."""
    for expr in function.decorator_list:
        name = dotted(expr.func if isinstance(expr, ast.Call) else expr) or ""
        if name.rpartition(".")[2] == "receiver":
            return True
    return any(p.arg == "sender" for p in named_params(function))


def local_helper(function: Function, outer: Sequence[ast.AST]) -> bool:
    """A function nested in another one and only ever called there: every caller is in
    plain sight, none is outside. One that is returned, stored or passed on escapes."""
    enclosing = next(
        (s for s in reversed(outer) if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)),
        None,
    )
    if enclosing is None:
        return False
    name = function.name
    uses = sum(1 for found in identifiers(enclosing) if found == name)
    calls = sum(
        1
        for c in subtree(enclosing)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == name
    )
    return uses == calls + 1  # the `def` itself, and calls only
