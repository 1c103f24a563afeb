"""The base of the kwargs rules: every public function with a `**` parameter, with its
qualified name, the names its scopes bind and the classes of its module."""

from __future__ import annotations

import re

import libcst as cst

from auditor.plugins import OptionValue, Rule, RuleContext
from rules.python._code import EMPTY_MODULE
from rules.python._kwargs_sinks import ClassTable, LazyNames
from rules.python._kwargs_syntax import bound_names, is_public, is_unpack_annotated

# --- the common rule base ------------------------------------------------------------------


_NO_PARENS = r"[^()]"
_PARAMS = rf"(?:{_NO_PARENS}|\((?:{_NO_PARENS}|\((?:{_NO_PARENS}|\({_NO_PARENS}*\))*\))*\))*?"


class KwargsRule(Rule):
    """Visits every public function with a `**` parameter that is not annotated
    `Unpack[TypedDict]`, knowing its qualified name, the names its scopes bind and the
    classes of the module."""

    # A `def` whose parameters include `**`: `**` alone occurs in most lines of most
    # files (calls, powers), a `**name` parameter in few. Parentheses nested three deep
    # in defaults (`x=f(g(h()))`) are followed; brackets need no following.
    triggers = (re.compile(rf"def\s+\w+\s*\({_PARAMS}\*\*"),)

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.module: cst.Module = EMPTY_MODULE
        self.classes = ClassTable()
        self.scopes: list[cst.FunctionDef | cst.ClassDef] = []
        self._bound: dict[cst.FunctionDef, frozenset[str]] = {}

    def strings(self, name: str) -> tuple[str, ...]:
        value: OptionValue | None = self.options.get(name)
        return value if isinstance(value, tuple) else ()

    def visit_Module(self, node: cst.Module) -> None:
        self.module = node
        self.classes = ClassTable.of(node)
        self.prepare(node)

    def prepare(self, module: cst.Module) -> None:
        """Per-module setup for subclasses."""

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.finish_class(original_node)
        self.scopes.pop()

    def finish_class(self, node: cst.ClassDef) -> None:
        """Called once the class's methods have all been checked (it is still in scopes)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        param = node.params.star_kwarg
        self.scopes.append(node)
        if (
            isinstance(param, cst.Param)
            and is_public(node.name.value)
            and not is_unpack_annotated(param)
        ):
            self.check(node, param, self.qualname(), self.shadowed())
        # stays in scopes until leave_FunctionDef, so nested functions see it

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def shadowed(self, extra: cst.FunctionDef | None = None) -> LazyNames:
        """Names bound in the enclosing functions (and `extra`)."""
        functions = [s for s in self.scopes if isinstance(s, cst.FunctionDef)]
        if extra is not None:
            functions.append(extra)
        return LazyNames(lambda: frozenset().union(*map(self._bound_in, functions)))

    def _bound_in(self, function: cst.FunctionDef) -> frozenset[str]:
        if function not in self._bound:
            self._bound[function] = bound_names(function)
        return self._bound[function]

    def enclosing_class(self, *, directly: bool) -> cst.ClassDef | None:
        """The class the current function is a method of (`directly`), or is nested in."""
        if directly:
            outer = self.scopes[-2] if len(self.scopes) >= 2 else None
            return outer if isinstance(outer, cst.ClassDef) else None
        classes = [s for s in self.scopes if isinstance(s, cst.ClassDef)]
        return classes[-1] if classes else None

    def qualname(self, *extra: str) -> str:
        """As Python's `__qualname__`: `Cls.method`, `outer.<locals>.inner`."""
        parts = [s.name.value for s in self.scopes]
        for i, scope in enumerate(self.scopes[:-1]):
            if isinstance(scope, cst.FunctionDef):
                parts[i] += ".<locals>"
        if extra and self.scopes and isinstance(self.scopes[-1], cst.FunctionDef):
            parts[-1] += ".<locals>"
        return ".".join([*parts, *extra])

    def check(
        self,
        function: cst.FunctionDef,
        param: cst.Param,
        qualname: str,
        shadowed: LazyNames,
    ) -> None:
        raise NotImplementedError
