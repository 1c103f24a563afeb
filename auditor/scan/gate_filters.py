"""The merge gate's filters, which hide the findings a change did not bring, and what
each hid, as the report carries it (auditor.scan.report).

A baseline file lists the fingerprints of accepted findings, one JSON entry a line, sorted,
so it diffs and merges like code. Findings in it are not reported; entries that no longer
match a finding are reported as fixed, and `--update-baseline` drops them (a ratchet: the
file only ever shrinks). `--new-since REF` hides the findings already at the merge base.

Apart from the verdict (auditor.scan.gate): a run without a baseline or --new-since does
not import this module, nor create its classes."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import AuditError
from auditor.model import Finding

BASELINE_SCHEMA = "auditor.baseline/1"


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


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import.
@dataclass(frozen=True, slots=True, eq=False)
class NewSince:
    """`--new-since REF`: how many findings were already at the merge base (hidden)."""

    ref: str
    hidden: int
    notes: tuple[str, ...] = ()  # how the sources' findings were compared
    snapshots: Mapping[str, str | None] | None = None  # when sources ran: the commit each used


@dataclass(frozen=True, slots=True, eq=False)
class BaselineUse:
    """`--baseline FILE`: how many findings it hid, the entries no finding matches any
    more (fixed), and whether `--update-baseline` dropped them from the file."""

    file: Path
    hidden: int
    fixed: tuple[BaselineEntry, ...] = ()
    updated: bool = False
