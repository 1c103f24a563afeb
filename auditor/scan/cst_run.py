"""The slower path: Python rules that are LibCST visitors (third parties' rules written
before the `ast` rule API), run over LibCST's tree with the metadata they declare; their
reports' positions and fixes through LibCST's public metadata (auditor.scan.cst_positions)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import libcst as cst

from auditor.model import Applicability, Edit, Finding, Fix, rule_crash
from auditor.scan.cst_positions import CstPositions
from auditor.scan.cst_rule import Replacement, Report, Rule
from auditor.scan.cst_walk import walk_batched
from auditor.scan.loading import ActiveRule
from auditor.scan.module_names import ModuleNames
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import LineIndex


def analyse(
    path: str, module: cst.Module, text: str, rules: Sequence[ActiveRule], root: Path | None
) -> list[Finding]:
    """Findings of the LibCST `rules` (the slower path: third parties' rules that are
    LibCST visitors) on the parsed `module` of `text`."""
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    names = ModuleNames(module)  # computed if a rule asks `module_uses`
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

    with ExitStack() as stack:
        visiting = []
        for _, rule in instances:
            try:
                stack.enter_context(rule.resolve(wrapper))
            except Exception as exc:  # a metadata provider failed for this rule only
                rule.failure = exc
                continue
            visiting.append(rule)
        walk_batched(wrapper, visiting)

    positions = CstPositions(module, text, wrapper)
    index = LineIndex(text)
    for active, rule in instances:
        if rule.failure is not None:
            findings.append(rule_crash(path, active.id, rule.failure))
            continue
        for report in rule.reports:
            try:
                findings.append(_finding(path, active, report, positions, index))
            except Exception as exc:  # e.g. a replacement node LibCST cannot render
                findings.append(rule_crash(path, active.id, exc))
    return findings


def _finding(
    path: str, active: ActiveRule, report: Report, positions: CstPositions, index: LineIndex
) -> Finding:
    start = positions.syntactic(report.node)[0]
    end = positions.syntactic(report.end)[1]

    def made(
        pairs: Sequence[tuple[cst.CSTNode, Replacement]],
        text: str,
        kind: Applicability,
        elsewhere: Sequence[Edit],
    ) -> Fix:
        edits = sorted(positions.edit(node, new) for node, new in pairs)
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
        scope=positions.enclosing_names(report.node),
        alternatives=tuple(others),
    )
