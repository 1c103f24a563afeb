"""Functions that may be one of a family chosen at run time: called through a table or a
variable with one shared `**kwargs`, each member reading only its own keys. ignored-kwargs
still reports them (a misspelt key is still ignored by every member), but an allow-list
check would make each member reject the keys meant for the others, so it offers no fix.

Evidence read from the module (a call site in another module cannot be seen here): a
sibling with the same signature (module-level functions, or the same method of another
class), or the function's name, or its class's, used as a value: in a list, tuple, set
or dict, assigned, returned, yielded or passed to a call (`isinstance` and the like
excepted), rather than only called.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from auditor.plugins import AstIndex, child_nodes
from rules.python._kwargs_ast_syntax import Function

# Calls whose arguments name a class without calling it through them.
_TYPE_CHECKS = frozenset({"isinstance", "issubclass", "super", "type", "cast", "typing.cast"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The nodes `_uses` reads.
_USING = (
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Delete,
    ast.Dict,
    ast.Assign,
    ast.AnnAssign,
    ast.Return,
    ast.Yield,
    ast.Call,
)


def family_reason(index: AstIndex, function: Function, owner: ast.ClassDef | None) -> str | None:
    """Why `function` (a method of `owner`, or a module-level function) may be chosen at
    run time with another's keywords; None when nothing says so."""
    module = index.tree
    signature = _signature(function)
    if owner is None and not _top(module, function):
        return None  # a nested function: a closure returned is no dispatch table
    if owner is not None and not _top(module, owner):
        return None
    if owner is None:
        for other in module.body:
            if (
                isinstance(other, _FUNCTIONS)
                and other is not function
                and _signature(other) == signature
            ):
                return f"`{other.name}()` has the same signature"
        target = function.name
    else:
        for cls in module.body:
            if not isinstance(cls, ast.ClassDef) or cls is owner:
                continue
            for method in cls.body:
                if (
                    isinstance(method, _FUNCTIONS)
                    and method.name == function.name
                    and _signature(method) == signature
                ):
                    return f"`{cls.name}.{method.name}()` has the same signature"
        target = owner.name
    found = _first_value_use(index, target)
    if found is not None:
        return f"`{target}` is used as a value ({found}), not only called"
    return None


def _top(module: ast.Module, node: ast.stmt) -> bool:
    return any(statement is node for statement in module.body)


def _signature(function: Function) -> tuple[tuple[str, ...], ...]:
    args = function.args
    return (
        tuple(p.arg for p in args.posonlyargs),
        tuple(p.arg for p in args.args),
        (args.vararg.arg,) if args.vararg else (),
        tuple(p.arg for p in args.kwonlyargs),
        (args.kwarg.arg,) if args.kwarg else (),
    )


def _first_value_use(index: AstIndex, name: str) -> str | None:
    """The first of `_value_uses`, found from the module's index: only when the uses
    differ in kind does their order matter, and the ordered walk run."""
    # A use is a node with the name as a child, or as a grandchild through a `*` or a
    # keyword argument: only the nodes around the name's occurrences are asked.
    around: set[int] = set()
    for occurrence in index.nodes(ast.Name):
        if occurrence.id == name:
            parent = index.parent(occurrence)
            around.add(id(parent))
            if isinstance(parent, ast.Starred | ast.keyword):
                around.add(id(index.parent(parent)))
    if not around:
        return None
    slices = {id(node.slice) for node in index.nodes(ast.Subscript)}
    kinds = {
        found
        for kind in _USING
        for node in index.nodes(kind)
        if id(node) in around and id(node) not in slices
        for found in _uses(node, name)
    }
    if len(kinds) <= 1:
        return next(iter(kinds), None)
    return next(_value_uses(index.tree, name), None)


def _value_uses(module: ast.Module, name: str) -> Iterator[str]:
    """Where `name` is used as a value rather than called, in the order it is written."""
    pending: list[ast.AST] = [module]
    slices: set[int] = set()  # `x[a, b]`: no tuple in the concrete syntax, but subscripts
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Subscript):
            slices.add(id(node.slice))
        if id(node) not in slices:
            yield from _uses(node, name)
        children = sorted(child_nodes(node), key=_start)
        pending.extend(reversed(children))


def _start(node: ast.AST) -> tuple[int, int]:
    """Where a node's code starts; one without a position (`arguments`, a `with` item, a
    comprehension's clause), where its first child with one does."""
    line = getattr(node, "lineno", None)
    if line is not None:
        return line, getattr(node, "col_offset", 0)
    starts = [_start(child) for child in child_nodes(node)]
    return min(starts, default=(0, 0))


def _uses(node: ast.AST, name: str) -> Iterator[str]:
    def named(expr: ast.AST | None) -> bool:
        return isinstance(expr, ast.Name) and expr.id == name

    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        if any(named(e) for e in node.elts):
            yield "in a collection"
    elif isinstance(node, ast.Delete) and len(node.targets) > 1:
        if any(named(t) for t in node.targets):
            yield "in a collection"  # `del a, b` is a tuple of names
    elif isinstance(node, ast.Dict):
        if any(named(k) or named(v) for k, v in zip(node.keys, node.values, strict=True) if k):
            yield "in a dict"
    elif isinstance(node, ast.Assign | ast.AnnAssign):
        if named(node.value):
            yield "assigned"
    elif isinstance(node, ast.Return):
        if named(node.value):
            yield "returned"
    elif isinstance(node, ast.Yield):
        if named(node.value):
            yield "yielded"
    elif isinstance(node, ast.Call):
        func = node.func
        callee = func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            callee = f"{func.value.id}.{func.attr}"
        if callee not in _TYPE_CHECKS:
            values = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
            if any(named(v) for v in [*values, *(k.value for k in node.keywords)]):
                yield "passed to a call"
