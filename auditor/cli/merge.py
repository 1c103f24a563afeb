"""`audit merge`: the results of the shards of one scan (`audit scan --shard I/N`), combined
into the report the whole scan would have written, gate and exit code included."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from auditor.cli.group import cli, emit
from auditor.errors import UsageError
from auditor.model import ERROR_RULES, WARNING_RULES, Severity
from auditor.scan.gate import ERROR, FINDINGS, OK

SCAN_SCHEMA = "auditor.scan/1"


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(path_type=Path), help="Write the merged report to FILE.")
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "none"]),
    default="critical",
    show_default=True,
    help="Exit 1 on findings at or above this severity.",
)
def merge(files: tuple[Path, ...], output: Path | None, fail_on: str) -> None:
    """Merge the JSON (or SARIF) reports of a scan's shards into one. Exit 2 when a shard
    could not check a file (or the files are not such reports), else 1 on findings at or
    above --fail-on, else 0."""
    documents = [_load(path) for path in files]
    sarif = ["runs" in d for d in documents]
    if any(sarif) and not all(sarif):
        raise UsageError("audit merge: give JSON reports or SARIF logs, not both")
    merged = _merge_sarif(documents, files) if all(sarif) else _merge_json(documents, files)
    emit(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", output)
    findings = _findings_of(merged)
    if any(f["rule_id"] in ERROR_RULES for f in findings):
        sys.exit(ERROR)
    threshold = None if fail_on == "none" else Severity.parse(fail_on)
    failing = [
        f
        for f in findings
        if f["rule_id"] not in WARNING_RULES
        and threshold is not None
        and Severity.parse(f["severity"]) >= threshold
    ]
    sys.exit(FINDINGS if failing else OK)


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not JSON: {exc}") from None
    if not isinstance(document, dict) or (
        document.get("schema") != SCAN_SCHEMA and "runs" not in document
    ):
        raise UsageError(f"{path}: not an `audit scan --format json` report or a SARIF log")
    return document


def _merge_json(documents: list[dict[str, Any]], files: tuple[Path, ...]) -> dict[str, Any]:
    for path, document in zip(files, documents, strict=True):
        if set(document) - {"schema", "tool", "findings", "summary"}:
            raise UsageError(
                f"{path}: a report with a baseline, --new-since or sources: merge plain scans"
            )
    findings = sorted(
        (f for d in documents for f in d["findings"]),
        key=lambda f: (f["path"], f["start"]["line"], f["start"]["column"], f["rule_id"]),
    )
    counted = [f for f in findings if f["rule_id"] not in ERROR_RULES | WARNING_RULES]
    summaries = [d["summary"] for d in documents]
    return {
        "schema": SCAN_SCHEMA,
        "tool": documents[0]["tool"],
        "findings": findings,
        "summary": {
            "files": sum(s["files"] for s in summaries),
            "findings": len(counted),
            "by_severity": {
                s.label: sum(1 for f in counted if f["severity"] == s.label)
                for s in sorted(Severity, reverse=True)
            },
            "errors": sum(1 for f in findings if f["rule_id"] in ERROR_RULES),
            "warnings": sum(1 for f in findings if f["rule_id"] in WARNING_RULES),
            "fixed": sum(s["fixed"] for s in summaries),
            "fixable": {
                kind: sum(s["fixable"][kind] for s in summaries) for kind in ("safe", "unsafe")
            },
        },
    }


def _merge_sarif(documents: list[dict[str, Any]], files: tuple[Path, ...]) -> dict[str, Any]:
    runs = [d["runs"][0] for d in documents]
    first = runs[0]
    for path, run in zip(files, runs, strict=True):
        if run["tool"] != first["tool"] or run.get("originalUriBaseIds") != first.get(
            "originalUriBaseIds"
        ):
            raise UsageError(f"{path}: another tool, rule set or root than {files[0]}")
    merged_run = dict(first)
    merged_run["results"] = sorted(
        (r for run in runs for r in run["results"]),
        key=lambda r: (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        ),
    )
    if "invocations" in first:
        merged_run["invocations"] = [
            {
                "executionSuccessful": all(
                    i.get("executionSuccessful", True)
                    for run in runs
                    for i in run.get("invocations", [])
                ),
                "toolExecutionNotifications": [
                    n
                    for run in runs
                    for i in run.get("invocations", [])
                    for n in i.get("toolExecutionNotifications", [])
                ],
            }
        ]
    return {**documents[0], "runs": [merged_run]}


def _findings_of(merged: dict[str, Any]) -> list[dict[str, str]]:
    if "runs" not in merged:
        return [{"rule_id": f["rule_id"], "severity": f["severity"]} for f in merged["findings"]]
    return [
        {
            "rule_id": r["ruleId"],
            "severity": r.get("properties", {}).get("severity")
            or {"error": "critical", "warning": "medium", "note": "low"}.get(
                r.get("level", ""), "low"
            ),
        }
        for r in merged["runs"][0]["results"]
    ]
