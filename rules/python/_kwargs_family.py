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

from collections.abc import Iterator
from typing import TypeVar

import libcst as cst

_Node = TypeVar("_Node", bound=cst.CSTNode)

# Calls whose arguments name a class without calling it through them.
_TYPE_CHECKS = frozenset({"isinstance", "issubclass", "super", "type", "cast", "typing.cast"})


def family_reason(
    module: cst.Module, function: cst.FunctionDef, owner: cst.ClassDef | None
) -> str | None:
    """Why `function` (a method of `owner`, or a module-level function) may be chosen at
    run time with another's keywords; None when nothing says so."""
    signature = _signature(function)
    if owner is None and function not in module.body:
        return None  # a nested function: a closure returned is no dispatch table
    if owner is not None and owner not in module.body:
        return None
    if owner is None:
        for other in _top_level(module, cst.FunctionDef):
            if other is not function and _signature(other) == signature:
                return f"`{other.name.value}()` has the same signature"
        target = function.name.value
    else:
        for cls in _top_level(module, cst.ClassDef):
            if cls is owner:
                continue
            for method in _methods(cls):
                if method.name.value == function.name.value and _signature(method) == signature:
                    return f"`{cls.name.value}.{method.name.value}()` has the same signature"
        target = owner.name.value
    finder = _ValueUse(target)
    module.visit(finder)
    if finder.found is not None:
        return f"`{target}` is used as a value ({finder.found}), not only called"
    return None


def _signature(function: cst.FunctionDef) -> tuple[tuple[str, ...], ...]:
    params = function.params
    star = params.star_arg
    return (
        tuple(p.name.value for p in params.posonly_params),
        tuple(p.name.value for p in params.params),
        (star.name.value,) if isinstance(star, cst.Param) else (),
        tuple(p.name.value for p in params.kwonly_params),
        (params.star_kwarg.name.value,) if params.star_kwarg else (),
    )


def _top_level(module: cst.Module, kind: type[_Node]) -> Iterator[_Node]:
    for statement in module.body:
        if isinstance(statement, kind):
            yield statement


def _methods(cls: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    body = cls.body
    if isinstance(body, cst.IndentedBlock):
        for statement in body.body:
            if isinstance(statement, cst.FunctionDef):
                yield statement


class _ValueUse(cst.CSTVisitor):
    """The first place `name` is used as a value rather than called."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: str | None = None

    def _is_target(self, node: cst.BaseExpression | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def _note(self, where: str, node: cst.BaseExpression | None) -> None:
        if self.found is None and self._is_target(node):
            self.found = where

    def visit_Element(self, node: cst.Element) -> None:
        self._note("in a collection", node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._note("in a dict", node.key)
        self._note("in a dict", node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._note("assigned", node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._note("assigned", node.value)

    def visit_Return(self, node: cst.Return) -> None:
        self._note("returned", node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        value = node.value
        self._note("yielded", value if isinstance(value, cst.BaseExpression) else None)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        callee = func.value if isinstance(func, cst.Name) else None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            callee = f"{func.value.value}.{func.attr.value}"
        if callee in _TYPE_CHECKS:
            return
        for arg in node.args:
            self._note("passed to a call", arg.value)
