"""`audit scan --format github`: GitHub Actions workflow commands, one annotation a finding.

Values are escaped as the runner expects, so a message or path from a scanned file cannot
end the command early or start another one (`::` in a comment, a newline in a string).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from auditor.model import Finding, Severity

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from reports.formats import RenderContext

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, display: Callable[[str], str]) -> str:
    command = "error" if finding.is_error else COMMANDS[finding.severity]
    if finding.is_warning:
        command = "warning"
    properties = {
        "file": display(finding.path),
        "line": str(finding.start.line),
        "col": str(finding.start.column),
        "endLine": str(finding.end.line),
        "endColumn": str(finding.end.column),
        "title": f"{finding.rule_id} ({finding.severity.label})",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command} {joined}::{escape_data(finding.message)}"


def failure(title: str, message: str) -> str:
    """An error annotation not tied to a file: something that could not run."""
    return f"::error title={escape_property(title)}::{escape_data(message)}"


def render(
    findings: Sequence[Finding],
    display: Callable[[str], str],
    failures: Sequence[tuple[str, str]] = (),
) -> str:
    """`failures`: (title, message) of what could not run (a source), as error annotations."""
    lines = [annotation(f, display) for f in findings]
    lines += [failure(*item) for item in failures]
    return "".join(line + "\n" for line in lines)


def render_report(report: ScanReport, context: RenderContext) -> str:
    """GitHub reads annotation paths from the repository's root, whatever the job's
    working-directory: not from the current directory, as the text output is."""
    prefix = context.path_prefix
    failed = [(f"source {s.name}", s.error) for s in report.sources if s.error is not None]
    return render(report.findings, lambda rel: prefix + rel, failed)
