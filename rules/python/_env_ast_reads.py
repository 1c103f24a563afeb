"""Reads of environment variables in Python code, on `ast`: what the unvalidated-env rule
reports and `audit env` lists (the fix finds the same reads with LibCST, `_env_reads`).

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

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.plugins import AstIndex, ReadKind
from rules.python._env_ast_names import Names
from rules.python._env_ast_source import Arg, call_args, literal, literal_string

# A file containing none of these cannot read the environment through `os`.
TRIGGERS: tuple[str, ...] = ("environ", "getenv")
# The names through which any read of the environment goes (in `os`).
ENV_NAMES = frozenset({"environ", "environb", "getenv", "getenvb"})

_WRITES = frozenset({"update", "clear", "copy", "__setitem__", "__delitem__"})
_MAPPINGS = frozenset({"os.environ", "os.environb"})
_GETTERS = frozenset({"os.getenv", "os.getenvb"})
_ENUMERATE = frozenset({"items", "keys", "values"})
_METHODS = frozenset({"get", "setdefault", "pop", "copy", *_ENUMERATE})
_CALLED = _METHODS | {"getenv", "getenvb"}
# Every qualified name raw reads look for (`Names.lookup` needs no scope query for others).
RESOLVED = _MAPPINGS | _GETTERS | {"builtins.dict"}


def may_read_env(tree: AstIndex) -> bool:
    """Whether the module may read the environment: it imports `environ` or `getenv` (or
    *) from `os`, or uses `os.environ` / `os.getenv` through a name `import os` binds,
    other than to write it (`os.environ["X"] = ...`, `del`, `.update(...)`, `.clear()`),
    test membership or copy it whole. Reads are resolved to `os.*` qualified names, so a
    module without any of these has none (a WSGI `environ` parameter alone does not make
    a framework module worth the scope analysis)."""
    if any(
        node.module == "os" and not node.level and (a.name in ENV_NAMES or a.name == "*")
        for node in tree.nodes(ast.ImportFrom)
        for a in node.names
    ):
        return True
    bound = {
        alias.asname or "os"
        for node in tree.nodes(ast.Import)
        for alias in node.names
        if alias.name == "os" or (alias.name.startswith("os.") and not alias.asname)
    }
    if not bound:
        return False
    references = [
        n
        for n in tree.nodes(ast.Attribute)
        if n.attr in ENV_NAMES and isinstance(n.value, ast.Name) and n.value.id in bound
    ]
    if not references:
        return False
    not_reads = _not_reads(tree)
    return any(id(n) not in not_reads for n in references)


def _not_reads(tree: AstIndex) -> set[int]:
    """The expressions a module uses as a whole mapping without reading a variable."""
    updated = {id(n.target) for n in tree.nodes(ast.AugAssign)}  # `+=` reads first
    found = {
        id(n.value)
        for n in tree.nodes(ast.Subscript)
        if isinstance(n.ctx, ast.Store | ast.Del) and id(n) not in updated
    }
    for call in tree.nodes(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _WRITES:
            found.add(id(func.value))
        elif isinstance(func, ast.Name) and func.id == "dict" and len(call.args) == 1:
            found.add(id(call.args[0]))
    for compare in tree.nodes(ast.Compare):
        if all(isinstance(op, ast.In | ast.NotIn) for op in compare.ops):
            found.update(id(c) for c in compare.comparators)
    for mapping in tree.nodes(ast.Dict):
        found.update(id(v) for k, v in zip(mapping.keys, mapping.values, strict=True) if k is None)
    return found


@dataclass(frozen=True, slots=True)
class EnvAccess:
    """One read found in a module. `node` is the expression to report."""

    node: ast.expr
    name: str | None  # None: a computed name, or the whole environment
    kind: ReadKind
    default: str | None  # the literal default's value (kind "default"); None if computed
    default_code: str | None  # that literal as written, for messages
    via: str  # the read as code, with the canonical module name: "os.environ.get()"
    raises: str = "KeyError"  # what a missing variable raises (kind "required")


class RawReads:
    """Calls `on_env_read` for every read of the environment. A mixin for `ast` visitors
    (`names` is set before the walk); it keeps no other state."""

    names: Names

    def on_env_read(self, access: EnvAccess) -> None:
        raise NotImplementedError

    # --- where reads happen --------------------------------------------------------------

    def visit_Subscript(self, node: ast.Subscript) -> None:
        mapping = self._mapping(node.value)
        if mapping is None or not self._loads(node):
            return
        key = self._single_index(node.slice)
        name = None if key is None else literal_string(key)
        self.on_env_read(EnvAccess(node, name, "required", None, None, f"{mapping}[...]"))

    def raw_call(self, node: ast.Call) -> None:
        func = node.func
        # Any called name may be an alias (`get = os.environ.get`); attributes are cheap to
        # rule out by their last part before anything is resolved.
        if type(func) is ast.Attribute:
            if func.attr not in _CALLED:
                return
        elif type(func) is not ast.Name:
            return
        for target in sorted(self.names.lookup(func)):
            access = self._call(node, target)
            if access is not None:
                self.on_env_read(access)
                return

    def visit_For(self, node: ast.For) -> None:
        self._iterated(node.iter)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self._iterated(node.iter)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._iterated(node.iter)

    def raw_dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                mapping = self._mapping(value)
                if mapping is not None:
                    via = f"{{**{mapping}}}"
                    self.on_env_read(EnvAccess(value, None, "copy", None, None, via))

    # --- what a call reads ---------------------------------------------------------------

    def _call(self, node: ast.Call, target: str) -> EnvAccess | None:
        if target in _GETTERS:
            return self._keyed(node, target + "()", ("key", "default"), "optional")
        if target == "builtins.dict":
            args = call_args(node)
            first = args[0] if args else None
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
            return self._keyed(node, via, ("key", "default"), "optional")
        if method == "setdefault":
            # _Environ.setdefault stores its value when the variable is unset: a None there
            # fails in putenv with TypeError.
            access = self._keyed(node, via, ("key", "value"), None)
            if access is not None and access.kind == "optional":
                return EnvAccess(node, access.name, "required", None, None, via, "TypeError")
            return access
        if method == "pop":
            if isinstance(self.names.parent(node), ast.Expr):
                return None  # the value is thrown away: this unsets, it does not read
            return self._keyed(node, via, ("key", "default"), "required")
        if method in _ENUMERATE and not (node.args or node.keywords):
            return EnvAccess(node, None, "enumerate", None, None, via)
        if method == "copy" and not (node.args or node.keywords):
            return EnvAccess(node, None, "copy", None, None, via)
        return None

    def _keyed(
        self,
        node: ast.Call,
        via: str,
        parameters: tuple[str, str],
        without_default: ReadKind | None,
    ) -> EnvAccess | None:
        """A read through `f(key, default)`. `without_default` is the kind when no default
        is given; None when the function requires one."""
        bound = _bind(call_args(node), parameters)
        if bound is None or parameters[0] not in bound:
            return None
        key_param, default_param = parameters
        name = literal_string(bound[key_param])
        default = bound.get(default_param)
        if default is None:
            if without_default is None:
                return None  # a TypeError at every call, not a read
            return EnvAccess(node, name, without_default, None, None, via)
        if isinstance(default, ast.Constant) and default.value is None:
            return EnvAccess(node, name, "optional", None, None, via)
        found = literal(self.names.source, default)
        if found is None:
            return EnvAccess(node, name, "default", None, None, via)
        value, code = found
        return EnvAccess(node, name, "default", value, code, via)

    def _iterated(self, iterable: ast.expr) -> None:
        mapping = self._mapping(iterable)
        if mapping is not None:
            via = f"for ... in {mapping}"
            self.on_env_read(EnvAccess(iterable, None, "enumerate", None, None, via))

    def _loads(self, node: ast.Subscript) -> bool:
        """Whether the subscript is read: not a target of an assignment, a loop, a `with`
        or a `del`, alone or inside an unpacked tuple or list. `os.environ["X"] += "y"`
        reads X first (and raises KeyError when it is unset)."""
        if isinstance(node.ctx, ast.Load):
            return True
        parent = self.names.parent(node)
        return isinstance(parent, ast.AugAssign) and parent.target is node

    def _single_index(self, index: ast.expr) -> ast.expr | None:
        """The key of `m[key]`; `m["X",]` has one too (LibCST's one index with a comma)."""
        if isinstance(index, ast.Tuple):
            if len(index.elts) != 1 or isinstance(index.elts[0], ast.Starred):
                return None
            return None if self.names.source.parenthesized(index) else index.elts[0]
        return None if isinstance(index, ast.Slice) else index

    # --- what a name means ---------------------------------------------------------------

    def _mapping(self, expr: ast.expr) -> str | None:
        found = self.names.lookup(expr) & _MAPPINGS
        return min(found) if found else None


def _bind(args: Sequence[Arg], parameters: tuple[str, ...]) -> Mapping[str, ast.expr] | None:
    """Arguments by parameter name, or None when they cannot be matched statically."""
    bound: dict[str, ast.expr] = {}
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
            keyword = arg.keyword
            if keyword not in parameters or keyword in bound:
                return None
            bound[keyword] = arg.value
    return bound
