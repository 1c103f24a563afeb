"""Where a function's `**kwargs` goes, on `ast`: the analysis shared by
`unvalidated-kwargs` and `ignored-kwargs`.

One ordered walk over a function body follows the caller's keyword mapping through local
copies (`data = dict(kwargs)`, `{**kwargs, ...}`, `d.update(kwargs)`) until it is rebound,
and records three things: where it reaches a mass-assignment sink before any validation,
which literal keys are read from the `**` parameter, and whether the parameter is used in
any other way (passed on, iterated, stored). The walk is syntactic and flow-insensitive
across branches (statements count in source order), which errs towards silence: a
validation anywhere before a sink clears it. Children are visited in the order they are
written (`ast` keeps some apart: a dict's keys and values, a call's keywords).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from rules.python._kwargs_ast_sinks import LazyNames, Sink, Sinks
from rules.python._kwargs_ast_state import Code, FlowState, KwargsUse
from rules.python._kwargs_ast_syntax import (
    FIELD_KEYWORDS,
    KEY_METHODS,
    SET_CHECKS,
    Arg,
    Function,
    bound_names,
    call_args,
    dotted,
    is_object_namespace,
    matches,
    names_in,
    namespace_owner,
    raises,
    rejects,
    setattr_key,
    setattr_object,
    string_value,
    target_names,
)

__all__ = ["KwargsUse", "analyse", "stored_sinks"]


def analyse(
    function: Function, param: ast.arg, sinks: Sinks, shadowed: LazyNames, code: Code
) -> KwargsUse:
    """`shadowed`: names bound in the function and its enclosing functions, which cannot
    refer to a module-level model class; `code`: the source of a node."""
    walker = _Flow(param.arg, sinks, shadowed, code)
    walker.visit_all(function.body)
    return walker.use


def stored_sinks(
    method: Function, attr: str, sinks: Sinks, shadowed: LazyNames, code: Code
) -> list[Sink]:
    """Where `method` writes `self.<attr>` (or `cls.<attr>`) wholesale into a sink."""
    walker = _Flow(None, sinks, shadowed, code, attrs=frozenset({attr}))
    walker.visit_all(method.body)
    return walker.use.sinks


_SUBSET = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class _Flow(FlowState):
    """Visits a function body in evaluation order where it matters (values before the
    targets they are bound to, loop iterables before loop bodies)."""

    def v_Assign(self, node: ast.Assign) -> bool:
        self.visit(node.value)
        for target in node.targets:
            self._bind(target, node.value)
        return False

    def v_AnnAssign(self, node: ast.AnnAssign) -> bool:
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
            self._bind(node.target, node.value)
        return False

    def v_AugAssign(self, node: ast.AugAssign) -> bool:
        self.visit(node.value)
        merged = isinstance(node.op, ast.BitOr) and self.taint.carries(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            self.handled.add(id(target))
            if merged:
                self.taint.names.add(target.id)
        else:
            self.visit(target)
            if merged:
                self._store(node, target, "merged into", None)
        return False

    def v_NamedExpr(self, node: ast.NamedExpr) -> bool:
        self.visit(node.value)
        self._bind(node.target, node.value)
        return False

    def v_For(self, node: ast.For | ast.AsyncFor) -> bool:
        self.visit(node.iter)
        key = self.taint.loop_key(node.target, node.iter)
        self._bind(node.target, None)
        checked = key is not None and (
            any(self.taint.tests_key(s, key) for s in node.body) or rejects(node.body, key)
        )
        if checked:
            self.validated = True
        if key is not None and not checked:
            self.key_loops.append(key)
        self.visit_all(node.body)
        if key is not None and not checked:
            self.key_loops.pop()
        self.visit_all(node.orelse)
        return False

    v_AsyncFor = v_For

    def v_withitem(self, node: ast.withitem) -> bool:
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self._bind(node.optional_vars, None)
        return False

    def v_Try(self, node: ast.Try) -> bool:
        self.visit_all(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name is not None:
                self._rebind((handler.name,))
            self.visit_all(handler.body)
        self.visit_all(node.orelse)
        self.visit_all(node.finalbody)
        return False

    def v_TryStar(self, node: ast.TryStar) -> bool:
        # `except*` names are visited as plain names, not bound (as LibCST's walk did).
        self.visit_all(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            self._param_name(handler.name)
            self.visit_all(handler.body)
        self.visit_all(node.orelse)
        self.visit_all(node.finalbody)
        return False

    def v_Import(self, node: ast.Import) -> bool:
        self._rebind(bound_names(node))
        return False

    def v_ImportFrom(self, node: ast.ImportFrom) -> bool:
        for alias in node.names:
            if alias.name != "*":
                self._rebind((alias.asname or alias.name,))
        return False

    def v_Global(self, node: ast.Global) -> bool:
        return False

    def v_Nonlocal(self, node: ast.Nonlocal) -> bool:
        return False

    def v_Delete(self, node: ast.Delete) -> bool:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._rebind((node.targets[0].id,))
            return False
        return True

    def _rebind(self, names: Iterable[str]) -> None:
        for name in names:
            self._bind_name(name, False, None)

    # -- nested scopes: their bodies see the mapping as a closure variable unless they
    # rebind its name

    def v_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        self.visit_all(node.decorator_list)
        self._visit_parameters(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self._rebind((node.name,))
        self._in_scope(bound_names(node), node.body)
        return False

    v_AsyncFunctionDef = v_FunctionDef

    def v_Lambda(self, node: ast.Lambda) -> bool:
        self._visit_parameters(node.args)
        self._in_scope(bound_names(node.args), [node.body])
        return False

    def v_ClassDef(self, node: ast.ClassDef) -> bool:
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        self.visit_all(k.value for k in node.keywords)
        self._rebind((node.name,))
        self._in_scope(frozenset(), node.body)
        return False

    def _visit_parameters(self, params: ast.arguments) -> None:
        """Defaults and annotations of the named parameters (not of `*args`, `**kwargs`)."""
        positional = [*params.posonlyargs, *params.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(params.defaults))
        defaults += params.defaults
        pairs = [
            *zip(positional, defaults, strict=True),
            *zip(params.kwonlyargs, params.kw_defaults, strict=True),
        ]
        for param, default in pairs:
            if default is not None:
                self.visit(default)
            if param.annotation is not None:
                self.visit(param.annotation)

    def _in_scope(self, bound: Iterable[str], nodes: Sequence[ast.AST]) -> None:
        saved = (
            set(self.taint.names),
            self.param_visible,
            list(self.key_loops),
            dict(self.aliases),
        )
        self._shadow(bound)
        self.visit_all(nodes)
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

    def v_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> bool:
        self._comprehension(node.generators, [node.elt])
        return False

    v_SetComp = v_ListComp
    v_GeneratorExp = v_ListComp

    def v_DictComp(self, node: ast.DictComp) -> bool:
        self._comprehension(node.generators, [node.key, node.value])
        return False

    def _comprehension(
        self, generators: Sequence[ast.comprehension], results: Sequence[ast.expr]
    ) -> None:
        """A filter testing each key's membership validates (`[k for k in kwargs if k not in
        ALLOWED]` computes the unexpected ones); results see unfiltered keys as a loop does."""
        saved = (
            set(self.taint.names),
            self.param_visible,
            list(self.key_loops),
            dict(self.aliases),
        )
        for generator in generators:
            self.visit(generator.iter)
            key = self.taint.loop_key(generator.target, generator.iter)
            self._shadow(target_names(generator.target))
            self.handled.update(id(name) for name in names_in(generator.target))
            if key is not None and self.taint.filters(generator, key):
                self.validated = True
            elif key is not None:
                self.key_loops.append(key)
            self.visit_all(generator.ifs)
        self.visit_all(results)
        self.taint.names, self.param_visible, self.key_loops, self.aliases = saved

    # -- patterns: their captures are names

    def v_MatchAs(self, node: ast.MatchAs) -> None:
        self._param_name(node.name)

    def v_MatchStar(self, node: ast.MatchStar) -> None:
        self._param_name(node.name)

    def v_MatchMapping(self, node: ast.MatchMapping) -> None:
        self._param_name(node.rest)

    def v_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:
            self._param_name(name)

    # -- expressions

    def v_Name(self, node: ast.Name) -> None:
        if id(node) not in self.handled and self._is_param(node):
            self.use.other_use = True

    def v_Dict(self, node: ast.Dict) -> bool:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                self.visit(key)
            self.visit(value)
        return False

    def v_IfExp(self, node: ast.IfExp) -> bool:
        self.visit(node.body)
        self.visit(node.test)
        self.visit(node.orelse)
        return False

    def v_Subscript(self, node: ast.Subscript) -> None:
        if self._is_param(node.value):
            key = string_value(node.slice)
            if key is not None:
                self._read(node.value, key)

    def v_Compare(self, node: ast.Compare) -> None:
        key = string_value(node.left)
        if (
            key is not None
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and self._is_param(node.comparators[0])
        ):
            self._read(node.comparators[0], key)
        if any(isinstance(op, _SUBSET) for op in node.ops) and (
            self.taint.keys_of(node.left) or any(self.taint.keys_of(c) for c in node.comparators)
        ):
            self.validated = True  # `set(kwargs) <= ALLOWED`

    def v_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Sub | ast.BitAnd) and self.taint.keys_of(node.left):
            self.validated = True  # `set(kwargs) - ALLOWED`, `kwargs.keys() & ALLOWED`

    def v_If(self, node: ast.If) -> None:
        self._leftover_check(node.test, node.body)

    def v_Assert(self, node: ast.Assert) -> None:
        test = node.test
        if (
            isinstance(test, ast.UnaryOp)
            and isinstance(test.op, ast.Not)
            and self.taint.keys_of(test.operand)
        ):
            self.validated = True  # `assert not kwargs` after popping the known keys

    def _leftover_check(self, test: ast.expr, body: Sequence[ast.stmt]) -> None:
        """`if kwargs: raise TypeError(...)` after popping the known keys."""
        if isinstance(test, ast.Call) and dotted(test.func) in ("len", "bool"):
            args = call_args(test)
            if args:
                test = args[0].value
        if self.taint.keys_of(test) and raises(body):
            self.validated = True

    def v_Call(self, node: ast.Call) -> bool:
        func = node.func
        callee = dotted(func)
        if callee in ("locals", "vars") and not node.args and not node.keywords:
            self.use.other_use = True  # every local escapes, the mapping too
        args = call_args(node)
        if isinstance(func, ast.Attribute):
            self._method_call(node, func, args)
        key = setattr_key(node, callee)
        if isinstance(key, ast.Name) and key.id in self.key_loops:
            self._sink(
                node,
                "written attribute by attribute with `setattr()`",
                receiver=setattr_object(node, callee),
            )
        self._arguments(node, callee, args)
        self.visit(func)
        for arg in args:
            self.visit(arg.value)
        return False

    def _method_call(self, node: ast.Call, func: ast.Attribute, args: Sequence[Arg]) -> None:
        method = func.attr
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
                    f"written onto an object through `{self.code(receiver)}`",
                    receiver=namespace_owner(receiver),
                )
            elif isinstance(receiver, ast.Attribute):
                self._store(node, receiver, "merged into", None)
            elif isinstance(receiver, ast.Name):
                self.taint.names.add(receiver.id)  # a local mapping now holds every key

    def _arguments(self, node: ast.Call, callee: str | None, args: Sequence[Arg]) -> None:
        for arg in args:
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
                and arg.keyword in FIELD_KEYWORDS
                and self.taint.carries(arg.value)
                and callee is not None
                and matches(callee, self.sinks.calls)
            ):
                self._sink(node, f"passed as `{arg.keyword}` to `{callee}()`")

    def _sink_callee(self, func: ast.expr, callee: str | None) -> str | None:
        if isinstance(func, ast.Name) and func.id in self.aliases:
            return self.aliases[func.id]
        if callee is None:
            return None
        if isinstance(func, ast.Name) and func.id in self.taint.names:
            return None
        return self.sinks.sink(callee, self.shadowed)
