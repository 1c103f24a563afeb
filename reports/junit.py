"""`audit scan --format junit`: JUnit XML, as CI systems show test results: one test suite
a file with findings, one failed test case a finding (named by rule and position), so a
finding reads like a failed test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from auditor.model import Finding


def render(findings: Sequence[Finding], display: Callable[[str], str], *, files: int) -> str:
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="audit" tests="{max(files, len(findings))}" failures="{len(findings)}">',
    ]
    for path, found in sorted(by_path.items()):
        shown = display(path)
        out.append(
            f'  <testsuite name={quoteattr(shown)} tests="{len(found)}" failures="{len(found)}">'
        )
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
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
