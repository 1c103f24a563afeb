"""`audit scan --statistics`: the findings counted per rule, with how many `--fix` would
fix (ruff's --statistics); the JSON format's per-rule counts too (reports/findings_json.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.model import Finding


@dataclass(frozen=True, slots=True, eq=False)
class RuleCount:
    """One line of --statistics: a rule's findings, how many `--fix` fixes (safe) and how
    many more need `--unsafe-fixes` (unsafe)."""

    rule_id: str
    count: int
    safe: int
    unsafe: int


def rule_counts(findings: Sequence[Finding]) -> list[RuleCount]:
    """Per rule, most findings first (then by id)."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    counts = [
        RuleCount(
            rule,
            len(found),
            sum(1 for f in found if f.fix_for(False) is not None),
            sum(1 for f in found if f.fix_for(False) is None and f.fix_for(True) is not None),
        )
        for rule, found in by_rule.items()
    ]
    return sorted(counts, key=lambda c: (-c.count, c.rule_id))


def statistics(findings: Sequence[Finding]) -> list[str]:
    """One line a rule, most findings first: the count, the rule id, how many `--fix`
    fixes and how many more `--unsafe-fixes` would (ruff's --statistics)."""
    counts = rule_counts(findings)
    width = max((len(str(c.count)) for c in counts), default=1)
    id_width = max((len(c.rule_id) for c in counts), default=1)
    lines = []
    for c in counts:
        if c.safe and c.unsafe:
            fixes = f"({c.safe} fixable, {c.unsafe} more with --unsafe-fixes)"
        elif c.safe:
            fixes = f"({c.safe} fixable)"
        else:
            fixes = f"({c.unsafe} fixable with --unsafe-fixes)" if c.unsafe else ""
        lines.append(f"{c.count:>{width}}  {c.rule_id:<{id_width}}  {fixes}".rstrip())
    return lines
