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
    """A shard's report, checked for every field the merge reads: anything else (not
    JSON, JSON of another shape, a field of the wrong type) is one line and exit 2."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    kind = "json` or `--format sarif"  # until the document says which
    try:
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict):
            raise _Wrong(f"{_describe(document)}, not an object")
        kind = "sarif" if "runs" in document else "json"
        if kind == "sarif":
            _check_sarif(document)
        else:
            _check_json(document)
    except UnicodeDecodeError as exc:
        wrong = f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
    except json.JSONDecodeError as exc:
        wrong = f"not JSON: {exc}"
    except RecursionError:
        wrong = "not JSON: nested too deeply"
    except _Wrong as exc:
        wrong = str(exc)
    else:
        return document
    raise UsageError(f"{path}: not a shard of `audit scan --format {kind}` ({wrong})")


class _Wrong(Exception):
    """What is wrong with a shard's report, as a phrase."""


_KINDS: dict[str, tuple[type, ...]] = {
    "an object": (dict,),
    "a list": (list,),
    "a string": (str,),
    "an integer": (int,),
    "true or false": (bool,),
}


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    for kind, types in _KINDS.items():
        if isinstance(value, types):
            return kind
    return "a decimal number"  # a float


def _field(container: dict[str, Any], key: str, kind: str, where: str) -> Any:
    """`container[key]`, which must be of `kind` (a key of _KINDS)."""
    if key not in container:
        raise _Wrong(f"{where} has no {key!r}")
    value = container[key]
    wrong_bool = isinstance(value, bool) and kind != "true or false"
    if not isinstance(value, _KINDS[kind]) or wrong_bool:
        raise _Wrong(f"{where}.{key} is {_describe(value)}, not {kind}")
    return value


def _severity(container: dict[str, Any], key: str, where: str) -> None:
    labels = [s.label for s in sorted(Severity, reverse=True)]
    if _field(container, key, "a string", where) not in labels:
        raise _Wrong(f"{where}.{key} is not one of {', '.join(labels)}")


def _check_json(document: dict[str, Any]) -> None:
    if document.get("schema") != SCAN_SCHEMA:
        if "schema" not in document:
            raise _Wrong(f'no "schema": "{SCAN_SCHEMA}" and no SARIF "runs"')
        raise _Wrong(f'its "schema" is not "{SCAN_SCHEMA}"')
    _field(document, "tool", "an object", "the report")
    for index, finding in enumerate(_field(document, "findings", "a list", "the report")):
        where = f"findings[{index}]"
        if not isinstance(finding, dict):
            raise _Wrong(f"{where} is {_describe(finding)}, not an object")
        for key in ("rule_id", "path"):
            _field(finding, key, "a string", where)
        _severity(finding, "severity", where)
        start = _field(finding, "start", "an object", where)
        for key in ("line", "column"):
            _field(start, key, "an integer", f"{where}.start")
    summary = _field(document, "summary", "an object", "the report")
    for key in ("files", "fixed"):
        _field(summary, key, "an integer", "summary")
    fixable = _field(summary, "fixable", "an object", "summary")
    for key in ("safe", "unsafe"):
        _field(fixable, key, "an integer", "summary.fixable")


def _check_sarif(document: dict[str, Any]) -> None:
    runs = _field(document, "runs", "a list", "the log")
    if not runs or not isinstance(runs[0], dict):
        raise _Wrong("runs[0] is missing or not an object")
    run = runs[0]
    if "tool" not in run:
        raise _Wrong("runs[0] has no 'tool'")
    for index, result in enumerate(_field(run, "results", "a list", "runs[0]")):
        where = f"runs[0].results[{index}]"
        if not isinstance(result, dict):
            raise _Wrong(f"{where} is {_describe(result)}, not an object")
        _field(result, "ruleId", "a string", where)
        if "level" in result:
            _field(result, "level", "a string", where)
        if "properties" in result:
            properties = _field(result, "properties", "an object", where)
            if "severity" in properties:
                _severity(properties, "severity", f"{where}.properties")
        locations = _field(result, "locations", "a list", where)
        if not locations or not isinstance(locations[0], dict):
            raise _Wrong(f"{where}.locations[0] is missing or not an object")
        physical = _field(locations[0], "physicalLocation", "an object", f"{where}.locations[0]")
        where += ".locations[0].physicalLocation"
        _field(_field(physical, "artifactLocation", "an object", where), "uri", "a string", where)
        region = _field(physical, "region", "an object", where)
        for key in ("startLine", "startColumn"):
            _field(region, key, "an integer", f"{where}.region")
    invocations = _field(run, "invocations", "a list", "runs[0]") if "invocations" in run else []
    for index, invocation in enumerate(invocations):
        where = f"runs[0].invocations[{index}]"
        if not isinstance(invocation, dict):
            raise _Wrong(f"{where} is {_describe(invocation)}, not an object")
        if "executionSuccessful" in invocation:
            _field(invocation, "executionSuccessful", "true or false", where)
        if "toolExecutionNotifications" in invocation:
            _field(invocation, "toolExecutionNotifications", "a list", where)


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
