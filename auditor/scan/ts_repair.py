"""Valid TypeScript that tree-sitter's grammars (typescript 0.23.2, the newest on PyPI, and
javascript 0.25.0) refuse, measured on dub, midday, papermark and documenso:

- type arguments of a tagged template: prisma.$queryRaw<T[]>`...` (the grammar reads only
  `tag<T>` with a single name, and that as two comparisons);
- type arguments of a call made of a type it cannot read there: f<typeof import("x")>();
- type arguments of an import type: Promise<import("axios").AxiosResponse<T>>;
- `export type * from "x"` (and `export type * as ns from "x"`);
- an invalid escape in a tagged template (String.raw`\\u00`), which ES2018 allows there
  (the cooked string is undefined); in an untagged template it stays an error.

The repair parses a copy of the bytes in which each such type syntax near an error is
blanked to spaces (the `<...>` of type arguments, the `type` of `export type *`) and the
backslash of each invalid escape near an error is `_`: positions are unchanged (a bare `&`
in JSX text left beside them is repaired on that copy: auditor.scan.jsx_ampersand). The
tree is kept only when it has no ERROR or MISSING node and has a place for each change:
type arguments (that read as such on their own) between a call's, a tagged template's or
a `new`'s callee and its arguments, or right after an import type's name in a type; `type`
between `export` and `*`; a backslash in the text of a tagged template. TypeScript erases
the blanked bytes, so this is the tree of the file's code less its type arguments. As in
auditor.scan.jsx_ampersand, the tree handed on is re-parsed from the original bytes with
the repaired one as old tree and no edit, so `Node.text` reads the file's own bytes; it is
used only if it is the same tree, without error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter as ts

from auditor.scan import jsx_ampersand

_ROUNDS = 4  # a repaired error can reveal the next one further on
_SCAN = 4000  # tokens read to find the `>` that closes a `<`: type arguments are short
_OPEN = {"(": ")", "[": "]", "{": "}", "${": "}"}
_CLOSING = frozenset(_OPEN.values())
_CLOSE_ANGLES = {">": 1, ">>": 2, ">>>": 3}
# What a callee can end with, as a token of tree-sitter's.
_CALLEE_ENDS = frozenset(
    {"identifier", "property_identifier", "private_property_identifier", ")", "]", "this"}
)
_IMPORT_TYPE_NAME = re.compile(
    rb"""import\s*\(\s*(?:"[^"\n]*"|'[^'\n]*')\s*\)(?:\s*\.\s*[\w$]+)+\s*\Z"""
)
_TYPE_PARENTS = frozenset(
    {"type_annotation", "type_arguments", "type_alias_declaration", "constraint", "default_type"}
)
_HEX = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True)
class _Change:
    kind: str  # "call", "import-type", "export-type" or "escape"
    start: int
    end: int


def repaired(parser: ts.Parser, data: bytes, tree: ts.Tree, typescript: bool) -> ts.Tree | None:
    """A tree of `data` without errors when its only errors are the constructs above (the
    type syntax only when `typescript`); else None."""
    patched = bytearray(data)
    changes: list[_Change] = []
    current = tree
    for _ in range(_ROUNDS):
        found = _near_errors(current.root_node, bytes(patched), typescript)
        if not found:
            break
        for change in found:
            fill = b"_" if change.kind == "escape" else b" " * (change.end - change.start)
            patched[change.start : change.end] = fill
        changes += found
        current = parser.parse(bytes(patched))
        if not current.root_node.has_error:
            break
    if not changes:
        return None
    if current.root_node.has_error:
        # What is left may be a bare `&` in JSX text, beside type syntax in the same file.
        ampersands = jsx_ampersand.repaired(parser, bytes(patched), current)
        if ampersands is None:
            return None
        current = ampersands
    if not all(_in_place(parser, current.root_node, bytes(patched), data, c) for c in changes):
        return None
    reused = parser.parse(data, current)
    if reused.root_node.has_error or str(reused.root_node) != str(current.root_node):
        return None
    return reused


def _near_errors(root: ts.Node, data: bytes, typescript: bool) -> list[_Change]:
    """The changes that touch an ERROR or MISSING node (one byte either side: a MISSING
    node sits right after the `>` of the type arguments it could not place)."""
    spans = [(n.start_byte - 1, n.end_byte + 1) for n in jsx_ampersand.error_nodes(root)]
    candidates = list(_escapes(root, data))
    if typescript:
        candidates += _type_syntax(_leaves(root), data)
    found = {c for c in candidates if any(c.start < end and start < c.end for start, end in spans)}
    return sorted(found, key=lambda c: c.start)


def _leaves(root: ts.Node) -> list[ts.Node]:
    """The tokens in order (MISSING ones left out: they are not in the bytes)."""
    found: list[ts.Node] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.child_count == 0:
            if not node.is_missing and node.end_byte > node.start_byte:
                found.append(node)
            continue
        pending.extend(reversed(node.children))
    return found


def _type_syntax(leaves: list[ts.Node], data: bytes) -> Iterator[_Change]:
    for i, leaf in enumerate(leaves):
        if leaf.type == "export" and i + 2 < len(leaves):
            kind, star = leaves[i + 1], leaves[i + 2]
            if data[kind.start_byte : kind.end_byte] == b"type" and star.type == "*":
                yield _Change("export-type", kind.start_byte, kind.end_byte)
        if leaf.type != "<" or i == 0:
            continue
        close = _closing_angle(leaves, i)
        if close is None or close + 1 >= len(leaves):
            continue
        change = (leaf.start_byte, leaves[close].end_byte)
        after = leaves[close + 1].type
        if leaves[i - 1].type in _CALLEE_ENDS and after in ("`", "("):
            yield _Change("call", *change)
        elif _IMPORT_TYPE_NAME.search(data, max(0, leaf.start_byte - 300), leaf.start_byte):
            yield _Change("import-type", *change)


def _closing_angle(leaves: list[ts.Node], opening: int) -> int | None:
    """The index of the `>` token closing the `<` at `opening`, brackets balanced between;
    None when a `;` or a bracket out of place comes first, or a `>>` closes it only in part."""
    depth = 0
    brackets: list[str] = []
    for j in range(opening, min(len(leaves), opening + _SCAN)):
        kind = leaves[j].type
        if kind == "<":
            depth += 1
        elif kind in _CLOSE_ANGLES:
            depth -= _CLOSE_ANGLES[kind]
            if depth < 0 or brackets:
                return None
            if depth == 0:
                return j
        elif kind in _OPEN:
            brackets.append(_OPEN[kind])
        elif kind in _CLOSING:
            if not brackets or brackets.pop() != kind:
                return None
        elif kind == ";" and not brackets:
            return None
    return None


def _escapes(root: ts.Node, data: bytes) -> Iterator[_Change]:
    """The invalid escapes in the ERROR nodes of templates: tree-sitter reads a valid one as
    an escape_sequence, so such an ERROR starts at a token and its backslashes pair up."""
    for error in jsx_ampersand.error_nodes(root):
        owner = error.parent
        if not error.is_error or owner is None or owner.type != "template_string":
            continue
        at = error.start_byte
        while at < error.end_byte:
            if data[at] == 0x5C:  # backslash
                if _invalid_escape(data, at):
                    yield _Change("escape", at, at + 1)
                at += 2
            else:
                at += 1


def _invalid_escape(data: bytes, at: int) -> bool:
    """Whether the escape at `at` is one ECMAScript allows only in a tagged template."""
    rest = data[at + 1 : at + 12]
    if not rest:
        return False
    first = rest[0]
    if first in b"123456789" or (first == ord("0") and rest[1:2].isdigit()):
        return True
    if first == ord("x"):
        return not (len(rest) >= 3 and rest[1] in _HEX and rest[2] in _HEX)
    if first != ord("u"):
        return False
    if rest[1:2] == b"{":
        digits = re.match(rb"\{([0-9a-fA-F]+)\}", rest[1:])
        return digits is None or int(digits.group(1), 16) > 0x10FFFF
    return not (len(rest) >= 5 and all(b in _HEX for b in rest[1:5]))


def _in_place(
    parser: ts.Parser, root: ts.Node, patched: bytes, data: bytes, change: _Change
) -> bool:
    """Whether the repaired tree has a place for `change` (see the module's docstring)."""
    if change.kind == "escape":
        leaf = root.descendant_for_byte_range(change.start, change.end)
        template = leaf.parent if leaf is not None else None
        tag = template.parent if template is not None else None
        return (
            _type(leaf) == "string_fragment"
            and _type(template) == "template_string"
            and tag is not None
            and tag.type == "call_expression"
            and tag.child_by_field_name("arguments") == template
        )
    around = root.descendant_for_byte_range(change.start, change.end)
    if around is None:
        return False
    if change.kind == "export-type":
        before = next((c for c in reversed(around.children) if c.end_byte <= change.start), None)
        after = next((c for c in around.children if c.start_byte >= change.end), None)
        return (
            around.type == "export_statement"
            and _type(before) == "export"
            and _type(after) in ("*", "namespace_export")
        )
    if not _type_arguments(parser, data[change.start : change.end]):
        return False
    if change.kind == "call":
        fields = {"call_expression": "function", "new_expression": "constructor"}
        callee = around.child_by_field_name(fields.get(around.type, ""))
        arguments = around.child_by_field_name("arguments")
        return (
            callee is not None
            and arguments is not None
            and callee.end_byte <= change.start
            and change.end <= arguments.start_byte
            and not patched[callee.end_byte : arguments.start_byte].strip()
        )
    return _after_import_type(root, patched, change.start)


def _type(node: ts.Node | None) -> str:
    return node.type if node is not None else ""


def _after_import_type(root: ts.Node, patched: bytes, at: int) -> bool:
    """Whether the token before `at` ends an import type (`import("x").A.B`) in a type."""
    end = len(patched[:at].rstrip())
    leaf = root.descendant_for_byte_range(end - 1, end)
    name = leaf.parent if leaf is not None else None
    if name is None or name.type != "member_expression" or name.end_byte != end:
        return False
    owner = name.parent
    if owner is None or not (owner.type in _TYPE_PARENTS or owner.type.endswith("_type")):
        return False
    inner: ts.Node | None = name
    while inner is not None and inner.type == "member_expression":
        inner = inner.child_by_field_name("object")
    callee = inner.child_by_field_name("function") if inner is not None else None
    return _type(inner) == "call_expression" and _type(callee) == "import"


def _type_arguments(parser: ts.Parser, text: bytes) -> bool:
    """Whether `text` (`<...>`) reads as type arguments on its own."""
    prefix = b"let _: _"
    root = parser.parse(prefix + text + b";").root_node
    if root.has_error:
        return False
    arguments = root.descendant_for_byte_range(len(prefix), len(prefix) + len(text))
    return (
        arguments is not None
        and arguments.type == "type_arguments"
        and arguments.start_byte == len(prefix)
        and arguments.end_byte == len(prefix) + len(text)
        and arguments.named_child_count > 0
    )


__all__ = ["repaired"]
