"""`audit scan --format junit`: JUnit XML, as CI systems show test results: one test suite
a checked file, whose findings are its failed test cases (named by rule and position), or
one passing test case when it has none; so a clean run shows how many files passed, not
"0 tests". Findings outside the checked files (a folder that could not be listed, a
source's) get a suite of their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from auditor.model import Finding

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from reports.formats import RenderContext

CLEAN = "no findings"


def render(
    findings: Sequence[Finding], display: Callable[[str], str], checked: Sequence[str]
) -> str:
    by_path: dict[str, list[Finding]] = {path: [] for path in checked}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    tests = sum(max(len(found), 1) for found in by_path.values())
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="audit" tests="{tests}" failures="{len(findings)}">',
    ]
    for path, found in sorted(by_path.items()):
        out += _suite(display(path), found)
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _suite(shown: str, found: Sequence[Finding]) -> list[str]:
    tests = max(len(found), 1)
    out = [f'  <testsuite name={quoteattr(shown)} tests="{tests}" failures="{len(found)}">']
    if not found:
        out.append(f"    <testcase name={quoteattr(CLEAN)} classname={quoteattr(shown)}/>")
    for finding in found:
        where = f"{finding.start.line}:{finding.start.column}"
        kind = "error" if finding.is_error else finding.severity.label
        out.append(
            f"    <testcase name={quoteattr(f'{finding.rule_id} at {where}')} "
            f"classname={quoteattr(shown)}>"
        )
        out.append(
            f"      <failure message={quoteattr(finding.message)} type={quoteattr(kind)}>"
            f"{escape(f'{shown}:{where}: {finding.rule_id} {finding.message}')}</failure>"
        )
        out.append("    </testcase>")
    out.append("  </testsuite>")
    return out


def render_report(report: ScanReport, context: RenderContext) -> str:
    return render(report.findings, context.display, report.checked)
