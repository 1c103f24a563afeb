"""A validated settings class an app has already: a pydantic-settings `BaseSettings`
class, or the dataclass the unvalidated-env fix writes; with the instance the app reads
it through (`settings = Settings()`), which the fix extends rather than starting another."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from auditor.plugins import EnvRead, ProjectFiles
from rules.python._env_apps import App
from rules.python._env_fields import Declared, Style
from rules.python._env_inventory import python_env_reads

_LIBRARIES: dict[str, Style] = {"pydantic-settings": "pydantic", "dataclass": "stdlib"}


@dataclass(frozen=True, slots=True)
class Existing:
    path: str
    style: Style
    owner: str  # the class
    instance: str | None  # the module-level instance, if any
    instance_line: int  # where it is assigned (0: none)
    fields: dict[str, Declared]  # by variable
    attributes: frozenset[str]  # every name the class body binds


def existing_settings(app: App, files: ProjectFiles) -> Existing | None:
    """The app's settings class: of the modules under its root that define one, the
    first by path that has a module-level instance, else the first."""
    found: list[Existing] = []
    for path in files.paths():
        if not path.endswith(".py") or (app.root and not path.startswith(app.root + "/")):
            continue
        text = files.read(path)
        if text is None or ("BaseSettings" not in text and "metadata" not in text):
            continue
        try:
            reads = python_env_reads(path, text, False)
        except Exception:  # a file that does not parse holds no settings to extend
            continue
        found += _classes(path, text, [r for r in reads if r.validated])
    with_instance = [e for e in found if e.instance is not None]
    ranked = with_instance or found
    return ranked[0] if ranked else None


def _classes(path: str, text: str, reads: Sequence[EnvRead]) -> list[Existing]:
    owners: dict[str, tuple[Style, dict[str, Declared]]] = {}
    for read in reads:
        library, _, what = read.via.partition(" ")
        owner, _, attr = what.partition(".")
        style = _LIBRARIES.get(library)
        if style is None or not attr or read.name is None:
            continue
        entry = owners.setdefault(owner, (style, {}))
        declared = Declared(attr, read.type or "", read.kind, read.default)
        entry[1].setdefault(read.name, declared)
    if not owners:
        return []
    wrapper = cst.MetadataWrapper(cst.parse_module(text))
    module = wrapper.module
    lines = wrapper.resolve(PositionProvider)
    classes = {
        s.name.value: s
        for s in module.body
        if isinstance(s, cst.ClassDef) and s.name.value in owners
    }
    result = []
    for owner, (style, fields) in owners.items():
        node = classes.get(owner)
        if node is None:
            continue  # a class inside a function: not one the app imports
        instance, line = _instance(module, owner, lines)
        result.append(Existing(path, style, owner, instance, line, fields, _bound(node)))
    return result


def _instance(
    module: cst.Module, owner: str, lines: Mapping[cst.CSTNode, CodeRange]
) -> tuple[str | None, int]:
    """`name = Owner()`, or `name = build()` of a function annotated `-> Owner`."""
    builders = {owner} | {
        s.name.value
        for s in module.body
        if isinstance(s, cst.FunctionDef)
        and s.returns is not None
        and isinstance(s.returns.annotation, cst.Name)
        and s.returns.annotation.value == owner
    }
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and isinstance(small.value, cst.Call)
                    and isinstance(small.value.func, cst.Name)
                    and small.value.func.value in builders
                ):
                    return small.targets[0].target.value, lines[small].start.line
    return None, 0


def _bound(node: cst.ClassDef) -> frozenset[str]:
    names: set[str] = set()
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                target = getattr(small, "target", None)
                if isinstance(target, cst.Name):
                    names.add(target.value)
                for assigned in getattr(small, "targets", ()):
                    if isinstance(assigned.target, cst.Name):
                        names.add(assigned.target.value)
    return frozenset(names)
