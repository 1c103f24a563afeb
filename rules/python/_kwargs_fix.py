"""unvalidated-kwargs' fix: a check of the caller's keys against the model's writable
fields, at the function's entry.

With pydantic (2) a dependency of the app, a `<Model>Create` schema (`<Model>Update`, every
field optional, for an object written field by field) with `extra="forbid"` is written
after the model class (or after the imports, for an imported model), and the function
starts with `kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)`:
only the keys the caller set go on, so the model's and the database's defaults still
apply. Without pydantic: an allow-list that raises `TypeError` naming the unknown keys.

Offered only where the target is known: every sink of the function is the same model's
constructor (or `Model.objects.create`), or `setattr` onto `self` in a model's method or
onto a parameter annotated with a model; and the mapping is not read by key besides.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from auditor.plugins import Insertions, Replacement, header_end
from rules.python._kwargs_edit import allow_list_check, insert_first
from rules.python._kwargs_fields import ModelField, writable_fields
from rules.python._kwargs_flow import KwargsUse
from rules.python._kwargs_lineage import lineage
from rules.python._kwargs_models import ModelClass
from rules.python._kwargs_schema import schema_lines
from rules.python._kwargs_syntax import dotted, string_value
from rules.python._module_header import import_like

CREATORS = ("objects.create",)


@dataclass(frozen=True, slots=True)
class FixContext:
    """What the fix needs to know of the file beyond the function."""

    module: cst.Module
    models: Mapping[str, ModelClass]  # by the name the file uses: `Booking`, `models.Booking`
    owner: cst.ClassDef | None  # the class the function is a method of
    pydantic: bool
    uses: Callable[[str], bool]  # whether a name is a variable of the module
    schemas: frozenset[str]  # pydantic models the module defines
    first_party: Callable[[str], bool]
    root: Path | None
    path: str  # the file, root-relative
    roots: tuple[str, ...]  # framework bases, which declare no fields: `models.Model`...
    union: bool  # the app's Python writes `X | None` (3.10+), else `typing.Optional[X]`


@dataclass(frozen=True, slots=True)
class KwargsFix:
    replacements: list[tuple[cst.CSTNode, Replacement]]
    description: str


def kwargs_fix(
    context: FixContext,
    function: cst.FunctionDef,
    use: KwargsUse,
    qualname: str,
) -> KwargsFix | None:
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
    fields = [
        f
        if creating and f.name not in mentioned
        else ModelField(f.name, f.annotation, True, f.modules)
        for f in writable_fields(declaring, local=model.rel is None)
        if f.name not in explicit
    ]
    schema = f"{shown}{'Create' if creating else 'Update'}"
    if context.pydantic and (schema in context.schemas or not context.uses(schema)):
        return _schema_fix(context, function, use.name, model, schema, fields)
    checks = allow_list_check(
        context.module, function, use.name, sorted(f.name for f in fields), qualname
    )
    return KwargsFix(
        insert_first(function.body, checks),
        f"raise TypeError on keyword arguments that are not writable fields of `{shown}`",
    )


def _target(
    context: FixContext, function: cst.FunctionDef, callee: str | None, receiver: str | None
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
        owner = context.owner.name.value
        return (owner, False) if owner in context.models else None
    for param in (*function.params.params, *function.params.kwonly_params):
        if param.name.value == receiver and param.annotation is not None:
            annotation = param.annotation.annotation
            name = string_value(annotation) or dotted(annotation)
            return (name, False) if name is not None and name in context.models else None
    return None


def _explicit_keywords(use: KwargsUse) -> set[str]:
    """Fields the function passes itself beside the mapping (`Booking(owner=user, **kw)`):
    a caller's key of that name was a TypeError before and is refused now."""
    found: set[str] = set()
    for sink in use.sinks:
        if isinstance(sink.node, cst.Call):
            found.update(a.keyword.value for a in sink.node.args if a.keyword is not None)
    return found | {f"{name}_id" for name in found}  # Django's `owner` and `owner_id`


def _mentioned(function: cst.FunctionDef) -> set[str]:
    """Names the function sets or reads itself (`data["owner"] = user`, `b.owner = user`):
    a field it may fill in is never required of the caller."""
    code = cst.Module(body=[function]).code
    tree = ast.parse(code)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found


def _schema_fix(
    context: FixContext,
    function: cst.FunctionDef,
    param: str,
    model: ModelClass,
    schema: str,
    fields: Sequence[ModelField],
) -> KwargsFix | None:
    module = context.module
    body = module.body
    lines = schema_lines(fields, union=context.union)
    dump = "by_alias=True, exclude_unset=True" if lines.aliased else "exclude_unset=True"
    entry = cst.parse_statement(
        f"{param} = {schema}.model_validate({param}).model_dump({dump})" + module.default_newline,
        config=module.config_for_parsing,
    )
    pairs = insert_first(function.body, [entry])
    description = f"validate `**{param}` with the pydantic schema `{schema}`"
    if schema in context.schemas:
        return KwargsFix(pairs, description)
    place = _placement(body, model)
    if place is None:
        return None
    insertions = Insertions(body, limit=place + 1)
    modules = sorted({m for f in fields for m in f.modules} | lines.modules)
    if not all(insertions.add_import(m, limit=place) for m in modules):
        return None
    if not insertions.add_third_party("pydantic", context.first_party):
        return None
    text = _schema_text(schema, lines.lines, module.default_indent, module.default_newline)
    statement = cst.parse_statement(text, config=module.config_for_parsing)
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    insertions.after.setdefault(place, []).append(statement.with_changes(leading_lines=blank))
    return KwargsFix([*pairs, *insertions.replacements()], f"{description} (written here)")


def _placement(body: Sequence[cst.BaseStatement], model: ModelClass) -> int | None:
    """The top-level statement the schema goes after: the model class, in its own file;
    else the last import of the module's header."""
    if model.rel is None:
        for index, statement in enumerate(body):
            if isinstance(statement, cst.ClassDef) and statement.name.value == model.node.name:
                return index
        return None
    index = header_end(body)
    last = None
    while index < len(body) and import_like(body[index]):
        last = index
        index += 1
    return last


def _schema_text(schema: str, fields: Sequence[str], indent: str, newline: str) -> str:
    lines = [
        f"class {schema}(pydantic.BaseModel):",
        f'{indent}model_config = pydantic.ConfigDict(extra="forbid")',
    ]
    if fields:
        lines.append("")
    lines += [f"{indent}{line}" for line in fields]
    return newline.join(lines) + newline
