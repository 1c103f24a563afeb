"""The text of a document with one finding suppressed by an `audit: ignore[rule]` comment,
for the editor's code action: placed and checked as `audit scan --add-ignore` places them
(auditor/scan/ignore_comments.py)."""

from __future__ import annotations

from auditor.lsp.analysis import Analysis
from auditor.model import Finding
from auditor.scan.ignore_comments import Suppressed, suppressed_line


def suppressed_text(analysis: Analysis, finding: Finding) -> Suppressed | None:
    """The document with `finding` suppressed, or None when no comment placement works."""
    if analysis.engine is None or analysis.buffer is None or not finding.is_finding:
        return None
    return suppressed_line(
        analysis.engine,
        analysis.buffer,
        analysis.text,
        analysis.findings,
        (finding.rule_id,),
        finding.start.line,
    )
