"""Running line rules (`LineRule`) over a file's lines: no parse, one call a line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.model import Edit, Finding, Fix, Location, rule_crash
from auditor.scan.loading import ActiveRule
from auditor.scan.rule_base import LineRule
from auditor.scan.rule_context import RuleContext
from auditor.scan.source import LineIndex, split_lines


def run(
    path: str, text: str, rules: Sequence[ActiveRule], root: Path | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    lines = split_lines(text)
    index: LineIndex | None = None
    for active in rules:
        try:
            rule = active.cls(RuleContext(path, active.options, root))
            assert isinstance(rule, LineRule)
            for number, line in enumerate(lines, 1):
                rule.check_line(number, line)
        except Exception as exc:  # a crashing rule loses its findings here, not the others'
            findings.append(rule_crash(path, active.id, exc))
            continue
        for report in rule.reports:
            fix = None
            if report.replacement is not None:
                index = index or LineIndex(text)
                start = index.offset(Location(report.line, report.column))
                end = index.offset(Location(report.line, report.end_column))
                applicability = "safe" if active.fixes_are_safe else report.applicability
                fix = Fix(
                    (Edit(start, end, report.replacement),),
                    report.fix_description or f"fix {active.id}",
                    applicability,
                )
            findings.append(
                Finding(
                    rule_id=active.id,
                    severity=active.severity,
                    path=path,
                    start=Location(report.line, report.column),
                    end=Location(report.line, report.end_column),
                    message=report.message,
                    fix=fix,
                )
            )
    return findings
