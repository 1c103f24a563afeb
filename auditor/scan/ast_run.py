"""Running `ast` rules over one Python file: one walk of CPython's tree with every rule,
positions from the tree, and the fixes each report offers, their edits left for later
(auditor.scan.ast_fix). LibCST is not imported here."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.model import Finding, Fix, Location, rule_crash
from auditor.scan.ast_fields import field_table, is_singleton, node_classes
from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstReport, AstRule, Offer, Span
from auditor.scan.loading import ActiveRule
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import line_index, split_lines

if TYPE_CHECKING:
    from auditor.scan.ast_scope import Scopes

_NAMED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, slots=True)
class Detected:
    """One rule's run on a file: its active settings, the rule (its state is what its
    fixes start from) and its reports, each with the finding made of it."""

    active: ActiveRule
    rule: AstRule
    reports: tuple[tuple[AstReport, Finding], ...]


class Positions:
    """Character positions of `ast` nodes, whose columns count UTF-8 bytes."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self.starts = line_index(text).starts

    def column(self, line: int, byte_column: int) -> int:
        """0-based character column of a 1-based line and a 0-based byte column."""
        code = self.lines[line - 1] if line <= len(self.lines) else ""
        if code.isascii():
            return byte_column
        return len(code.encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> Location:
        line: int = node.lineno  # type: ignore[attr-defined]
        return Location(line, self.column(line, node.col_offset) + 1)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> Location:
        line: int = node.end_lineno  # type: ignore[attr-defined]
        return Location(line, self.column(line, node.end_col_offset) + 1)  # type: ignore[attr-defined]

    def offset(self, location: Location) -> int:
        return self.starts[location.line - 1] + location.column - 1

    def span(self, node: ast.AST, end: ast.AST | None = None) -> Span:
        start, stop = self.offset(self.start(node)), self.offset(self.end(end or node))
        return Span(start, stop, type(node).__name__)


def detect(
    path: str,
    text: str,
    index: AstIndex,
    rules: Sequence[ActiveRule],
    root: Path | None,
    shared: Shared,
) -> tuple[list[Finding], list[Detected]]:
    """Findings of the `ast` rules among `rules` on a parsed file (`index`: its tree,
    grouped by node type; their fixes offered, not computed), and each rule's run for
    `ast_fix`. `shared`: what the rules share, released by the caller once the fixes, if
    any, are computed."""
    tree = index.tree
    findings: list[Finding] = []
    instances: list[tuple[ActiveRule, AstRule]] = []
    positions = Positions(text)
    for active in rules:
        try:
            rule = active.cls(RuleContext(path, active.options, root))
            assert isinstance(rule, AstRule)
        except Exception as exc:
            findings.append(rule_crash(path, active.id, exc))
            continue
        rule.text, rule.lines = text, positions.lines
        rule._scopes = shared.scopes
        rule._names = shared.names
        rule._index = index
        rule._spans = positions.span
        instances.append((active, rule))
        shared.rules.append(rule)
    walk(tree, [rule for _, rule in instances], index)
    detected = []
    for active, rule in instances:
        if rule.failure is not None:
            findings.append(rule_crash(path, active.id, rule.failure))
            continue
        made = []
        for report in rule.reports:
            try:
                made.append((report, _finding(path, active, report, positions, shared)))
            except Exception as exc:  # a report of a node without a position
                findings.append(rule_crash(path, active.id, exc))
                break
        findings.extend(finding for _, finding in made)
        detected.append(Detected(active, rule, tuple(made)))
    return findings, detected


_Methods = list[Callable[[ast.AST], None]] | None
_Step = tuple[_Methods, _Methods, tuple[str, ...]]
_Steps = dict[type[ast.AST], _Step]


def walk(tree: ast.Module, rules: Sequence[AstRule], index: AstIndex | None = None) -> None:
    """One depth-first walk calling every rule's visit_ and leave_ methods. With the
    tree's `index`, the walk steps only into the subtrees that hold a node some rule
    visits or leaves (`_kept`): the same calls, in the same order, without a call for
    each of the other nodes (most of a tree: its names, constants, attributes)."""
    visits: dict[str, list[Callable[[ast.AST], None]]] = {}
    leaves: dict[str, list[Callable[[ast.AST], None]]] = {}
    for rule in rules:
        own_visits, own_leaves = rule.visitors()
        for name, method in own_visits.items():
            visits.setdefault(name, []).append(method)
        for name, method in own_leaves.items():
            leaves.setdefault(name, []).append(method)
    if not visits and not leaves:
        return
    named = _classes_by_name()
    visited = [cls for name in {*visits, *leaves} for cls in named.get(name, ())]
    singletons = any(is_singleton(cls) for cls in visited)
    steps = dict(_idle_steps(singletons))
    for cls in visited:
        name = cls.__name__
        steps[cls] = (visits.get(name), leaves.get(name), steps[cls][2])
    kept = None if index is None or singletons else _kept(index, visited)
    _walk(tree, steps, _Every() if kept is None else kept)


@functools.cache
def _classes_by_name() -> dict[str, list[type[ast.AST]]]:
    """Node classes by name (a library's own subclasses of `ast.AST` may share one)."""
    named: dict[str, list[type[ast.AST]]] = {}
    for cls in node_classes():
        named.setdefault(cls.__name__, []).append(cls)
    return named


@functools.cache
def _idle_steps(singletons: bool) -> _Steps:
    """Each node class with no method to call: its children's fields only."""
    fields = field_table(singletons)
    return {cls: (None, None, fields[cls]) for cls in node_classes()}


def _kept(index: AstIndex, visited: Sequence[type[ast.AST]]) -> set[ast.AST] | None:
    """The nodes of the `visited` classes and every node above them: where the walk must
    go. None where a node of theirs has no parent in the index (an import's names): the
    whole tree is walked then."""
    tree = index.tree
    parent = index.parents()
    kept: set[ast.AST] = {tree}
    for cls in visited:
        for node in index.nodes(cls):
            while node not in kept:
                kept.add(node)
                above = parent.get(node)
                if above is None:
                    return None
                node = above
    return kept


class _Every:
    """Every node: where the walk cannot be told which subtrees to keep."""

    def __contains__(self, node: object) -> bool:
        return node is not None


def _walk(node: ast.AST, steps: _Steps, kept: Container[object]) -> None:
    """Call the methods of `steps` on `node` and, depth first, on its `kept` children.
    (An `_Every` costs a call for each child: the walk keeps a set where it can.)"""
    before, after, fields = steps[type(node)]
    if before:
        for method in before:
            method(node)
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if item in kept:
                    _walk(item, steps, kept)
        elif value is not None and value in kept:
            _walk(value, steps, kept)
    if after:
        for method in after:
            method(node)


class Shared:
    """What the rules of one walk share, built on first use: scopes, and parents."""

    def __init__(self, index: AstIndex) -> None:
        self.index = index
        self.tree = index.tree
        self._scopes: Scopes | None = None
        self._names: frozenset[str] | None = None
        self.rules: list[AstRule] = []  # the rules of the walk, each made for this module

    def scopes(self) -> Scopes:
        if self._scopes is None:
            from auditor.scan.ast_scope import Scopes

            self._scopes = Scopes(self.tree, self.index)
        return self._scopes

    def release(self) -> None:
        """Done with the module: its tree is freed at once, by reference counting, rather
        than by the garbage collector, whose passes over every file's garbage cost a fifth
        of a scan. The scopes (`Scopes.release`) and the rules' own state (a rule's helpers
        often refer back to it, and through it to the tree) are let go."""
        if self._scopes is not None:
            self._scopes.release()
            self._scopes = None
        for rule in self.rules:
            state = getattr(rule, "__dict__", None)
            if state is not None:
                state.clear()
        self.rules.clear()

    def names(self) -> frozenset[str]:
        if self._names is None:
            from auditor.scan.ast_names import variable_names

            self._names = variable_names(self.index)
        return self._names

    def enclosing_names(self, node: ast.AST) -> str:
        """The classes and functions around `node`, outermost first ("C.f"), by the
        parents the scopes hold (one map of them for the walk's rules and this)."""
        scopes = self.scopes()
        names = []
        parent = scopes.parent(node)
        while parent is not None:
            if isinstance(parent, _NAMED_SCOPES):
                names.append(parent.name)
            parent = scopes.parent(parent)
        return ".".join(reversed(names))


def _finding(
    path: str, active: ActiveRule, report: AstReport, positions: Positions, shared: Shared
) -> Finding:
    def pending(offer: Offer) -> Fix:
        kind = "safe" if active.fixes_are_safe else offer.applicability
        return Fix((), offer.description, kind, pending=True)

    fix = None if report.fix is None else pending(report.fix)
    return Finding(
        rule_id=active.id,
        severity=active.severity,
        path=path,
        start=positions.start(report.node),
        end=positions.end(report.end),
        message=report.message,
        fix=fix,
        scope=shared.enclosing_names(report.node),
        alternatives=tuple(pending(offer) for offer in report.alternatives),
    )
