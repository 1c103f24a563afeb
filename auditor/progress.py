"""The tracker's use case: issues.yaml, the findings at every commit, the state that follows.
Used by `audit issues` and `audit report`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.config import display_path
from auditor.errors import UsageError
from auditor.history import (
    GitError,
    History,
    _repo,
    existing_at_merge_base,
    repository_of,
    walk,
    without_history,
)
from auditor.issues_file import IssuesError, IssuesFile, load_issues
from auditor.model import Finding
from auditor.scan import Project, ScanOutcome, language_filter, scan
from auditor.snapshots import SourceHistory, existing_in_snapshots
from auditor.tracker import TrackerState, build_state


def issues_path(project: Project) -> Path:
    return project.config.root / project.config.issues_file


def load_project_issues(project: Project) -> IssuesFile:
    path = issues_path(project)
    label = display_path(path)
    if not path.is_file():
        raise IssuesError(f"{label}: no such file (set `issues-file` under [tool.audit])")
    known = {rule.id for rule in project.rules} | set(project.registry)
    sources = [source.name for source in project.config.sources]
    return load_issues(path, label, known, sources)


def history_of(project: Project, issues: IssuesFile, since: str | None = None) -> History:
    """The findings over the git history, or the work tree's findings alone when there is
    no usable history (outside git, shallow clone, no commits)."""
    config = project.config
    top, reason = repository_of(config.root)
    engine = project.engine()
    if top is None:
        # The current state, sources included when they run by default.
        outcome = scan(project, [], sources=config.run_sources)
        failed = [f"source {r.name} failed: {r.error}" for r in outcome.sources if not r.ok]
        return without_history("; ".join([reason, *failed]), outcome.findings)
    scanned_language = language_filter(config, engine)
    sources = SourceHistory(config.sources) if config.sources else None
    try:
        return walk(
            top,
            config.root,
            engine,
            scanned_language,
            started=issues.started,
            since=since,
            sources=sources,
        )
    except GitError as exc:
        where = f"--since {since}" if since else str(top)
        raise UsageError(f"{where}: {exc}") from None


def tracker_state(project: Project, since: str | None = None) -> tuple[IssuesFile, TrackerState]:
    issues = load_project_issues(project)
    return issues, build_state(issues, history_of(project, issues, since))


@dataclass(frozen=True, slots=True)
class Existing:
    fingerprints: set[str]  # of current findings already there at the merge base
    notes: list[str]  # how the sources' findings were compared
    snapshots: dict[str, str | None]  # source -> the snapshot commit compared with


def existing_since(project: Project, ref: str, outcome: ScanOutcome) -> Existing:
    """The scan's findings that were already there at the merge base of `ref` and HEAD
    (`audit scan --new-since REF`): the rules' from git's blobs, the sources' from the
    snapshot of the merge base (or of its nearest first-parent ancestor with one)."""
    config = project.config
    top, reason = repository_of(config.root)
    if top is None:
        raise UsageError(f"--new-since {ref}: {reason.split(':')[0]}")
    engine = project.engine()
    by_path: dict[str, list[Finding]] = {}
    for finding in outcome.findings:
        if not finding.is_error and ":" not in finding.rule_id:  # sources: below
            by_path.setdefault(finding.path, []).append(finding)
    current = [(path, outcome.texts[path], found) for path, found in by_path.items()]
    try:
        existing = existing_at_merge_base(
            top, config.root, ref, engine, language_filter(config, engine), current
        )
        if not outcome.sources:
            return Existing(existing, [], {})
        relative = config.root.resolve().relative_to(top.resolve()).as_posix()
        repo = _repo(top)
        try:
            found = existing_in_snapshots(
                repo, "" if relative == "." else relative + "/", ref, outcome.sources
            )
        finally:
            repo.close()
    except GitError as exc:
        raise UsageError(f"--new-since {ref}: {exc}") from None
    return Existing(existing | found.existing, found.notes, found.snapshots)
