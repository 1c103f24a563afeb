"""The walk of a `try` body that finds what it raises, by the table of `_raises`."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, QualifiedName, QualifiedNameSource, Scope

from auditor.plugins import find_all
from rules.python._raises import (
    ANNOTATIONS,
    ATTRIBUTES,
    CALLS,
    CONTEXT_KINDS,
    METHODS,
    MODULE_VALUES,
    PARENTS,
    PREFIXES,
    WITHOUT_DEFAULT,
    Effect,
)

_DIVISIONS = (cst.Divide, cst.FloorDivide, cst.Modulo)
Resolve = Callable[[cst.CSTNode], str | None]
ScopeOf = Callable[[cst.CSTNode], Scope | None]
# What each assigned name node received: a value, or for a parameter its annotation.
Bound = dict[cst.CSTNode, cst.BaseExpression]


class Unknown(Exception):
    """The body does something the table does not know."""


@dataclass
class Raises:
    """Walks a `try` body. `qualified` gives the import or builtin a dotted name resolves
    to (None for anything else), `scope_of` a node's scope, `bound` what each assigned
    name received (see `bindings`)."""

    qualified: Resolve
    scope_of: ScopeOf
    bound: Bound
    found: list[str] = field(default_factory=list)
    local: set[str] = field(default_factory=set)  # found names of the module's own classes
    record: bool = True
    resolving: set[cst.CSTNode] = field(default_factory=set)

    def of_body(self, body: Sequence[cst.BaseStatement]) -> tuple[str, ...] | None:
        """The exceptions, in order of appearance, those whose parent is listed too left
        out (builtins by their name, others by what their name resolves to:
        `json.JSONDecodeError`); None when the body does something unknown."""
        try:
            self.visit_all(body)
        except Unknown:
            return None
        found = dict.fromkeys(self.found)
        return tuple(name for name in found if PARENTS.get(name) not in found)

    def add(self, *names: str) -> None:
        if self.record:
            self.found.extend(names)

    def unknown(self) -> None:
        if self.record:
            raise Unknown

    def visit_all(self, nodes: Iterable[cst.CSTNode]) -> None:
        for node in nodes:
            self.visit(node)

    def visit(self, node: cst.CSTNode) -> str | None:
        """Records what `node` raises; returns the kind of its value (None: untracked)."""
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Name):
            return self.name_kind(node)
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.Subscript):
            return self.subscript(node)
        if isinstance(node, cst.BinaryOperation):
            left = self.visit(node.left)
            self.visit(node.right)
            if isinstance(node.operator, _DIVISIONS) and left != "str":  # not `"%s" % x`
                self.add("ZeroDivisionError")
            return "path" if left == "path" and isinstance(node.operator, cst.Divide) else None
        if isinstance(node, cst.Await):
            return self.visit(node.expression)
        if isinstance(node, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString):
            self.visit_all(node.children)
            return "str"
        if isinstance(node, cst.Dict | cst.DictComp | cst.List | cst.ListComp):
            self.visit_all(node.children)
            return "dict" if isinstance(node, cst.Dict | cst.DictComp) else "list"
        self.statement(node)
        return None

    def statement(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Yield | cst.ClassDef):
            self.unknown()  # a caller may throw anything in; a class body runs code
        elif isinstance(node, cst.Lambda):
            return  # its body runs when called
        elif isinstance(node, cst.FunctionDef):
            self.visit_all(d.decorator for d in node.decorators)
            self.visit_all(p.default for p in _params(node.params) if p.default is not None)
        elif isinstance(node, cst.Raise):
            self.raise_(node)
        elif isinstance(node, cst.Assert):
            self.add("AssertionError")
            self.visit_all(node.children)
        elif isinstance(node, cst.Import | cst.ImportFrom):
            self.add("ImportError")
        elif isinstance(node, cst.Assign):
            self.visit(node.value)
            for target in node.targets:
                self.target(target.target)
        elif isinstance(node, cst.AnnAssign | cst.AugAssign):
            if node.value is not None:
                self.visit(node.value)
            if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Subscript):
                self.subscript(node.target)
            self.target(node.target)
        elif isinstance(node, cst.Del):
            self.deleted(node.target)
        elif isinstance(node, cst.With):
            for item in node.items:
                if self.visit(item.item) not in CONTEXT_KINDS:
                    self.unknown()  # entering and leaving it runs code we do not know
            self.visit(node.body)
        elif isinstance(node, cst.For | cst.CompFor):
            if self.visit(node.iter) == "file":
                self.add("OSError")
            self.target(node.target)
            self.visit_all(c for c in node.children if c is not node.iter and c is not node.target)
        else:
            self.visit_all(node.children)

    def raise_(self, node: cst.Raise) -> None:
        exc = node.exc
        if isinstance(exc, cst.Call):
            self.visit_all(a.value for a in exc.args)
            exc = exc.func
        name = None
        if exc is not None and _dotted(exc) is not None:
            name = self.qualified(exc)
        if name is not None and name.startswith("builtins."):
            name = name.removeprefix("builtins.")
            if not isinstance(getattr(builtins, name, None), type):
                name = None
        elif name is None and isinstance(exc, cst.Name) and self.own_class(exc):
            name = exc.value
            self.local.add(name)
        if name is None:
            self.unknown()  # a bare `raise`, an exception held in a variable
            return
        self.add(name)

    def own_class(self, name: cst.Name) -> bool:
        """A class the module defines, and binds nothing else to: its name written in
        the handler means what it means in the body (both are in one scope)."""
        scope = self.scope_of(name)
        bindings = scope[name.value] if scope is not None else ()
        return bool(bindings) and all(
            isinstance(a, Assignment) and isinstance(a.node, cst.ClassDef) for a in bindings
        )

    def target(self, node: cst.CSTNode) -> None:
        """An assignment target: a store into a list index can fail, names cannot."""
        if isinstance(node, cst.Subscript):
            kind = self.visit(node.value)
            self.visit_all(node.slice)
            if kind == "list" or (kind is None and _int_index(node)):
                self.add("IndexError")
        elif isinstance(node, cst.Attribute):
            self.visit(node.value)
        elif isinstance(node, cst.Tuple | cst.List):
            for element in node.elements:
                self.target(element.value)
        elif isinstance(node, cst.StarredElement):
            self.target(node.value)

    def deleted(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Tuple | cst.List):
            for element in node.elements:
                self.deleted(element.value)
        elif isinstance(node, cst.Subscript):
            self.subscript(node)
        elif isinstance(node, cst.Attribute):
            self.visit(node.value)

    def subscript(self, node: cst.Subscript) -> str | None:
        kind = self.visit(node.value)
        self.visit_all(node.slice)
        if any(isinstance(element.slice, cst.Slice) for element in node.slice):
            return kind if kind in ("list", "str") else None  # a slice is never out of range
        if kind == "dict" or (kind is None and _str_index(node)):
            self.add("KeyError")
        elif kind in ("list", "str") or (kind is None and _int_index(node)):
            self.add("IndexError")
        else:
            self.add("LookupError")
        return "str" if kind == "str" else None

    def attribute(self, node: cst.Attribute) -> str | None:
        if _dotted(node) is not None:
            name = self.qualified(node)
            if name is not None:
                return MODULE_VALUES.get(name)
        kind = self.visit(node.value)
        return ATTRIBUTES.get(kind or "", {}).get(node.attr.value)

    def call(self, node: cst.Call) -> str | None:
        effect = self.callee(node.func)
        self.visit_all(a.value for a in node.args)
        if effect is None:
            self.unknown()
            return None
        exceptions, kind = effect
        name = self.qualified(node.func) if _dotted(node.func) is not None else None
        if name in WITHOUT_DEFAULT:
            count, raised = WITHOUT_DEFAULT[name]
            exceptions = (raised,) if len(node.args) == count else ()
        elif exceptions == ("KeyError",) and len(node.args) > 1:
            exceptions = ()  # `d.pop(key, default)`
        self.add(*exceptions)
        return kind

    def callee(self, func: cst.BaseExpression) -> Effect | None:
        name = self.qualified(func) if _dotted(func) is not None else None
        if name is not None:
            if name in CALLS:
                return CALLS[name]
            for prefix, effect in PREFIXES:
                if name.startswith(prefix):
                    return effect
            return None  # the project's own code, or a library the table does not know
        if isinstance(func, cst.Name):
            kind = self.name_kind(func)
            return CALLS["sqlalchemy.orm.Session"] if kind == "sqlalchemy-factory" else None
        if isinstance(func, cst.Attribute):
            methods = METHODS.get(self.visit(func.value) or "", {})
            return methods.get(func.attr.value, methods.get("*"))
        self.visit(func)
        return None

    def quietly(self) -> Raises:
        """A walker for the kind of a bound value: it records nothing, knows all."""
        return Raises(
            self.qualified, self.scope_of, self.bound, record=False, resolving=self.resolving
        )

    def name_kind(self, node: cst.Name) -> str | None:
        """The kind every binding of the name gives it; None when they differ or one is
        not known (a loop variable, an import, a parameter without a known annotation)."""
        scope = self.scope_of(node)
        if scope is None:
            return None
        kinds = set()
        for assignment in scope[node.value]:
            if not isinstance(assignment, Assignment) or assignment.node in self.resolving:
                return None
            target = assignment.node
            value = self.bound.get(target)
            if value is None:
                return None
            self.resolving.add(target)
            try:
                if isinstance(target, cst.Param):
                    kinds.add(ANNOTATIONS.get(self.qualified(value) or ""))
                else:
                    kinds.add(self.quietly().visit(value))
            finally:
                self.resolving.discard(target)
        return kinds.pop() if len(kinds) == 1 else None


def bindings(module: cst.Module) -> Bound:
    """What each simply assigned name received: `x = value`, `x: T = value`, `with value
    as x`, `(x := value)`; and each annotated parameter its annotation."""
    bound: Bound = {}
    for assign in find_all(module, cst.Assign):
        for target in assign.targets:
            if isinstance(target.target, cst.Name):
                bound[target.target] = assign.value
    for ann in find_all(module, cst.AnnAssign):
        if isinstance(ann.target, cst.Name) and ann.value is not None:
            bound[ann.target] = ann.value
    for item in find_all(module, cst.WithItem):
        if item.asname is not None and isinstance(item.asname.name, cst.Name):
            bound[item.asname.name] = item.item
    for walrus in find_all(module, cst.NamedExpr):
        if isinstance(walrus.target, cst.Name):
            bound[walrus.target] = walrus.value
    for param in find_all(module, cst.Param):
        if param.annotation is not None:
            bound[param] = param.annotation.annotation
    return bound


def import_or_builtin(names: Collection[QualifiedName]) -> str | None:
    """The one import or builtin a node's qualified names resolve to."""
    if len(names) != 1:
        return None
    (name,) = names
    if name.source in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN):
        return name.name
    return None


def _params(params: cst.Parameters) -> Iterable[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params


def _dotted(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = _dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


def _index(node: cst.Subscript) -> cst.BaseExpression | None:
    element = node.slice[0].slice
    return element.value if len(node.slice) == 1 and isinstance(element, cst.Index) else None


def _str_index(node: cst.Subscript) -> bool:
    return isinstance(_index(node), cst.SimpleString | cst.FormattedString)


def _int_index(node: cst.Subscript) -> bool:
    value = _index(node)
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    return isinstance(value, cst.Integer)
