"""The fixes of `ast` rules, computed when they are going to be written: LibCST parses the
file once, each report's fix receives the LibCST node at its finding's range, and its
replacements become edits as a LibCST rule's do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from auditor.model import Edit, Finding, Fix, rule_crash
from auditor.scan.ast_rule import AstReport, FixTarget, Span
from auditor.scan.ast_run import Detected
from auditor.scan.cst_positions import CstPositions
from auditor.scan.cst_rule import Replacement
from auditor.scan.source import LineIndex


class Unparsed(Exception):
    """LibCST cannot parse a file CPython accepts: its fixes cannot be written."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Located:
    """The module's nodes by the range of their code, in the file's characters."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.text = text
        self.index = LineIndex(text)
        self.positions = CstPositions(module, text)
        ranges: dict[int, list[tuple[int, cst.CSTNode]]] = {}
        for node in self.positions.nodes():  # the outermost node of a range comes first
            if not self.positions.placed(node):
                continue  # whitespace LibCST gives no position (inside a `case {...}`)
            start, end = self.positions.syntactic(node)
            ranges.setdefault(start, []).append((end, node))
        self.ranges = ranges

    def node_at(self, span: Span) -> cst.CSTNode | None:
        """The node whose code is `span`, of the kind of its `ast` node, else the
        innermost one; failing those, one that ends where it does but for whitespace
        (LibCST counts a block's last newline in, `ast` does not)."""
        candidates = self.ranges.get(span.start, ())
        exact = [node for end, node in candidates if end == span.end]
        loose = [
            node
            for end, node in candidates
            if end > span.end and not self.text[span.end : end].strip()
        ]
        kinds = _CST_KINDS.get(span.kind, (span.kind,))
        for found in (exact, loose):
            same = [node for node in found if type(node).__name__ in kinds]
            if same:
                return same[0]
        return exact[-1] if exact else None

    def metadata(self, provider: type[object], node: cst.CSTNode) -> object:
        return self.positions.wrapper.resolve(provider)[node]  # type: ignore[arg-type]


# `ast` classes whose LibCST counterparts are named otherwise.
_CST_KINDS = {
    "AsyncFunctionDef": ("FunctionDef",),
    "AsyncFor": ("For",),
    "AsyncWith": ("With",),
    "BinOp": ("BinaryOperation",),
    "BoolOp": ("BooleanOperation",),
    "UnaryOp": ("UnaryOperation",),
    "Compare": ("Comparison",),
    "JoinedStr": ("FormattedString",),
    "Constant": (
        "SimpleString",
        "ConcatenatedString",
        "Integer",
        "Float",
        "Imaginary",
        "Name",
        "Ellipsis",
    ),
    "Starred": ("StarredElement", "StarredDictElement"),
    "keyword": ("Arg",),
    "arg": ("Param",),
    "ExceptHandler": ("ExceptHandler", "ExceptStarHandler"),
    "alias": ("ImportAlias",),
}


def complete(path: str, text: str, detected: Sequence[Detected]) -> list[Finding]:
    """The findings of `detected` with their fixes computed; a rule's report whose fix
    fails is that rule's crash. Raises `Unparsed` when LibCST cannot parse the text."""
    wanted = [d for d in detected if any(r.fix is not None for r, _ in d.reports)]
    if not wanted:
        return [finding for d in detected for _, finding in d.reports]
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # LibCST refuses what CPython accepts
        raise Unparsed(exc) from exc
    located = _Located(module, text)
    findings = []
    for run in detected:
        for report, finding in run.reports:
            if report.fix is None:
                findings.append(finding)
                continue
            try:
                findings.append(_with_fix(finding, report, run, located))
            except Exception as exc:
                findings.append(rule_crash(path, run.active.id, exc))
    return findings


def _with_fix(finding: Finding, report: AstReport, run: Detected, located: _Located) -> Finding:
    start, end = located.index.offset(finding.start), located.index.offset(finding.end)
    span = Span(start, end, type(report.node).__name__)
    node = located.node_at(span) or located.module
    target = FixTarget(located.module, node, report.data, located.node_at, located.metadata)
    fixed = run.rule.fix(target)
    if fixed is None or not (fixed.replacements or fixed.edits):
        return replace(finding, fix=None, alternatives=())
    assert finding.fix is not None
    fix = _made(fixed.replacements, fixed.edits, finding.fix, located)
    alternatives = []
    for offered, alternative in zip(finding.alternatives, fixed.alternatives, strict=False):
        if alternative is not None:
            made = _made(alternative.replacements, alternative.edits, offered, located)
            alternatives.append(made)
    return replace(finding, fix=fix, alternatives=tuple(alternatives))


def _made(
    pairs: Sequence[tuple[cst.CSTNode, Replacement]],
    elsewhere: Sequence[Edit],
    offered: Fix,
    located: _Located,
) -> Fix:
    edits = sorted(located.positions.edit(node, new) for node, new in pairs)
    kept = tuple(e for e in edits if e.start != e.end or e.text)
    return Fix((*kept, *elsewhere), offered.description, offered.applicability)
