"""The state of the kwargs flow (`_kwargs_ast_flow`): what it has followed the caller's
mapping into, what it has recorded, and how a target binds it."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from auditor.plugins import child_nodes
from rules.python._kwargs_ast_sinks import LazyNames, Sink, Sinks, Store
from rules.python._kwargs_ast_syntax import (
    dotted,
    is_object_namespace,
    namespace_owner,
    self_attribute,
)
from rules.python._kwargs_ast_taint import Taint

Code = Callable[[ast.AST], str]


@dataclass(slots=True)
class KwargsUse:
    """How one function uses its `**` parameter."""

    name: str
    sinks: list[Sink] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    literal_keys: list[str] = field(default_factory=list)  # in order of first read
    other_use: bool = False  # used other than by a literal key
    rebound: bool = False


class FlowState:
    """Visits a function body in evaluation order where it matters (values before the
    targets they are bound to, loop iterables before loop bodies)."""

    def __init__(
        self,
        param: str | None,
        sinks: Sinks,
        shadowed: LazyNames,
        code: Code,
        attrs: frozenset[str] = frozenset(),
    ) -> None:
        self.use = KwargsUse(param or "")
        self.param = param or ""  # no parameter: following stored attributes only
        self.param_visible = param is not None  # false in a nested scope rebinding the name
        # Local names, and attributes of self, holding the caller's mapping with every key.
        self.taint = Taint({param} if param else set(), attrs)
        self.validated = False
        self.key_loops: list[str] = []  # key variables of unvalidated loops over the mapping
        self.aliases: dict[str, str] = {}  # names bound to a sink: `save = M.objects.create`
        self.sinks = sinks
        self.shadowed = shadowed
        self.code = code
        self.handled: set[int] = set()  # ids of names already accounted for
        self._methods = _dispatch(type(self))

    # -- walking

    def visit_all(self, nodes: Iterable[ast.AST]) -> None:
        for node in nodes:
            self.visit(node)

    def visit(self, node: ast.AST) -> None:
        method = self._methods.get(type(node))
        if method is not None and method(self, node) is False:
            return
        for child in child_nodes(node):
            self.visit(child)

    # -- recording

    def _sink(
        self,
        node: ast.AST,
        what: str,
        end: ast.AST | None = None,
        *,
        callee: str | None = None,
        receiver: ast.expr | None = None,
    ) -> None:
        if not self.validated:
            written = None if receiver is None else dotted(receiver)
            self.use.sinks.append(Sink(node, what, end, callee, written))

    def _store(self, node: ast.AST, target: ast.expr, what: str, end: ast.AST | None) -> None:
        """Kept on `self` for later; on any other object it cannot be followed, and a
        mapping kept as a mapping (an options bag) sets no fields by itself."""
        attr = self_attribute(target)
        if attr is not None and not self.validated:
            self.use.stores.append(Store(node, attr, f"{what} `{self.code(target)}`", end))

    def _read(self, name: ast.expr, key: str) -> None:
        self.handled.add(id(name))
        if key not in self.use.literal_keys:
            self.use.literal_keys.append(key)

    def _is_param(self, expr: ast.expr) -> bool:
        return self.param_visible and isinstance(expr, ast.Name) and expr.id == self.param

    def _param_name(self, name: str | None) -> None:
        """A name written where the concrete syntax has a variable (a capture)."""
        if self.param_visible and name == self.param:
            self.use.other_use = True

    # -- binding

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        carried = value is not None and self.taint.carries(value)
        if isinstance(target, ast.Name):
            self.handled.add(id(target))
            self._bind_name(target.id, carried, value)
        elif isinstance(target, ast.Attribute):
            self.visit(target.value)
            if carried:
                self._store(target, target, "stored whole in", value)
        elif isinstance(target, ast.Subscript):
            self.visit(target)
            self._key_store(target)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element, None)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None)
        else:
            self.visit(target)

    def _bind_name(self, name: str, carried: bool, value: ast.expr | None) -> None:
        if name == self.param and self.param_visible:
            self.use.rebound = True
        if carried:
            self.taint.names.add(name)
        else:
            self.taint.names.discard(name)
        callee = dotted(value) if value is not None else None
        described = callee and self.sinks.sink(callee, self.shadowed)
        if described:
            self.aliases[name] = described
        else:
            self.aliases.pop(name, None)

    def _key_store(self, target: ast.Subscript) -> None:
        """`obj.__dict__[k] = v` (or `self.data[k] = v`, a store) in a loop over the keys."""
        key = target.slice
        if not isinstance(key, ast.Name) or key.id not in self.key_loops:
            return
        if is_object_namespace(target.value):
            self._sink(
                target,
                f"written key by key into `{self.code(target.value)}`",
                receiver=namespace_owner(target.value),
            )
        else:
            self._store(target, target.value, "written key by key into", None)


_Method = Callable[[FlowState, ast.AST], "bool | None"]
_DISPATCH: dict[type, dict[type[ast.AST], _Method]] = {}


def _dispatch(cls: type) -> dict[type[ast.AST], _Method]:
    """The `v_<ast class>` methods by node class, worked out once."""
    known = _DISPATCH.get(cls)
    if known is None:
        known = {
            getattr(ast, name[2:]): getattr(cls, name)
            for name in dir(cls)
            if name.startswith("v_") and hasattr(ast, name[2:])
        }
        _DISPATCH[cls] = known
    return known
