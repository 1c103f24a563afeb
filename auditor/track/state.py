"""The remediation tracker's state: what the reports render (and `--format json` writes),
one frozen value per issue, commit link, total and point of the timeline. Built by
`auditor.track.tally`; statuses and the JSON schema are defined here."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from auditor.model import Finding, Severity

Status = Literal["complete", "in-progress", "not-started", "wont-fix", "unknown"]
COMPLETE: Final = "complete"
IN_PROGRESS: Final = "in-progress"
NOT_STARTED: Final = "not-started"
WONT_FIX: Final = "wont-fix"
UNKNOWN: Final = "unknown"  # nothing open that could be read, but some files could not be
# What became of a finding that left an issue, as the report names it.
Outcome = Literal["fixed", "removed", "moved out of scope", "suppressed"]
DECLARED: dict[str, Status] = {  # statuses issues.yaml may declare, as the state names them
    "done": COMPLETE,
    "wont-fix": WONT_FIX,
    "not-started": NOT_STARTED,
    "in-progress": IN_PROGRESS,
}
SEVERITIES = tuple(s.label for s in sorted(Severity, reverse=True))
SCHEMA = "auditor.tracker/2"


@dataclass(frozen=True, slots=True)
class FindingRef:
    rule_id: str
    severity: str
    path: str
    line: int
    column: int
    message: str
    fingerprint: str
    fixable: str | None  # "safe" or "unsafe": what `audit scan --fix` can do about it

    @classmethod
    def of(cls, finding: Finding, identity: str) -> FindingRef:
        return cls(
            finding.rule_id,
            finding.severity.label,
            finding.path,
            finding.start.line,
            finding.start.column,
            finding.message,
            identity,
            finding.fix.applicability if finding.fix is not None else None,
        )


@dataclass(frozen=True, slots=True)
class OutcomeRef:
    """A finding that left: fixed or removed, where it was last seen."""

    rule_id: str
    path: str
    line: int
    fingerprint: str
    outcome: Outcome
    commit: str | None  # None: somewhere in an unreadable span
    unknown_since: str | None  # the span's first commit, when commit is None


@dataclass(frozen=True, slots=True)
class Introduced:
    """An open finding that appeared inside the tracked range: a regression."""

    rule_id: str
    path: str
    line: int
    message: str
    kind: Literal["new", "reopened"]
    commit: str
    short: str
    author: str
    date: str
    url: str | None


@dataclass(frozen=True, slots=True)
class CommitLink:
    sha: str
    short: str
    subject: str
    date: str  # committer date
    author: str
    url: str | None
    # Its diff stats against its first parent: unknown (None) to the tally, which reads
    # no blob; the report fills them in (auditor.track.use_case.with_commit_stats).
    files: int | None
    insertions: int | None
    deletions: int | None
    reasons: tuple[str, ...]  # "message": names the issue; "fix": its findings left; "listed"
    fixed: int  # this issue's findings this commit fixed (standing credits)
    withdrawn: int  # fixes of this commit undone later: the finding came back
    removed: int
    introduced: int  # new or reopened here (and still gone or not: what the commit did)
    moved: int


@dataclass(frozen=True, slots=True)
class FileCount:
    path: str
    count: int


@dataclass(frozen=True, slots=True)
class IssueState:
    id: str
    title: str
    severity: str
    status: Status
    declared_status: str  # as written in issues.yaml
    contradiction: str  # non-empty when the declared status disagrees with the findings
    notes: str
    tracked_by: str  # "rules", or "commits" for an issue no rule detects
    excluded: bool  # wont-fix: left out of the totals
    open: tuple[FindingRef, ...]
    fixed: tuple[OutcomeRef, ...]
    removed: tuple[OutcomeRef, ...]  # with those moved out of scope
    commits: tuple[CommitLink, ...]
    missing_commits: tuple[str, ...]  # listed in issues.yaml, not on the tracked history
    files_fixed: tuple[FileCount, ...]
    first_fix: str | None
    last_fix: str | None
    percent: int | None  # fixed / (fixed + open); None without rules
    unreadable: tuple[str, ...]  # files it covers that HEAD's version of cannot be read
    regressions: tuple[Introduced, ...]
    fixable_safe: int
    fixable_unsafe: int
    suppressed: tuple[OutcomeRef, ...] = ()  # silenced by `audit: ignore` comments: excluded
    declared_since: str | None = None  # the date issues.yaml took its declared status


@dataclass(frozen=True, slots=True)
class UntrackedGroup:
    rule_id: str
    findings: tuple[FindingRef, ...]


@dataclass(frozen=True, slots=True)
class SeverityTotal:
    severity: str
    issues: int  # wont-fix issues left out, like their findings
    complete: int
    open: int
    fixed: int
    removed: int


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    sha: str | None  # the state before the first tracked commit: the base, or None (empty)
    date: str | None
    open: Mapping[str, int]  # open findings of tracked issues, by the issue's severity
    unreadable: int  # tracked files that could not be read: their findings are unknown
    # Before a source's first snapshot: that source's findings are unknown here.
    sources_unknown: bool = False


@dataclass(frozen=True, slots=True)
class TrendRow:
    period: str  # "2025-10-14", "2025-W42" or "2025-10"
    commits: int
    open: Mapping[str, int]  # at the end of the period, by issue severity
    fixed: int  # credited to the period's commits
    introduced: int
    unreadable: int  # at the end of the period
    removed: int = 0  # with their files, or moved out of scope


@dataclass(frozen=True, slots=True)
class AuthorTotal:
    author: str
    commits: int
    fixed: int
    removed: int
    introduced: int


@dataclass(frozen=True, slots=True)
class AreaTotal:
    area: str
    open: int
    fixed: int
    removed: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Where findings are unknown: the files that could not be read and when."""

    commits: int  # tracked commits with at least one unreadable file
    files: int  # distinct files unreadable at some point
    first_date: str | None
    last_date: str | None
    at_head: tuple[str, ...]
    spans: tuple[UnreadSpan, ...] = ()  # each file's unknown periods, oldest first


@dataclass(frozen=True, slots=True)
class UnreadSpan:
    """One file's unknown period: from the date of the commit it became unreadable at
    (None: before the tracked range) to the date it was read again (None: still at HEAD)."""

    path: str
    reason: str
    since: str | None
    until: str | None


@dataclass(frozen=True, slots=True)
class TrackerState:
    project: str
    started: str | None
    range: str  # the range actually tracked, in words
    range_start: str | None  # the first tracked commit
    last_updated: str | None  # HEAD's committer date
    head: str | None
    repository_url: str | None
    history: bool
    history_note: str
    status: Status
    percent: int
    open: int
    fixed: int
    removed: int
    excluded: int  # open findings of wont-fix issues
    fixable_safe: int
    fixable_unsafe: int
    issues: tuple[IssueState, ...]
    untracked: tuple[UntrackedGroup, ...]
    totals: tuple[SeverityTotal, ...]
    timeline: tuple[TimelinePoint, ...]
    trend: tuple[TrendRow, ...]
    trend_period: str  # week | month
    authors: tuple[AuthorTotal, ...]
    areas: tuple[AreaTotal, ...]
    area_depth: int
    unreadable: Unreadable
    commits_scanned: int
    # Files HEAD holds that a scan skips (generated, minified), with the reason.
    skipped: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)
        data["schema"] = SCHEMA
        return data
