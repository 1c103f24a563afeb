"""`audit scan --format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

One run; the driver lists every rule of the scan; results carry the rule, a level from the
severity, a 1-based region, a path percent-encoded (RFC 3986) relative to `%SRCROOT%`: the
repository root when the project is inside one, as GitHub reads relative paths from
there (a project in `backend/` gives `backend/app/x.py`), else the project root; our fingerprint as
a partial fingerprint, and the fixes as artifact changes (character offsets, counted in
Unicode code points like our columns: `columnKind` says so): the finding's own fix first,
then its alternatives, each description saying whether it is safe or unsafe; one
artifact change per file a fix changes (the finding's own first), a created file marked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from auditor.model import Edit, Finding, Fix, Severity

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from auditor.scan.run import Project
    from auditor.sources.report import SourceReport
    from reports.formats import RenderContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub sorts and filters alerts by this number (0.1-10) when it is present.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
}
INFORMATION_URI = "https://github.com/auditor-dev/auditor"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    name: str  # a PascalCase name, as SARIF viewers show it
    summary: str  # one line
    description: str  # the rule's explanation
    severity: Severity
    help_uri: str = ""  # documentation, for rules of sources that give one


def _rule(info: RuleInfo) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.description.split("\n\n")[0].replace("\n", " ")},
        "help": {"text": info.description, "markdown": info.description},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {
            "severity": info.severity.label,
            "security-severity": SECURITY_SEVERITY[info.severity],
            "tags": ["auditor", info.severity.label],
        },
    }
    if info.help_uri:
        rule["helpUri"] = info.help_uri
    return rule


def _region(finding: Finding) -> dict[str, int]:
    return {
        "startLine": finding.start.line,
        "startColumn": finding.start.column,
        "endLine": finding.end.line,
        "endColumn": finding.end.column,
    }


def _artifact(path: str, prefix: str) -> dict[str, str]:
    # `#` would start a fragment, `%` an escape, a space is no URI character; `a:b.py`
    # would read as a scheme: everything but letters, digits, `-._~` and `/` is escaped.
    return {"uri": quote(prefix + path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _result(finding: Finding, index: dict[str, int], prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": "error" if finding.is_error else _level(finding),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.path, prefix),
                    "region": _region(finding),
                }
            }
        ],
        "partialFingerprints": {"auditor/v1": finding.fingerprint},
        "properties": {"severity": finding.severity.label},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.fixes:
        result["fixes"] = [_fix(fix, finding.path, prefix) for fix in finding.fixes]
    return result


def _fix(fix: Fix, path: str, prefix: str) -> dict[str, Any]:
    """One of a result's fixes; its description says whether `--fix` applies it alone or
    it needs `--unsafe-fixes` (SARIF has no field for that; `properties` has it too)."""
    kind = "safe fix" if fix.applicability == "safe" else "unsafe fix, needs --unsafe-fixes"
    return {
        "description": {"text": f"{fix.description} ({kind})"},
        "artifactChanges": [
            _artifact_change(target, [e for e in fix.edits if e.target(path) == target], prefix)
            for target in fix.paths(path)
        ],
        "properties": {"applicability": fix.applicability},
    }


def _artifact_change(path: str, edits: Sequence[Edit], prefix: str) -> dict[str, Any]:
    """The changes of one file (SARIF: the artifactChanges of a fix name distinct
    artifacts). SARIF 2.1.0 has no operation that creates a file: a created file is an
    insertion at offset 0 of an artifact that does not exist yet, marked
    `"properties": {"created": true}`."""
    change: dict[str, Any] = {
        "artifactLocation": _artifact(path, prefix),
        "replacements": [
            {
                "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                "insertedContent": {"text": e.text},
            }
            for e in edits
        ],
    }
    if any(e.create for e in edits):
        change["properties"] = {"created": True}
    return change


def render(
    findings: Sequence[Finding],
    rules: Sequence[RuleInfo],
    *,
    version: str,
    root_uri: str,
    path_prefix: str = "",
    suppressed: Sequence[Finding] = (),
    failures: Sequence[str] = (),
    skipped: Sequence[tuple[str, str]] = (),
) -> str:
    """`root_uri`: the root paths are relative to, as a file URI ending in '/';
    `path_prefix`: the project root's path below it ("backend/"). `suppressed` findings are
    included marked as suppressed in the source (GitHub then shows them as dismissed).
    `failures`: what could not run (a source), as error notifications of an unsuccessful
    invocation."""
    ordered = sorted(rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(ordered)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "auditor",
                "version": version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in ordered],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index, path_prefix) for f in findings]
        + [
            {**_result(f, index, path_prefix), "suppressions": [{"kind": "inSource"}]}
            for f in suppressed
        ],
    }
    if skipped:  # files read but not checked (generated, minified): a property, not results
        run["properties"] = {
            "skipped": [{"path": path_prefix + path, "reason": why} for path, why in skipped]
        }
    if failures:
        run["invocations"] = [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": text}} for text in failures
                ],
            }
        ]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(finding: Finding) -> str:
    return "warning" if finding.is_warning else LEVELS[finding.severity]


def render_report(report: ScanReport, context: RenderContext) -> str:
    suppressed = report.suppressed if context.include_suppressed else ()
    infos = rule_infos(context.project) if context.project is not None else []
    infos += source_rule_infos(report.sources, [*report.findings, *suppressed])
    return render(
        report.findings,
        infos,
        version=context.version,
        root_uri=context.root_uri,
        path_prefix=context.path_prefix,
        suppressed=suppressed,
        failures=[f"source {s.name}: {s.error}" for s in report.sources if s.error is not None],
        skipped=report.skipped,
    )


def rule_infos(project: Project) -> list[RuleInfo]:
    """One entry per rule id of the project, whatever its languages, and one for each id
    auditor itself reports (parse-error, ...)."""
    from auditor.scan.loading import ActiveRule, rule_urls
    from auditor.scan.tool_rules import TOOL_RULES

    by_id: dict[str, list[ActiveRule]] = {}
    urls = rule_urls(project.registry, project.config.docs_url)
    for rule in project.rules:
        by_id.setdefault(rule.id, []).append(rule)
    infos = [
        RuleInfo(
            id=rule_id,
            name="".join(part.title() for part in rule_id.split("-")),
            summary=impls[0].cls.message,
            description="\n\n".join(r.cls.explanation() for r in impls),
            severity=max(r.severity for r in impls),
            help_uri=urls.get(rule_id, ""),
        )
        for rule_id, impls in by_id.items()
    ]
    infos += [
        RuleInfo(
            id=tool.id,
            name="".join(part.title() for part in tool.id.split("-")),
            summary=tool.summary,
            description=tool.description,
            severity=tool.severity,
        )
        for tool in TOOL_RULES
    ]
    return infos


def source_rule_infos(
    sources: Sequence[SourceReport], findings: Sequence[Finding]
) -> list[RuleInfo]:
    """Entries for the sources' rules that have findings in this run."""
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
