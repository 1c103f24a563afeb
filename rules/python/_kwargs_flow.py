"""Where a function's `**kwargs` goes: the analysis shared by `unvalidated-kwargs` and
`ignored-kwargs`.

One ordered walk over a function body follows the caller's keyword mapping through local
copies (`data = dict(kwargs)`, `{**kwargs, ...}`, `d.update(kwargs)`) until it is rebound,
and records three things: where it reaches a mass-assignment sink before any validation,
which literal keys are read from the `**` parameter, and whether the parameter is used in
any other way (passed on, iterated, stored). The walk is syntactic and flow-insensitive
across branches (statements count in source order), which errs towards silence: a
validation anywhere before a sink clears it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from rules.python._code import code_of
from rules.python._kwargs_sinks import LazyNames, Sink, Sinks, Store
from rules.python._kwargs_syntax import (
    FIELD_KEYWORDS,
    KEY_METHODS,
    SET_CHECKS,
    bound_names,
    dotted,
    is_object_namespace,
    matches,
    names_in,
    namespace_owner,
    raises,
    rejects,
    self_attribute,
    setattr_key,
    setattr_object,
    string_value,
    target_names,
)
from rules.python._kwargs_taint import Taint


@dataclass(slots=True)
class KwargsUse:
    """How one function uses its `**` parameter."""

    name: str
    sinks: list[Sink] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    literal_keys: list[str] = field(default_factory=list)  # in order of first read
    other_use: bool = False  # used other than by a literal key
    rebound: bool = False


def analyse(
    function: cst.FunctionDef, param: cst.Param, sinks: Sinks, shadowed: LazyNames
) -> KwargsUse:
    """`shadowed`: names bound in the function and its enclosing functions, which cannot
    refer to a module-level model class."""
    walker = _Flow(param.name.value, sinks, shadowed)
    function.body.visit(walker)
    return walker.use


def stored_sinks(
    method: cst.FunctionDef, attr: str, sinks: Sinks, shadowed: LazyNames
) -> list[Sink]:
    """Where `method` writes `self.<attr>` (or `cls.<attr>`) wholesale into a sink."""
    walker = _Flow(None, sinks, shadowed, attrs=frozenset({attr}))
    method.body.visit(walker)
    return walker.use.sinks


class _Flow(cst.CSTVisitor):
    """Visits a function body in evaluation order where it matters (values before the
    targets they are bound to, loop iterables before loop bodies)."""

    def __init__(
        self,
        param: str | None,
        sinks: Sinks,
        shadowed: LazyNames,
        attrs: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
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
        self.handled: set[cst.CSTNode] = set()

    # -- recording

    def _sink(
        self,
        node: cst.CSTNode,
        what: str,
        end: cst.CSTNode | None = None,
        *,
        callee: str | None = None,
        receiver: cst.BaseExpression | None = None,
    ) -> None:
        if not self.validated:
            written = None if receiver is None else dotted(receiver)
            self.use.sinks.append(Sink(node, what, end, callee, written))

    def _store(
        self, node: cst.CSTNode, target: cst.BaseExpression, what: str, end: cst.CSTNode | None
    ) -> None:
        """Kept on `self` for later; on any other object it cannot be followed, and a
        mapping kept as a mapping (an options bag) sets no fields by itself."""
        attr = self_attribute(target)
        if attr is not None and not self.validated:
            self.use.stores.append(Store(node, attr, f"{what} `{code_of(target)}`", end))

    def _read(self, name: cst.BaseExpression, key: str) -> None:
        assert isinstance(name, cst.Name)
        self.handled.add(name)
        if key not in self.use.literal_keys:
            self.use.literal_keys.append(key)

    def _is_param(self, expr: cst.BaseExpression) -> bool:
        return self.param_visible and isinstance(expr, cst.Name) and expr.value == self.param

    # -- binding

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        carried = value is not None and self.taint.carries(value)
        if isinstance(target, cst.Name):
            self.handled.add(target)
            name = target.value
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
        elif isinstance(target, cst.Attribute):
            target.value.visit(self)
            if carried:
                self._store(target, target, "stored whole in", value)
        elif isinstance(target, cst.Subscript):
            target.visit(self)
            self._key_store(target)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None)
        else:
            target.visit(self)

    def _key_store(self, target: cst.Subscript) -> None:
        """`obj.__dict__[k] = v` (or `self.data[k] = v`, a store) in a loop over the keys."""
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return
        key = target.slice[0].slice.value
        if not isinstance(key, cst.Name) or key.value not in self.key_loops:
            return
        if is_object_namespace(target.value):
            self._sink(
                target,
                f"written key by key into `{code_of(target.value)}`",
                receiver=namespace_owner(target.value),
            )
        else:
            self._store(target, target.value, "written key by key into", None)

    def visit_Assign(self, node: cst.Assign) -> bool:
        node.value.visit(self)
        for target in node.targets:
            self._bind(target.target, node.value)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        node.annotation.visit(self)
        if node.value is not None:
            node.value.visit(self)
            self._bind(node.target, node.value)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        node.value.visit(self)
        merged = isinstance(node.operator, cst.BitOrAssign) and self.taint.carries(node.value)
        target = node.target
        if isinstance(target, cst.Name):
            self.handled.add(target)
            if merged:
                self.taint.names.add(target.value)
        else:
            target.visit(self)
            if merged:
                self._store(node, target, "merged into", None)
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        node.value.visit(self)
        self._bind(node.target, node.value)
        return False

    def visit_For(self, node: cst.For) -> bool:
        node.iter.visit(self)
        key = self.taint.loop_key(node.target, node.iter)
        self._bind(node.target, None)
        checked = key is not None and (
            self.taint.tests_key(node.body, key) or rejects(node.body, key)
        )
        if checked:
            self.validated = True
        if key is not None and not checked:
            self.key_loops.append(key)
        node.body.visit(self)
        if key is not None and not checked:
            self.key_loops.pop()
        if node.orelse is not None:
            node.orelse.visit(self)
        return False

    def visit_WithItem(self, node: cst.WithItem) -> bool:
        node.item.visit(self)
        if node.asname is not None:
            self._bind(node.asname.name, None)
        return False

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> bool:
        if node.type is not None:
            node.type.visit(self)
        if node.name is not None:
            self._bind(node.name.name, None)
        node.body.visit(self)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        self._rebind(bound_names(node))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self._rebind({name.value})
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    def visit_Del(self, node: cst.Del) -> bool:
        if isinstance(node.target, cst.Name):
            self._rebind({node.target.value})
            return False
        return True

    def _rebind(self, names: Iterable[str]) -> None:
        for name in names:
            self._bind(cst.Name(name), None)

    # -- nested scopes: their bodies see the mapping as a closure variable unless they
    # rebind its name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for decorator in node.decorators:
            decorator.visit(self)
        self._visit_parameters(node.params)
        if node.returns is not None:
            node.returns.visit(self)
        self._bind(node.name, None)
        self._in_scope(bound_names(node), [node.body])
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self._visit_parameters(node.params)
        self._in_scope(bound_names(node.params), [node.body])
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        for decorator in node.decorators:
            decorator.visit(self)
        for arg in (*node.bases, *node.keywords):
            arg.value.visit(self)
        self._bind(node.name, None)
        self._in_scope(frozenset(), [node.body])
        return False

    def _visit_parameters(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                param.default.visit(self)
            if param.annotation is not None:
                param.annotation.visit(self)

    def _in_scope(self, bound: Iterable[str], nodes: Sequence[cst.CSTNode]) -> None:
        saved = (
            set(self.taint.names),
            self.param_visible,
            list(self.key_loops),
            dict(self.aliases),
        )
        self._shadow(bound)
        for node in nodes:
            node.visit(self)
        self.taint.names, self.param_visible, self.key_loops, self.aliases = saved

    def _shadow(self, names: Iterable[str]) -> None:
        """Enter a scope where `names` are its own variables (restored by the caller)."""
        for name in names:
            self.taint.names.discard(name)
            self.aliases.pop(name, None)
            if name == self.param:
                self.param_visible = False
            if name in self.key_loops:
                self.key_loops = [k for k in self.key_loops if k != name]

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        self._comprehension(node.for_in, [node.elt])
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        self._comprehension(node.for_in, [node.key, node.value])
        return False

    def _comprehension(self, for_in: cst.CompFor, results: Sequence[cst.CSTNode]) -> None:
        """A filter testing each key's membership validates (`[k for k in kwargs if k not in
        ALLOWED]` computes the unexpected ones); results see unfiltered keys as a loop does."""
        saved = (
            set(self.taint.names),
            self.param_visible,
            list(self.key_loops),
            dict(self.aliases),
        )
        current: cst.CompFor | None = for_in
        while current is not None:
            current.iter.visit(self)
            key = self.taint.loop_key(current.target, current.iter)
            self._shadow(target_names(current.target))
            self.handled.update(names_in(current.target))
            if key is not None and self.taint.filters(current, key):
                self.validated = True
            elif key is not None:
                self.key_loops.append(key)
            for condition in current.ifs:
                condition.visit(self)
            current = current.inner_for_in
        for result in results:
            result.visit(self)
        self.taint.names, self.param_visible, self.key_loops, self.aliases = saved

    # -- expressions

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self.handled and self._is_param(node):
            self.use.other_use = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `node.attr` is not a variable
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # `node.keyword` is not a variable
        return False

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._is_param(node.value) and len(node.slice) == 1:
            index = node.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                self._read(node.value, key)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        targets = node.comparisons
        key = string_value(node.left)
        if (
            key is not None
            and len(targets) == 1
            and isinstance(targets[0].operator, cst.In | cst.NotIn)
            and self._is_param(targets[0].comparator)
        ):
            self._read(targets[0].comparator, key)
        subset = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
        if any(isinstance(t.operator, subset) for t in targets) and (
            self.taint.keys_of(node.left) or any(self.taint.keys_of(t.comparator) for t in targets)
        ):
            self.validated = True  # `set(kwargs) <= ALLOWED`

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Subtract | cst.BitAnd) and self.taint.keys_of(node.left):
            self.validated = True  # `set(kwargs) - ALLOWED`, `kwargs.keys() & ALLOWED`

    def visit_If(self, node: cst.If) -> None:
        self._leftover_check(node.test, node.body)

    def visit_Assert(self, node: cst.Assert) -> None:
        test = node.test
        if (
            isinstance(test, cst.UnaryOperation)
            and isinstance(test.operator, cst.Not)
            and self.taint.keys_of(test.expression)
        ):
            self.validated = True  # `assert not kwargs` after popping the known keys

    def _leftover_check(self, test: cst.BaseExpression, body: cst.BaseSuite) -> None:
        """`if kwargs: raise TypeError(...)` after popping the known keys."""
        if isinstance(test, cst.Call) and dotted(test.func) in ("len", "bool") and test.args:
            test = test.args[0].value
        if self.taint.keys_of(test) and raises(body):
            self.validated = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        callee = dotted(func)
        if callee in ("locals", "vars") and not node.args:
            self.use.other_use = True  # every local escapes, the mapping too
        if isinstance(func, cst.Attribute):
            self._method_call(node, func)
        key = setattr_key(node, callee)
        if isinstance(key, cst.Name) and key.value in self.key_loops:
            self._sink(
                node,
                "written attribute by attribute with `setattr()`",
                receiver=setattr_object(node, callee),
            )
        self._arguments(node, callee)

    def _method_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        args = node.args
        if method in KEY_METHODS and self._is_param(func.value) and args and not args[0].keyword:
            key = string_value(args[0].value)
            if key is not None and not args[0].star:
                self._read(func.value, key)
        if method in SET_CHECKS and (
            self.taint.keys_of(func.value) or any(self.taint.keys_of(a.value) for a in args)
        ):
            self.validated = True
        if method == "update" and any(
            self.taint.carries(a.value) for a in args if a.keyword is None and a.star != "*"
        ):
            receiver = func.value
            if is_object_namespace(receiver):
                self._sink(
                    node,
                    f"written onto an object through `{code_of(receiver)}`",
                    receiver=namespace_owner(receiver),
                )
            elif isinstance(receiver, cst.Attribute):
                self._store(node, receiver, "merged into", None)
            elif isinstance(receiver, cst.Name):
                self.taint.names.add(receiver.value)  # a local mapping now holds every key

    def _arguments(self, node: cst.Call, callee: str | None) -> None:
        for arg in node.args:
            carried = arg.star != "*" and self.taint.carries(arg.value)
            if carried and callee is not None and self.sinks.is_validator(callee):
                self.validated = True
            elif arg.star == "**" and carried:
                target = self._sink_callee(node.func, callee)
                if target is not None:
                    # Through an alias (`save(**data)`) the callee names no model: no fix.
                    self._sink(node, f"passed to {target}", callee=callee)
            elif (
                arg.keyword is not None
                and arg.keyword.value in FIELD_KEYWORDS
                and self.taint.carries(arg.value)
                and callee is not None
                and matches(callee, self.sinks.calls)
            ):
                self._sink(node, f"passed as `{arg.keyword.value}` to `{callee}()`")

    def _sink_callee(self, func: cst.BaseExpression, callee: str | None) -> str | None:
        if isinstance(func, cst.Name) and func.value in self.aliases:
            return self.aliases[func.value]
        if callee is None:
            return None
        if isinstance(func, cst.Name) and func.value in self.taint.names:
            return None
        return self.sinks.sink(callee, self.shadowed)
