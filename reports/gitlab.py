"""`audit scan --format gitlab`: GitLab's Code Quality report (the CodeClimate subset GitLab
reads: description, check_name, fingerprint, severity, location.path and lines.begin), paths
relative to the repository root, as GitLab reads them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from auditor.model import Finding, Severity

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from reports.formats import RenderContext

SEVERITIES = {
    Severity.CRITICAL: "critical",
    Severity.HIGH: "major",
    Severity.MEDIUM: "minor",
    Severity.LOW: "info",
}


def render(findings: Sequence[Finding], path_prefix: str = "") -> str:
    issues = [
        {
            "description": finding.message,
            "check_name": finding.rule_id,
            "fingerprint": finding.fingerprint,
            # A file that could not be checked blocks: nothing there is known.
            "severity": "blocker" if finding.is_error else SEVERITIES[finding.severity],
            "location": {
                "path": path_prefix + finding.path,
                "lines": {"begin": finding.start.line, "end": finding.end.line},
            },
        }
        for finding in findings
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def render_report(report: ScanReport, context: RenderContext) -> str:
    return render(report.findings, context.path_prefix)
