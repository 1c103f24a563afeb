"""Running `ast` rules over one Python file: one walk of CPython's tree with every rule,
positions from the tree, and the fixes each report offers, their edits left for later
(auditor.scan.ast_fix). LibCST is not imported here."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.model import Finding, Fix, Location, rule_crash
from auditor.scan.ast_fields import field_table, is_singleton, node_classes
from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstReport, AstRule, Offer, Span
from auditor.scan.loading import ActiveRule
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import LineIndex, split_lines

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
        self.starts = LineIndex(text).starts

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
    walk(tree, [rule for _, rule in instances])
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
_Steps = dict[type[ast.AST], tuple[_Methods, _Methods, tuple[str, ...]]]


def walk(tree: ast.Module, rules: Sequence[AstRule]) -> None:
    """One depth-first walk calling every rule's visit_ and leave_ methods."""
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
    classes = node_classes()
    singletons = any(is_singleton(c) and c.__name__ in {*visits, *leaves} for c in classes)
    fields = field_table(singletons)
    steps: _Steps = {
        cls: (visits.get(cls.__name__), leaves.get(cls.__name__), fields[cls]) for cls in classes
    }
    _walk(tree, steps)


def _walk(node: ast.AST, steps: _Steps) -> None:
    before, after, fields = steps[type(node)]
    if before:
        for method in before:
            method(node)
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if item is not None:
                    _walk(item, steps)
        elif value is not None:
            _walk(value, steps)
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
