"""Scopes, bindings and qualified names over CPython's `ast`: the answers the Python rules
took from LibCST's ScopeProvider, QualifiedNameProvider and ParentNodeProvider, from one
pass over the tree (LibCST's metadata cost about 30 % of a scan, and importing LibCST
0.3 s, so nothing here imports it).

The answers are LibCST's, quirks included, so that rules ported from it report the same
findings (`bench/ast_scope_check.py` compares the two on whole corpora). Where Python and
LibCST disagree this follows Python, on purpose: a walrus in a comprehension binds in the
enclosing function, a `case` capture binds its name. An attribute of anything but a name
(`f().x`, `"".join`) resolves to nothing, where LibCST resolves it through the call or
subscript (`f.x`) or to `builtins.None`. String annotations are not read.

Like LibCST, a read sees the bindings of its own scope made before it (a binding counts
once the statement or expression that makes it ends), and every binding of the enclosing
scope it resolves to; when none of its own scope's bindings come first, it sees what the
scope around binds (the builtin, for a module-level read before the module's binding).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_scope_pass import build, enclosing_scope
from auditor.scan.ast_scope_types import (
    BUILTINS,
    Access,
    Assignment,
    QualifiedName,
    Scope,
    ScopeKind,
    Source,
    Tables,
    dotted_name,
    referents,
)


class Scopes:
    """The scopes of one module, built on first use by one pass over the tree; the
    parents of its nodes from the index (`AstIndex.parent`)."""

    def __init__(self, tree: ast.Module, index: AstIndex | None = None) -> None:
        self.tree = tree
        self._index = AstIndex(tree) if index is None else index
        self._built: Tables | None = None
        self._builtins: dict[str, Sequence[Assignment]] = {}
        self._builtin_scope = Scope(self, "builtin", tree, None)
        self._referents: dict[ast.Name, Sequence[Assignment]] = {}
        self._accesses: dict[Assignment, list[ast.Name]] | None = None

    def _tables(self) -> Tables:
        if self._built is None:
            self._built = build(self)
        return self._built

    @property
    def global_scope(self) -> Scope:
        return self._tables().global_scope

    @property
    def star_imports(self) -> tuple[str, ...]:
        """The modules of the module's `from m import *`, relative ones with their dots
        (`from . import *` -> ".")."""
        return self._tables().star_imports

    def builtin(self, name: str) -> Sequence[Assignment]:
        """The one builtin assignment of `name`; none when it is not a builtin."""
        found = self._builtins.get(name)
        if found is None:
            found = ()
            if name in BUILTINS:
                found = (Assignment(name, None, self._builtin_scope, "builtin", None),)
            self._builtins[name] = found
        return found

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope `node`'s names are read in: a def's decorators, defaults and
        annotations, a class's bases, a comprehension's first iterable are in the scope
        around; the def's body, parameters, the comprehension's other parts in its own."""
        tables = self._tables()
        base = node
        while type(base) is ast.Attribute:
            base = base.value
        if type(base) is ast.Name:
            found = tables.names.get(base)
            if found is not None:
                return found[0]
        return enclosing_scope(self, tables, node)

    def release(self) -> None:
        """Let go of the tables once the module's rules are done. Scopes and their
        bindings refer to each other, and through them to the whole tree: left as they
        are, every file's tree would wait for the garbage collector, whose passes then
        cost a fifth of a scan; released, each is freed as soon as its file is done."""
        held = [*(self._built.scopes.values() if self._built is not None else ())]
        for scope in (*held, self._builtin_scope):
            scope.assignments = {}
            scope._resolved = {}
            if hasattr(scope, "_scopes"):
                del scope._scopes
        self._built = None
        self._builtins.clear()
        self._referents.clear()
        self._accesses = None

    def attributes(self) -> Sequence[ast.Attribute]:
        """The module's attribute nodes, from the index the rules share."""
        return self._index.nodes(ast.Attribute)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._index.parent(node)

    def access_of(self, node: ast.AST) -> Access | None:
        """The read that `node` is, as LibCST records it: a name, or the attribute `a.b`
        read through `import a.b`; None for a binding or an attribute of another kind."""
        return self._tables().access_of(node)

    def referents_of(self, access: Access) -> Sequence[Assignment]:
        node = access[3]
        found = self._referents.get(node)
        if found is None:
            found = self._referents[node] = referents(access)
        return found

    def referents(self, name: ast.Name) -> Sequence[Assignment]:
        """The assignments a read (or `del`) of this name may see (LibCST's
        `access.referents`); empty for a binding. The `os` of `os.path.join` after
        `import os.path` is a read of "os.path", as in LibCST."""
        access = self._tables().access_of_name(name)
        return () if access is None else self.referents_of(access)

    def accesses(self, assignment: Assignment) -> Sequence[ast.Name]:
        """The names whose reads may see `assignment` (the inverse of `referents`)."""
        if self._accesses is None:
            inverse: dict[Assignment, list[ast.Name]] = {}
            for name in self._tables().reads():
                for referent in self.referents(name):
                    inverse.setdefault(referent, []).append(name)
            self._accesses = inverse
        return self._accesses.get(assignment, ())


__all__ = [
    "Access",
    "Assignment",
    "QualifiedName",
    "Scope",
    "ScopeKind",
    "Scopes",
    "Source",
    "dotted_name",
]
