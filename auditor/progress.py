"""The tracker's use case: issues.yaml, the findings at every commit, the state that follows.
Used by `audit issues` and `audit report`."""

from __future__ import annotations

from pathlib import Path

from auditor.config import display_path
from auditor.engine import Engine
from auditor.errors import UsageError
from auditor.history import (
    GitError,
    History,
    existing_at_merge_base,
    repository_of,
    walk,
    without_history,
)
from auditor.issues_file import IssuesError, IssuesFile, load_issues
from auditor.model import Finding
from auditor.scan import Project, ScanOutcome, language_filter, scan
from auditor.tracker import TrackerState, build_state


def issues_path(project: Project) -> Path:
    return project.config.root / project.config.issues_file


def load_project_issues(project: Project) -> IssuesFile:
    path = issues_path(project)
    label = display_path(path)
    if not path.is_file():
        raise IssuesError(f"{label}: no such file (set `issues-file` under [tool.audit])")
    known = {rule.id for rule in project.rules} | set(project.registry)
    return load_issues(path, label, known)


def history_of(project: Project, issues: IssuesFile, since: str | None = None) -> History:
    """The findings over the git history, or the work tree's findings alone when there is
    no usable history (outside git, shallow clone, no commits)."""
    config = project.config
    top, reason = repository_of(config.root)
    engine = Engine(project.rules, config.per_file_ignores, config.max_file_size)
    if top is None:
        return without_history(reason, scan(project, []).findings)
    scanned_language = language_filter(config, engine)
    try:
        return walk(top, config.root, engine, scanned_language, started=issues.started, since=since)
    except GitError as exc:
        where = f"--since {since}" if since else str(top)
        raise UsageError(f"{where}: {exc}") from None


def tracker_state(project: Project, since: str | None = None) -> tuple[IssuesFile, TrackerState]:
    issues = load_project_issues(project)
    return issues, build_state(issues, history_of(project, issues, since))


def existing_since(project: Project, ref: str, outcome: ScanOutcome) -> set[str]:
    """Fingerprints of the scan's findings that were already there at the merge base of
    `ref` and HEAD (`audit scan --new-since REF`)."""
    config = project.config
    top, reason = repository_of(config.root)
    if top is None:
        raise UsageError(f"--new-since {ref}: {reason.split(':')[0]}")
    engine = Engine(project.rules, config.per_file_ignores, config.max_file_size)
    by_path: dict[str, list[Finding]] = {}
    for finding in outcome.findings:
        if not finding.is_error:
            by_path.setdefault(finding.path, []).append(finding)
    current = [(path, outcome.texts[path], found) for path, found in by_path.items()]
    try:
        return existing_at_merge_base(
            top, config.root, ref, engine, language_filter(config, engine), current
        )
    except GitError as exc:
        raise UsageError(f"--new-since {ref}: {exc}") from None
