"""Reads of environment variables in Python code, found with LibCST for the
unvalidated-env fix, which rewrites them (`_env_uses`); the rule and `audit env` find the
same reads on `ast` (`_env_ast_reads`).

What counts as a read (each yields an `EnvAccess`):

- `os.environ[NAME]` where the value is used: a plain load, and `+=` (which reads before it
  writes). Assigning to it or deleting it is not a read.
- `os.environ.get(NAME[, default])`, `os.getenv(NAME[, default])`,
  `os.environ.setdefault(NAME, default)`, and `os.environ.pop(NAME[, default])` when its
  result is used (a bare `os.environ.pop("X", None)` statement only unsets the variable).
- The whole environment: enumerated by `for`/comprehension iteration over `os.environ` or by
  `.items()`, `.keys()`, `.values()` (kind "enumerate"); copied by `.copy()`,
  `dict(os.environ)` or `{**os.environ}` (kind "copy", usually handed to a child process).

Not reads: `"X" in os.environ`, `len(os.environ)`, `os.environ.update(...)`, passing
`os.environ` itself as an argument, and calls whose arguments are `*args`/`**kwargs` (the
variable cannot be known). `os.environb` and `os.getenvb` count like their str versions.

Names resolve through imports and plain assignments: `from os import environ as ENV`,
`import os as o`, `env = os.environ`, `get = os.environ.get`. A name whose binding is not
one of these (a parameter called `environ`, a local dict) is not the environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ParentNodeProvider

from auditor.plugins import ReadKind
from rules.python._code import code_of
from rules.python._env_resolve import NameResolver

_MAPPINGS = frozenset({"os.environ", "os.environb"})
_GETTERS = frozenset({"os.getenv", "os.getenvb"})
_ENUMERATE = frozenset({"items", "keys", "values"})
_METHODS = frozenset({"get", "setdefault", "pop", "copy", *_ENUMERATE})
_CALLED = _METHODS | {"getenv", "getenvb"}


@dataclass(frozen=True, slots=True)
class EnvAccess:
    """One read found in a module. `node` is the expression to report."""

    node: cst.CSTNode
    name: str | None  # None: a computed name, or the whole environment
    kind: ReadKind
    default: str | None  # the literal default's value (kind "default"); None if computed
    default_code: str | None  # that literal as written, for messages
    via: str  # the read as code, with the canonical module name: "os.environ.get()"
    raises: str = "KeyError"  # what a missing variable raises (kind "required")


class EnvReadVisitor(NameResolver):
    """Calls `on_env_read` for every read of the environment, in source order. A mixin for
    LibCST visitors: it keeps no state of its own, so a rule can inherit it alongside
    `auditor.plugins.Rule`."""

    def on_env_read(self, access: EnvAccess) -> None:
        raise NotImplementedError

    # --- where reads happen --------------------------------------------------------------

    def visit_Subscript(self, node: cst.Subscript) -> None:
        mapping = self._mapping(node.value)
        if mapping is None or not self._loads(node):
            return
        key = _single_index(node.slice)
        name = None if key is None else literal_string(key)
        self.on_env_read(EnvAccess(node, name, "required", None, None, f"{mapping}[...]"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        # Any called name may be an alias (`get = os.environ.get`); attributes are cheap to
        # rule out by their last part before anything is resolved.
        if isinstance(func, cst.Attribute):
            if func.attr.value not in _CALLED:
                return
        elif not isinstance(func, cst.Name):
            return
        for target in sorted(self._resolve(func)):
            access = self._call(node, target)
            if access is not None:
                self.on_env_read(access)
                return

    def visit_For(self, node: cst.For) -> None:
        self._iterated(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iterated(node.iter)

    def visit_StarredDictElement(self, node: cst.StarredDictElement) -> None:
        mapping = self._mapping(node.value)
        if mapping is not None:
            self.on_env_read(EnvAccess(node.value, None, "copy", None, None, f"{{**{mapping}}}"))

    # --- what a call reads ---------------------------------------------------------------

    def _call(self, node: cst.Call, target: str) -> EnvAccess | None:
        if target in _GETTERS:
            return _keyed(node, target + "()", ("key", "default"), "optional")
        if target == "builtins.dict":
            first = node.args[0] if node.args else None
            if first is not None and first.keyword is None and not first.star:
                mapping = self._mapping(first.value)
                if mapping is not None:
                    return EnvAccess(node, None, "copy", None, None, f"dict({mapping})")
            return None
        mapping, _, method = target.rpartition(".")
        if mapping not in _MAPPINGS:
            return None
        via = f"{target}()"
        if method == "get":
            return _keyed(node, via, ("key", "default"), "optional")
        if method == "setdefault":
            # _Environ.setdefault stores its value when the variable is unset: a None there
            # fails in putenv with TypeError.
            access = _keyed(node, via, ("key", "value"), None)
            if access is not None and access.kind == "optional":
                return EnvAccess(node, access.name, "required", None, None, via, "TypeError")
            return access
        if method == "pop":
            if isinstance(self.get_metadata(ParentNodeProvider, node, None), cst.Expr):
                return None  # the value is thrown away: this unsets, it does not read
            return _keyed(node, via, ("key", "default"), "required")
        if method in _ENUMERATE and not node.args:
            return EnvAccess(node, None, "enumerate", None, None, via)
        if method == "copy" and not node.args:
            return EnvAccess(node, None, "copy", None, None, via)
        return None

    def _iterated(self, iterable: cst.BaseExpression) -> None:
        mapping = self._mapping(iterable)
        if mapping is not None:
            via = f"for ... in {mapping}"
            self.on_env_read(EnvAccess(iterable, None, "enumerate", None, None, via))

    def _loads(self, node: cst.Subscript) -> bool:
        """Whether the subscript is read: not a target of an assignment, a loop, a `with`
        or a `del`, alone or inside an unpacked tuple or list. `os.environ["X"] += "y"`
        reads X first (and raises KeyError when it is unset)."""
        child: cst.CSTNode = node
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while isinstance(parent, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
            child, parent = parent, self.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(parent, cst.AsName):
            return parent.name is not child
        if isinstance(parent, cst.AssignTarget | cst.AnnAssign | cst.For | cst.CompFor | cst.Del):
            return parent.target is not child
        return True

    # --- what a name means ---------------------------------------------------------------

    def _mapping(self, expr: cst.BaseExpression) -> str | None:
        found = self._resolve(expr) & _MAPPINGS
        return min(found) if found else None


# --- arguments and literals --------------------------------------------------------------


def _keyed(
    node: cst.Call, via: str, parameters: tuple[str, str], without_default: ReadKind | None
) -> EnvAccess | None:
    """A read through `f(key, default)`. `without_default` is the kind when no default is
    given; None when the function requires one."""
    bound = _bind(node.args, parameters)
    if bound is None or parameters[0] not in bound:
        return None
    key_param, default_param = parameters
    name = literal_string(bound[key_param])
    default = bound.get(default_param)
    if default is None:
        if without_default is None:
            return None  # a TypeError at every call, not a read
        return EnvAccess(node, name, without_default, None, None, via)
    if is_none(default):
        return EnvAccess(node, name, "optional", None, None, via)
    found = literal(default)
    if found is None:
        return EnvAccess(node, name, "default", None, None, via)
    value, code = found
    return EnvAccess(node, name, "default", value, code, via)


def _bind(
    args: Sequence[cst.Arg], parameters: tuple[str, ...]
) -> Mapping[str, cst.BaseExpression] | None:
    """Arguments by parameter name, or None when they cannot be matched statically."""
    bound: dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(parameters):
                return None
            bound[parameters[position]] = arg.value
            position += 1
        else:
            keyword = arg.keyword.value
            if keyword not in parameters or keyword in bound:
                return None
            bound[keyword] = arg.value
    return bound


def _single_index(elements: Sequence[cst.SubscriptElement]) -> cst.BaseExpression | None:
    if len(elements) == 1 and isinstance(elements[0].slice, cst.Index):
        index = elements[0].slice
        return index.value if index.star is None else None
    return None


def literal_string(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        if isinstance(value, bytes):  # os.environb
            return value.decode("utf-8", "backslashreplace")
        return value
    return None


def is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def literal(expr: cst.BaseExpression) -> tuple[str, str] | None:
    """(value as an environment variable would hold it, code as written), for literals."""
    text = literal_string(expr)
    if text is not None:
        return text, code_of(expr)
    if isinstance(expr, cst.Integer | cst.Float):
        return str(expr.evaluated_value), expr.value
    if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
        return expr.value, expr.value
    if (
        isinstance(expr, cst.UnaryOperation)
        and isinstance(expr.operator, cst.Minus)
        and isinstance(expr.expression, cst.Integer | cst.Float)
    ):
        return f"-{expr.expression.evaluated_value}", code_of(expr)
    return None
