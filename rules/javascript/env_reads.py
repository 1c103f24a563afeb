"""Reads of environment variables in JavaScript and TypeScript, found in one place for the
`unvalidated-env` rule and the `audit env` inventory.

The environment is `process.env` (with `process` the global, or imported from `process` or
`node:process`; also `process["env"]`) and `import.meta.env` (Vite and friends), seen
through parentheses and TypeScript's `as`, `satisfies`, `<T>` and `!`
(`(process.env as Env).A`, `process.env!.A`), and through an alias of it: a `const`, `let`
or `var` bound to it (`const env = process.env; env.A`) and never reassigned, followed by
scope. What counts as a read:

- `process.env.NAME`, `process.env["NAME"]`, `process.env?.NAME` (kind "optional": a
  missing variable is `undefined`), or "default" when the read is the left side of
  `?? x` or `|| x`; `process.env[name]` has a computed name.
- Destructuring: `const { A, B: b = "1", ...rest } = process.env` (also in an assignment,
  and as a pattern's default: `function f({ A } = process.env)`) reads A (optional) and B
  (default "1"); the rest is a copy.
- The whole environment: `Object.keys/values/entries(process.env)` and
  `for (k in process.env)` (kind "enumerate"); `{ ...process.env }` (kind "copy").

Not reads: assigning (`process.env.X = "1"`) or deleting a variable, `"X" in process.env`,
passing `process.env` itself along, and types (`type T = typeof process.env.X`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.plugins import ParsedFile, ReadKind
from rules.javascript.scope import Scopes, import_source, is_assigned, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

# A file containing none of these cannot read the environment.
TRIGGERS: tuple[str, ...] = ("process", "import.meta")

_PROCESS_MODULES = frozenset({"process", "node:process"})
_ENUMERATE = frozenset({"Object.keys", "Object.values", "Object.entries"})
_LITERALS = frozenset({"string", "number", "true", "false", "null", "template_string"})
# Expressions whose value is their operand's: `(e)`, `e as T`, `e satisfies T`, `<T>e`, `e!`.
WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "type_assertion",
        "non_null_expression",
    }
)
_PARAMETERS = frozenset({"required_parameter", "optional_parameter"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


@dataclass(frozen=True, slots=True)
class JsEnvAccess:
    """One read found in a file. `node` is the expression to report."""

    node: Node
    name: str | None  # None: a computed name, or the whole environment
    kind: ReadKind
    default: str | None  # the literal default's value (kind "default"); None if computed
    default_code: str | None  # that literal as written, for messages
    via: str  # how the environment was reached: "process.env" or "import.meta.env"


def env_accesses(file: ParsedFile, scopes: Scopes | None = None) -> Iterator[JsEnvAccess]:
    """Every read in one parsed file, in source order."""
    scopes = scopes or Scopes(file)
    found = [
        access
        for env in environments(file, scopes)
        for access in _reads(file, env, _via(file, env), scopes, frozenset())
    ]
    yield from sorted(found, key=lambda access: access.node.start_byte)


def environments(file: ParsedFile, scopes: Scopes) -> Iterator[Node]:
    """The `process.env` and `import.meta.env` expressions (`process["env"]` too), found
    from the text `env`."""
    data = file.data
    start = data.find(b"env")
    while start != -1:
        node = file.root.descendant_for_byte_range(start, start + 3)
        start = data.find(b"env", start + 3)
        if node is None or file.code(node) != "env":
            continue
        member = node.parent
        if node.type == "property_identifier":
            if member is None or member.type != "member_expression":
                continue
        elif node.type == "string_fragment" and member is not None:
            string, member = member, member.parent
            if (
                member is None
                or member.type != "subscript_expression"
                or not is_field(member, "index", string)
                or string_value(string) != "env"
            ):
                continue
        else:
            continue
        owner = member.child_by_field_name("object")
        if owner is None:
            continue
        if owner.type == "meta_property" or (
            owner.type == "identifier"
            and file.code(owner) == "process"
            and _is_process(scopes, owner)
        ):
            yield member


def _is_process(scopes: Scopes, ref: Node) -> bool:
    binding = scopes.resolve(ref, "process")
    return binding is None or import_source(binding) in _PROCESS_MODULES


def _via(file: ParsedFile, env: Node) -> str:
    owner = env.child_by_field_name("object")
    return (
        "import.meta.env" if owner is not None and owner.type == "meta_property" else "process.env"
    )


def _reads(
    file: ParsedFile, env: Node, via: str, scopes: Scopes, aliases: frozenset[int]
) -> Iterator[JsEnvAccess]:
    """The reads of the environment expression `env`; `aliases` are the declarators of the
    aliases followed to reach it (an alias of an alias is followed once)."""
    if _in_type(env):
        return
    while env.parent is not None and env.parent.type in WRAPPERS:
        env = env.parent
    parent = env.parent
    if parent is None:
        return
    kind = parent.type
    if kind == "member_expression" and is_field(parent, "object", env):
        prop = parent.child_by_field_name("property")
        if prop is not None and _is_read(parent):
            yield _read(file, parent, file.code(prop), via)
    elif kind == "subscript_expression" and is_field(parent, "object", env):
        index = parent.child_by_field_name("index")
        if index is not None and _is_read(parent):
            yield _read(file, parent, string_value(index), via)
    elif (kind == "variable_declarator" and is_field(parent, "value", env)) or (
        kind == "assignment_expression" and is_field(parent, "right", env)
    ):
        pattern = parent.child_by_field_name("name" if kind == "variable_declarator" else "left")
        if pattern is not None and pattern.type == "object_pattern":
            yield from _destructured(file, pattern, via)
        elif (
            pattern is not None and pattern.type == "identifier" and kind != "assignment_expression"
        ):
            yield from _aliased(file, parent, pattern, via, scopes, aliases)
    elif (kind == "assignment_pattern" and is_field(parent, "right", env)) or (
        kind in _PARAMETERS and is_field(parent, "value", env)
    ):
        # A default: `function f({ A } = process.env)`, `({ A }: Env = process.env) => A`.
        pattern = parent.child_by_field_name("left" if kind == "assignment_pattern" else "pattern")
        if pattern is not None and pattern.type == "object_pattern":
            yield from _destructured(file, pattern, via)
    elif kind == "spread_element":
        yield JsEnvAccess(env, None, "copy", None, None, via)
    elif kind == "for_in_statement" and is_field(parent, "right", env):
        operator = parent.child_by_field_name("operator")
        if operator is not None and operator.type == "in":
            yield JsEnvAccess(env, None, "enumerate", None, None, via)
    elif kind == "arguments":
        call = parent.parent
        function = call.child_by_field_name("function") if call is not None else None
        if function is not None and file.code(function) in _ENUMERATE:
            yield JsEnvAccess(env, None, "enumerate", None, None, via)


def _aliased(
    file: ParsedFile,
    declarator: Node,
    name: Node,
    via: str,
    scopes: Scopes,
    aliases: frozenset[int],
) -> Iterator[JsEnvAccess]:
    """The reads through `const env = process.env` (or `let`, `var`): each use of `env` where
    this declaration is the one in scope, unless one of them reassigns it."""
    declaration = declarator.parent
    if declaration is None or declaration.type not in _DECLARATIONS or declarator.id in aliases:
        return
    alias = file.code(name)
    binding = next((b for b in scopes.bindings(alias) if b.declaration.id == declarator.id), None)
    if binding is None:
        return
    uses = scopes.references(binding)
    if any(is_assigned(use, alias) for use in uses):
        return
    for use in uses:
        if use.type == "identifier":
            yield from _reads(file, use, via, scopes, aliases | {declarator.id})


def _in_type(node: Node) -> bool:
    """Whether `node` is part of a type (`type T = typeof process.env.X`): no read."""
    current = node.parent
    while current is not None:
        if current.type == "type_query":
            return True
        current = current.parent
    return False


def _is_read(access: Node) -> bool:
    parent = access.parent
    if parent is None:
        return True
    if parent.type == "assignment_expression" and is_field(parent, "left", access):
        return False
    return not (parent.type == "unary_expression" and _operator(parent) == "delete")


def _read(file: ParsedFile, access: Node, name: str | None, via: str) -> JsEnvAccess:
    parent = access.parent
    if (
        parent is not None
        and parent.type == "binary_expression"
        and _operator(parent) in {"??", "||"}
        and is_field(parent, "left", access)
    ):
        fallback = parent.child_by_field_name("right")
        default, code = literal(file, fallback)
        return JsEnvAccess(access, name, "default", default, code, via)
    return JsEnvAccess(access, name, "optional", None, None, via)


def _destructured(file: ParsedFile, pattern: Node, via: str) -> Iterator[JsEnvAccess]:
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            yield JsEnvAccess(prop, file.code(prop), "optional", None, None, via)
        elif prop.type == "object_assignment_pattern":
            left = prop.child_by_field_name("left")
            default, code = literal(file, prop.child_by_field_name("right"))
            name = file.code(left) if left is not None else None
            yield JsEnvAccess(prop, name, "default", default, code, via)
        elif prop.type == "pair_pattern":
            key = prop.child_by_field_name("key")
            value = prop.child_by_field_name("value")
            name = None
            if key is not None:
                name = file.code(key) if key.type == "property_identifier" else string_value(key)
            if value is not None and value.type == "assignment_pattern":
                default, code = literal(file, value.child_by_field_name("right"))
                yield JsEnvAccess(prop, name, "default", default, code, via)
            else:
                yield JsEnvAccess(prop, name, "optional", None, None, via)
        elif prop.type == "rest_pattern":
            yield JsEnvAccess(prop, None, "copy", None, None, via)


def literal(file: ParsedFile, node: Node | None) -> tuple[str | None, str | None]:
    """A literal fallback's value and code; (None, None) for a computed one."""
    if node is None or node.type not in _LITERALS:
        return None, None
    code = file.code(node)
    if node.type in {"string", "template_string"}:
        value = string_value(node)
        return (value, code) if value is not None else (None, None)
    return code, code


def _operator(node: Node) -> str | None:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else None


def is_field(parent: Node, field: str, child: Node) -> bool:
    value = parent.child_by_field_name(field)
    return value is not None and value.id == child.id
