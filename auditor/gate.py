"""The verdict of a scan as an exit code."""

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
    if fail_on is not None and any(f.severity >= fail_on for f in findings):
        return FINDINGS
    return OK
