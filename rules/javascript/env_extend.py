"""unvalidated-env (JS/TS), the fix: a validated settings module the app has already,
extended with the variables read raw elsewhere.

Extended are a t3-env `createEnv` (new entries in `server` or `client`, made when
missing, and in `runtimeEnv` / `experimental__runtimeEnv` when those are written out),
a zod `z.object({...})` schema parsed into an exported value (and the object handed to
`.parse`, when it is written out), and the check module the fix writes itself. Each is
known by the validator the rule recognises (rules/javascript/env_validators.py) and must
be assigned to an exported `const` (`export const env = createEnv(...)`), whose name the
rewritten reads use. Anything else (envalid, znv, an unexported value) is left alone, and
the app gets no fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.plugins import Edit, ParsedFile
from rules.javascript.env_module import quoted, runtime_entry, zod_field
from rules.javascript.env_uses import Field
from rules.javascript.env_validators import Entry, Validation, validations
from rules.javascript.scope import Scopes

if TYPE_CHECKING:
    from tree_sitter import Node

Kind = Literal["t3", "zod", "check"]


@dataclass(frozen=True, slots=True)
class Existing:
    file: ParsedFile
    binding: str
    kind: Kind
    found: tuple[Validation, ...]

    @property
    def schema(self) -> dict[str, Entry]:
        return {k: e for v in self.found for k, e in v.schema.items()}


def existing_module(file: ParsedFile) -> Existing | Literal["other"] | None:
    """The module's validated settings object, if the fix can extend it; "other" when the
    module validates in a way it cannot; None when it validates nothing."""
    found = validations(file, Scopes(file))
    if not found:
        return None
    kinds = {_kind(v) for v in found}
    bindings = {_exported(file, v.call) for v in found}
    if len(kinds) != 1 or len(bindings) != 1:
        return "other"
    kind, binding = kinds.pop(), bindings.pop()
    if kind is None or binding is None:
        return "other"
    return Existing(file, binding, kind, found)


def _kind(validation: Validation) -> Kind | None:
    if validation.name == "createEnv":
        return "t3"
    if validation.via.startswith("zod "):
        return "zod"
    if validation.via.startswith("check "):
        return "check"
    return None


def _exported(file: ParsedFile, call: Node) -> str | None:
    current: Node | None = call
    while current is not None and current.type != "variable_declarator":
        if current.type in {"function_declaration", "arrow_function", "function_expression"}:
            return None
        current = current.parent
    if current is None:
        return None
    name = current.child_by_field_name("name")
    declaration = current.parent
    if name is None or name.type != "identifier" or declaration is None:
        return None
    binding = file.code(name)
    exported = declaration.parent is not None and declaration.parent.type == "export_statement"
    if exported or f"module.exports = {{ {binding} }}" in file.text:
        return binding
    return None


def extend_edits(existing: Existing, fields: Sequence[Field]) -> list[Edit]:
    """The edits of the module that declare `fields` (none of them in it yet)."""
    if not fields:
        return []
    if existing.kind == "t3":
        return _t3(existing.file, existing.found[0], fields)
    if existing.kind == "zod":
        return _zod(existing.file, existing.found, fields)
    return _check(existing.file, existing.found[0], fields)


def _t3(file: ParsedFile, validation: Validation, fields: Sequence[Field]) -> list[Edit]:
    options = _arguments(validation.call)[0]
    parts = _pairs(file, options)
    edits = []
    new_parts: list[tuple[str, list[str]]] = []
    for part, public in (("server", False), ("client", True)):
        entries = [f"{f.name}: {zod_field(f)}," for f in fields if f.public == public]
        if not entries:
            continue
        if part in parts and parts[part].type == "object":
            edits.append(append_entries(file, parts[part], entries))
        else:
            new_parts.append((part, entries))
    for key, public_only in (("runtimeEnv", False), ("experimental__runtimeEnv", True)):
        value = parts.get(key)
        if value is not None and value.type == "object":
            names = [f.name for f in fields if f.public or not public_only]
            if names:
                edits.append(append_entries(file, value, [runtime_entry(n) for n in names]))
    if new_parts:
        unit = _unit(_indent(file, options))
        blocks = []
        for part, entries in new_parts:
            inner = "".join(f"\n{_indent(file, options)}{unit}{unit}{e}" for e in entries)
            blocks.append(f"{part}: {{{inner}\n{_indent(file, options)}{unit}}},")
        edits.append(append_entries(file, options, blocks, first=True))
    return edits


def _zod(file: ParsedFile, found: Sequence[Validation], fields: Sequence[Field]) -> list[Edit]:
    edits = []
    spread = {v.data is not None for v in found} == {True, False} and len(found) == 2
    for validation in found:
        if spread:  # the fix's own Next.js module: the client's schema is parsed written out
            chosen = [f for f in fields if f.public == (validation.data is not None)]
        else:
            chosen = list(fields) if validation is found[0] else []
        schema = _zod_object(file, validation)
        if not chosen or schema is None:
            continue
        edits.append(append_entries(file, schema, [f"{f.name}: {zod_field(f)}," for f in chosen]))
        if validation.data is not None and validation.data.type == "object":
            entries = [runtime_entry(f.name) for f in chosen]
            edits.append(append_entries(file, validation.data, entries))
    return edits


def _zod_object(file: ParsedFile, validation: Validation) -> Node | None:
    """The `{...}` of the schema's `z.object({...})`."""
    function = validation.call.child_by_field_name("function")
    current = function.child_by_field_name("object") if function is not None else None
    scopes = Scopes(file)
    while current is not None:
        if current.type == "identifier":
            binding = scopes.resolve(current)
            value = binding.declaration.child_by_field_name("value") if binding else None
            current = value
            continue
        if current.type != "call_expression":
            return None
        callee = current.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            return None
        prop = callee.child_by_field_name("property")
        args = _arguments(current)
        if prop is not None and file.code(prop) in {"object", "strictObject", "looseObject"}:
            return args[0] if args and args[0].type == "object" else None
        current = callee.child_by_field_name("object")
    return None


def _check(file: ParsedFile, validation: Validation, fields: Sequence[Field]) -> list[Edit]:
    assert validation.data is not None
    values = []
    for f in fields:
        default = (
            f" ?? {quoted(f.default)}" if f.kind == "default" and f.default is not None else ""
        )
        values.append(f"{f.name}: process.env.{f.name}{default},")
    edits = [append_entries(file, validation.data, values)]
    args = _arguments(validation.call)
    required = [f for f in fields if f.kind == "required"]
    if len(args) < 2 or not required:
        return edits
    arrays = [args[1]] if args[1].type == "array" else []
    if args[1].type == "ternary_expression":
        arrays = [n for n in args[1].named_children[1:] if n.type == "array"]
    for index, array in enumerate(arrays):
        # A ternary's second list is the browser's: the public variables alone.
        names = [quoted(f.name) for f in required if index == 0 or f.public]
        if names:
            edits.append(append_entries(file, array, names, items=True))
    return edits


# --- editing object and array literals -----------------------------------------------


def append_entries(
    file: ParsedFile,
    node: Node,
    entries: Sequence[str],
    *,
    first: bool = False,
    items: bool = False,
) -> Edit:
    """An edit adding `entries` (each with its trailing comma, unless `items`: array items
    without one) at the end of the object or array literal `node` (at its start with
    `first`), written as it is: one per line in a multi-line literal, inline otherwise."""
    children = [c for c in node.named_children if c.type != "comment"]
    text = file.text
    start, end = file.span(node)
    closing = end - 1
    indent = _indent(file, node)
    unit = _unit(indent)
    multiline = "\n" in text[start:end] or not children
    bare = [e.rstrip(",") for e in entries]
    if not children:
        inner = "".join(f"\n{indent}{unit}{e}{',' if items else ''}" for e in entries)
        comments = node.named_children
        if comments:  # `{ // NEXT_PUBLIC_X: z.string() }`: the comments stay
            at = file.span(comments[-1])[1]
            return Edit(at, at, inner)
        return Edit(start + 1, closing, f"{inner}\n{indent}")
    if first:
        at = start + 1
        lead = "".join(f"\n{indent}{unit}{e}" for e in entries)
        return Edit(at, at, lead if multiline else " " + ", ".join(bare) + ",")
    last_end = file.span(children[-1])[1]
    between = text[last_end:closing]
    comma = between.lstrip().startswith(",")
    at = last_end + between.index(",") + 1 if comma else last_end
    if multiline:
        joined = "".join(f"\n{indent}{unit}{e}{',' if items else ''}" for e in entries)
        if comma:
            return Edit(at, at, joined)
        # No trailing comma: the last entry gets one, the new last none.
        return Edit(at, at, "," + joined.rstrip(","))
    return Edit(at, at, ("" if comma else ",") + " " + ", ".join(bare))


def _indent(file: ParsedFile, node: Node) -> str:
    """The indentation of the line `node` starts on."""
    text = file.text
    start = file.span(node)[0]
    line = text.rfind("\n", 0, start) + 1
    head = text[line:start]
    return head[: len(head) - len(head.lstrip(" \t"))]


def _unit(indent: str) -> str:
    return "\t" if indent.startswith("\t") else "  "


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    return [] if arguments is None else [a for a in arguments.named_children if a.type != "comment"]


def _pairs(file: ParsedFile, obj: Node) -> dict[str, Node]:
    found = {}
    for pair in obj.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        value = pair.child_by_field_name("value") if pair.type == "pair" else None
        if key is not None and value is not None:
            found[file.code(key).strip("'\"")] = value
        elif pair.type == "shorthand_property_identifier":
            found[file.code(pair)] = pair
    return found
