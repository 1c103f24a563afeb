"""Findings as LSP diagnostics: range in the client's code units, rule id as the code,
severity mapped, source "audit". Pure: no I/O, no server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lsprotocol import types

from auditor.lsp.positions import Point, TextPositions
from auditor.model import Finding, Severity

SOURCE = "audit"

_SEVERITY = {
    Severity.CRITICAL: types.DiagnosticSeverity.Error,
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
}


def severity_of(finding: Finding) -> types.DiagnosticSeverity:
    """critical and high: Error; medium: Warning; low: Information. A file or part of one
    not checked through a limit of the tool (parse-limit) is a Warning; one that could not
    be checked (parse-error, internal-error, ...) is an Error."""
    if finding.is_warning:
        return types.DiagnosticSeverity.Warning
    if finding.is_error:
        return types.DiagnosticSeverity.Error
    return _SEVERITY[finding.severity]


def lsp_range(positions: TextPositions, finding: Finding) -> types.Range:
    start = positions.point(finding.start)
    end = positions.point(finding.end)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=_position(start), end=_position(end))


def _position(point: Point) -> types.Position:
    return types.Position(line=point.line, character=point.character)


def diagnostic(
    positions: TextPositions, finding: Finding, urls: Mapping[str, str] | None = None
) -> types.Diagnostic:
    """`urls`: rule id -> where the rule is documented (its `url`), the code's link."""
    url = (urls or {}).get(finding.rule_id)
    return types.Diagnostic(
        range=lsp_range(positions, finding),
        message=finding.message,
        severity=severity_of(finding),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
    )


def diagnostics(
    positions: TextPositions, findings: Sequence[Finding], urls: Mapping[str, str] | None = None
) -> list[types.Diagnostic]:
    return [diagnostic(positions, f, urls) for f in findings]
