"""unvalidated-kwargs: the field lines of the pydantic schema its fix writes.

A field the caller may leave out is `X | None = None`, or `typing.Optional[X] = None`
where the app supports a Python older than 3.10 (pydantic evaluates the annotation at
run time, `from __future__ import annotations` or not). A model field named like an
attribute of pydantic's `BaseModel` (`json`, `copy`, `dict`, `schema`, `validate`, any
`model_*`) would shadow it (`model_validate`, which the fix calls, among them): it gets a
name with a trailing underscore and the model's name as its alias, and the fix dumps by
alias, so the model still receives `json=`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.python._kwargs_fields import ANY, ModelField

# pydantic 2's BaseModel attributes besides `model_*` (dir(pydantic.BaseModel), 2.x).
RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)


@dataclass(frozen=True, slots=True)
class SchemaLines:
    lines: list[str]  # unindented
    modules: frozenset[str]  # modules the lines name, besides the fields' own
    aliased: bool  # a field has an alias: dump by alias


def reserved(name: str) -> bool:
    return name in RESERVED or name.startswith("model_")


def schema_lines(fields: Sequence[ModelField], *, union: bool) -> SchemaLines:
    taken = {f.name for f in fields}
    lines: list[str] = []
    modules: set[str] = set()
    aliased = False
    for field in fields:
        name = field.name
        if reserved(name):
            aliased = True
            while name in taken or reserved(name):
                name += "_"
            taken.add(name)
        annotation = field.annotation
        if ANY in annotation:
            modules.add("typing")
        if field.optional and annotation != ANY:
            if union:
                annotation = f"{annotation} | None"
            else:
                annotation = f"typing.Optional[{annotation}]"
                modules.add("typing")
        if name == field.name:
            default = " = None" if field.optional else ""
        elif field.optional:
            default = f' = pydantic.Field(default=None, alias="{field.name}")'
        else:
            default = f' = pydantic.Field(alias="{field.name}")'
        lines.append(f"{name}: {annotation}{default}")
    return SchemaLines(lines, frozenset(modules), aliased)
