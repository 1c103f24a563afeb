"""A bare `&` in JSX text or in a JSX attribute's string (`<p>Profit & Loss</p>`,
`<a href="/d?a=1&b=2">`) is valid JSX (JSXText and JSXString exclude only `{ < > }` and the
quote), but tree-sitter's JavaScript and TypeScript grammars (0.23 to 0.25, the newest)
read `&` there only as the start of an entity such as `&amp;`, and refuse the file.

The repair parses a copy of the bytes in which each bare `&` within an error's span is `_`,
and accepts that tree only when it has no ERROR or MISSING node and every replaced byte
lies inside a `jsx_text` token or the string fragment of a JSX attribute. Whether a byte is
JSX text depends on the brackets around it (`< > { }` and quotes), which are unchanged,
and those tokens are leaves whose content does not shape the tree: so the tree is the
one a grammar allowing `&` there would build, and a `&` of code (`a && b`) is never
replaced in a tree that is used.
The tree handed on is re-parsed from the original bytes with the repaired tree as the
old tree and no edit, so that tree-sitter reuses it whole while `Node.text` reads the
original bytes; it is used only if that parse has no error either."""

from __future__ import annotations

import re

import tree_sitter as ts

# An entity tree-sitter reads (`&amp;`, `&#38;`, `&#x26;`): not an error, left alone.
_ENTITY = re.compile(rb"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
_ROUNDS = 4  # a repaired error can reveal the next one further on


def repaired(parser: ts.Parser, data: bytes, tree: ts.Tree) -> ts.Tree | None:
    """A tree of `data` without errors when its only errors are bare `&` in JSX text or
    attribute strings; else None."""
    patched = bytearray(data)
    replaced: list[int] = []
    current = tree
    for _ in range(_ROUNDS):
        found = _bare_ampersands(bytes(patched), error_nodes(current.root_node))
        if not found:
            return None
        for at in found:
            patched[at] = ord("_")
        replaced += found
        current = parser.parse(bytes(patched))
        if not current.root_node.has_error:
            break
    else:
        return None
    if not all(_in_jsx_text(current.root_node, at) for at in replaced):
        return None
    reused = parser.parse(data, current)
    return None if reused.root_node.has_error else reused


def error_nodes(root: ts.Node) -> list[ts.Node]:
    """Every ERROR and MISSING node, looking only into subtrees marked as holding one."""
    found = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            found.append(node)
            continue
        pending.extend(c for c in node.children if c.has_error or c.is_missing)
    return found


def _bare_ampersands(data: bytes, errors: list[ts.Node]) -> list[int]:
    """The offsets of the bare `&` in the errors' spans. Which of them are JSX text is not
    decided here: tree-sitter's recovery may put the ERROR node anywhere around one. The
    repaired tree decides, since the brackets that make a byte JSX text are unchanged."""
    found: set[int] = set()
    for node in errors:
        span = data[node.start_byte : node.end_byte]
        entities = {m.start() for m in _ENTITY.finditer(span)}
        found.update(
            node.start_byte + i for i, b in enumerate(span) if b == 38 and i not in entities
        )
    return sorted(found)


def _in_jsx_text(root: ts.Node, at: int) -> bool:
    leaf = root.descendant_for_byte_range(at, at + 1)
    if leaf is None:
        return False
    if leaf.type == "jsx_text":
        return True
    string = leaf.parent
    owner = string.parent if string is not None else None
    return (
        leaf.type == "string_fragment"
        and string is not None
        and owner is not None
        and owner.type == "jsx_attribute"
    )


__all__ = ["repaired"]
