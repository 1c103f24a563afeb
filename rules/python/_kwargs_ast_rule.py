"""The base of the kwargs rules on `ast`: every public function with a `**` parameter, with
its qualified name, the names its scopes bind and the classes of its module."""

from __future__ import annotations

import ast
import re

from auditor.plugins import AstRule, OptionValue, RuleContext, Span
from rules.python._kwargs_ast_sinks import ClassTable, LazyNames
from rules.python._kwargs_ast_syntax import Function, bound_names, is_public, is_unpack_annotated

_NO_PARENS = r"[^()]"
_PARAMS = rf"(?:{_NO_PARENS}|\((?:{_NO_PARENS}|\((?:{_NO_PARENS}|\({_NO_PARENS}*\))*\))*\))*?"

Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class KwargsRule(AstRule):
    """Visits every public function with a `**` parameter that is not annotated
    `Unpack[TypedDict]`, knowing its qualified name, the names its scopes bind and the
    classes of the module."""

    # A `def` whose parameters include `**`: `**` alone occurs in most lines of most
    # files (calls, powers), a `**name` parameter in few. Parentheses nested three deep
    # in defaults (`x=f(g(h()))`) are followed; brackets need no following.
    triggers = (re.compile(rf"def\s+\w+\s*\({_PARAMS}\*\*"),)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.tree = ast.Module(body=[], type_ignores=[])
        self.stack: list[Scope] = []  # the classes and functions around the visit
        self._classes: ClassTable | None = None
        self._bound: dict[int, frozenset[str]] = {}

    def strings(self, name: str) -> tuple[str, ...]:
        value: OptionValue | None = self.options.get(name)
        return value if isinstance(value, tuple) else ()

    @property
    def classes(self) -> ClassTable:
        """Every class of the module, worked out when a function first needs them."""
        if self._classes is None:
            self._classes = ClassTable.of(self.nodes(ast.ClassDef))
        return self._classes

    def visit_Module(self, node: ast.Module) -> None:
        self.tree = node
        self.prepare(node)

    def prepare(self, module: ast.Module) -> None:
        """Per-module setup for subclasses."""

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stack.append(node)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.finish_class(node)
        self.stack.pop()

    def finish_class(self, node: ast.ClassDef) -> None:
        """Called once the class's methods have all been checked (it is still in stack)."""

    def visit_FunctionDef(self, node: Function) -> None:
        param = node.args.kwarg
        self.stack.append(node)
        if param is not None and is_public(node.name) and not is_unpack_annotated(param):
            self.check(node, param, self.qualname(), self.shadowed())
        # stays in the stack until leave_FunctionDef, so nested functions see it

    visit_AsyncFunctionDef = visit_FunctionDef

    def leave_FunctionDef(self, node: Function) -> None:
        self.stack.pop()

    leave_AsyncFunctionDef = leave_FunctionDef

    def shadowed(self, extra: Function | None = None) -> LazyNames:
        """Names bound in the enclosing functions (and `extra`)."""
        functions = [s for s in self.stack if not isinstance(s, ast.ClassDef)]
        if extra is not None:
            functions.append(extra)
        return LazyNames(lambda: frozenset().union(*map(self._bound_in, functions)))

    def _bound_in(self, function: Function) -> frozenset[str]:
        key = id(function)
        if key not in self._bound:
            self._bound[key] = bound_names(function)
        return self._bound[key]

    def enclosing_class(self, *, directly: bool) -> ast.ClassDef | None:
        """The class the current function is a method of (`directly`), or is nested in."""
        if directly:
            outer = self.stack[-2] if len(self.stack) >= 2 else None
            return outer if isinstance(outer, ast.ClassDef) else None
        classes = [s for s in self.stack if isinstance(s, ast.ClassDef)]
        return classes[-1] if classes else None

    def qualname(self, *extra: str) -> str:
        """As Python's `__qualname__`: `Cls.method`, `outer.<locals>.inner`."""
        parts = [s.name for s in self.stack]
        for i, scope in enumerate(self.stack[:-1]):
            if not isinstance(scope, ast.ClassDef):
                parts[i] += ".<locals>"
        if extra and self.stack and not isinstance(self.stack[-1], ast.ClassDef):
            parts[-1] += ".<locals>"
        return ".".join([*parts, *extra])

    def star_span(self, param: ast.arg) -> Span:
        """Where `**name` is (the `ast` node is the name and its annotation): what LibCST's
        `Param` is, and so where the fix finds it."""
        span = self.span(param)
        if self.text.startswith("**", span.start):  # ignored-kwargs moved the node there
            return Span(span.start, span.end, "arg")
        start = span.start
        window = max(0, start - 200)  # only whitespace between the stars and the name
        before = self.text[window:start].rstrip(" \t\f\r\n\\")
        if before.endswith("**"):
            start = window + len(before) - 2
        return Span(start, span.start + len(param.arg), "arg")

    def check(self, function: Function, param: ast.arg, qualname: str, shadowed: LazyNames) -> None:
        raise NotImplementedError
