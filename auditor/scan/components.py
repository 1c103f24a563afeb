"""The scripts of single-file components (`.vue`, `.svelte`, `.astro`), found without a
parser of their markup: where each script block's code starts and ends in the file, in
which grammar it is written, and which blocks make one JavaScript module.

A block is scanned as the whole file with everything outside the module's blocks blanked
(every character but a line break becomes a space): offsets, lines and columns of the
blanked text are those of the component file, so findings and fixes need no mapping, and
an edit outside the blocks is seen as such (`outside`).

Which blocks: Vue, the top-level `<script>` blocks (`<template>`, `<style>` and custom
blocks such as `<i18n>` are skipped whole); Svelte, the `<script>` blocks, not a
`<script>` in `<svelte:head>` (a page's script, not the component's); Astro, the `---`
frontmatter and each `<script>`. A script of another `type` (`application/ld+json`) is no
code; one in another `lang` (`coffee`) is a block auditor does not read (`unread`).
HTML comments hide what they hold. One module: all the blocks of a Vue or Svelte
component (they compile into one module, and an import in one is seen by the other);
in Astro the frontmatter runs on the server and each `<script>` is its own browser module.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["vue", "svelte", "astro"]

KINDS: dict[str, Kind] = {".vue": "vue", ".svelte": "svelte", ".astro": "astro"}

# `lang` values (lower case) and the tree-sitter grammar that reads them.
_GRAMMARS = {
    "": "javascript",
    "js": "javascript",
    "javascript": "javascript",
    "jsx": "javascript",
    "ts": "typescript",
    "typescript": "typescript",
    "tsx": "tsx",
}
# `type` values of a script that holds JavaScript; any other (JSON, templates) is data.
_CODE_TYPES = frozenset(
    {"", "module", "text/javascript", "application/javascript", "text/typescript", "text/ts"}
)
# The strongest grammar of a module's blocks reads all of them.
_RANK = {"javascript": 0, "typescript": 1, "tsx": 2}

_TAG = re.compile(r"<!--|<([A-Za-z][\w:.-]*)")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
_TAG_END = re.compile(r"""\s*(/?)>|\s+|("[^"]*"|'[^']*')""")
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")
_FRONTMATTER = re.compile(r"\A(\ufeff?\s*)---[ \t]*(\r\n|\r|\n)")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def kind_of(path: str) -> Kind | None:
    return KINDS.get(posixpath.splitext(path)[1].lower())


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # character offsets of the block's code in the component file
    end: int
    lang: str  # as written, lower case ("" when none; "ts" for Astro's frontmatter)
    grammar: str | None  # None: a language auditor does not read
    module: int  # blocks with the same number compile into one module


@dataclass(frozen=True, slots=True)
class Program:
    """The blocks of one module, and the grammar that reads them."""

    blocks: tuple[Block, ...]
    grammar: str

    def holds(self, start: int, end: int) -> bool:
        """Whether `[start, end)` lies inside one of the blocks."""
        return any(b.start <= start and end <= b.end for b in self.blocks)


def blocks(path: str, text: str) -> tuple[Block, ...]:
    """The code blocks of the component at `path`, in file order."""
    kind = kind_of(path)
    if kind is None:
        return ()
    found: list[Block] = []
    position = _frontmatter(text, found) if kind == "astro" else 0
    while (match := _TAG.search(text, position)) is not None:
        if match.group() == "<!--":
            closing = text.find("-->", match.end())
            position = len(text) if closing < 0 else closing + 3
            continue
        name = match.group(1).lower()
        attributes, position, closed = _attributes(text, match.end())
        if closed:
            continue
        if name == "script":
            end, after = _closing(text, name, position)
            block = _script(kind, attributes, position, end, len(found))
            if block is not None:
                found.append(block)
            position = after
        elif name == "style" or (kind == "svelte" and name == "svelte:head"):
            position = _closing(text, name, position)[1]
        elif kind == "vue":  # every other top-level element is a block of its own
            position = _nested_end(text, name, position)
    return tuple(found)


def _frontmatter(text: str, found: list[Block]) -> int:
    """Astro's `---` fenced frontmatter at the top, as a TypeScript block; where the
    markup starts."""
    opening = _FRONTMATTER.match(text)
    if opening is None:
        return 0
    fence = _FENCE.search(text, opening.end())
    if fence is None:
        return 0
    found.append(Block(opening.end(), fence.start(), "ts", "typescript", 0))
    return fence.end()


def _attributes(text: str, at: int) -> tuple[dict[str, str], int, bool]:
    """A start tag's attributes (names lower case, values unquoted), where the tag ends,
    and whether it has no content (`/>`, or a tag the file does not close)."""
    attributes: dict[str, str] = {}
    position = at
    while position < len(text):
        end = _TAG_END.match(text, position)
        if end is not None and end.group().strip().endswith(">"):
            return attributes, end.end(), bool(end.group(1))
        if end is not None:  # white space, or a stray quoted string
            position = end.end()
            continue
        attribute = _ATTRIBUTE.match(text, position)
        if attribute is None:
            position += 1  # a stray quote: not an attribute
            continue
        value = attribute.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attributes[attribute.group(1).lower()] = value
        position = attribute.end()
    return attributes, len(text), True


def _closing(text: str, name: str, at: int) -> tuple[int, int]:
    """Where the element's content ends and its closing tag ends (the end of the text
    when it is not closed): its first closing tag, as HTML ends a script or a style."""
    match = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(text, at)
    return (len(text), len(text)) if match is None else (match.start(), match.end())


def _nested_end(text: str, name: str, at: int) -> int:
    """Where an element that may hold others of its name (`<template>`) ends."""
    tags = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*?(/?)>", re.IGNORECASE)
    depth = 1
    for match in tags.finditer(text, at):
        if match.group(1):
            depth -= 1
        elif not match.group(2):
            depth += 1
        if depth == 0:
            return match.end()
    return len(text)


def _script(
    kind: Kind, attributes: dict[str, str], start: int, end: int, index: int
) -> Block | None:
    """A `<script>` block, or None when it holds data (`type="application/json"`)."""
    if attributes.get("type", "").lower() not in _CODE_TYPES:
        return None
    # Astro compiles its scripts as TypeScript; Vue and Svelte as JavaScript unless told.
    lang = attributes.get("lang", "ts" if kind == "astro" else "").lower()
    module = index + 1 if kind == "astro" else 0
    return Block(start, end, lang, _GRAMMARS.get(lang), module)


def programs(path: str, text: str) -> tuple[Program, ...]:
    """The modules of the component's readable blocks, in file order."""
    return programs_of(blocks(path, text))


def programs_of(found: tuple[Block, ...]) -> tuple[Program, ...]:
    """`programs` of blocks already found (`blocks`)."""
    modules: dict[int, list[Block]] = {}
    for block in found:
        if block.grammar is not None:
            modules.setdefault(block.module, []).append(block)
    return tuple(
        Program(tuple(group), max((b.grammar or "" for b in group), key=_RANK.__getitem__))
        for group in modules.values()
    )


def script_text(path: str, text: str) -> tuple[str, str]:
    """All the component's readable blocks as one text (the rest blanked) and the grammar
    that reads them: how a reader that takes a file whole (the environment inventory, a
    fix across files) sees a component. An import it adds lands in the first module."""
    readable = tuple(b for b in blocks(path, text) if b.grammar is not None)
    grammar = max((b.grammar or "" for b in readable), key=_RANK.__getitem__, default="javascript")
    return masked(text, readable), grammar


def unread(path: str, text: str) -> tuple[Block, ...]:
    """The script blocks in a language auditor does not read."""
    return tuple(b for b in blocks(path, text) if b.grammar is None)


def masked(text: str, kept: tuple[Block, ...]) -> str:
    """`text` with everything outside `kept` blanked, line breaks kept."""
    parts: list[str] = []
    position = 0
    for block in sorted(kept, key=lambda b: b.start):
        parts += [_blank(text[position : block.start])]
        parts += [text[block.start : block.end]]
        position = block.end
    parts.append(_blank(text[position:]))
    return "".join(parts)


# Every ASCII character but a line break, to a space.
_ASCII_BLANKS = {code: " " for code in range(128) if chr(code) not in "\r\n"}


def _blank(piece: str) -> str:
    """`piece` with every character but a line break a space: a table does the ASCII
    ones (a fifth of the cost of a substitution per line), the pattern what is left."""
    blanked = piece.translate(_ASCII_BLANKS)
    return blanked if blanked.isascii() else _NOT_LINE_BREAK.sub(_spaces, blanked)


def outside(path: str, text: str) -> list[str]:
    """The component's text between its code blocks: what a fix must leave as it is."""
    pieces: list[str] = []
    position = 0
    for block in blocks(path, text):
        pieces.append(text[position : block.start])
        position = block.end
    pieces.append(text[position:])
    return pieces


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())
