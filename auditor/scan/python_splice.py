"""Splicing a changed text into the tree of the text before it: only the top-level
statements the change touches are parsed again (only the members, when it is inside one
top-level class), with an unchanged neighbour on each side, and put into the old tree.
What it splices is checked against the text it stands for; whatever cannot be checked
is not spliced (None), and the caller parses the whole text."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.scan.python_check import syntax_error
from auditor.scan.python_outline import contains
from auditor.scan.source import LineIndex, common_prefix, common_suffix


class Parsed(Protocol):
    """A text and its tree, as a splice starts from them."""

    @property
    def text(self) -> str: ...
    @property
    def module(self) -> cst.Module: ...
    @property
    def starts(self) -> tuple[int, ...]: ...  # each statement's start, then the last's end
    @property
    def first_block(self) -> int: ...  # the statement of the first indented block


@dataclass(frozen=True, slots=True)
class Splice:
    """The new tree: statements [first, end) were re-parsed, and stand for [first,
    old_end) of the old tree; old offsets from `old_edge` on moved by `chars`, old lines
    from the edge's line on by `lines`."""

    module: cst.Module
    starts: tuple[int, ...]
    first: int
    end: int
    old_end: int
    old_edge: int
    chars: int
    lines: int
    block: int  # the new tree's first statement with an indented block


def statement_starts(module: cst.Module, text: str) -> tuple[int, ...] | None:
    """Where each top-level statement starts in `text`, and where the last one ends,
    from one code generation; None when LibCST does not reproduce `text` exactly, or
    the file does not end with a newline (not worth a case of its own)."""
    if not module.has_trailing_newline or not module.body:
        return None
    starts, code = _offsets(module, module, module.body, 0)
    return starts if code == text else None


def first_block(module: cst.Module) -> int:
    """The first statement with an indented block: LibCST's default indent comes from
    the first indentation of the file, and a change before it may change it."""
    for index, statement in enumerate(module.body):
        if contains(statement, cst.IndentedBlock):
            return index
    return len(module.body)


Members = dict[int, tuple[cst.ClassDef, tuple[int, ...]]]  # id(class) -> member starts in it


def splice(last: Parsed, text: str, members: Members | None = None) -> Splice | None:
    """The tree of `text` made from the last version's by re-parsing the statements the
    change touches (the members, when the change is inside one top-level class), or
    None when that cannot be done exactly. CPython compiles them first (as the screen
    does the whole text): what it accepts between two statement boundaries it accepts in
    any file, and LibCST never sees what it refuses. `members` keeps the classes' member
    offsets from one version to the next."""
    old = last.text
    prefix = common_prefix(old, text)
    suffix = common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_stop = len(old) - suffix  # the change: old[prefix:old_stop] -> text[prefix:new_stop]
    inside = _splice_members(last, text, prefix, old_stop, {} if members is None else members)
    return inside or _splice_statements(last, text, prefix, old_stop)


def _splice_statements(last: Parsed, text: str, prefix: int, old_stop: int) -> Splice | None:
    old, module, starts, block = last.text, last.module, last.starts, last.first_block
    count = len(module.body)
    if prefix == len(old) == len(text) or count < 2:
        return None
    if prefix < starts[0] or prefix >= starts[-1] or old_stop > starts[-1]:
        return None  # the header or footer changed
    changed = bisect.bisect_right(starts, prefix) - 1
    last_changed = bisect.bisect_right(starts, max(prefix, old_stop - 1)) - 1
    if changed == 0:
        return None  # no unchanged statement on the left to check the boundary with
    first = changed - 1
    old_end = min(last_changed + 2, count)
    chars = len(text) - len(old)
    window_start = starts[first]
    window_stop = starts[old_end] + chars if old_end < count else len(text)
    window = text[window_start:window_stop]
    if syntax_error(window) is not None:
        return None  # the full text's error, with CPython's message, comes from the file
    try:  # LibCST's native parser detects the indent and newline itself: checked below
        part = cst.parse_module(window)
    except Exception:
        return None
    if not part.body or not part.has_trailing_newline:
        return None
    if old_end < count and part.footer:
        return None
    if old_end == count and (
        not _same(part.footer, module.footer) or not module.has_trailing_newline
    ):
        return None
    # LibCST's default indent is the file's first indentation: a change before the first
    # indented block may bring another. The window's is the file's then.
    if (
        changed <= block
        and first_block(part) < len(part.body)
        and part.default_indent != module.default_indent
    ):
        return None
    body = list(part.body)
    if part.header:
        body[0] = body[0].with_changes(leading_lines=(*part.header, *body[0].leading_lines))
    codes = [module.code_for_node(statement) for statement in body]
    footer = "".join(module.code_for_node(line) for line in part.footer)
    if "".join(codes) + footer != window:
        return None  # LibCST does not reproduce the text
    if codes[0] != old[starts[first] : starts[first + 1]]:
        return None  # the left neighbour took or gave lines
    if old_end < count and (
        len(body) < 2 or codes[-1] != old[starts[old_end - 1] : starts[old_end]]
    ):
        return None  # the right neighbour did
    # The neighbours read as they did, so they are what they were: the old nodes stay,
    # with their outlines, names and findings.
    body[0] = module.body[first]
    right = old_end < count
    if right:
        body[-1] = module.body[old_end - 1]
    new_starts = list(starts[: first + 1])
    for statement_code in codes:
        new_starts.append(new_starts[-1] + len(statement_code))
    new_starts.extend(s + chars for s in starts[old_end + 1 :])
    old_window = old[window_start : starts[old_end]]
    lines = len(LineIndex(window[: len(window) - len(footer)]).starts) - len(
        LineIndex(old_window).starts
    )
    new_module = module.with_changes(body=(*module.body[:first], *body, *module.body[old_end:]))
    end = first + len(body) - right
    old_end -= right
    block = first_block(new_module) if changed <= block else block
    return Splice(
        new_module, tuple(new_starts), first + 1, end, old_end, starts[old_end], chars, lines, block
    )


def _splice_members(
    last: Parsed, text: str, prefix: int, old_stop: int, members: Members
) -> Splice | None:
    """The splice of a change inside the members of one top-level class: those members,
    with an unchanged member on each side, parsed in a class of their own and put in
    the class. Typing in a method of a 1,600-line class parses the method."""
    old, module, starts = last.text, last.module, last.starts
    index = bisect.bisect_right(starts, prefix) - 1
    if not 0 <= index < len(module.body) or old_stop > starts[index + 1]:
        return None
    statement = module.body[index]
    if not isinstance(statement, cst.ClassDef) or not isinstance(statement.body, cst.IndentedBlock):
        return None
    block = statement.body
    if block.indent is not None or len(block.body) < 3:
        return None  # its members' blocks would read another default indent
    # Kept from the class's start: a change above the class moves it, not its members.
    known = members.get(id(statement))
    relative = known[1] if known is not None and known[0] is statement else None
    if relative is None:
        relative = _offsets(module, statement, block.body, 0)[0]
        members[id(statement)] = (statement, relative)
    offsets = tuple(starts[index] + o for o in relative)
    if prefix < offsets[0] or old_stop > offsets[-1]:
        return None  # the class line, or the comments after its last member
    changed = bisect.bisect_right(offsets, prefix) - 1
    last_changed = bisect.bisect_right(offsets, max(prefix, old_stop - 1)) - 1
    if changed < 1 or last_changed + 2 > len(block.body):
        return None  # no unchanged member on one side
    first, old_end = changed - 1, last_changed + 2
    chars = len(text) - len(old)
    window = text[offsets[first] : offsets[old_end] + chars]
    head = "class _:" + module.default_newline
    if syntax_error(head + window) is not None:
        return None
    try:
        part = cst.parse_module(head + window)
    except Exception:
        return None
    holder = part.body[0] if len(part.body) == 1 else None
    if (
        not isinstance(holder, cst.ClassDef)
        or not isinstance(holder.body, cst.IndentedBlock)
        or holder.body.footer
        or part.footer
        or part.header
        or part.default_indent != module.default_indent
        or len(holder.body.body) < 2
    ):
        return None
    new = list(holder.body.body)
    inner, code = _offsets(module, holder, new, -len(head))
    if code != head + window:
        return None  # LibCST does not reproduce the text
    if (
        window[: inner[1]] != old[offsets[first] : offsets[first + 1]]
        or window[inner[-2] :] != old[offsets[old_end - 1] : offsets[old_end]]
    ):
        return None  # a neighbour took or gave lines
    new[0], new[-1] = block.body[first], block.body[old_end - 1]
    rebuilt = statement.with_changes(
        body=block.with_changes(body=(*block.body[:first], *new, *block.body[old_end:]))
    )
    members[id(rebuilt)] = (
        rebuilt,
        (
            *relative[:first],
            *(relative[first] + o for o in inner[:-1]),
            *(o + chars for o in relative[old_end:]),
        ),
    )
    old_window = old[offsets[first] : offsets[old_end]]
    lines = len(LineIndex(window).starts) - len(LineIndex(old_window).starts)
    body = (*module.body[:index], rebuilt, *module.body[index + 1 :])
    new_starts = (*starts[: index + 1], *(s + chars for s in starts[index + 1 :]))
    return Splice(
        module.with_changes(body=body),
        new_starts,
        index,
        index + 1,
        index + 1,
        starts[index + 1],
        chars,
        lines,
        last.first_block,
    )


class _Offsets(CodegenState):
    """Code generation that notes where some nodes start."""

    def __init__(self, module: cst.Module, marked: Sequence[cst.CSTNode]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.size = 0
        self.marked = {id(node) for node in marked}
        self.found: list[int] = []
        self.last_end = 0

    def add_token(self, value: str) -> None:
        super().add_token(value)
        self.size += len(value)

    def add_indent_tokens(self) -> None:
        super().add_indent_tokens()
        self.size += sum(map(len, self.indent_tokens))

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.marked:
            self.found.append(self.size)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.marked:
            self.last_end = self.size


def _offsets(
    module: cst.Module, node: cst.CSTNode, children: Sequence[cst.CSTNode], base: int
) -> tuple[tuple[int, ...], str]:
    """Where each of `children` starts in `node`'s code, and where the last one ends,
    from `base` (where the node's code starts); and the code."""
    state = _Offsets(module, children)
    node._codegen(state)
    return (*(base + o for o in state.found), base + state.last_end), "".join(state.tokens)


def _same(a: Sequence[cst.CSTNode], b: Sequence[cst.CSTNode]) -> bool:
    return len(a) == len(b) and all(x.deep_equals(y) for x, y in zip(a, b, strict=True))
