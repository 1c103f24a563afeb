"""The merge gate's verdict: the exit code a run's findings give. Its filters, which
hide the findings a change did not bring (a baseline file, new since a revision), are in
auditor.scan.gate_filters: a run without them does not import it."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.model import Finding, Severity

OK = 0
FINDINGS = 1
ERROR = 2


def exit_code(findings: Iterable[Finding], fail_on: Severity | None) -> int:
    """2 when a file could not be judged (read, parse, rule or fix error), else 1 when a
    finding is at or above `fail_on` (None: never), else 0."""
    findings = list(findings)
    if any(f.is_error for f in findings):
        return ERROR
    if fail_on is not None and any(f.is_finding and f.severity >= fail_on for f in findings):
        return FINDINGS
    return OK
