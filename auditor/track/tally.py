"""The tracker's tally: findings linked to the issues of `issues.yaml`, what became of
them commit by commit, status and progress. Pure: a TrackerState from an IssuesFile and a
History.

Counting, per finding identity over the tracked range:
- **fixed**: it disappeared because its code was edited away, and did not come back. The
  credit goes to that commit, or to no single commit when the file was unreadable in
  between (`unknown_since`).
- **removed**: its file was deleted or left the tracked paths, or its code moved to where
  the issue does not reach (*moved out of scope*). Not progress: counted apart.
- **suppressed**: an `audit: ignore` comment silences it. Excluded, never fixed.
- **moved** is no outcome; a finding that comes back is **reopened** and its credit void.
So the credits of an issue's commits add up exactly to its fixed and removed counts.
Progress = fixed / (fixed + open). `wont-fix` issues leave the totals (shown as excluded).

Status `auto`: complete when nothing is open and every file the issue covers could be read
at HEAD (else unknown); in progress when some are fixed; not started otherwise. An issue
without rules is tracked by its commits: not started without one, in progress with some,
complete only when declared done.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.track.breakdowns import areas, authors, auto_period, trend
from auditor.track.issues_file import Issue, IssuesFile
from auditor.track.records import (
    FIXED,
    MOVED,
    NEW,
    REMOVED,
    REOPENED,
    SUPPRESSED,
    CommitRecord,
    History,
    Sighting,
)
from auditor.track.replay import Credit, Replay
from auditor.track.state import (
    COMPLETE,
    DECLARED,
    IN_PROGRESS,
    NOT_STARTED,
    SEVERITIES,
    UNKNOWN,
    WONT_FIX,
    CommitLink,
    FileCount,
    FindingRef,
    Introduced,
    IssueState,
    OutcomeRef,
    SeverityTotal,
    Status,
    TrackerState,
    Unreadable,
    UnreadSpan,
    UntrackedGroup,
)


@dataclass(frozen=True, slots=True)
class Options:
    covers: Callable[[Issue, str], bool] = lambda issue, path: True  # may hold its findings
    commit_url: Callable[[str], str | None] = lambda sha: None
    repository_url: str | None = None
    area_depth: int = 1
    trend: str = "auto"  # week | month | auto (months for ranges over half a year)


def _percent(fixed: int, open_: int) -> int:
    return 100 if fixed + open_ == 0 else (100 * fixed) // (fixed + open_)


def build_state(
    issues: IssuesFile, history: History, options: Options | None = None
) -> TrackerState:
    options = options or Options()
    memo: dict[tuple[str, str], Issue | None] = {}

    def issue_of(sighting: Sighting) -> Issue | None:
        key = (sighting.finding.rule_id, sighting.finding.path)
        if key not in memo:
            memo[key] = issues.issue_for(*key)
        return memo[key]

    def counted_severity(sighting: Sighting) -> str | None:
        issue = issue_of(sighting)
        if issue is None or issue.status == "wont-fix":
            return None
        return issue.severity.label

    def scope_of(sighting: Sighting) -> str | None:
        issue = issue_of(sighting)
        return None if issue is None else issue.id

    replay = Replay(history, counted_severity, scope_of)
    by_commit = {c.sha: c for c in history.commits}
    open_by_issue: dict[str, list[Sighting]] = defaultdict(list)
    untracked: dict[str, list[Sighting]] = defaultdict(list)
    for sighting in history.head:
        issue = issue_of(sighting)
        if issue is None:
            untracked[sighting.finding.rule_id].append(sighting)
        else:
            open_by_issue[issue.id].append(sighting)
    credits_by_issue: dict[str, list[Credit]] = defaultdict(list)
    for credit in replay.credits.values():
        issue = issue_of(credit.sighting)
        if issue is not None:
            credits_by_issue[issue.id].append(credit)
    withdrawn_by_issue: dict[str, Counter[str]] = defaultdict(Counter)
    for credit in replay.withdrawn:
        issue = issue_of(credit.sighting)
        if issue is not None and credit.commit is not None:
            withdrawn_by_issue[issue.id][credit.commit.sha] += 1
    events_by_issue: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for commit in history.commits:
        for event in commit.events:
            issue = issue_of(event.sighting)
            if issue is not None and event.kind in (NEW, REOPENED, MOVED):
                kind = MOVED if event.kind == MOVED else "introduced"
                events_by_issue[issue.id][(commit.sha, kind)] += 1

    states = tuple(
        _issue_state(
            issue,
            issues,
            open_by_issue[issue.id],
            credits_by_issue[issue.id],
            events_by_issue[issue.id],
            withdrawn_by_issue[issue.id],
            history,
            replay,
            by_commit,
            options,
        )
        for issue in issues.issues
    )
    counted = [s for s in states if not s.excluded]
    total_open = sum(len(s.open) for s in counted)
    total_fixed = sum(len(s.fixed) for s in counted)
    if not states:
        overall: Status = NOT_STARTED  # nothing declared yet: not "complete, 0 of 0"
    elif all(s.status in (COMPLETE, WONT_FIX) for s in states):
        overall = COMPLETE
    elif total_fixed or any(s.status in (COMPLETE, IN_PROGRESS, UNKNOWN) for s in states):
        overall = IN_PROGRESS
    else:
        overall = NOT_STARTED
    period = options.trend
    if period == "auto":
        period = auto_period(history.commits)
    tracked = [
        c
        for issue_id, cs in credits_by_issue.items()
        if not _excluded(issues, issue_id)
        for c in cs
    ]
    fixed_at = [c.commit for c in tracked if c.kind == FIXED and c.commit is not None]
    removed_at = [c.commit for c in tracked if c.kind == REMOVED and c.commit is not None]
    introduced_at = [commit for _, commit in replay.introduced.values()]
    return TrackerState(
        project=issues.project,
        started=issues.started.isoformat() if issues.started else None,
        range=_range_words(history, issues.started),
        range_start=history.commits[0].sha if history.commits else None,
        last_updated=history.head_date,
        head=history.head_sha,
        repository_url=options.repository_url,
        history=history.available,
        history_note=history.note(),
        status=overall,
        percent=_percent(total_fixed, total_open),
        open=total_open,
        fixed=total_fixed,
        removed=sum(len(s.removed) for s in counted),
        excluded=sum(len(s.open) for s in states if s.excluded),
        fixable_safe=sum(s.fixable_safe for s in counted),
        fixable_unsafe=sum(s.fixable_unsafe for s in counted),
        issues=states,
        untracked=tuple(
            UntrackedGroup(rule, tuple(_refs(untracked[rule]))) for rule in sorted(untracked)
        ),
        totals=_totals(states),
        timeline=replay.timeline,
        trend=trend(replay.timeline, fixed_at, introduced_at, period, removed_at),
        trend_period=period,
        authors=authors(history.commits, fixed_at, removed_at, introduced_at),
        areas=areas(counted, options.area_depth),
        area_depth=options.area_depth,
        unreadable=_unreadable(history),
        commits_scanned=len(history.commits),
    )


def _excluded(issues: IssuesFile, issue_id: str) -> bool:
    return any(i.id == issue_id and i.status == "wont-fix" for i in issues.issues)


def _refs(sightings: Iterable[Sighting]) -> list[FindingRef]:
    refs = [FindingRef.of(s.finding, s.identity) for s in sightings]
    return sorted(refs, key=lambda r: (r.path, r.line, r.column, r.rule_id))


def _outcome(credit: Credit) -> OutcomeRef:
    finding = credit.sighting.finding
    return OutcomeRef(
        finding.rule_id,
        finding.path,
        finding.start.line,
        credit.sighting.identity,
        credit.outcome or credit.kind,
        credit.commit.sha if credit.commit is not None else None,
        credit.unknown_since,
    )


def _issue_state(
    issue: Issue,
    issues: IssuesFile,
    open_: Sequence[Sighting],
    credits: Sequence[Credit],
    events: Counter[tuple[str, str]],
    withdrawn: Counter[str],
    history: History,
    replay: Replay,
    by_commit: Mapping[str, CommitRecord],
    options: Options,
) -> IssueState:
    fixed = [c for c in credits if c.kind == FIXED]
    removed = [c for c in credits if c.kind == REMOVED]
    suppressed = [c for c in credits if c.kind == SUPPRESSED]
    links = _commit_links(issue, issues, credits, events, withdrawn, history, options)
    missing = tuple(
        sha
        for sha in issue.commits
        if not any(c.sha.startswith(sha.lower()) for c in history.commits)
    )
    fixed_refs = sorted(map(_outcome, fixed), key=lambda r: (r.path, r.line, r.rule_id))
    removed_refs = sorted(map(_outcome, removed), key=lambda r: (r.path, r.line, r.rule_id))
    per_file = Counter(r.path for r in fixed_refs)
    fix_dates = sorted(c.commit.date for c in fixed if c.commit is not None)
    unreadable = (
        tuple(p for p in history.head_unreadable if options.covers(issue, p))
        if issue.has_rules
        else ()
    )
    declared = issue.status
    status, contradiction = _status(issue, open_, bool(fixed), bool(links), unreadable, history)
    regressions = _regressions(open_, replay, options)
    refs = _refs(open_)
    return IssueState(
        id=issue.id,
        title=issue.title,
        severity=issue.severity.label,
        status=status,
        declared_status=declared,
        contradiction=contradiction,
        notes=issue.notes,
        tracked_by="rules" if issue.has_rules else "commits",
        excluded=declared == "wont-fix",
        open=tuple(refs),
        fixed=tuple(fixed_refs),
        removed=tuple(removed_refs),
        suppressed=tuple(sorted(map(_outcome, suppressed), key=lambda r: (r.path, r.line))),
        commits=tuple(links),
        missing_commits=missing,
        files_fixed=tuple(FileCount(p, n) for p, n in sorted(per_file.items())),
        first_fix=fix_dates[0] if fix_dates else None,
        last_fix=fix_dates[-1] if fix_dates else None,
        percent=_percent(len(fixed), len(open_)) if issue.has_rules else None,
        unreadable=unreadable,
        regressions=tuple(regressions),
        fixable_safe=sum(1 for r in refs if r.fixable == "safe"),
        fixable_unsafe=sum(1 for r in refs if r.fixable == "unsafe"),
    )


def _commit_links(
    issue: Issue,
    issues: IssuesFile,
    credits: Sequence[Credit],
    events: Counter[tuple[str, str]],
    withdrawn: Counter[str],
    history: History,
    options: Options,
) -> list[CommitLink]:
    """The issue's commits: those whose message names it, those credited with its
    outcomes, and those `issues.yaml` lists, each with what it did to the issue."""
    credited: Counter[tuple[str, str]] = Counter(
        (c.commit.sha, c.kind) for c in credits if c.commit is not None
    )
    mention = issues.mentions(issue)
    links = []
    for commit in history.commits:
        reasons = []
        if mention.search(commit.meta.message):
            reasons.append("message")
        if credited[(commit.sha, FIXED)] or credited[(commit.sha, REMOVED)]:
            reasons.append("fix")
        if any(commit.sha.startswith(sha.lower()) for sha in issue.commits):
            reasons.append("listed")
        if not reasons:
            continue
        links.append(
            CommitLink(
                sha=commit.sha,
                short=commit.short,
                subject=commit.meta.subject,
                date=commit.date,
                author=commit.author,
                url=options.commit_url(commit.sha),
                files=None,  # stats: computed for the commits the report shows
                insertions=None,
                deletions=None,
                reasons=tuple(reasons),
                fixed=credited[(commit.sha, FIXED)],
                withdrawn=withdrawn[commit.sha],
                removed=credited[(commit.sha, REMOVED)],
                introduced=events[(commit.sha, "introduced")],
                moved=events[(commit.sha, MOVED)],
            )
        )
    return links


def _status(
    issue: Issue,
    open_: Sequence[Sighting],
    any_fixed: bool,
    any_commit: bool,
    unreadable: Sequence[str],
    history: History,
) -> tuple[Status, str]:
    """The issue's status (`auto` worked out from its findings, else as declared) and,
    when a declared `done` disagrees with the findings, what is wrong."""
    if not issue.has_rules:
        auto: Status = IN_PROGRESS if any_commit else NOT_STARTED
    elif open_:
        auto = IN_PROGRESS if any_fixed else NOT_STARTED
    elif unreadable or _unsnapshotted(issue, history):
        auto = UNKNOWN
    else:
        auto = COMPLETE
    declared = issue.status
    status = auto if declared == "auto" else DECLARED[declared]
    if declared == "done" and open_:
        return status, f"marked done, but {len(open_)} finding(s) are open"
    if declared == "done" and unreadable:
        return status, f"marked done, but {len(unreadable)} file(s) it covers cannot be read"
    return status, ""


def _regressions(open_: Sequence[Sighting], replay: Replay, options: Options) -> list[Introduced]:
    """The open findings that a commit of the tracked range brought (new or reopened),
    oldest first."""
    regressions = []
    for sighting in open_:
        introduced = replay.introduced.get(sighting.identity)
        if introduced is None:
            continue
        kind, commit = introduced
        finding = sighting.finding
        regressions.append(
            Introduced(
                finding.rule_id,
                finding.path,
                finding.start.line,
                finding.message,
                kind,
                commit.sha,
                commit.short,
                commit.author,
                commit.date,
                options.commit_url(commit.sha),
            )
        )
    return sorted(regressions, key=lambda r: (r.date, r.path, r.line))


def _totals(states: Sequence[IssueState]) -> tuple[SeverityTotal, ...]:
    rows = []
    for label in SEVERITIES:
        group = [s for s in states if s.severity == label]
        counted = [s for s in group if not s.excluded]
        rows.append(
            SeverityTotal(
                severity=label,
                issues=len(counted),
                complete=sum(1 for s in counted if s.status == COMPLETE),
                open=sum(len(s.open) for s in counted),
                fixed=sum(len(s.fixed) for s in counted),
                removed=sum(len(s.removed) for s in counted),
            )
        )
    return tuple(rows)


def _range_words(history: History, started: dt.date | None) -> str:
    if not history.available:
        return "the work tree (no history)"
    if not history.commits:
        return "no commits in the tracked range"
    first = history.commits[0]
    if history.since is not None:
        return f"since {history.since} ({first.short}, {first.date[:10]}, onwards)"
    if started is not None and history.base_sha is not None:
        return (
            f"from {first.short} ({first.date[:10]}), the first commit on or after "
            f"{started.isoformat()}"
        )
    return f"the whole history, from {first.short} ({first.date[:10]})"


def _unreadable(history: History) -> Unreadable:
    dates = [c.date for c in history.commits if c.unreadable]
    date_of = {c.sha: c.date for c in history.commits}
    return Unreadable(
        commits=len(dates),
        files=history.ever_unreadable,
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        at_head=history.head_unreadable,
        spans=tuple(
            UnreadSpan(d.path, d.reason, date_of.get(d.since or ""), date_of.get(d.until or ""))
            for d in history.dark_spans
        ),
    )


def _unsnapshotted(issue: Issue, history: History) -> bool:
    """Whether some of the issue's findings would come from a source that has no snapshot
    on the tracked history: nothing is known of them, so the issue is not complete."""
    return any(
        rule.split(":", 1)[0] in history.unsnapshotted for rule in issue.rules if ":" in rule
    )
