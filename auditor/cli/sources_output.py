"""The configured sources in a command's output: whether they run, their errors and
warnings, their line in the summary, their entries in JSON and SARIF."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from auditor.errors import UsageError
from auditor.model import Severity


def sources_wanted(flag: bool | None, config: Any) -> bool:
    """--sources / --no-sources, else `run-sources`. Asking for sources when none is
    configured is a usage error, not a silent no-op."""
    if flag and not config.sources:
        raise UsageError(
            f"--sources: no source is configured in {config.display_file} "
            "(add a [tool.audit.sources.<name>] table)"
        )
    return bool(config.run_sources) if flag is None else flag


def report_sources(reports: Sequence[Any]) -> None:
    """A failed source is one error line on stderr, naming it; its warnings, one each."""
    for report in reports:
        if report.error is not None:
            click.echo(f"audit: error: source {report.name}: {report.error}", err=True)
        for warning in report.warnings:
            click.echo(f"audit: warning: source {report.name}: {warning}", err=True)


def sources_note(reports: Sequence[Any]) -> str:
    from reports.findings_text import plural

    parts = [
        f"{r.name} {plural(len(r.findings), 'finding')}" if r.ok else f"{r.name} failed"
        for r in reports
    ]
    return "Sources: " + ", ".join(parts) + "."


def source_json(report: Any) -> dict[str, Any]:
    return {
        "name": report.name,
        "kind": report.kind,
        "findings": len(report.findings),
        "suppressed": len(report.suppressed),
        "error": report.error,
        "warnings": list(report.warnings),
    }


def source_rule_infos(sources: Sequence[Any], findings: Sequence[Any]) -> list[Any]:
    """SARIF rule entries for the sources' rules that have findings in this run."""
    import re

    from reports.sarif import RuleInfo

    infos = []
    for report in sources:
        severities: dict[str, Severity] = {}
        for finding in findings:
            if finding.rule_id.startswith(report.name + ":"):
                known = severities.get(finding.rule_id, finding.severity)
                severities[finding.rule_id] = max(known, finding.severity)
        for rule_id, severity in sorted(severities.items()):
            doc = report.rules.get(rule_id)
            summary = doc.summary if doc is not None else rule_id.split(":", 1)[1]
            described = doc.description if doc is not None and doc.description else summary
            infos.append(
                RuleInfo(
                    id=rule_id,
                    name="".join(
                        p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", rule_id)
                    ),
                    summary=summary,
                    description=f"{described}\n\nReported by the source `{report.name}` "
                    f"({report.kind}), imported by auditor.",
                    severity=severity,
                    help_uri=doc.help_uri if doc is not None else "",
                )
            )
    return infos
