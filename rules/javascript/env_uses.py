"""unvalidated-env (JS/TS), the fix: which raw reads of one file move to the settings
module, the field each asks for, and where Next.js runs the code.

A read moves when it is `process.env.NAME` or `process.env["NAME"]` (also `?.`, and seen
through casts), NAME a JavaScript identifier; destructuring, aliases, computed names,
`import.meta.env` and the whole environment stay as they are (reported still). What the
read asks of the variable keeps the code's behaviour:

- `process.env.X!`, `process.env.X as string`: required (a string);
- `process.env.X ?? "d"`, `process.env.X || "d"`: the default "d" (`||` stays at the use
  site, since an empty value falls back too); a number default (`?? 3000`) only where the
  read is converted (`Number(...)`, `parseInt`, `parseFloat`, unary `+`), which gives the
  same number from "3000"; other defaults stay at the use site on an optional field;
- anything else: optional, `undefined` when unset, as before.

Client code, in a Next.js app (conservative: a module whose first statement is the
"use client" directive, or a module under `pages/` outside `pages/api/` and outside
`getServerSideProps`, `getStaticProps` and `getStaticPaths`): the bundler inlines only
`process.env.NEXT_PUBLIC_*` written out, so a read of any other variable there is
`undefined` in the browser. Such a read is its own finding and is not moved: moving it
would either leave it undefined or put a server secret into the browser's bundle."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.plugins import ParsedFile
from rules._env_message import allowed
from rules.javascript.env_reads import WRAPPERS, JsEnvAccess, env_accesses, is_field
from rules.javascript.env_validators import validation_of, validations
from rules.javascript.scope import Scopes

if TYPE_CHECKING:
    from tree_sitter import Node

FieldKind = Literal["required", "default", "optional"]
PUBLIC_PREFIX = "NEXT_PUBLIC_"
IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_CONVERSIONS = frozenset(
    {"Number", "parseInt", "parseFloat", "Number.parseInt", "Number.parseFloat"}
)
_SERVER_FUNCTIONS = frozenset({"getServerSideProps", "getStaticProps", "getStaticPaths"})
_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition"}
)


@dataclass(frozen=True, slots=True)
class Use:
    """One read that moves: `read` is the span of `process.env.X`, `whole` the span the
    field makes redundant when it is what the read asks (`process.env.X!`,
    `process.env.X ?? "d"`), `read` itself otherwise."""

    path: str
    name: str
    kind: FieldKind
    default: str | None
    read: tuple[int, int]
    whole: tuple[int, int]
    line: int


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: FieldKind
    default: str | None
    public: bool  # NEXT_PUBLIC_* in a Next.js app: the client schema
    conflict: str | None  # how the reads disagree, when they do


def raw_accesses(file: ParsedFile, allow: tuple[str, ...]) -> list[JsEnvAccess]:
    """The reads the rule reports in the file: not validated, not copies, not allowed."""
    scopes = Scopes(file)
    found = validations(file, scopes)
    return [
        access
        for access in env_accesses(file, scopes)
        if validation_of(access.node, found) is None
        and access.kind != "copy"
        and not allowed(access.name, allow)
    ]


def file_uses(file: ParsedFile, allow: tuple[str, ...], nextjs: bool) -> list[Use]:
    """The reads of `file` that move to the settings module, in source order."""
    uses = []
    for access in raw_accesses(file, allow):
        if not movable(access) or (nextjs and stray_client_read(file, access)):
            continue
        uses.append(_use(file, access))
    return uses


def movable(access: JsEnvAccess) -> bool:
    node = access.node
    if access.name is None or not IDENTIFIER.match(access.name) or access.via != "process.env":
        return False
    if node.type not in {"member_expression", "subscript_expression"}:
        return False  # a destructured property
    owner = node.child_by_field_name("object")
    while owner is not None and owner.type in WRAPPERS and owner.named_children:
        owner = owner.named_children[-1 if owner.type == "type_assertion" else 0]
    # `process.env` itself, not an alias of it.
    return owner is not None and owner.type in {"member_expression", "subscript_expression"}


def stray_client_read(file: ParsedFile, access: JsEnvAccess) -> bool:
    """Whether the read is of a non-public variable in client code (of a Next.js app)."""
    name = access.name
    if name is not None and name.startswith(PUBLIC_PREFIX):
        return False
    return client_code(file, access.node) is not None and not server_only(file, access.node)


def client_code(file: ParsedFile, node: Node) -> str | None:
    """Why `node` runs in the browser ('a "use client" module', 'a page'), or None."""
    for child in file.root.named_children:
        if child.type == "comment":
            continue
        if child.type == "expression_statement" and file.code(child).strip(";'\" ") == (
            "use client"
        ):
            return 'a "use client" module'
        break
    parts = file.path.split("/")
    if "pages" not in parts[:-1]:
        return None
    below = parts[parts.index("pages") + 1 :]
    if below[0] == "api" or below[-1].startswith("_document."):
        return None
    current = node.parent
    while current is not None:
        if current.type in _FUNCTIONS and _function_name(file, current) in _SERVER_FUNCTIONS:
            return None
        current = current.parent
    return "a page, which also renders in the browser"


_SERVER_TEST = re.compile(r"typeof\s+window\s*===?\s*['\"]undefined['\"]")
_CLIENT_TEST = re.compile(r"typeof\s+window\s*!==?\s*['\"]undefined['\"]")


def server_only(file: ParsedFile, node: Node) -> bool:
    """Whether `node` runs on the server alone, as the code checks itself: in the branch
    of `typeof window === "undefined"` (an `if` or `?:`), or after a statement that returns
    or throws when `typeof window !== "undefined"` (create-t3-app's getBaseUrl)."""
    child, current = node, node.parent
    while current is not None:
        condition = current.child_by_field_name("condition")
        if current.type in {"if_statement", "ternary_expression"} and condition is not None:
            test = file.code(condition)
            branch = current.child_by_field_name("consequence")
            if branch is not None and branch.id == child.id and _SERVER_TEST.search(test):
                return True
        if current.type in {"statement_block", "program"}:
            for statement in current.named_children:
                if statement.start_byte >= child.start_byte:
                    break
                if statement.type == "if_statement" and _leaves_client(file, statement):
                    return True
        child, current = current, current.parent
    return False


def _leaves_client(file: ParsedFile, statement: Node) -> bool:
    condition = statement.child_by_field_name("condition")
    branch = statement.child_by_field_name("consequence")
    if condition is None or branch is None or not _CLIENT_TEST.search(file.code(condition)):
        return False
    last = branch.named_children[-1] if branch.type == "statement_block" else branch
    return last is not None and last.type in {"return_statement", "throw_statement"}


def _function_name(file: ParsedFile, function: Node) -> str | None:
    name = function.child_by_field_name("name")
    if name is not None:
        return file.code(name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        declared = parent.child_by_field_name("name")
        return file.code(declared) if declared is not None else None
    return None


def _use(file: ParsedFile, access: JsEnvAccess) -> Use:
    node = access.node
    read = file.span(node)
    kind: FieldKind = "optional"
    default = None
    whole = read
    parent = node.parent
    assert access.name is not None
    if parent is not None and _asserted(file, parent):
        kind, whole = "required", file.span(parent)
    elif access.kind == "default" and access.default is not None and parent is not None:
        operator = parent.child_by_field_name("operator")
        right = parent.child_by_field_name("right")
        textual = right is not None and right.type in {"string", "template_string"}
        numeric = right is not None and right.type == "number" and _converted(file, parent)
        if textual or numeric:
            kind, default = "default", access.default
            if operator is not None and operator.type == "??":
                whole = file.span(parent)
    line = node.start_point[0] + 1
    return Use(file.path, access.name, kind, default, read, whole, line)


def _asserted(file: ParsedFile, parent: Node) -> bool:
    """`process.env.X!` or `process.env.X as string`: the code takes it to be set."""
    if parent.type == "non_null_expression":
        return True
    parts = [c for c in parent.named_children if c.type != "comment"]
    return parent.type == "as_expression" and len(parts) == 2 and file.code(parts[1]) == "string"


def _converted(file: ParsedFile, binary: Node) -> bool:
    """Whether `binary`'s value is converted to a number: `Number(x ?? 3000)`, `+(...)`."""
    node = binary
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "unary_expression":
        operator = parent.child_by_field_name("operator")
        return operator is not None and operator.type == "+"
    call = parent.parent
    if parent.type != "arguments" or call is None or call.type != "call_expression":
        return False
    function = call.child_by_field_name("function")
    first = [a for a in parent.named_children if a.type != "comment"][:1]
    return (
        function is not None
        and file.code(function) in _CONVERSIONS
        and bool(first)
        and first[0].id == node.id
        and is_field(call, "arguments", parent)
    )


def fields(uses: Iterable[Use], nextjs: bool) -> list[Field]:
    """One field per variable, sorted by name: what its reads ask, or required (a string)
    where they disagree, the conflict described."""
    by_name: dict[str, list[Use]] = {}
    for use in uses:
        by_name.setdefault(use.name, []).append(use)
    found = []
    for name in sorted(by_name):
        asks = dict.fromkeys((u.kind, u.default) for u in by_name[name])
        public = nextjs and name.startswith(PUBLIC_PREFIX)
        if len(asks) == 1:
            kind, default = next(iter(asks))
            found.append(Field(name, kind, default, public, None))
            continue
        found.append(Field(name, "required", None, public, _conflict(name, by_name[name])))
    return found


def _conflict(name: str, uses: list[Use]) -> str:
    seen: dict[tuple[FieldKind, str | None], str] = {}
    for use in uses:
        seen.setdefault((use.kind, use.default), f"{use.path}:{use.line}")
    parts = []
    for (kind, default), where in seen.items():
        how = {"required": "as required", "optional": "without a default"}.get(kind)
        parts.append(f"{how or f'with the default {default!r}'} at {where}")
    return f"{name} is read {', '.join(parts)}: declared required"


def replacement(use: Use, field_kind: FieldKind, field_default: str | None) -> tuple[int, int]:
    """The span a read's rewrite replaces: the whole read when the field gives what it
    asked (`!`, the same default), else `process.env.X` alone."""
    if use.kind == field_kind and use.default == field_default:
        return use.whole
    return use.read
