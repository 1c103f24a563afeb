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
the module's header, footer or first statement, or one that changes the indentation
LibCST takes for the module's) is done by a full scan, so the findings are those of `audit scan` on the text."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.model import INTERNAL_ERROR, Edit, Finding, Fix, Location
from auditor.scan.loading import ActiveRule
from auditor.scan.module_names import ModuleNames
from auditor.scan.python import Placement, Unplaced, analyse, libcst_limit, screen, too_deep
from auditor.scan.python_check import parse_ast
from auditor.scan.python_outline import Outlines, contains
from auditor.scan.source import LineIndex, common_prefix, common_suffix

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
    answers: dict[str, bool]  # the rules' `module_uses` questions the findings rest on
    ran: frozenset[str]  # the rules that ran on it


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


class Document:
    """One buffer's scans, each given the previous one's tree and findings. The rules
    and their options must be the same at every call: another project, another
    document."""

    def __init__(self) -> None:
        self._last: _Version | None = None
        self._outlines = Outlines()
        self._names: dict[int, tuple[cst.CSTNode, frozenset[str]]] = {}  # by statement
        self._members: Members = {}
        # How the scans went, for the tests and benchmarks: those that re-parsed part of
        # the text, and those that ran statement-local rules on the outline.
        self.spliced = 0
        self.outlined = 0

    def run(
        self,
        path: str,
        text: str,
        rules: Sequence[ActiveRule],
        prefilter: bool,
        root: Path | None,
    ) -> list[Finding]:
        """What `python.run` gives for the same arguments. A text that does not parse,
        or that no rule may report on, leaves the last tree in place: the next text is
        compared with it."""
        try:
            return self._run(path, text, rules, prefilter, root)
        except RecursionError:
            self._last = None
            return [too_deep(path)]

    def _run(
        self,
        path: str,
        text: str,
        rules: Sequence[ActiveRule],
        prefilter: bool,
        root: Path | None,
    ) -> list[Finding]:
        last = self._last
        spliced = splice(last, text, self._members) if last is not None else None
        rejected: frozenset[str] = frozenset()
        if spliced is None or last is None or not {r.id for r in rules} <= last.ran:
            screened = screen(path, text, rules, prefilter, root)
            if isinstance(screened, Finding):
                return [screened]
            if not screened:
                return []
            # A statement-local rule `could_match` rejects has no finding anywhere: from
            # now on it runs on the changed statements like the others.
            rejected = frozenset(
                r.id
                for r in rules
                if r not in screened and getattr(r.cls, "statement_local", False)
            )
            rules = screened
        # Else the splice parsed the changed statements with CPython too, and every rule
        # ran on the last text: one that `could_match` would now skip reports nothing
        # either way, as the harness checks of every rule.
        self._last = None
        if last is None or spliced is None:
            found = self._full(path, text, rules, root)
        else:
            self.spliced += 1
            found = self._incremental(last, spliced, path, text, rules, root)
        if rejected and self._last is not None:
            local = {**dict.fromkeys(rejected, ()), **self._last.local}
            self._last = replace(self._last, ran=self._last.ran | rejected, local=local)
        return found

    def _full(
        self, path: str, text: str, rules: Sequence[ActiveRule], root: Path | None
    ) -> list[Finding]:
        try:
            module = cst.parse_module(text)
        except Exception as exc:  # LibCST rejects what CPython accepts (new syntax)
            return [libcst_limit(path, exc)]
        self._names = {}
        names = ModuleNames(module.body, self._names)
        found = analyse(path, module, text, rules, root, names=names)
        starts = statement_starts(module, text)
        if starts is not None:  # None: LibCST does not reproduce the text; never spliced
            local = _placed(found, rules, starts, text)
            block = first_block(module)
            ran = frozenset(r.id for r in rules)
            self._last = _Version(text, module, starts, block, local, names.asked, ran)
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
        names = ModuleNames(spliced.module.body, self._names)
        same_outline = all(
            names.uses(name) == answer for name, answer in last.answers.items()
        ) and outlines.code(
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
                fresh = self._outline_scan(path, spliced, text, outlined, root, names)
            except Unplaced:  # a fix reaches into an outlined function body
                fresh = None
            new = _placed(fresh, outlined, spliced.starts, text) if fresh is not None else {}
            self.outlined += bool(new)
            for active in outlined:
                if active.id not in new:  # it failed, or reported outside the statements
                    whole.append(active)
                    continue
                merged = tuple(sorted([*kept[active.id], *new[active.id]], key=lambda p: p[0]))
                local[active.id] = merged
                found.extend(f for _, f in merged)
        if whole:
            more = analyse(path, spliced.module, text, whole, root, names=names)
            found.extend(more)
            local.update(_placed(more, whole, spliced.starts, text))
        outlines.keep_only(spliced.module)
        alive = {id(statement) for statement in spliced.module.body}
        self._names = {key: value for key, value in self._names.items() if key in alive}
        self._members = {key: value for key, value in self._members.items() if key in alive}
        answers = {**last.answers, **names.asked}
        ran = frozenset(r.id for r in rules)
        self._last = _Version(
            text, spliced.module, spliced.starts, spliced.block, local, answers, ran
        )
        return found

    def _outline_scan(
        self,
        path: str,
        spliced: Splice,
        text: str,
        rules: Sequence[ActiveRule],
        root: Path | None,
        names: ModuleNames,
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
                real = text[starts[index] : starts[index + 1]]
                node, statement_code, prefix = self._outlines.of(module, statement, real)
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

        placement = Placement(text, to_file, keeps, code[1:-1], range(spliced.first, spliced.end))
        return analyse(path, outline, outline_code, rules, root, placement, names)


def statement_findings(
    path: str, text: str, rules: Sequence[ActiveRule], index: int
) -> list[Finding] | None:
    """The rules' findings in top-level statement `index` of `text`, found on the outline
    of the module with that statement in full: what the language server finds there for
    a statement-local rule. None when the text has no such statement, LibCST does not
    reproduce it, or a fix reaches into the outline (the server scans all then)."""
    module = cst.parse_module(text)
    starts = statement_starts(module, text)
    if starts is None or not 0 <= index < len(module.body):
        return None
    spliced = Splice(module, starts, index, index + 1, index + 1, starts[index + 1], 0, 0, 0)
    try:
        return Document()._outline_scan(path, spliced, text, rules, None, ModuleNames(module.body))
    except Unplaced:
        return None


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


def splice(last: _Version, text: str, members: Members | None = None) -> Splice | None:
    """The tree of `text` made from the last version's by re-parsing the statements the
    change touches (the members, when the change is inside one top-level class), or
    None when that cannot be done exactly. CPython parses them first (as `parse_ast`
    the whole text): what it accepts between two statement boundaries it accepts in any
    file, and LibCST never sees what it refuses. `members` keeps the classes' member
    offsets from one version to the next."""
    old = last.text
    prefix = common_prefix(old, text)
    suffix = common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_stop = len(old) - suffix  # the change: old[prefix:old_stop] -> text[prefix:new_stop]
    inside = _splice_members(last, text, prefix, old_stop, {} if members is None else members)
    return inside or _splice_statements(last, text, prefix, old_stop)


def _splice_statements(last: _Version, text: str, prefix: int, old_stop: int) -> Splice | None:
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
    if not isinstance(parse_ast(window), ast.Module):
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
    last: _Version, text: str, prefix: int, old_stop: int, members: Members
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
    if not isinstance(parse_ast(head + window), ast.Module):
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
