"""`audit merge`'s work: the reports of a scan's shards (`audit scan --shard I/N --format
json|sarif`), each checked for every field the merge reads, combined into what the whole
scan would have reported. JSON shards become one ScanReport (auditor/scan/report.py),
rendered by the same renderer as a scan's; SARIF shards are merged as logs, since their
rule metadata is the scanning project's, and their results make the ScanReport that the
exit code reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from auditor.errors import UsageError
from auditor.model import Edit, Finding, Fix, Location, Severity
from auditor.scan.report import Counts, ScanReport

SCAN_SCHEMA = "auditor.scan/1"


@dataclass(frozen=True, slots=True)
class Merged:
    report: ScanReport  # the findings of every shard, sorted, and the summed counts
    version: str  # of the auditor that wrote the shards
    sarif: str | None = None  # SARIF shards: the merged log


def merge_shards(documents: Sequence[dict[str, Any]], files: Sequence[Path]) -> Merged:
    """The shards' reports (as `load_shard` read them) merged; all JSON or all SARIF."""
    sarif = ["runs" in d for d in documents]
    if any(sarif) and not all(sarif):
        raise UsageError("audit merge: give JSON reports or SARIF logs, not both")
    if all(sarif):
        log = _merge_sarif(documents, files)
        findings = tuple(_sarif_finding(r) for r in log["runs"][0]["results"])
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
        version = str(log["runs"][0]["tool"].get("driver", {}).get("version", ""))
        return Merged(ScanReport(findings, Counts(files=0)), version, text)
    return Merged(_merge_json(documents, files), str(documents[0]["tool"].get("version", "")))


def load_shard(path: Path) -> dict[str, Any]:
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


def _merge_json(documents: Sequence[dict[str, Any]], files: Sequence[Path]) -> ScanReport:
    for path, document in zip(files, documents, strict=True):
        if set(document) - {"schema", "tool", "findings", "summary"}:
            raise UsageError(
                f"{path}: a report with a baseline, --new-since or sources: merge plain scans"
            )
    findings = []
    for path, document in zip(files, documents, strict=True):
        for index, found in enumerate(document["findings"]):
            try:
                findings.append(_json_finding(found))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise UsageError(
                    f"{path}: not a shard of `audit scan --format json` "
                    f"(findings[{index}] cannot be read: {exc})"
                ) from None
    summaries = [d["summary"] for d in documents]
    counts = Counts(
        files=sum(s["files"] for s in summaries),
        fixed=sum(s["fixed"] for s in summaries),
        fixable_safe=sum(s["fixable"]["safe"] for s in summaries),
        fixable_unsafe=sum(s["fixable"]["unsafe"] for s in summaries),
    )
    return ScanReport(tuple(sorted(findings, key=Finding.sort_key)), counts)


def _json_finding(found: dict[str, Any]) -> Finding:
    """A finding as `--format json` wrote it (reports/findings_json.py: finding_dict)."""
    path = found["path"]
    start = Location(found["start"]["line"], found["start"]["column"])
    end = found.get("end") or found["start"]
    fix = found.get("fix")
    return Finding(
        found["rule_id"],
        Severity.parse(found["severity"]),
        path,
        start,
        Location(end["line"], end["column"]),
        str(found.get("message", "")),
        None if fix is None else _json_fix(fix),
        fingerprint=str(found.get("fingerprint", "")),
        alternatives=tuple(_json_fix(f) for f in found.get("alternatives") or ()),
    )


def _json_fix(fix: dict[str, Any]) -> Fix:
    edits = tuple(
        Edit(e["start"], e["end"], e["text"], e.get("path"), bool(e.get("create", False)))
        for e in fix["edits"]
    )
    return Fix(edits, fix["description"], fix["applicability"])


def _merge_sarif(documents: Sequence[dict[str, Any]], files: Sequence[Path]) -> dict[str, Any]:
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


_LEVELS = {"error": Severity.CRITICAL, "warning": Severity.MEDIUM, "note": Severity.LOW}


def _sarif_finding(result: dict[str, Any]) -> Finding:
    """What the exit code reads of a SARIF result: its rule, severity and place."""
    physical = result["locations"][0]["physicalLocation"]
    region = physical["region"]
    start = Location(region["startLine"], region["startColumn"])
    severity = result.get("properties", {}).get("severity")
    return Finding(
        result["ruleId"],
        Severity.parse(severity)
        if severity
        else _LEVELS.get(result.get("level", ""), Severity.LOW),
        unquote(physical["artifactLocation"]["uri"]),
        start,
        start,
        "",
    )
