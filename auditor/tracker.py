"""The remediation tracker's state: findings linked to the issues of `issues.yaml`, the
commits that fixed them, status and progress. Pure: built from an IssuesFile and a History,
rendered elsewhere (`reports/`), serialisable to JSON.

Status `auto`: complete when nothing is open (and something was fixed, or nothing was ever
found); in progress when some are fixed and some open; not started when none is fixed.
Explicit statuses in the file win, but `done` with open findings is flagged.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.history import CommitRecord, History, Sighting
from auditor.issues_file import Issue, IssuesFile
from auditor.model import Finding, Severity

COMPLETE = "complete"
IN_PROGRESS = "in-progress"
NOT_STARTED = "not-started"
WONT_FIX = "wont-fix"
_DECLARED = {
    "done": COMPLETE,
    "wont-fix": WONT_FIX,
    "not-started": NOT_STARTED,
    "in-progress": IN_PROGRESS,
}
SEVERITIES = tuple(s.label for s in sorted(Severity, reverse=True))


@dataclass(frozen=True, slots=True)
class FindingRef:
    rule_id: str
    severity: str
    path: str
    line: int
    column: int
    message: str
    fingerprint: str

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
        )


@dataclass(frozen=True, slots=True)
class FixedRef:
    rule_id: str
    path: str  # where it was when it was fixed
    line: int
    fingerprint: str
    fixed_by: str  # commit sha


@dataclass(frozen=True, slots=True)
class CommitLink:
    sha: str
    short: str
    subject: str
    date: str
    files: int
    insertions: int
    deletions: int
    reasons: tuple[str, ...]  # "message": names the issue; "fix": removed its findings; "listed"
    fixed: int  # findings of the issue that disappeared in this commit


@dataclass(frozen=True, slots=True)
class IssueState:
    id: str
    title: str
    severity: str
    status: str  # complete | in-progress | not-started | wont-fix
    declared_status: str  # as written in issues.yaml
    contradiction: str  # non-empty when the declared status disagrees with the findings
    notes: str
    open: tuple[FindingRef, ...]
    fixed: tuple[FixedRef, ...]
    commits: tuple[CommitLink, ...]
    missing_commits: tuple[str, ...]  # listed in issues.yaml, not on the tracked history
    files_fixed: tuple[str, ...]
    first_fix: str | None
    last_fix: str | None
    percent: int  # fixed / (fixed + open), 100 when nothing was ever found


@dataclass(frozen=True, slots=True)
class UntrackedGroup:
    rule_id: str
    findings: tuple[FindingRef, ...]


@dataclass(frozen=True, slots=True)
class SeverityTotal:
    severity: str
    issues: int
    complete: int
    open: int
    fixed: int


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    sha: str | None  # None: the state before the first tracked commit
    date: str | None
    open: Mapping[str, int]  # open findings by severity


@dataclass(frozen=True, slots=True)
class TrackerState:
    project: str
    started: str | None
    last_updated: str | None  # HEAD's author date
    head: str | None
    history: bool
    history_note: str
    status: str
    percent: int
    open: int
    fixed: int
    issues: tuple[IssueState, ...]
    untracked: tuple[UntrackedGroup, ...]
    totals: tuple[SeverityTotal, ...]
    timeline: tuple[TimelinePoint, ...]
    commits_scanned: int

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)
        data["schema"] = "auditor.tracker/1"
        return data


def _percent(fixed: int, open_: int) -> int:
    return 100 if fixed + open_ == 0 else (100 * fixed) // (fixed + open_)


def _auto_status(fixed: int, open_: int) -> str:
    if open_ == 0:
        return COMPLETE
    return IN_PROGRESS if fixed else NOT_STARTED


def build_state(issues: IssuesFile, history: History) -> TrackerState:
    replay = _Replay(history)

    def issue_of(sighting: Sighting) -> Issue | None:
        return issues.issue_for(sighting.finding.rule_id, sighting.finding.path)

    open_by_issue: dict[str, list[Sighting]] = defaultdict(list)
    untracked: dict[str, list[Sighting]] = defaultdict(list)
    for sighting in history.head:
        issue = issue_of(sighting)
        if issue is None:
            untracked[sighting.finding.rule_id].append(sighting)
        else:
            open_by_issue[issue.id].append(sighting)
    fixed_by_issue: dict[str, list[tuple[Sighting, CommitRecord]]] = defaultdict(list)
    for sighting, commit in replay.fixed():
        issue = issue_of(sighting)
        if issue is not None:
            fixed_by_issue[issue.id].append((sighting, commit))
    removals: dict[str, Counter[str]] = defaultdict(Counter)  # issue -> commit -> removed
    for commit in history.commits:
        for sighting in commit.disappeared:
            issue = issue_of(sighting)
            if issue is not None:
                removals[issue.id][commit.sha] += 1

    states = tuple(
        _issue_state(
            issue,
            issues,
            open_by_issue[issue.id],
            fixed_by_issue[issue.id],
            removals[issue.id],
            history.commits,
        )
        for issue in issues.issues
    )
    total_open = sum(len(s.open) for s in states)
    total_fixed = sum(len(s.fixed) for s in states)
    if all(s.status in (COMPLETE, WONT_FIX) for s in states):
        overall = COMPLETE
    elif total_fixed or any(s.status in (COMPLETE, IN_PROGRESS) for s in states):
        overall = IN_PROGRESS
    else:
        overall = NOT_STARTED
    return TrackerState(
        project=issues.project,
        started=issues.started.isoformat() if issues.started else None,
        last_updated=history.head_date,
        head=history.head_sha,
        history=history.available,
        history_note=history.reason,
        status=overall,
        percent=_percent(total_fixed, total_open),
        open=total_open,
        fixed=total_fixed,
        issues=states,
        untracked=tuple(
            UntrackedGroup(rule, tuple(_refs(untracked[rule]))) for rule in sorted(untracked)
        ),
        totals=_totals(states),
        timeline=replay.timeline,
        commits_scanned=len(history.commits),
    )


def _refs(sightings: Iterable[Sighting]) -> list[FindingRef]:
    refs = [FindingRef.of(s.finding, s.identity) for s in sightings]
    return sorted(refs, key=lambda r: (r.path, r.line, r.column, r.rule_id))


def _issue_state(
    issue: Issue,
    issues: IssuesFile,
    open_: Sequence[Sighting],
    fixed: Sequence[tuple[Sighting, CommitRecord]],
    removals: Counter[str],
    commits: Sequence[CommitRecord],
) -> IssueState:
    mention = issues.mentions(issue)
    links = []
    for commit in commits:
        reasons = []
        if mention.search(commit.message):
            reasons.append("message")
        if removals[commit.sha]:
            reasons.append("fix")
        if any(commit.sha.startswith(sha.lower()) for sha in issue.commits):
            reasons.append("listed")
        if reasons:
            links.append(
                CommitLink(
                    sha=commit.sha,
                    short=commit.short,
                    subject=commit.subject,
                    date=commit.date,
                    files=commit.files,
                    insertions=commit.insertions,
                    deletions=commit.deletions,
                    reasons=tuple(reasons),
                    fixed=removals[commit.sha],
                )
            )
    missing = tuple(
        sha for sha in issue.commits if not any(c.sha.startswith(sha.lower()) for c in commits)
    )
    fixed_refs = sorted(
        (
            FixedRef(s.finding.rule_id, s.finding.path, s.finding.start.line, s.identity, c.sha)
            for s, c in fixed
        ),
        key=lambda r: (r.path, r.line, r.rule_id),
    )
    fix_dates = sorted(c.date for _, c in fixed)
    auto = _auto_status(len(fixed), len(open_))
    declared = issue.status
    status = auto if declared == "auto" else _DECLARED[declared]
    contradiction = ""
    if declared == "done" and open_:
        contradiction = f"marked done, but {len(open_)} finding(s) are open"
    return IssueState(
        id=issue.id,
        title=issue.title,
        severity=issue.severity.label,
        status=status,
        declared_status=declared,
        contradiction=contradiction,
        notes=issue.notes,
        open=tuple(_refs(open_)),
        fixed=tuple(fixed_refs),
        commits=tuple(links),
        missing_commits=missing,
        files_fixed=tuple(sorted({r.path for r in fixed_refs})),
        first_fix=fix_dates[0] if fix_dates else None,
        last_fix=fix_dates[-1] if fix_dates else None,
        percent=_percent(len(fixed), len(open_)),
    )


def _totals(states: Sequence[IssueState]) -> tuple[SeverityTotal, ...]:
    return tuple(
        SeverityTotal(
            severity=label,
            issues=sum(1 for s in states if s.severity == label),
            complete=sum(
                1 for s in states if s.severity == label and s.status in (COMPLETE, WONT_FIX)
            ),
            open=sum(len(s.open) for s in states if s.severity == label),
            fixed=sum(len(s.fixed) for s in states if s.severity == label),
        )
        for label in SEVERITIES
    )


class _Replay:
    """Walks the history once: which findings were fixed by which commit (the last commit
    that removed them, if they are not back), and open counts after every commit."""

    def __init__(self, history: History) -> None:
        present = {s.identity: s for s in history.baseline}
        removed: dict[str, tuple[Sighting, CommitRecord]] = {}
        points = [_point(None, None, present.values())]
        for commit in history.commits:
            for sighting in commit.disappeared:
                present.pop(sighting.identity, None)
                removed[sighting.identity] = (sighting, commit)
            for sighting in commit.appeared:
                present[sighting.identity] = sighting
                removed.pop(sighting.identity, None)
            points.append(_point(commit.sha, commit.date, present.values()))
        self._removed = removed
        self.timeline = tuple(points) if history.available else ()

    def fixed(self) -> list[tuple[Sighting, CommitRecord]]:
        return list(self._removed.values())


def _point(sha: str | None, date: str | None, open_: Iterable[Sighting]) -> TimelinePoint:
    counts = Counter(s.finding.severity.label for s in open_)
    return TimelinePoint(sha, date, {label: counts[label] for label in SEVERITIES})
