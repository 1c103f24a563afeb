"""Running LibCST rules over one Python file: parse once, visit once with every rule, and
compute positions only when some rule reported something."""

from __future__ import annotations

import ast
import bisect
import difflib
import io
import itertools
import sys
import tokenize
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.model import (
    PARSE_ERROR,
    PARSE_LIMIT,
    Applicability,
    Edit,
    Finding,
    Fix,
    Location,
    error_finding,
    rule_crash,
    warning_finding,
)
from auditor.scan.ast_index import AstIndex
from auditor.scan.cst_rule import Replacement, Report, Rule
from auditor.scan.cst_walk import provide_parents, read_only_visits, walk_batched
from auditor.scan.loading import ActiveRule
from auditor.scan.module_names import ModuleNames
from auditor.scan.python_check import check_fix, check_syntax, parse_ast, syntax_error
from auditor.scan.rule_base import RuleContext
from auditor.scan.source import Decoded, LineIndex, decode_python, split_lines
from auditor.scan.suppressions import Comment

decode = decode_python


def comments(text: str, path: str | None = None) -> Iterator[Comment]:
    lines = split_lines(text)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                line, column = token.start
                before = lines[line - 1][:column] if line <= len(lines) else ""
                yield Comment(line, token.string, not before.strip(), column + 1)
    except (tokenize.TokenError, SyntaxError):
        return


# LibCST walks its trees recursively, a few frames per level of nesting: code CPython
# accepts (190 nested calls) needs more than the default 1,000 frames.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))


def run(
    path: str,
    text: str,
    rules: Sequence[ActiveRule],
    prefilter: bool = True,
    root: Path | None = None,
) -> list[Finding]:
    """Findings of `rules` on one file's text, unsorted, without fingerprints. With
    `prefilter`, rules whose `could_match` rejects the file's `ast` tree do not run."""
    try:
        return _run(path, text, rules, prefilter, root)
    except RecursionError:
        return [too_deep(path)]


def too_deep(path: str) -> Finding:
    message = "too deeply nested for LibCST to analyse; no rule ran on this file"
    return error_finding(PARSE_ERROR, path, message)


def libcst_limit(path: str, exc: Exception) -> Finding:
    """LibCST refuses code that CPython accepts (`(x): int`, syntax newer than LibCST):
    a limit of the tool, not an error in the code, so it warns and does not fail a gate."""
    first = str(exc).strip().splitlines()
    reason = first[0] if first else type(exc).__name__
    line, column = getattr(exc, "editor_line", None), getattr(exc, "editor_column", None)
    at = Location(line, column) if isinstance(line, int) and isinstance(column, int) else None
    message = f"LibCST cannot parse this file, which CPython accepts ({reason}); no rule ran on it"
    return warning_finding(PARSE_LIMIT, path, message, at)


def _candidates(
    rules: Sequence[ActiveRule], tree: ast.Module, path: str, root: Path | None
) -> list[ActiveRule]:
    """The rules that may report something in the file, by their `could_match`."""
    index = AstIndex(tree)
    kept = []
    for active in rules:
        cls = active.cls
        try:
            could = not issubclass(cls, Rule) or cls.could_match(
                index, RuleContext(path, active.options, root)
            )
        except Exception:
            could = True  # the rule runs, and reports its own failure if it has one
        if could:
            kept.append(active)
    return kept


def screen(
    path: str, text: str, rules: Sequence[ActiveRule], prefilter: bool, root: Path | None
) -> list[ActiveRule] | Finding:
    """CPython's verdict on the text (its parser's and its compiler's): why it would not
    run the file, or the rules to run on it (with `prefilter`, those that `could_match`
    its tree; perhaps none)."""
    refused = syntax_error(text)
    tree = parse_ast(text) if refused is None else refused
    if not isinstance(tree, ast.Module):
        location, message = tree
        return error_finding(PARSE_ERROR, path, f"cannot parse: {message}", location)
    return _candidates(rules, tree, path, root) if prefilter else list(rules)


def _run(
    path: str, text: str, rules: Sequence[ActiveRule], prefilter: bool, root: Path | None
) -> list[Finding]:
    # Its tree is gone when LibCST's is built: one tree at a time in memory.
    screened = screen(path, text, rules, prefilter, root)
    if isinstance(screened, Finding):
        return [screened]
    if not screened:
        return []
    rules = screened
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # LibCST rejects what CPython accepts (new syntax)
        return [libcst_limit(path, exc)]
    return analyse(path, module, text, rules, root)


class Unplaced(Exception):
    """A report's position, or its fix's, lies in code the analysed tree left out."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an analysed tree stands in the file when it is not the file's own tree (the
    language server's outline of a module, see `python_document`): its offsets are
    mapped into `text`, and only the reports that `keeps` are turned into findings."""

    text: str  # the file's
    to_file: Callable[[int], int]  # an offset in the tree's code -> the file's; or Unplaced
    keeps: Callable[[int], bool]  # by a report's start offset in the tree's code
    # The code of each top-level statement, and those whose reports count: the others'
    # code is taken as it is rather than generated to find positions in it.
    codes: Sequence[str] = ()
    window: range = range(0)


def analyse(
    path: str,
    module: cst.Module,
    text: str,
    rules: Sequence[ActiveRule],
    root: Path | None,
    placement: Placement | None = None,
    names: ModuleNames | None = None,
) -> list[Finding]:
    """Findings of `rules` on the parsed `module` of `text`; with a `placement`, `text`
    is the tree's own code and the findings are placed in `placement.text`. `names`
    answers the rules' `module_uses` (by default, from `module`)."""
    names = names or ModuleNames([module])
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    instances: list[tuple[ActiveRule, Rule]] = []
    findings: list[Finding] = []
    for active in rules:
        try:
            rule = active.cls(RuleContext(path, active.options, root))
            assert isinstance(rule, Rule)
        except Exception as exc:
            findings.append(rule_crash(path, active.id, exc))
            continue
        rule.module_variables = names
        instances.append((active, rule))

    provide_parents(wrapper, (p for _, rule in instances for p in rule.METADATA_DEPENDENCIES))
    with ExitStack() as stack:
        stack.enter_context(read_only_visits())  # metadata providers and rule helpers
        visiting = []
        for _, rule in instances:
            try:
                stack.enter_context(rule.resolve(wrapper))
            except Exception as exc:  # a metadata provider failed for this rule only
                rule.failure = exc
                continue
            visiting.append(rule)
        walk_batched(module, visiting)

    reported = [(active, rule) for active, rule in instances if rule.reports and not rule.failure]
    spans = None
    if reported and placement is not None:
        spans = _Spans.compute(module, reported, text, placement.codes, placement.window)
    if reported and spans is None:
        spans = _Spans.compute(module, reported, text)
    if spans is not None and placement is not None:
        spans = replace(spans, source=placement.text, to_source=placement.to_file)
    index = LineIndex(text if placement is None else placement.text) if reported else None
    for active, rule in instances:
        if rule.failure is not None:
            findings.append(rule_crash(path, active.id, rule.failure))
            continue
        for report in rule.reports:
            assert spans is not None and index is not None
            if placement is not None:
                at = spans.syntactic.get(id(report.node))
                if at is None or not placement.keeps(at[0]):
                    continue  # in a statement of the tree that is not the file's
            try:
                findings.append(_finding(path, active, report, spans, index, module))
            except Unplaced:
                raise
            except Exception as exc:  # e.g. a replacement node LibCST cannot render
                findings.append(rule_crash(path, active.id, exc))
    return findings


def _finding(
    path: str,
    active: ActiveRule,
    report: Report,
    spans: _Spans,
    index: LineIndex,
    module: cst.Module,
) -> Finding:
    start = spans.to_source(spans.syntactic[id(report.node)][0])
    end = spans.to_source(min(spans.syntactic[id(report.end)][1], len(spans.text)))

    def made(
        pairs: Sequence[tuple[cst.CSTNode, Replacement]],
        text: str,
        kind: Applicability,
        elsewhere: Sequence[Edit],
    ) -> Fix:
        edits = sorted(_edit(spans, node, new, module) for node, new in pairs)
        kept = tuple(e for e in edits if e.start != e.end or e.text)
        return Fix((*kept, *elsewhere), text, "safe" if active.fixes_are_safe else kind)

    fix = None
    if report.replacements:
        description = report.fix_description or f"fix {active.id}"
        fix = made(report.replacements, description, report.applicability, report.edits)
    others = (
        made(a.replacements, a.description, a.applicability, a.edits) for a in report.alternatives
    )
    return Finding(
        rule_id=active.id,
        severity=active.severity,
        path=path,
        start=index.location(start),
        end=index.location(end),
        message=report.message,
        fix=fix,
        scope=spans.scopes.get(id(report.node), ""),
        alternatives=tuple(others),
    )


def _edit(spans: _Spans, node: cst.CSTNode, new: Replacement, module: cst.Module) -> Edit:
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


def _identity(offset: int) -> int:
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
class _Spans:
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
    ) -> _Spans | None:
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
        to_source = _identity if text == source else offset_map(text, source)
        return cls(
            text, source, to_source, state.syntactic, state.outer, state.indents, state.scopes
        )


_NAMED_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef})


@dataclass(frozen=False)
class _SpanState(CodegenState):
    targets: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)
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


__all__ = ["Decoded", "check_fix", "check_syntax", "comments", "decode", "run"]
