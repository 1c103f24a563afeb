"""LibCST's reprint of a module, measured: the character range of each node, and the edit
that turns a node's code into its replacement's. Both rule paths use it: the LibCST rules
for every report, the `ast` rules' fixes when they are computed (auditor.scan.ast_fix)."""

from __future__ import annotations

import bisect
import difflib
import itertools
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.model import Edit
from auditor.scan.cst_rule import Replacement, Rule
from auditor.scan.loading import ActiveRule


def edit_of(spans: Spans, node: cst.CSTNode, new: Replacement, module: cst.Module) -> Edit:
    """The smallest edit that turns `node`'s code into `new`'s: unchanged leading and
    trailing characters are left alone, so fixes rarely overlap."""
    start, end = spans.outer[id(node)]
    # The module drops the newline its last statement generates when the file has none.
    dropped = max(end - len(spans.text), 0)
    end -= dropped
    # Compared with LibCST's own reprint of the node, not the source: where LibCST does
    # not reproduce a file exactly, the same slip is in both and cancels out.
    old = spans.text[start:end]
    state = CodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(spans.indents[id(node)]),
    )
    if isinstance(new, cst.FlattenSentinel):
        for part in new.nodes:
            part._codegen(state)
    elif isinstance(new, cst.CSTNode):
        new._codegen(state)
    replacement = "".join(state.tokens)
    if dropped:
        replacement = replacement.removesuffix("\n").removesuffix("\r")
    prefix = 0
    limit = min(len(old), len(replacement))
    while prefix < limit and old[prefix] == replacement[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and old[len(old) - 1 - suffix] == replacement[len(replacement) - 1 - suffix]
    ):
        suffix += 1
    return Edit(
        spans.to_source(start + prefix),
        spans.to_source(end - suffix),
        replacement[prefix : len(replacement) - suffix],
    )


def identity(offset: int) -> int:
    return offset


def offset_map(generated: str, source: str) -> Callable[[int], int]:
    """Offsets in LibCST's reprint of a file -> offsets in the file. LibCST 1.9 does not
    always reproduce its input (it drops the space in `except A :`), and every position
    after such a spot would be off. Lines are aligned first, then characters inside the
    few lines that differ; an offset inside a difference maps to where the difference
    starts."""
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


@dataclass
class Spans:
    """Character offsets of nodes, from one code-generation pass (what LibCST's
    PositionProvider does, but counting offsets instead of splitting lines). Keyed by
    `id(node)`: a CSTNode's `__hash__` is a Python call, and this pass makes two lookups
    per node of the file; the tree is alive while the ids are used."""

    text: str  # as LibCST generates it: the source, but for LibCST's reprinting bugs
    source: str
    to_source: Callable[[int], int]  # an offset in `text` -> the same place in `source`
    syntactic: dict[int, tuple[int, int]]
    outer: dict[int, tuple[int, int]]
    indents: dict[int, tuple[str, ...]]
    scopes: dict[int, str]

    @classmethod
    def compute(
        cls,
        module: cst.Module,
        reported: Sequence[tuple[ActiveRule, Rule]],
        source: str,
        codes: Sequence[str] = (),
        window: range = range(0),
    ) -> Spans | None:
        """With `codes`, the top-level statements outside `window` are not generated
        (their code is given) unless one of them is a fix's target itself; None when a
        report or fix reaches inside one of them after all."""
        targets = {id(node) for _, rule in reported for r in rule.reports for node in r.targets()}
        state = _SpanState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            targets=targets,
            flagged={id(r.node) for _, rule in reported for r in rule.reports},
        )
        if not codes:
            module._codegen(state)
        else:
            state.before_codegen(module)
            for line in module.header:
                line._codegen(state)
            for index, statement in enumerate(module.body):
                if index in window or id(statement) in targets:
                    statement._codegen(state)
                else:
                    state.add_token(codes[index])
            for line in module.footer:
                line._codegen(state)
            if not module.has_trailing_newline:
                state.pop_trailing_newline()
            state.after_codegen(module)
            placed = state.syntactic
            kept = [r for _, rule in reported for r in rule.reports if id(r.node) in placed]
            if any(
                id(r.end) not in placed or any(id(node) not in state.outer for node in r.targets())
                for r in kept
            ):
                return None
        text = "".join(state.tokens)
        to_source = identity if text == source else offset_map(text, source)
        return cls(
            text, source, to_source, state.syntactic, state.outer, state.indents, state.scopes
        )


_NAMED_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef})


@dataclass(frozen=False)
class _SpanState(CodegenState):
    targets: Container[int] = field(default_factory=set)
    flagged: Container[int] = field(default_factory=set)
    offset: int = 0
    scope: list[str] = field(default_factory=list)  # enclosing class and function names
    scopes: dict[int, str] = field(default_factory=dict)
    syntactic: dict[int, tuple[int, int]] = field(default_factory=dict)
    outer: dict[int, tuple[int, int]] = field(default_factory=dict)
    indents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append(self.offset)
        key = id(node)
        if key in self.targets:
            self.indents[key] = tuple(self.indent_tokens)
        if key in self.flagged:
            self.scopes[key] = ".".join(self.scope)
        if type(node) in _NAMED_SCOPES:
            self.scope.append(node.name.value)  # type: ignore[attr-defined]

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        if type(node) in _NAMED_SCOPES:
            self.scope.pop()
        # Nodes without a syntactic position of their own span what they generated.
        key = id(node)
        if key not in self.syntactic:
            self.syntactic[key] = (start, self.offset)
        if key in self.targets:
            self.outer[key] = (start, self.offset)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Record:
        return _Record(self, node, start_node, end_node)


class _Record:
    """`record_syntactic_position`'s context manager; a class, because LibCST enters one
    for most nodes, and generator-based context managers cost three times as much."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _SpanState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> None:
        state = self.state
        start, end = self.start, state.offset
        if self.start_node is not None:
            start = state.syntactic[id(self.start_node)][0]
        if self.end_node is not None:
            end = state.syntactic[id(self.end_node)][1]
        state.syntactic[id(self.node)] = (start, end)
