"""One run's result, as every output reads it: the findings the gate lets through, the
counts of the summary, what the fixes did, what was not checked, the sources' reports,
and what the gate hid. `audit scan` builds it from the scan's outcome (auditor/scan/
use_case.py), `audit merge` from the shards' reports (auditor/scan/shards.py); every
renderer (reports/formats.py) and the exit code read it, and nothing else decides them
(black's `Report`: a value that counts what happened and derives the exit status)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.model import Finding, Severity
from auditor.scan.gate import ERROR, exit_code

if TYPE_CHECKING:
    from auditor.scan.fixer import FileChange
    from auditor.scan.gate_filters import BaselineUse, NewSince
    from auditor.scan.project_fix import NotApplied
    from auditor.sources.report import SourceReport


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class Counts:
    """The summary's numbers: files scanned, findings fixed, findings `--fix` would fix
    (safe) and `--fix --unsafe-fixes` would fix besides (unsafe)."""

    files: int
    fixed: int = 0
    fixable_safe: int = 0
    fixable_unsafe: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class ScanReport:
    findings: tuple[Finding, ...]  # sorted; what the gate lets through
    counts: Counts
    suppressed: tuple[Finding, ...] = ()  # silenced by `audit: ignore` comments
    fixed: tuple[Finding, ...] = ()  # whose fixes were applied (or would be: `diff`)
    changes: tuple[FileChange, ...] = ()  # the files fixed (or that would be: `diff`)
    diff: bool = False  # the changes are proposed, not written
    not_applied: tuple[NotApplied, ...] = ()  # fixes that span files, left for a next run
    skipped: tuple[tuple[str, str], ...] = ()  # files read but not checked, and why
    checked: tuple[str, ...] = ()  # the files scanned, sorted
    sources: tuple[SourceReport, ...] = ()  # each source run, failed or not
    new_since: NewSince | None = None
    baseline: BaselineUse | None = None
    # What a person must hear even when the report goes to a file: "no files to check".
    warnings: tuple[str, ...] = ()
    nothing_checked: bool = False  # a gate that checked nothing must not pass
    texts: Mapping[str, str] = field(default_factory=dict)  # path -> text, when kept
    stamps: Mapping[str, tuple[int, int] | None] = field(default_factory=dict)  # see ScanOutcome

    @property
    def created(self) -> tuple[str, ...]:
        """The files the fixes that span files created (or would create)."""
        return tuple(change.path for change in self.changes if change.before is None)

    def exit_code(self, fail_on: Severity | None) -> int:
        """2 when something could not be judged (a file not read, parsed or fixed, a
        source that failed, a gate with nothing to check), else 1 when a finding is at or
        above `fail_on` (None: never), else 0."""
        if any(not source.ok for source in self.sources):
            return ERROR
        if self.nothing_checked and fail_on is not None:
            return ERROR
        return exit_code(self.findings, fail_on)
