"""A Python document edited in place (the language server's buffer), scanned again after
each change at the cost of the change rather than of the file.

LibCST parses and analyses a 2,000-line module in the better part of a second, and a
keystroke changes one function. So the document keeps its last tree and findings, and
on a change:
- re-parses only the changed top-level statements, with one unchanged statement on
  each side (the comment lines at a boundary belong to one side or the other by the
  text around it) and the module's own indent and newline, and splices them into the
  tree; what it splices is checked against the text it stands for;
- when the change leaves the module's outline as it was (an edit inside a function
  body), runs the rules that declare `statement_local` on the outline with the changed
  statements in full, and keeps their findings in the other statements, moved by the
  lines the change added or removed;
- runs every other rule on the whole spliced tree, as a file scan would.

What it cannot do exactly (a syntax error, LibCST not reproducing the text, a change to
the module's header or to the statement whose indented block sets LibCST's default
indent) is done by a full scan, so the findings are those of `audit scan` on the text."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.model import INTERNAL_ERROR, PARSE_ERROR, Edit, Finding, Fix, Location, error_finding
from auditor.scan.loading import ActiveRule
from auditor.scan.python import Placement, Unplaced, analyse, candidates, libcst_limit
from auditor.scan.python_check import parse_ast
from auditor.scan.python_outline import Outlines, contains
from auditor.scan.source import LineIndex

Placed = tuple[tuple[int, Finding], ...]  # (statement index, finding), in order


@dataclass(frozen=True, slots=True)
class _Version:
    """The text last scanned, its tree, where its statements start, and the findings of
    its statement-local rules by statement."""

    text: str
    module: cst.Module
    starts: tuple[int, ...]  # each statement's first offset, then the last one's end
    first_block: int  # the statement of the first indented block
    local: dict[str, Placed]


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


class Document:
    """One buffer's scans, each given the previous one's tree and findings. The rules
    and their options must be the same at every call: another project, another
    document."""

    def __init__(self) -> None:
        self._last: _Version | None = None
        self._outlines = Outlines()
        self.spliced = 0  # scans that re-parsed part of the text (for the benchmark)

    def run(
        self,
        path: str,
        text: str,
        rules: Sequence[ActiveRule],
        prefilter: bool,
        root: Path | None,
    ) -> list[Finding]:
        """What `python.run` gives for the same arguments."""
        last, self._last = self._last, None
        tree = parse_ast(text)
        if not isinstance(tree, ast.Module):
            location, message = tree
            return [error_finding(PARSE_ERROR, path, f"cannot parse: {message}", location)]
        if prefilter:
            rules = candidates(rules, tree, path, root)
        del tree
        spliced = (
            splice(last.text, last.module, last.starts, last.first_block, text) if last else None
        )
        if last is None or spliced is None:
            return self._full(path, text, rules, root)
        self.spliced += 1
        return self._incremental(last, spliced, path, text, rules, root)

    def _full(
        self, path: str, text: str, rules: Sequence[ActiveRule], root: Path | None
    ) -> list[Finding]:
        try:
            module = cst.parse_module(text)
        except Exception as exc:  # LibCST rejects what CPython accepts (new syntax)
            return [libcst_limit(path, exc)]
        found = analyse(path, module, text, rules, root)
        starts = statement_starts(module, text)
        if starts is not None:  # None: LibCST does not reproduce the text; never spliced
            local = _placed(found, rules, starts, text)
            self._last = _Version(text, module, starts, first_block(module), local)
        return found

    def _incremental(
        self,
        last: _Version,
        spliced: Splice,
        path: str,
        text: str,
        rules: Sequence[ActiveRule],
        root: Path | None,
    ) -> list[Finding]:
        outlines = self._outlines
        window = slice(spliced.first, spliced.end)
        same_outline = outlines.code(
            last.module, last.module.body[spliced.first : spliced.old_end]
        ) == outlines.code(spliced.module, spliced.module.body[window])
        kept: dict[str, list[tuple[int, Finding]]] = {}
        whole: list[ActiveRule] = []
        for active in rules:
            moved = _moved(last.local.get(active.id), spliced) if same_outline else None
            if moved is None:
                whole.append(active)
            else:
                kept[active.id] = moved
        found: list[Finding] = []
        local: dict[str, Placed] = {}
        if kept:
            outlined = [r for r in rules if r.id in kept]
            try:
                fresh = self._outline_scan(path, spliced, text, outlined, root)
            except Unplaced:  # a fix reaches into an outlined function body
                fresh = None
            new = _placed(fresh, outlined, spliced.starts, text) if fresh is not None else {}
            for active in outlined:
                if active.id not in new:  # it failed, or reported outside the statements
                    whole.append(active)
                    continue
                merged = tuple(sorted([*kept[active.id], *new[active.id]], key=lambda p: p[0]))
                local[active.id] = merged
                found.extend(f for _, f in merged)
        if whole:
            more = analyse(path, spliced.module, text, whole, root)
            found.extend(more)
            local.update(_placed(more, whole, spliced.starts, text))
        outlines.keep_only(spliced.module)
        self._last = _Version(text, spliced.module, spliced.starts, last.first_block, local)
        return found

    def _outline_scan(
        self,
        path: str,
        spliced: Splice,
        text: str,
        rules: Sequence[ActiveRule],
        root: Path | None,
    ) -> list[Finding]:
        """The rules' findings in the re-parsed statements, from the outline of the
        module with those statements in full."""
        module, starts = spliced.module, spliced.starts
        body, code, outline_starts, prefixes = [], [text[: starts[0]]], [], []
        at = starts[0]
        for index, statement in enumerate(module.body):
            if spliced.first <= index < spliced.end:
                node: cst.BaseStatement = statement
                statement_code, prefix = text[starts[index] : starts[index + 1]], -1
            else:
                node, statement_code, prefix = self._outlines.of(module, statement)
            body.append(node)
            code.append(statement_code)
            outline_starts.append(at)
            prefixes.append(prefix)
            at += len(statement_code)
        outline_starts.append(at)
        code.append(text[starts[-1] :])
        outline = module.with_changes(body=body)
        outline_code = "".join(code)

        def to_file(offset: int) -> int:
            index = bisect.bisect_right(outline_starts, offset) - 1
            if index < 0:
                return offset  # the header: the same
            if index >= len(body):
                return starts[-1] + offset - outline_starts[-1]  # the footer: the same
            inside = offset - outline_starts[index]
            if prefixes[index] >= 0 and inside > prefixes[index]:
                raise Unplaced(offset)
            return starts[index] + inside

        def keeps(offset: int) -> bool:
            index = bisect.bisect_right(outline_starts, offset) - 1
            return spliced.first <= index < spliced.end

        placement = Placement(text, to_file, keeps)
        return analyse(path, outline, outline_code, rules, root, placement)


def _placed(
    found: Iterable[Finding], rules: Sequence[ActiveRule], starts: Sequence[int], text: str
) -> dict[str, Placed]:
    """The findings of the statement-local rules by the statement each starts in. A rule
    with a finding outside every statement, or that failed, is left out: it runs on the
    whole tree next time."""
    local = {r.id for r in rules if getattr(r.cls, "statement_local", False)}
    placed: dict[str, list[tuple[int, Finding]]] = {rule: [] for rule in local}
    index: LineIndex | None = None
    for finding in found:
        if finding.rule_id == INTERNAL_ERROR:
            local.difference_update(r for r in local if f"rule {r} " in finding.message)
            continue
        if finding.rule_id not in placed:
            continue
        index = index or LineIndex(text)
        statement = bisect.bisect_right(starts, index.offset(finding.start)) - 1
        if 0 <= statement < len(starts) - 1:
            placed[finding.rule_id].append((statement, finding))
        else:
            local.discard(finding.rule_id)
    return {rule: tuple(pairs) for rule, pairs in placed.items() if rule in local}


def _moved(placed: Placed | None, spliced: Splice) -> list[tuple[int, Finding]] | None:
    """The findings in the statements that were not re-parsed, where they are now; None
    when one of them has a fix edit inside the re-parsed statements."""
    if placed is None:
        return None
    edge = spliced.starts[spliced.first]  # offsets before it did not move
    moved = []
    for statement, finding in placed:
        if spliced.first <= statement < spliced.old_end:
            continue  # re-parsed: found again
        if statement >= spliced.old_end:
            statement += spliced.end - spliced.old_end
            finding = replace(
                finding,
                start=Location(finding.start.line + spliced.lines, finding.start.column),
                end=Location(finding.end.line + spliced.lines, finding.end.column),
            )
        if finding.fix is not None:
            edits = []
            for e in finding.fix.edits:
                if e.start >= spliced.old_edge:
                    edits.append(Edit(e.start + spliced.chars, e.end + spliced.chars, e.text))
                elif e.end <= edge:
                    edits.append(e)
                else:
                    return None
            finding = replace(
                finding, fix=Fix(tuple(edits), finding.fix.description, finding.fix.applicability)
            )
        moved.append((statement, finding))
    return moved


# --- the tree ------------------------------------------------------------------------


def statement_starts(module: cst.Module, text: str) -> tuple[int, ...] | None:
    """Where each top-level statement starts in `text`, and where the last one ends,
    from one code generation; None when LibCST does not reproduce `text` exactly, or
    the file does not end with a newline (not worth a case of its own)."""
    if not module.has_trailing_newline or not module.body:
        return None
    state = CodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    for line in module.header:
        line._codegen(state)
    size = sum(map(len, state.tokens))
    starts = [size]
    for statement in module.body:
        mark = len(state.tokens)
        statement._codegen(state)
        size += sum(map(len, state.tokens[mark:]))
        starts.append(size)
    for line in module.footer:
        line._codegen(state)
    return tuple(starts) if "".join(state.tokens) == text else None


def first_block(module: cst.Module) -> int:
    """The first statement with an indented block: LibCST's default indent comes from
    the first indentation of the file, and a change before it may change it."""
    for index, statement in enumerate(module.body):
        if contains(statement, cst.IndentedBlock):
            return index
    return len(module.body)


def splice(
    old: str, module: cst.Module, starts: Sequence[int], block: int, text: str
) -> Splice | None:
    """The tree of `text` made from the tree of `old` by re-parsing the statements the
    change touches, or None when that cannot be done exactly."""
    prefix = common_prefix(old, text)
    suffix = common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_stop = len(old) - suffix  # the change: old[prefix:old_stop] -> text[prefix:new_stop]
    count = len(module.body)
    if prefix == len(old) == len(text) or count < 2:
        return None
    if prefix < starts[0] or prefix >= starts[-1] or old_stop > starts[-1]:
        return None  # the header or footer changed
    changed = bisect.bisect_right(starts, prefix) - 1
    last = bisect.bisect_right(starts, max(prefix, old_stop - 1)) - 1
    if changed <= block:
        return None
    first = changed - 1
    old_end = min(last + 2, count)
    chars = len(text) - len(old)
    window_start = starts[first]
    window_stop = starts[old_end] + chars if old_end < count else len(text)
    window = text[window_start:window_stop]
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
    end = first + len(body)
    new_starts = list(starts[: first + 1])
    for statement_code in codes:
        new_starts.append(new_starts[-1] + len(statement_code))
    new_starts.extend(s + chars for s in starts[old_end + 1 :])
    old_window = old[window_start : starts[old_end]]
    lines = len(LineIndex(window[: len(window) - len(footer)]).starts) - len(
        LineIndex(old_window).starts
    )
    new_module = module.with_changes(body=(*module.body[:first], *body, *module.body[old_end:]))
    return Splice(new_module, tuple(new_starts), first, end, old_end, starts[old_end], chars, lines)


def _same(a: Sequence[cst.CSTNode], b: Sequence[cst.CSTNode]) -> bool:
    return len(a) == len(b) and all(x.deep_equals(y) for x, y in zip(a, b, strict=True))


def common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix, by halving: string comparison in C."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low
