"""`audit scan --format json`: a stable, documented schema (README, "JSON output")."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from auditor.model import Edit, Finding, Fix, Location, Severity

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from auditor.sources.report import SourceReport
    from reports.formats import RenderContext

SCHEMA = "auditor.scan/1"


def _location(location: Location) -> dict[str, int]:
    return {"line": location.line, "column": location.column}


def fix_dict(fix: Fix, path: str) -> dict[str, Any]:
    """A fix of a finding in the file at `path`: an edit of another file gives its `path`,
    and an edit that creates its file says so (`"create": true`); an edit of the
    finding's own file is as it always was (added within schema 1)."""
    return {
        "description": fix.description,
        "applicability": fix.applicability,
        "edits": [_edit_dict(edit, path) for edit in fix.edits],
    }


def _edit_dict(edit: Edit, path: str) -> dict[str, Any]:
    found: dict[str, Any] = {"start": edit.start, "end": edit.end, "text": edit.text}
    if edit.target(path) != path:
        found["path"] = edit.target(path)
    if edit.create:
        found["create"] = True
    return found


def finding_dict(finding: Finding) -> dict[str, Any]:
    """`fix` is the finding's own fix, `alternatives` the other fixes offered beside it
    (added within schema 1: a reader that ignores unknown keys sees what it saw)."""
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "path": finding.path,
        "start": _location(finding.start),
        "end": _location(finding.end),
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "fix": None if finding.fix is None else fix_dict(finding.fix, finding.path),
        "alternatives": [fix_dict(fix, finding.path) for fix in finding.alternatives],
    }


def render(
    findings: Sequence[Finding],
    *,
    version: str,
    files: int,
    fixed: int = 0,
    fixable_safe: int = 0,
    fixable_unsafe: int = 0,
    extra: Mapping[str, Any] | None = None,
) -> str:
    counts = Counter(f.severity for f in findings if f.is_finding)
    document = {
        "schema": SCHEMA,
        "tool": {"name": "auditor", "version": version},
        "findings": [finding_dict(f) for f in findings],
        "summary": {
            "files": files,
            "findings": sum(counts.values()),
            "by_severity": {s.label: counts[s] for s in sorted(Severity, reverse=True)},
            "errors": sum(1 for f in findings if f.is_error),
            "warnings": sum(1 for f in findings if f.is_warning),
            "fixed": fixed,
            "fixable": {"safe": fixable_safe, "unsafe": fixable_unsafe},
        },
    }
    document.update(extra or {})
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_report(report: ScanReport, context: RenderContext) -> str:
    """The report's findings and summary; what the run adds besides them (files not
    checked, sources, what the gate hid) as top-level keys, each only when it applies.
    With --statistics, the counts per rule instead (ruff's `--statistics --output-format
    json`)."""
    if context.statistics:
        return statistics_json(report.findings)
    extra: dict[str, Any] = {}
    if report.skipped:
        extra["skipped"] = [{"path": path, "reason": why} for path, why in report.skipped]
    if report.sources:
        extra["sources"] = [source_json(source) for source in report.sources]
    if report.new_since is not None:
        since = report.new_since
        extra["new_since"] = {"ref": since.ref, "hidden": since.hidden}
        if since.snapshots is not None:
            extra["new_since"]["snapshots"] = dict(since.snapshots)
    if report.baseline is not None:
        used = report.baseline
        extra["baseline"] = {
            "file": str(used.file),
            "hidden": used.hidden,
            "fixed": [
                {"fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": e.path, "code": e.code}
                for e in used.fixed
            ],
        }
    counts = report.counts
    return render(
        report.findings,
        version=context.version,
        files=counts.files,
        fixed=counts.fixed,
        fixable_safe=counts.fixable_safe,
        fixable_unsafe=counts.fixable_unsafe,
        extra=extra,
    )


def source_json(report: SourceReport) -> dict[str, Any]:
    return {
        "name": report.name,
        "kind": report.kind,
        "findings": len(report.findings),
        "suppressed": len(report.suppressed),
        "error": report.error,
        "warnings": list(report.warnings),
    }


def statistics_json(findings: Sequence[Finding]) -> str:
    """A list of {code, name, count, fixable, fixable_count, unsafe_fixable_count}, most
    findings first: ruff's keys (`code` and `name` are both the rule id; `fixable`: every
    finding has a fix `--fix` applies), and how many fixes need `--unsafe-fixes`."""
    from reports.statistics import rule_counts

    rows = [
        {
            "code": c.rule_id,
            "name": c.rule_id,
            "count": c.count,
            "fixable": c.safe == c.count,
            "fixable_count": c.safe,
            "unsafe_fixable_count": c.unsafe,
        }
        for c in rule_counts(findings)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
