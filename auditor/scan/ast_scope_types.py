"""The values `ast_scope` answers with (names, assignments, scopes) and the tables its pass
fills (`ast_scope_pass`): apart, so that the pass and the answers import them and not each
other."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol


class Owner(Protocol):
    """What a scope and the pass ask of the module's `Scopes` (auditor.scan.ast_scope)."""

    tree: ast.Module

    @property
    def global_scope(self) -> Scope: ...

    def builtin(self, name: str) -> Sequence[Assignment]: ...

    def parent(self, node: ast.AST) -> ast.AST | None: ...

    def access_of(self, node: ast.AST) -> Access | None: ...

    def referents_of(self, access: Access) -> Sequence[Assignment]: ...

    def attributes(self) -> Sequence[ast.Attribute]: ...


Source = Literal["import", "builtin", "local"]
ScopeKind = Literal["global", "class", "function", "comprehension", "builtin"]

# Whatever the running interpreter's builtins module holds, as LibCST asks `hasattr`.
BUILTINS = frozenset(dir(builtins))
_NOTHING: frozenset[QualifiedName] = frozenset()


@dataclass(frozen=True, slots=True)
class QualifiedName:
    name: str
    source: Source


@dataclass(frozen=True, slots=True, eq=False)
class Assignment:
    """One binding of `name` in `scope`. `node`: the ast.Name target, ast.alias,
    FunctionDef, ClassDef, ast.arg, ExceptHandler or match pattern (None for a builtin);
    `statement`: the statement that binds it (the Import, the Assign, the def, the Try of
    an `except ... as`; for a lambda's or a comprehension's names, the statement around).
    `index`: its order in the scope, against which reads in the same scope are placed."""

    name: str
    node: ast.AST | None
    scope: Scope
    kind: Source
    statement: ast.stmt | None
    index: int = -1


class Scope:
    """A module, class, function (or lambda) or comprehension scope; the one "builtin"
    scope holds the builtins' assignments (`a.scope.kind == "global"` is False for them,
    as LibCST's `isinstance(a.scope, GlobalScope)`)."""

    __slots__ = (
        "_count",
        "_overwrites",
        "_prefix",
        "_resolved",
        "_scopes",
        "assignments",
        "kind",
        "node",
        "parent",
    )

    def __init__(
        self,
        scopes: Owner,
        kind: ScopeKind,
        node: ast.AST,
        parent: Scope | None,
        name: str | None = None,
    ) -> None:
        self.kind: ScopeKind = kind
        self.node = node
        self.parent = parent
        # Bound in this scope, in the order bound; `import a.b` binds "a.b" and "a" (as in
        # LibCST: `a.b.c` then resolves through the longest bound prefix).
        self.assignments: Mapping[str, Sequence[Assignment]] = {}
        self._scopes = scopes
        self._count = 0  # assignment-like statements ended so far (LibCST's index)
        self._overwrites: dict[str, bool] | None = None  # name -> True: global, False: nonlocal
        self._resolved: dict[str, Sequence[Assignment]] = {}
        outer = parent._prefix if parent is not None else ""
        parts = {
            "function": (outer, name, "<locals>"),
            "class": (outer, name),
            "comprehension": (outer, "<comprehension>"),
        }.get(kind, ())
        self._prefix: str = ".".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Scope {self.kind} {self._prefix or type(self.node).__name__}>"

    def __getitem__(self, name: str) -> Sequence[Assignment]:
        """What `name` read here may be: the bindings of the nearest scope that binds it
        (class scopes are skipped from the scopes inside them), else the builtin."""
        found = self._resolved.get(name)
        if found is None:
            found = self._resolved[name] = self._resolve(name)
        return found

    def __contains__(self, name: str) -> bool:
        return bool(self[name])

    def _resolve(self, name: str) -> Sequence[Assignment]:
        scope = self
        while True:
            overwrites = scope._overwrites
            if overwrites is not None and name in overwrites:
                target = self._scopes.global_scope if overwrites[name] else scope.parent
                assert target is not None
                scope = _visible(target)
                continue
            found = scope.assignments.get(name)
            if found:
                return found
            if scope.parent is None:
                return self._scopes.builtin(name)
            scope = _visible(scope.parent)

    def get_qualified_names_for(self, node: ast.AST | str) -> frozenset[QualifiedName]:
        """The dotted names `node` (a name, a dotted attribute, or a dotted string) read in
        this scope may refer to: `os.getenv` -> "os.getenv" (import), `print` ->
        "builtins.print", a function `g` of `f` -> "f.<locals>.g" (local)."""
        scopes = self._scopes
        if isinstance(node, str):
            full: str | None = node
        elif type(node) is ast.Name or type(node) is ast.Attribute:
            access = scopes.access_of(node)
            if access is not None and access[0] is self:
                found: set[QualifiedName] = set()
                for referent in scopes.referents_of(access):
                    found |= _qualified(referent, referent.name)
                return frozenset(found)
            full = dotted_name(node)
        else:
            full = None
        if not full:
            return _NOTHING
        prefix = full
        assignments: Sequence[Assignment] = ()
        while prefix:
            assignments = self[prefix]
            if assignments:
                break
            prefix = prefix.rpartition(".")[0]
        for assignment in assignments:
            if assignment.node is node:
                return frozenset(_qualified(assignment, full))
        names: set[QualifiedName] = set()
        for assignment in assignments:
            names |= _qualified(assignment, full)
        return frozenset(names)


def _visible(scope: Scope) -> Scope:
    """`scope`, or the first scope around it that is not a class's: a class's names are
    not seen from the functions, lambdas and comprehensions inside it."""
    while scope.kind == "class" and scope.parent is not None:
        scope = scope.parent
    return scope


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name; None for anything else."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _qualified(assignment: Assignment, full_name: str) -> set[QualifiedName]:
    if assignment.kind == "builtin":
        # LibCST names the builtin alone, whatever attribute is read of it.
        return {QualifiedName(f"builtins.{assignment.name}", "builtin")}
    if assignment.kind == "local":
        prefix = assignment.scope._prefix
        return {QualifiedName(f"{prefix}.{full_name}" if prefix else full_name, "local")}
    return _imported(assignment.statement, full_name)


def _imported(statement: ast.stmt | None, full_name: str) -> set[QualifiedName]:
    """LibCST's ImportAssignment.get_qualified_names_for: every name of the import that
    `full_name` starts with, mapped to what it imports (relative imports keep their
    dots: `from . import a` -> ".a", `from .m import a` -> ".m.a")."""
    module = ""
    if isinstance(statement, ast.ImportFrom):
        module = "." * statement.level + (statement.module or "")
    elif not isinstance(statement, ast.Import):
        return set()
    results = set()
    for alias in statement.names:
        parts = alias.name.split(".")
        for end in range(len(parts), 0, -1):
            real_name = as_name = ".".join(parts[:end])
            if module.endswith("."):
                real_name = module + real_name
            elif module:
                real_name = f"{module}.{real_name}"
            if alias.asname:
                as_name = alias.asname
            if full_name.startswith(as_name):
                remaining = full_name[len(as_name) :]
                if remaining and not remaining.startswith("."):
                    continue
                remaining = remaining.lstrip(".")
                name = f"{real_name}.{remaining}" if remaining else real_name
                results.add(QualifiedName(name, "import"))
                break
    return results


Access = tuple[Scope, int, str, ast.Name]  # scope read in, index there, name read, its node


def referents(access: Access) -> Sequence[Assignment]:
    scope, index, name, _ = access
    assignments = scope[name]
    if not assignments or assignments[0].scope is not scope:
        return assignments
    earlier = [a for a in assignments if a.index < index]
    if earlier:
        return earlier if len(earlier) < len(assignments) else assignments
    # Nothing bound here yet: what the scope around binds. As LibCST, that is the
    # direct parent even when it is a class, or the builtin for the module.
    parent = scope.parent
    if parent is None:
        return scope._scopes.builtin(name)
    return parent[name]


class Tables:
    """What the pass records: every name's scope and index, the scopes by their nodes."""

    __slots__ = ("_links", "dotted", "global_scope", "names", "scopes", "star_imports")

    def __init__(self, global_scope: Scope) -> None:
        self.global_scope = global_scope
        # Every ast.Name: the scope it is read or bound in, and that scope's index then.
        self.names: dict[ast.Name, tuple[Scope, int]] = {}
        self.scopes: dict[ast.AST, Scope] = {global_scope.node: global_scope}
        self.star_imports: tuple[str, ...] = ()
        self.dotted = False  # whether some `import a.b` binds a dotted name
        self._links: dict[ast.AST, ast.Attribute] | None = None  # `a` -> `a.b`

    def reads(self) -> list[ast.Name]:
        return [n for n in self.names if type(n.ctx) is not ast.Store]

    def access_of_name(self, name: ast.Name) -> Access | None:
        found = self.names.get(name)
        if found is None or type(name.ctx) is ast.Store:
            return None
        scope, index = found
        key = self._dotted_read(name, scope)[0] if self.dotted else name.id
        return scope, index, key, name

    def access_of(self, node: ast.AST) -> Access | None:
        if type(node) is ast.Name:
            access = self.access_of_name(node)
            return access if access is None or "." not in access[2] else None
        if not self.dotted or type(node) is not ast.Attribute:
            return None
        base = node.value
        while type(base) is ast.Attribute:
            base = base.value
        if type(base) is not ast.Name:
            return None
        access = self.access_of_name(base)
        if access is None or self._dotted_read(base, access[0])[1] is not node:
            return None
        return access

    def _dotted_read(self, name: ast.Name, scope: Scope) -> tuple[str, ast.AST]:
        """What LibCST records a read of `name` as: the longest dotted name of the
        attributes on it that an import binds (`os.path` of `os.path.join` after `import
        os.path`), else the name itself."""
        links = self._links
        if links is None:
            links = self._links = {
                n.value: n
                for n in self.global_scope._scopes.attributes()
                if type(n.value) in (ast.Name, ast.Attribute)
            }
        chain: list[tuple[str, ast.AST]] = []
        dotted, node = name.id, links.get(name)
        while node is not None:
            dotted = f"{dotted}.{node.attr}"
            chain.append((dotted, node))
            node = links.get(node)
        for found in reversed(chain):
            if found[0] in scope:
                return found
        return name.id, name
