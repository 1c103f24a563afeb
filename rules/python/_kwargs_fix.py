"""unvalidated-kwargs' fix, written with LibCST when it is applied: what
`_kwargs_ast_plan` decided at detection.

With pydantic (2) a dependency of the app, a `<Model>Create` schema (`<Model>Update`, every
field optional, for an object written field by field) with `extra="forbid"` is written
after the model class (or after the imports, for an imported model), and the function
starts with `kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)`:
only the keys the caller set go on, so the model's and the database's defaults still
apply. Without pydantic: an allow-list that raises `TypeError` naming the unknown keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from auditor.plugins import Fixed, FixTarget, Insertions, Replacement, Span, header_end
from rules.python._kwargs_ast_plan import Plan
from rules.python._kwargs_edit import allow_list_check, function_of, insert_first
from rules.python._kwargs_models import ModelClass
from rules.python._kwargs_schema import schema_lines
from rules.python._module_header import import_like


def apply(plan: Plan, target: FixTarget, param: Span) -> Fixed | None:
    """The fix `plan` describes, in the function whose `**` parameter is at `param`."""
    module = target.module
    node = target.node_at(param)
    function = None if node is None else function_of(module, node)
    if function is None:
        return None
    if plan.schema is None:
        keys = sorted(f.name for f in plan.fields)
        checks = allow_list_check(module, function, plan.param, keys, plan.qualname)
        return Fixed(replacements=tuple(insert_first(function.body, checks)))
    pairs = _schema_fix(module, function, plan, plan.schema)
    return None if pairs is None else Fixed(replacements=tuple(pairs))


def _schema_fix(
    module: cst.Module, function: cst.FunctionDef, plan: Plan, schema: str
) -> list[tuple[cst.CSTNode, Replacement]] | None:
    body = module.body
    param = plan.param
    lines = schema_lines(plan.fields, union=plan.union)
    dump = "by_alias=True, exclude_unset=True" if lines.aliased else "exclude_unset=True"
    entry = cst.parse_statement(
        f"{param} = {schema}.model_validate({param}).model_dump({dump})" + module.default_newline,
        config=module.config_for_parsing,
    )
    pairs = insert_first(function.body, [entry])
    if not plan.written:
        return pairs
    place = _placement(body, plan.model)
    if place is None:
        return None
    insertions = Insertions(body, limit=place + 1)
    modules = sorted({m for f in plan.fields for m in f.modules} | lines.modules)
    if not all(insertions.add_import(m, limit=place) for m in modules):
        return None
    if not insertions.add_third_party("pydantic", plan.first_party):
        return None
    text = _schema_text(schema, lines.lines, module.default_indent, module.default_newline)
    statement = cst.parse_statement(text, config=module.config_for_parsing)
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    insertions.after.setdefault(place, []).append(statement.with_changes(leading_lines=blank))
    return [*pairs, *insertions.replacements()]


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
