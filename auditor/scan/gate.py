"""The merge gate: which findings count (baseline, new since a revision) and the verdict as
an exit code.

A baseline file lists the fingerprints of accepted findings, one JSON entry a line, sorted,
so it diffs and merges like code. Findings in it are not reported; entries that no longer
match a finding are reported as fixed, and `--update-baseline` drops them (a ratchet: the
file only ever shrinks).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from auditor.errors import AuditError
from auditor.model import Finding, Severity

OK = 0
FINDINGS = 1
ERROR = 2
BASELINE_SCHEMA = "auditor.baseline/1"


def exit_code(findings: Iterable[Finding], fail_on: Severity | None) -> int:
    """2 when a file could not be judged (read, parse, rule or fix error), else 1 when a
    finding is at or above `fail_on` (None: never), else 0."""
    findings = list(findings)
    if any(f.is_error for f in findings):
        return ERROR
    if fail_on is not None and any(f.is_finding and f.severity >= fail_on for f in findings):
        return FINDINGS
    return OK


class BaselineError(AuditError):
    pass


@dataclass(frozen=True, slots=True, order=True)
class BaselineEntry:
    path: str
    rule_id: str
    fingerprint: str
    code: str  # the flagged line, for people reading the file


def excerpt(text: str, finding: Finding, width: int = 80) -> str:
    from auditor.scan.source import split_lines  # here: `audit --version` reads no text

    lines = split_lines(text)
    line = lines[finding.start.line - 1].strip() if finding.start.line <= len(lines) else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def render_baseline(entries: Iterable[BaselineEntry]) -> str:
    rows = [
        json.dumps(
            {"fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": e.path, "code": e.code},
            ensure_ascii=False,
        )
        for e in sorted(set(entries))
    ]
    body = ",\n".join(rows)
    return (
        f'{{"schema": "{BASELINE_SCHEMA}", "findings": [\n{body}\n]}}\n'
        if rows
        else (f'{{"schema": "{BASELINE_SCHEMA}", "findings": []}}\n')
    )


def parse_baseline(text: str, label: str) -> tuple[BaselineEntry, ...]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{label}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("schema") != BASELINE_SCHEMA:
        raise BaselineError(
            f"{label}: not an auditor baseline (expected schema {BASELINE_SCHEMA!r})"
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{label}: 'findings' must be a list")
    out = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("fingerprint", "rule_id", "path")
        ):
            raise BaselineError(
                f"{label}: findings[{index}] needs string fingerprint, rule_id and path"
            )
        out.append(
            BaselineEntry(
                entry["path"], entry["rule_id"], entry["fingerprint"], str(entry.get("code", ""))
            )
        )
    return tuple(out)


def apply_baseline(
    findings: Sequence[Finding], baseline: Collection[BaselineEntry]
) -> tuple[list[Finding], list[BaselineEntry]]:
    """The findings not in the baseline, and the baseline entries no finding matches any
    more (fixed). Errors are never baselined: a file that cannot be read is news."""
    accepted = {e.fingerprint for e in baseline}
    present = {f.fingerprint for f in findings}
    new = [f for f in findings if not f.is_finding or f.fingerprint not in accepted]
    fixed = sorted(e for e in baseline if e.fingerprint not in present)
    return new, fixed


def not_in(findings: Sequence[Finding], old: Collection[str]) -> list[Finding]:
    """For --new-since: the findings whose fingerprints are not among the old ones."""
    return [f for f in findings if not f.is_finding or f.fingerprint not in old]
