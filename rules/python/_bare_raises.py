"""The walk of a `try` body that finds what it raises, by the table of `_raises`, on `ast`:
what decides at detection whether bare-except offers its narrowing alternative, and how
that alternative reads. It answers as `_raises_walk` (the same walk on LibCST, which the
fix runs) does, exceptions in the same order: children are visited in source order, as
LibCST's are (`a if b else c` is `a`, `b`, `c`; a dict's keys and values interleave)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from auditor.plugins import AstIndex, child_nodes
from rules.python._ast_print import string_tokens
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

_DIVISIONS = (ast.Div, ast.FloorDiv, ast.Mod)
Resolve = Callable[[ast.AST], str | None]
Code = Callable[[ast.AST], str]
# What each assigned name node received: a value, or for a parameter its annotation.
Bound = dict[ast.AST, ast.expr]


class Unknown(Exception):
    """The body does something the table does not know."""


_NONE_MET = 1 << 30  # no binding in progress met


@dataclass
class Known:
    """What the walks of one module share: how names resolve, what each name received,
    and the kind each binding gives its name, worked out once."""

    qualified: Resolve
    scope_lookup: Callable[[ast.Name], Sequence[tuple[str, ast.AST | None]]]
    bound: Bound
    code: Code
    kinds: dict[ast.AST, str | None] = field(default_factory=dict)  # resolved from the top
    # Resolved without meeting a binding in progress: the same answer from anywhere (a
    # binding in progress reaches this one, so this one would have met itself).
    clean: dict[ast.AST, str | None] = field(default_factory=dict)


@dataclass
class Raises:
    known: Known
    found: list[str] = field(default_factory=list)
    local: set[str] = field(default_factory=set)  # found names of the module's own classes
    record: bool = True
    # The bindings being resolved, each with its depth in the chain of resolutions.
    resolving: dict[ast.AST, int] = field(default_factory=dict)
    # The smallest depth of a binding in progress that a resolution met (a cycle): an
    # answer that met none above its own binding depends on nothing in progress.
    lowest: list[int] = field(default_factory=lambda: [_NONE_MET])

    def of_body(self, body: Sequence[ast.stmt]) -> tuple[str, ...] | None:
        """The exceptions, in order of appearance, those whose parent is listed too left
        out; None when the body does something unknown."""
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

    def visit_all(self, nodes: Iterable[ast.AST]) -> None:
        for node in nodes:
            self.visit(node)

    def visit(self, node: ast.AST) -> str | None:
        """Records what `node` raises; returns the kind of its value (None: untracked)."""
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name):
            return self.name_kind(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.BinOp):
            left = self.visit(node.left)
            self.visit(node.right)
            if isinstance(node.op, _DIVISIONS) and left != "str":  # not `"%s" % x`
                self.add("ZeroDivisionError")
            return "path" if left == "path" and isinstance(node.op, ast.Div) else None
        if isinstance(node, ast.Await):
            return self.visit(node.value)
        if isinstance(node, ast.Constant):
            return "str" if isinstance(node.value, str | bytes) else None
        if isinstance(node, ast.JoinedStr):
            self.visit_all(node.values)
            return "str"
        if isinstance(node, ast.Dict | ast.DictComp | ast.List | ast.ListComp):
            self.visit_all(_children(node))
            return "dict" if isinstance(node, ast.Dict | ast.DictComp) else "list"
        self.statement(node)
        return None

    def statement(self, node: ast.AST) -> None:
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.ClassDef):
            self.unknown()  # a caller may throw anything in; a class body runs code
        elif isinstance(node, ast.Lambda):
            return  # its body runs when called
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.visit_all(node.decorator_list)
            self.visit_all(_defaults(node.args))
        elif isinstance(node, ast.Raise):
            self.raise_(node)
        elif isinstance(node, ast.Assert):
            self.add("AssertionError")
            self.visit_all(_children(node))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self.add("ImportError")
        elif isinstance(node, ast.Assign):
            self.visit(node.value)
            for target in node.targets:
                self.target(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            if node.value is not None:
                self.visit(node.value)
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript):
                self.subscript(node.target)
            self.target(node.target)
        elif isinstance(node, ast.Delete):
            for deleted in node.targets:
                self.deleted(deleted)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if self.visit(item.context_expr) not in CONTEXT_KINDS:
                    self.unknown()  # entering and leaving it runs code we do not know
            self.visit_all(node.body)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            if self.visit(node.iter) == "file":
                self.add("OSError")
            self.target(node.target)
            if isinstance(node, ast.comprehension):
                self.visit_all(node.ifs)
            else:
                self.visit_all(node.body)
                self.visit_all(node.orelse)
        else:
            self.visit_all(_children(node))

    def raise_(self, node: ast.Raise) -> None:
        exc = node.exc
        if isinstance(exc, ast.Call):
            self.visit_all(_arguments(exc))
            exc = exc.func
        name = None
        if exc is not None and _dotted(exc):
            name = self.known.qualified(exc)
        if name is not None and name.startswith("builtins."):
            name = name.removeprefix("builtins.")
            if not isinstance(getattr(builtins, name, None), type):
                name = None
        elif name is None and isinstance(exc, ast.Name) and self.own_class(exc):
            name = exc.id
            self.local.add(name)
        if name is None:
            self.unknown()  # a bare `raise`, an exception held in a variable
            return
        self.add(name)

    def own_class(self, name: ast.Name) -> bool:
        """A class the module defines, and binds nothing else to: its name written in
        the handler means what it means in the body (both are in one scope)."""
        bindings = self.known.scope_lookup(name)
        return bool(bindings) and all(isinstance(node, ast.ClassDef) for _, node in bindings)

    def target(self, node: ast.AST) -> None:
        """An assignment target: a store into a list index can fail, names cannot."""
        if isinstance(node, ast.Subscript):
            kind = self.visit(node.value)
            self.visit(node.slice)
            if kind == "list" or (kind is None and _int_index(node)):
                self.add("IndexError")
        elif isinstance(node, ast.Attribute):
            self.visit(node.value)
        elif isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                self.target(element)
        elif isinstance(node, ast.Starred):
            self.target(node.value)

    def deleted(self, node: ast.AST) -> None:
        if isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                self.deleted(element)
        elif isinstance(node, ast.Subscript):
            self.subscript(node)
        elif isinstance(node, ast.Attribute):
            self.visit(node.value)

    def subscript(self, node: ast.Subscript) -> str | None:
        kind = self.visit(node.value)
        self.visit(node.slice)
        index = node.slice
        elements = index.elts if isinstance(index, ast.Tuple) else [index]
        if any(isinstance(element, ast.Slice) for element in elements):
            return kind if kind in ("list", "str") else None  # a slice is never out of range
        if kind == "dict" or (kind is None and self._str_index(node)):
            self.add("KeyError")
        elif kind in ("list", "str") or (kind is None and _int_index(node)):
            self.add("IndexError")
        else:
            self.add("LookupError")
        return "str" if kind == "str" else None

    def _str_index(self, node: ast.Subscript) -> bool:
        """One string literal (LibCST's SimpleString or FormattedString; a concatenation
        of literals is neither)."""
        index = node.slice
        if isinstance(index, ast.Constant) and isinstance(index.value, str | bytes):
            return _one_literal(self.known.code(index))
        return isinstance(index, ast.JoinedStr) and _one_literal(self.known.code(index))

    def attribute(self, node: ast.Attribute) -> str | None:
        if _dotted(node):
            name = self.known.qualified(node)
            if name is not None:
                return MODULE_VALUES.get(name)
        kind = self.visit(node.value)
        return ATTRIBUTES.get(kind or "", {}).get(node.attr)

    def call(self, node: ast.Call) -> str | None:
        effect = self.callee(node.func)
        arguments = _arguments(node)
        self.visit_all(arguments)
        if effect is None:
            self.unknown()
            return None
        exceptions, kind = effect
        name = self.known.qualified(node.func) if _dotted(node.func) else None
        if name in WITHOUT_DEFAULT:
            count, raised = WITHOUT_DEFAULT[name]
            exceptions = (raised,) if len(arguments) == count else ()
        elif exceptions == ("KeyError",) and len(arguments) > 1:
            exceptions = ()  # `d.pop(key, default)`
        self.add(*exceptions)
        return kind

    def callee(self, func: ast.expr) -> Effect | None:
        name = self.known.qualified(func) if _dotted(func) else None
        if name is not None:
            if name in CALLS:
                return CALLS[name]
            for prefix, effect in PREFIXES:
                if name.startswith(prefix):
                    return effect
            return None  # the project's own code, or a library the table does not know
        if isinstance(func, ast.Name):
            kind = self.name_kind(func)
            return CALLS["sqlalchemy.orm.Session"] if kind == "sqlalchemy-factory" else None
        if isinstance(func, ast.Attribute):
            methods = METHODS.get(self.visit(func.value) or "", {})
            return methods.get(func.attr, methods.get("*"))
        self.visit(func)
        return None

    def name_kind(self, node: ast.Name) -> str | None:
        """The kind every binding of the name gives it; None when they differ or one is
        not known (a loop variable, an import, a parameter without a known annotation)."""
        kinds = set()
        for kind, target in self.known.scope_lookup(node):
            if target is not None and target in self.resolving:
                self.lowest[0] = min(self.lowest[0], self.resolving[target])
                return None
            if kind == "builtin" or target is None:
                return None
            value = self.known.bound.get(target)
            if value is None:
                return None
            kinds.add(self._bound_kind(target, value))
        return kinds.pop() if len(kinds) == 1 else None

    def _bound_kind(self, target: ast.AST, value: ast.expr) -> str | None:
        # Outside any other resolution the answer depends on nothing else: kept. Inside
        # one, an answer that met no binding in progress above its own is kept too: the
        # walk of a long module followed the same chains of assignments again for every
        # name that reached them.
        top = not self.resolving
        if top and target in self.known.kinds:
            return self.known.kinds[target]
        if target in self.known.clean:
            return self.known.clean[target]
        depth = len(self.resolving)
        outer, self.lowest[0] = self.lowest[0], _NONE_MET
        self.resolving[target] = depth
        try:
            if isinstance(target, ast.arg):
                kind = ANNOTATIONS.get(self.known.qualified(value) or "")
            else:
                quiet = Raises(
                    self.known, record=False, resolving=self.resolving, lowest=self.lowest
                )
                kind = quiet.visit(value)
        finally:
            del self.resolving[target]
        met = self.lowest[0]
        self.lowest[0] = min(outer, met)
        if top:
            self.known.kinds[target] = kind
        if met >= depth:
            self.known.clean[target] = kind
        return kind


def bindings(index: AstIndex) -> Bound:
    """What each simply assigned name received: `x = value`, `x: T = value`, `with value
    as x`, `(x := value)`; and each annotated parameter its annotation."""
    bound: Bound = {}
    for assign in index.nodes(ast.Assign):
        for target in assign.targets:
            if isinstance(target, ast.Name):
                bound[target] = assign.value
    for annotated in index.nodes(ast.AnnAssign):
        if isinstance(annotated.target, ast.Name) and annotated.value is not None:
            bound[annotated.target] = annotated.value
    for item in index.nodes(ast.withitem):
        if isinstance(item.optional_vars, ast.Name):
            bound[item.optional_vars] = item.context_expr
    for walrus in index.nodes(ast.NamedExpr):
        bound[walrus.target] = walrus.value
    for arg in index.nodes(ast.arg):
        if arg.annotation is not None:
            bound[arg] = arg.annotation
    return bound


def _children(node: ast.AST) -> Iterator[ast.AST]:
    """`node`'s children in source order (LibCST's order)."""
    if isinstance(node, ast.IfExp):
        yield from (node.body, node.test, node.orelse)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                yield key
            yield value
    elif isinstance(node, ast.Call):
        yield node.func
        yield from _arguments(node)
    else:
        yield from child_nodes(node)


def _arguments(call: ast.Call) -> list[ast.expr]:
    """The values of a call's arguments, positional and keyword, in source order."""
    values: list[tuple[tuple[int, int], ast.expr]] = [
        ((a.lineno, a.col_offset), a) for a in call.args
    ]
    values += [((k.lineno, k.col_offset), k.value) for k in call.keywords]
    values.sort(key=lambda pair: pair[0])
    return [value for _, value in values]


def _defaults(args: ast.arguments) -> Iterator[ast.expr]:
    yield from args.defaults
    yield from (d for d in args.kw_defaults if d is not None)


def _dotted(expr: ast.AST) -> bool:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _index(node: ast.Subscript) -> ast.expr | None:
    return None if isinstance(node.slice, ast.Tuple | ast.Slice) else node.slice


def _int_index(node: ast.Subscript) -> bool:
    value = _index(node)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        value = value.operand
    return isinstance(value, ast.Constant) and type(value.value) is int


def _one_literal(code: str) -> bool:
    return len(string_tokens(code)) == 1
