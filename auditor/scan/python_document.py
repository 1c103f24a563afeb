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

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst

from auditor.model import INTERNAL_ERROR, PARSE_ERROR, Finding, Fix, Location
from auditor.scan.ast_rule import AstRule
from auditor.scan.loading import ActiveRule
from auditor.scan.module_names import ModuleNames
from auditor.scan.python import Placement, Unplaced, analyse, libcst_limit, screen, too_deep
from auditor.scan.python import run as python_run
from auditor.scan.python_outline import Outlines
from auditor.scan.python_splice import Members, Splice, first_block, splice, statement_starts
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
    answers: dict[str, bool]  # the rules' `module_uses` questions the findings rest on
    ran: frozenset[str]  # the rules that ran on it


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
        fixes: bool = False,
    ) -> list[Finding]:
        """What `python.run` gives for the same arguments. A text that does not parse,
        or that no rule may report on, leaves the last tree in place: the next text is
        compared with it. The rules on `ast` analyse the whole text every time: that
        costs less than a splice of LibCST's tree."""
        on_ast = [r for r in rules if issubclass(r.cls, AstRule)]
        on_cst = [r for r in rules if not issubclass(r.cls, AstRule)]
        found = python_run(path, text, on_ast, prefilter, root, fixes) if on_ast else []
        if not on_cst or any(f.rule_id == PARSE_ERROR for f in found):
            return found
        try:
            return [*found, *self._run(path, text, on_cst, prefilter, root)]
        except RecursionError:
            self._last = None
            return [*found, too_deep(path)]

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
            fixes = [_shifted(fix, spliced, edge) for fix in finding.fixes]
            if None in fixes:
                return None
            fix, *alternatives = (f for f in fixes if f is not None)
            finding = replace(finding, fix=fix, alternatives=tuple(alternatives))
        moved.append((statement, finding))
    return moved


def _shifted(fix: Fix, spliced: Splice, edge: int) -> Fix | None:
    """`fix` with its edits after the re-parsed statements moved as they did; None when
    one of its edits is inside them."""
    edits = []
    for e in fix.edits:
        if e.path is not None or e.create:
            edits.append(e)  # in another file: the document's splice does not move it
        elif e.start >= spliced.old_edge:
            edits.append(replace(e, start=e.start + spliced.chars, end=e.end + spliced.chars))
        elif e.end <= edge:
            edits.append(e)
        else:
            return None
    return replace(fix, edits=tuple(edits))
