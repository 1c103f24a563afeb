"""unvalidated-kwargs: the classes whose fields a model has, bases first, each with the
module that defines it.

A base is followed where it is defined: in the model's module, or in a module of the
project it is imported from (`from app.mixins import Timestamped`, `from app import
mixins` then `mixins.Timestamped`; read from disk, never imported). A framework base (a
`model-bases` or `validator-bases` name: `models.Model`, `db.Model`, `Base`,
`BaseModel`), `object`, `ABC` and `Generic` declare nothing a caller sets. Any other base
(a third-party mixin such as django-model-utils' `TimeStampedModel`, a name that cannot
be followed) may declare fields the rule cannot see: the lineage is then unknown and the
fix is not offered, since an allow-list without those fields would refuse valid calls.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.python._kwargs_ast_syntax import names_class
from rules.python._kwargs_models import (
    ModelClass,
    dotted_name,
    imports_of,
    module_path,
    parse_file,
)

FIELDLESS = frozenset({"object", "ABC", "abc.ABC", "Generic", "typing.Generic"})
MAX_DEPTH = 8  # bases of bases followed


@dataclass(frozen=True, slots=True)
class Declaring:
    """A class of the model's lineage and the module that defines it."""

    node: ast.ClassDef
    module: ast.Module
    own: bool  # defined in the model's own module


class _Unknown(Exception):
    """A base whose fields cannot be read."""


def lineage(
    model: ModelClass, root: Path | None, importer: str, roots: Sequence[str]
) -> list[Declaring] | None:
    """The model's classes, bases first (a later class's field overrides an earlier
    one's); None when a base cannot be read. `importer`: the scanned file, root-relative
    (the model's module when `model.rel` is None)."""
    walk = _Walk(root, tuple(roots))
    try:
        walk.add(model.node, model.module, model.rel or importer, own=True, depth=0)
    except _Unknown:
        return None
    return walk.order


@dataclass
class _Walk:
    root: Path | None
    roots: tuple[str, ...]

    def __post_init__(self) -> None:
        self.order: list[Declaring] = []
        self.seen: set[tuple[str, str]] = set()

    def add(
        self, node: ast.ClassDef, module: ast.Module, rel: str, *, own: bool, depth: int
    ) -> None:
        if (rel, node.name) in self.seen:
            return
        self.seen.add((rel, node.name))
        if depth > MAX_DEPTH:
            raise _Unknown
        classes = {s.name: s for s in module.body if isinstance(s, ast.ClassDef)}
        for base in reversed(node.bases):  # the first base's fields win: it comes last
            expr = base.value if isinstance(base, ast.Subscript) else base  # Generic[T]
            name = dotted_name(expr)
            if name is None:
                raise _Unknown
            parent = classes.get(name)
            if parent is not None and parent is not node:
                self.add(parent, module, rel, own=own, depth=depth + 1)
            elif name not in FIELDLESS and not names_class(name, self.roots):
                found = self._imported(name, module, rel)
                if found is None:
                    raise _Unknown
                self.add(found[0], found[1], found[2], own=False, depth=depth + 1)
        self.order.append(Declaring(node, module, own))

    def _imported(
        self, name: str, module: ast.Module, rel: str
    ) -> tuple[ast.ClassDef, ast.Module, str] | None:
        """The class a base names through the module's imports, if it is the project's:
        `Mixin` of `from x import Mixin`, `m.Mixin` of `from x import m`."""
        if self.root is None:
            return None
        head, _, attr = name.rpartition(".")
        for imported in imports_of(module):
            if head and imported.alias == head:
                submodule = (
                    f"{imported.module}.{imported.name}" if imported.module else imported.name
                )
                source = module_path(self.root, rel, submodule, imported.level)
                return None if source is None else self._class_in(source, attr, hops=3)
            if not head and imported.alias == name:
                source = module_path(self.root, rel, imported.module, imported.level)
                return None if source is None else self._class_in(source, imported.name, hops=3)
        return None

    def _class_in(
        self, rel: str, name: str, hops: int
    ) -> tuple[ast.ClassDef, ast.Module, str] | None:
        """The class `name` of a project module, following re-exports (`__init__.py`)."""
        assert self.root is not None
        tree = parse_file(self.root / rel)
        if tree is None:
            return None
        for statement in tree.body:
            if isinstance(statement, ast.ClassDef) and statement.name == name:
                return statement, tree, rel
        if hops == 0:
            return None
        for imported in imports_of(tree):
            if imported.alias == name:
                source = module_path(self.root, rel, imported.module, imported.level)
                return None if source is None else self._class_in(source, imported.name, hops - 1)
        return None
