"""unvalidated-kwargs' fix, decided at detection on `ast`: which model the keys are checked
against, its writable fields, and how (a pydantic schema, or an allow-list); LibCST writes
it (`_kwargs_fix`) only when the fix is applied.

Offered only where the target is known: every sink of the function is the same model's
constructor (or `Model.objects.create`), or `setattr` onto `self` in a model's method or
onto a parameter annotated with a model; and the mapping is not read by key besides.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.plugins import subtree
from rules.python._kwargs_ast_header import can_place
from rules.python._kwargs_ast_state import KwargsUse
from rules.python._kwargs_ast_syntax import Function, dotted, string_value
from rules.python._kwargs_fields import ModelField, writable_fields
from rules.python._kwargs_lineage import lineage
from rules.python._kwargs_models import ModelClass
from rules.python._kwargs_schema import schema_lines

CREATORS = ("objects.create",)


@dataclass(frozen=True, slots=True)
class FixContext:
    """What the fix needs to know of the file beyond the function."""

    tree: ast.Module
    source: Sequence[str]  # the file's lines
    models: Mapping[str, ModelClass]  # by the name the file uses: `Booking`, `models.Booking`
    owner: ast.ClassDef | None  # the class the function is a method of
    pydantic: bool
    uses: Callable[[str], bool]  # whether a name is a variable of the module
    schemas: frozenset[str]  # pydantic models the module defines
    first_party: Callable[[str], bool]
    root: Path | None
    path: str  # the file, root-relative
    roots: tuple[str, ...]  # framework bases, which declare no fields: `models.Model`...
    union: bool  # the app's Python writes `X | None` (3.10+), else `typing.Optional[X]`


@dataclass(frozen=True, slots=True)
class Plan:
    """The fix of a function's findings: what `_kwargs_fix.apply` writes."""

    description: str
    param: str
    qualname: str
    fields: tuple[ModelField, ...]
    model: ModelClass
    schema: str | None  # None: an allow-list of the fields' names
    written: bool  # the schema is written here (else the module defines it)
    union: bool
    first_party: Callable[[str], bool]


def plan_fix(context: FixContext, function: Function, use: KwargsUse, qualname: str) -> Plan | None:
    if use.literal_keys or use.rebound or use.stores or not use.sinks:
        return None
    targets = {_target(context, function, sink.callee, sink.receiver) for sink in use.sinks}
    if len(targets) != 1 or None in targets:
        return None
    target = targets.pop()
    assert target is not None
    key, creating = target
    model = context.models[key]
    declaring = lineage(model, context.root, context.path, context.roots)
    if declaring is None:
        return None  # a base's fields are unknown: the check would refuse valid keys
    shown = key.rpartition(".")[2]
    explicit = _explicit_keywords(use)
    mentioned = _mentioned(function)
    fields = tuple(
        f
        if creating and f.name not in mentioned
        else ModelField(f.name, f.annotation, True, f.modules)
        for f in writable_fields(declaring, local=model.rel is None)
        if f.name not in explicit
    )
    schema = f"{shown}{'Create' if creating else 'Update'}"

    def plan(description: str, schema: str | None, written: bool = False) -> Plan:
        return Plan(
            description,
            use.name,
            qualname,
            fields,
            model,
            schema,
            written,
            context.union,
            context.first_party,
        )

    if context.pydantic and (schema in context.schemas or not context.uses(schema)):
        description = f"validate `**{use.name}` with the pydantic schema `{schema}`"
        if schema in context.schemas:
            return plan(description, schema)
        lines = schema_lines(fields, union=context.union)
        modules = sorted({m for f in fields for m in f.modules} | lines.modules)
        placed = model.node.name if model.rel is None else None
        if not can_place(context.tree, context.source, placed, modules):
            return None
        return plan(f"{description} (written here)", schema, written=True)
    return plan(
        f"raise TypeError on keyword arguments that are not writable fields of `{shown}`", None
    )


def _target(
    context: FixContext, function: Function, callee: str | None, receiver: str | None
) -> tuple[str, bool] | None:
    """The model a sink writes (by the name the file uses), and whether it creates one."""
    if callee is not None:
        if callee in context.models:
            return callee, True
        for creator in CREATORS:
            owner = callee.removesuffix(f".{creator}")
            if owner != callee and owner in context.models:
                return owner, True
        return None
    if receiver == "self" and context.owner is not None:
        owner = context.owner.name
        return (owner, False) if owner in context.models else None
    for param in (*function.args.args, *function.args.kwonlyargs):
        if param.arg == receiver and param.annotation is not None:
            annotation = param.annotation
            name = string_value(annotation) or dotted(annotation)
            return (name, False) if name is not None and name in context.models else None
    return None


def _explicit_keywords(use: KwargsUse) -> set[str]:
    """Fields the function passes itself beside the mapping (`Booking(owner=user, **kw)`):
    a caller's key of that name was a TypeError before and is refused now."""
    found: set[str] = set()
    for sink in use.sinks:
        if isinstance(sink.node, ast.Call):
            found.update(k.arg for k in sink.node.keywords if k.arg is not None)
    return found | {f"{name}_id" for name in found}  # Django's `owner` and `owner_id`


def _mentioned(function: Function) -> set[str]:
    """Names the function sets or reads itself (`data["owner"] = user`, `b.owner = user`):
    a field it may fill in is never required of the caller."""
    found: set[str] = set()
    for node in subtree(function):
        if isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found
