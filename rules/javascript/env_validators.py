"""Validated environment in JavaScript and TypeScript: the schemas and typed parsers a
file hands the environment to, found for the `unvalidated-env` rule and `audit env`.

Recognised, each by its import (ES import or `require`):

- zod: `z.object({...}).parse(process.env)`, also `safeParse`, `parseAsync`,
  `safeParseAsync`, through `.extend({...})` and the like, and through a `const` holding
  the schema (`const schema = z.object(...); schema.parse({ A: process.env.A })`).
- t3-env (`@t3-oss/env-core`, `@t3-oss/env-nextjs`, ...): `createEnv({ server, client,
  shared, runtimeEnv | experimental__runtimeEnv })`.
- envalid: `cleanEnv(process.env, { PORT: port(), API: str({ default: "x" }) })`.
- znv: `parseEnv(process.env, { PORT: z.number(), KEY: { schema: z.string() } })`.

The argument that carries the values (`runtimeEnv`, what `.parse()` or `cleanEnv` is
given) is the validator's *data*: every read of the environment inside it is validated,
typed by the schema's entry for its key. When the data is the environment itself, each
key of the schema is a validated read, placed at the key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeAlias

from auditor.plugins import ParsedFile, ReadKind
from rules.javascript.env_reads import WRAPPERS, environments, is_field, literal
from rules.javascript.scope import Binding, Scopes, import_source, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

    # How a library's schema value reads: (kind, literal default, type).
    EntryOf: TypeAlias = Callable[[ParsedFile, Node], tuple[ReadKind, str | None, str | None]]

# A file containing none of these hands the environment to no validator.
VALIDATOR_TRIGGERS: tuple[str, ...] = (
    "createEnv",
    "cleanEnv",
    "parseEnv",
    "parse",
    "Parse",
    "throw",
)

_PARSE = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync"})
_ZOD_OBJECTS = frozenset({"object", "strictObject", "looseObject"})
_ZOD_TYPES = {
    "string": "string", "number": "number", "bigint": "bigint", "boolean": "boolean",
    "date": "date", "enum": "enum", "nativeEnum": "enum", "literal": "literal",
    "url": "string", "email": "string", "uuid": "string", "stringbool": "boolean",
    "array": "array", "object": "object", "json": "json", "int": "number",
}  # fmt: skip
_ENVALID_TYPES = {
    "str": "string", "num": "number", "bool": "boolean", "port": "number",
    "host": "string", "url": "string", "email": "string", "json": "json",
}  # fmt: skip
_UNTYPED = frozenset({"transform", "pipe", "preprocess", "refine", "superRefine"})
_T3_SCHEMAS = ("server", "client", "shared")
_T3_DATA = ("runtimeEnv", "experimental__runtimeEnv")


@dataclass(frozen=True, slots=True)
class Entry:
    """What a schema says of one key."""

    node: Node  # the key, where a read of the environment itself is placed
    kind: ReadKind
    default: str | None
    type: str | None


@dataclass(frozen=True, slots=True)
class Validation:
    """One validator call: `name` for messages ("createEnv", "envSchema"), `via` for the
    inventory ("t3-env createEnv"), the argument carrying the values (None: the library
    reads the environment itself), the schema by key, and the keys read from the
    environment itself rather than through `data`."""

    name: str
    via: str
    data: Node | None
    schema: dict[str, Entry]
    declared: tuple[tuple[str, Entry], ...]
    call: Node  # the validator's call: `createEnv({...})`, `schema.parse(...)`


def validations(file: ParsedFile, scopes: Scopes) -> tuple[Validation, ...]:
    """Every validator call of the file, in source order."""
    if not any(t.encode() in file.data for t in VALIDATOR_TRIGGERS):
        return ()
    env_nodes = {node.id for node in environments(file, scopes)}
    found = [*_t3(file, scopes, env_nodes), *_parsers(file, scopes, env_nodes)]
    found += _zod_parses(file, scopes, env_nodes)
    found += _checks(file, scopes, env_nodes)
    return tuple(sorted(found, key=lambda v: v.data.start_byte if v.data else 0))


def validation_of(
    node: Node, found: tuple[Validation, ...]
) -> tuple[Validation, Entry | None] | None:
    """The validator whose data holds the read `node`, and its schema's entry for the key
    the read is the value of; None for a raw read."""
    for validation in found:
        data = validation.data
        if data is None or not (data.start_byte <= node.start_byte < data.end_byte):
            continue
        child, parent = node, node.parent
        while parent is not None and parent.id != data.id:
            child, parent = parent, parent.parent
        key = _key(child) if data.type == "object" and child.type == "pair" else None
        return validation, validation.schema.get(key) if key is not None else None
    return None


# --- finding the calls -------------------------------------------------------------------


def _calls_of(file: ParsedFile, name: str) -> Iterator[tuple[Node, Node]]:
    """(call, callee) for each call of the identifier `name` or of `x.name`."""
    key = name.encode()
    start = file.data.find(key)
    while start != -1:
        node = file.root.descendant_for_byte_range(start, start + len(key))
        start = file.data.find(key, start + len(key))
        if node is None or file.code(node) != name:
            continue
        callee = node
        if node.type == "property_identifier" and node.parent is not None:
            callee = node.parent
        call = callee.parent
        if (
            call is not None
            and call.type == "call_expression"
            and is_field(call, "function", callee)
        ):
            yield call, node


def _source(scopes: Scopes, file: ParsedFile, ref: Node) -> str | None:
    """The module the identifier (or the namespace of `ns.name`) `ref` was imported from."""
    if ref.type == "property_identifier" and ref.parent is not None:
        ref = ref.parent.child_by_field_name("object") or ref
    if ref.type != "identifier":
        return None
    binding = scopes.resolve(ref)
    return None if binding is None else _module(file, binding)


def _module(file: ParsedFile, binding: Binding) -> str | None:
    source = import_source(binding)
    if source is not None:
        return source
    value = binding.declaration.child_by_field_name("value")
    if binding.declaration.type == "variable_declarator" and value is not None:
        function = value.child_by_field_name("function")
        arguments = value.child_by_field_name("arguments")
        if function is not None and file.code(function) == "require" and arguments is not None:
            first = arguments.named_children[:1]
            return string_value(first[0]) if first else None
    return None


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    return [] if arguments is None else [a for a in arguments.named_children if a.type != "comment"]


def _unwrap(node: Node) -> Node:
    """The expression inside parentheses, `as`, `satisfies`, `<T>` and `!`."""
    while node.type in WRAPPERS and node.named_children:
        node = node.named_children[-1 if node.type == "type_assertion" else 0]
    return node


def _validation(
    call: Node,
    name: str,
    via: str,
    data: Node | None,
    schema: dict[str, Entry],
    env_nodes: set[int],
) -> Validation:
    if data is None or _unwrap(data).id in env_nodes:
        return Validation(name, via, None, schema, tuple(schema.items()), call)
    return Validation(name, via, data, schema, (), call)


def _t3(file: ParsedFile, scopes: Scopes, env_nodes: set[int]) -> Iterator[Validation]:
    for call, callee in _calls_of(file, "createEnv"):
        source = _source(scopes, file, callee) or ""
        options = _arguments(call)[:1]
        if not source.startswith("@t3-oss/env-") or not options or options[0].type != "object":
            continue
        pairs = _pairs(file, options[0])
        schema: dict[str, Entry] = {}
        for part in _T3_SCHEMAS:
            if part in pairs and pairs[part].type == "object":
                schema.update(_schema(file, scopes, pairs[part], _zod_entry))
        data = next((pairs[k] for k in _T3_DATA if k in pairs), None)
        validation = _validation(call, "createEnv", "t3-env createEnv", data, schema, env_nodes)
        if validation.data is not None and validation.data.type == "object":
            given = set(_pairs(file, validation.data))
            rest = tuple((k, e) for k, e in schema.items() if k not in given)
            validation = replace(validation, declared=rest)
        yield validation


def _parsers(file: ParsedFile, scopes: Scopes, env_nodes: set[int]) -> Iterator[Validation]:
    for name, library, via in (("cleanEnv", "envalid", "envalid"), ("parseEnv", "znv", "znv")):
        for call, callee in _calls_of(file, name):
            if _source(scopes, file, callee) != library:
                continue
            args = _arguments(call)
            if len(args) < 2 or args[1].type != "object":
                continue
            entry = _envalid_entry if library == "envalid" else _znv_entry
            schema = _schema(file, scopes, args[1], entry)
            yield _validation(call, name, f"{via} {name}", args[0], schema, env_nodes)


def _zod_parses(file: ParsedFile, scopes: Scopes, env_nodes: set[int]) -> Iterator[Validation]:
    for method in _PARSE:
        for call, prop in _calls_of(file, method):
            member = prop.parent
            if prop.type != "property_identifier" or member is None:
                continue
            target = member.child_by_field_name("object")
            args = _arguments(call)
            if target is None or not args:
                continue
            schema_node, name = target, "z.object()"
            if target.type == "identifier":
                name = file.code(target)
                binding = scopes.resolve(target)
                declaration = binding.declaration if binding is not None else None
                value = declaration.child_by_field_name("value") if declaration else None
                if (
                    declaration is None
                    or declaration.type != "variable_declarator"
                    or value is None
                ):
                    continue
                schema_node = value
            objects = _zod_objects(file, scopes, schema_node)
            if objects is None:
                continue
            schema: dict[str, Entry] = {}
            for obj, optional in objects:
                for key, entry in _schema(file, scopes, obj, _zod_entry).items():
                    if optional and entry.kind == "required":
                        entry = Entry(entry.node, "optional", None, entry.type)
                    schema[key] = entry
            via = f"zod {file.code(target) if target.type == 'identifier' else 'z.object()'}"
            yield _validation(call, name, f"{via}.{method}()", args[0], schema, env_nodes)


def _zod_objects(file: ParsedFile, scopes: Scopes, node: Node) -> list[tuple[Node, bool]] | None:
    """The object literals of a `z.object({...})` chain (with `.extend({...})`s), each
    with whether `.partial()` makes its keys optional; None when `node` is no such chain
    on an import of zod."""
    objects: list[tuple[Node, bool]] = []
    partial = False
    current = _unwrap(node)
    while current.type == "call_expression":
        function = current.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        owner = function.child_by_field_name("object")
        prop = function.child_by_field_name("property")
        args = _arguments(current)
        method = file.code(prop) if prop is not None else ""
        if owner is not None and owner.type == "identifier" and method in _ZOD_OBJECTS:
            source = _source(scopes, file, owner) or ""
            if not (source == "zod" or source.startswith("zod/")):
                return None
            if not args or args[0].type != "object":
                return None
            return [*objects, (args[0], partial)]
        if method == "partial":
            partial = True
        elif method in {"extend", "merge"} and args and args[0].type == "object":
            objects.append((args[0], partial))
        if owner is None:
            return None
        current = _unwrap(owner)
    return None


def _checks(file: ParsedFile, scopes: Scopes, env_nodes: set[int]) -> Iterator[Validation]:
    """A check of the module's own: `checkEnv({ A: process.env.A, B: process.env.B ??
    "1" }, ["A"])`, an object of reads (each `process.env.NAME`, maybe with a literal
    default) handed to a function declared in the same module that throws. The strings of
    its other arguments name the required keys: what `audit scan --fix` writes where the
    app has neither zod nor t3-env."""
    if b"throw" not in file.data:
        return
    seen: set[int] = set()
    for env in environments(file, scopes):
        node = env.parent
        if node is not None and node.parent is not None and node.parent.type == "binary_expression":
            node = node.parent
        pair = node.parent if node is not None else None
        obj = pair.parent if pair is not None and pair.type == "pair" else None
        arguments = obj.parent if obj is not None else None
        call = arguments.parent if arguments is not None else None
        if call is None or call.type != "call_expression" or call.id in seen:
            continue
        seen.add(call.id)
        args = _arguments(call)
        callee = call.child_by_field_name("function")
        if (
            not args
            or obj is None
            or args[0].id != obj.id
            or callee is None
            or callee.type != "identifier"
        ):
            continue
        binding = scopes.resolve(callee)
        if binding is None or not _throws(binding.declaration):
            continue
        required = {
            string_value(n) for a in args[1:] for n in _descendants(a) if n.type == "string"
        }
        schema = _check_schema(file, obj, env_nodes, required)
        if schema is not None:
            name = file.code(callee)
            yield Validation(name, f"check {name}()", obj, schema, (), call)


def _check_schema(
    file: ParsedFile, obj: Node, env_nodes: set[int], required: set[str | None]
) -> dict[str, Entry] | None:
    schema: dict[str, Entry] = {}
    for pair in obj.named_children:
        if pair.type == "comment":
            continue
        key, value = _key(pair), pair.child_by_field_name("value")
        node = pair.child_by_field_name("key")
        if pair.type != "pair" or key is None or value is None or node is None:
            return None
        default = None
        if value.type == "binary_expression":
            right = value.child_by_field_name("right")
            default = literal(file, right)[0]
            value = value.child_by_field_name("left") or value
            if default is None:
                return None
        owner = value.child_by_field_name("object")
        if value.type not in {"member_expression", "subscript_expression"} or owner is None:
            return None
        if owner.id not in env_nodes:
            return None
        kind: ReadKind = (
            "required" if key in required else "default" if default is not None else "optional"
        )
        schema[key] = Entry(node, kind, default, "string")
    return schema


def _throws(declaration: Node) -> bool:
    """Whether a function declaration (or a `const f = () => ...`) throws somewhere."""
    function = declaration
    if declaration.type == "variable_declarator":
        function = declaration.child_by_field_name("value") or declaration
    if function.type not in {"function_declaration", "function_expression", "arrow_function"}:
        return False
    return any(n.type == "throw_statement" for n in _descendants(function))


def _descendants(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.named_children)


# --- schemas -----------------------------------------------------------------------------


def _pairs(file: ParsedFile, obj: Node) -> dict[str, Node]:
    """An object literal's values by literal key."""
    found: dict[str, Node] = {}
    for pair in obj.named_children:
        if pair.type == "pair":
            key, value = _key(pair), pair.child_by_field_name("value")
            if key is not None and value is not None:
                found[key] = value
        elif pair.type == "shorthand_property_identifier":
            found[file.code(pair)] = pair
    return found


def _key(pair: Node) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    if key.type == "property_identifier":
        return (key.text or b"").decode("utf-8")
    return string_value(key)


def _schema(file: ParsedFile, scopes: Scopes, obj: Node, entry_of: EntryOf) -> dict[str, Entry]:
    schema: dict[str, Entry] = {}
    for pair in obj.named_children:
        if pair.type != "pair":
            continue
        key, value = _key(pair), pair.child_by_field_name("value")
        node = pair.child_by_field_name("key")
        if key is not None and value is not None and node is not None:
            kind, default, type_name = entry_of(file, value)
            schema[key] = Entry(node, kind, default, type_name)
    return schema


def _zod_entry(file: ParsedFile, value: Node) -> tuple[ReadKind, str | None, str | None]:
    """A zod schema's kind, default and type: `z.coerce.number().default(3000)` is a
    number with a default; `.optional()` optional; `.transform(...)` of unknown type."""
    kind: ReadKind = "required"
    default: str | None = None
    typed = True
    current = _unwrap(value)
    while current.type == "call_expression":
        function = current.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return kind, default, None
        prop = function.child_by_field_name("property")
        owner = function.child_by_field_name("object")
        method = file.code(prop) if prop is not None else ""
        if owner is not None and (
            owner.type == "identifier"
            or (owner.type == "member_expression" and file.code(owner).endswith(".coerce"))
        ):
            return kind, default, _ZOD_TYPES.get(method, method) if typed else None
        if method in {"optional", "nullish"} and kind == "required":
            kind = "optional"
        elif method in {"default", "catch"} and kind == "required":
            args = _arguments(current)
            default = literal(file, args[0])[0] if args else None
            kind = "default"
        elif method in _UNTYPED:
            typed = False
        if owner is None:
            break
        current = _unwrap(owner)
    return kind, default, None


def _envalid_entry(file: ParsedFile, value: Node) -> tuple[ReadKind, str | None, str | None]:
    """envalid's `port({ default: 3000 })`: a number with a default."""
    value = _unwrap(value)
    if value.type != "call_expression":
        return "required", None, None
    function = value.child_by_field_name("function")
    name = file.code(function).rsplit(".", 1)[-1] if function is not None else ""
    args = _arguments(value)
    options = _pairs(file, args[0]) if args and args[0].type == "object" else {}
    if "default" in options:
        default_node = options["default"]
        if default_node.type == "undefined":
            return "optional", None, _ENVALID_TYPES.get(name)
        return "default", literal(file, default_node)[0], _ENVALID_TYPES.get(name)
    return "required", None, _ENVALID_TYPES.get(name)


def _znv_entry(file: ParsedFile, value: Node) -> tuple[ReadKind, str | None, str | None]:
    """znv's entries: a zod schema, or `{ schema: <zod>, description, defaults }`."""
    value = _unwrap(value)
    if value.type == "object":
        schema = _pairs(file, value).get("schema")
        if schema is None:
            return "required", None, None
        value = schema
    return _zod_entry(file, value)
