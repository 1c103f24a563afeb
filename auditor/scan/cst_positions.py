"""Where LibCST's nodes are in a file, and the edit that turns a node's code into its
replacement's, through LibCST's public API only: its position metadata and a transformer.
Computed when a fix is written, or for a LibCST rule's reports."""

from __future__ import annotations

import bisect
import difflib
import itertools
from collections.abc import Callable, Iterator

import libcst as cst
from libcst.metadata import (
    ByteSpanPositionProvider,
    CodeRange,
    CodeSpan,
    ParentNodeProvider,
    WhitespaceInclusivePositionProvider,
)

from auditor.model import Edit, Location
from auditor.scan.cst_rule import Replacement
from auditor.scan.source import LineIndex


class CstPositions:
    """Node ranges in character offsets of the file. LibCST measures its reprint of the
    module (`module.code`); where that is not the file byte for byte (LibCST 1.9 drops the
    space in `except A :`), offsets are carried over to the file (`offset_map`)."""

    def __init__(
        self, module: cst.Module, source: str, wrapper: cst.MetadataWrapper | None = None
    ) -> None:
        self.module = module
        self.source = source
        self.code = module.code
        self.to_source = _identity if self.code == source else offset_map(self.code, source)
        self.wrapper = wrapper or cst.MetadataWrapper(module, unsafe_skip_copy=True)
        self._bytes: dict[cst.CSTNode, CodeSpan] | None = None
        self._outer: dict[cst.CSTNode, CodeRange] | None = None
        self._parents: dict[cst.CSTNode, cst.CSTNode] | None = None
        self._chars: Callable[[int], int] | None = None
        self._lines = LineIndex(self.code)

    def placed(self, node: cst.CSTNode) -> bool:
        """Whether LibCST gives the node a position (not every whitespace node has one)."""
        if self._bytes is None:
            self._bytes = dict(self.wrapper.resolve(ByteSpanPositionProvider))
        return node in self._bytes

    def syntactic(self, node: cst.CSTNode) -> tuple[int, int]:
        """The node's own code, without the whitespace it owns, in the file's offsets."""
        if self._bytes is None:
            self._bytes = dict(self.wrapper.resolve(ByteSpanPositionProvider))
        span = self._bytes[node]
        chars = self._char_offsets()
        start, end = chars(span.start), chars(span.start + span.length)
        return self.to_source(start), self.to_source(min(end, len(self.code)))

    def nodes(self) -> Iterator[cst.CSTNode]:
        """Every node, outermost first (preorder)."""
        stack: list[cst.CSTNode] = [self.module]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self._parents is None:
            self._parents = dict(self.wrapper.resolve(ParentNodeProvider))
        return self._parents.get(node)

    def enclosing_names(self, node: cst.CSTNode) -> str:
        """The classes and functions around `node`, outermost first ("C.f")."""
        names = []
        parent = self.parent(node)
        while parent is not None:
            if isinstance(parent, cst.FunctionDef | cst.ClassDef):
                names.append(parent.name.value)
            parent = self.parent(parent)
        return ".".join(reversed(names))

    def edit(self, node: cst.CSTNode, new: Replacement) -> Edit:
        """The smallest edit that turns `node`'s code, with the whitespace it owns, into
        `new`'s as LibCST writes it in place (indented as the node is): unchanged leading
        and trailing characters are left alone, so fixes rarely overlap."""
        if self._outer is None:
            self._outer = dict(self.wrapper.resolve(WhitespaceInclusivePositionProvider))
        where = self._outer[node]
        start = self._offset(where.start.line, where.start.column)
        end = self._offset(where.end.line, where.end.column)
        changed = self.module.visit(_Swap(node, new))
        assert isinstance(changed, cst.Module)
        code = changed.code
        # Only the node's range differs: the rest of the two reprints is the same text.
        old, replacement = self.code[start:end], code[start : end + len(code) - len(self.code)]
        limit = min(len(old), len(replacement))
        prefix = 0
        while prefix < limit and old[prefix] == replacement[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < limit - prefix
            and old[len(old) - 1 - suffix] == replacement[len(replacement) - 1 - suffix]
        ):
            suffix += 1
        return Edit(
            self.to_source(start + prefix),
            self.to_source(end - suffix),
            replacement[prefix : len(replacement) - suffix],
        )

    def _offset(self, line: int, column: int) -> int:
        """A LibCST position in `module.code`; one past the end of a file without a final
        newline (LibCST places the last statement's end on the line after) is its end."""
        if line > len(self._lines.starts):
            return len(self.code)
        return min(self._lines.offset(Location(line, column + 1)), len(self.code))

    def _char_offsets(self) -> Callable[[int], int]:
        """UTF-8 byte offsets of `module.code` -> character offsets."""
        if self._chars is None:
            if self.code.isascii():
                self._chars = _identity
            else:
                ends = list(itertools.accumulate(len(c.encode("utf-8")) for c in self.code))

                def chars(offset: int) -> int:
                    return bisect.bisect_right(ends, offset)

                self._chars = chars
        return self._chars


class _Swap(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: Replacement) -> None:
        super().__init__()
        self.old, self.new = old, new

    def on_leave(  # type: ignore[override]  # LibCST types it per node class, by a TypeVar
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Replacement:
        return self.new if original_node is self.old else updated_node


def _identity(offset: int) -> int:
    return offset


def offset_map(generated: str, source: str) -> Callable[[int], int]:
    """Offsets in LibCST's reprint of a file -> offsets in the file. Lines are aligned
    first, then characters inside the few lines that differ; an offset inside a
    difference maps to where the difference starts."""
    g_lines = generated.splitlines(keepends=True)
    s_lines = source.splitlines(keepends=True)
    g_starts = [0, *itertools.accumulate(len(line) for line in g_lines)]
    s_starts = [0, *itertools.accumulate(len(line) for line in s_lines)]
    runs: list[tuple[int, int, int]] = []  # (generated offset, source offset, length)
    lines = difflib.SequenceMatcher(None, g_lines, s_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        g0, s0 = g_starts[i1], s_starts[j1]
        if tag == "equal":
            runs.append((g0, s0, g_starts[i2] - g0))
            continue
        chars = difflib.SequenceMatcher(
            None, generated[g0 : g_starts[i2]], source[s0 : s_starts[j2]], autojunk=False
        )
        runs.extend((g0 + a, s0 + b, size) for a, b, size in chars.get_matching_blocks() if size)
    starts = [run[0] for run in runs]

    def to_source(offset: int) -> int:
        at = bisect.bisect_right(starts, offset) - 1
        if at < 0:
            return 0
        g0, s0, size = runs[at]
        return s0 + min(offset - g0, size)

    return to_source
