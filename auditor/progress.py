"""The tracker's use case: issues.yaml, the findings at every commit, the state that follows.
Used by `audit issues` and `audit report`."""

from __future__ import annotations

from pathlib import Path

from auditor.config import display_path
from auditor.discovery import language_of
from auditor.engine import Engine
from auditor.errors import UsageError
from auditor.globs import Globs
from auditor.history import GitError, History, repository_of, walk, without_history
from auditor.issues_file import IssuesError, IssuesFile, load_issues
from auditor.scan import Project, scan
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
    engine = Engine(project.rules, config.per_file_ignores)
    if top is None:
        return without_history(reason, scan(project, []).findings)
    exclude = Globs((*config.exclude, *config.extend_exclude))
    includes = tuple(p.strip("/") for p in config.include)

    def scanned_language(rel: str) -> str | None:
        language = language_of(rel)
        if language not in engine.languages or exclude.match(rel):
            return None
        if not any(i in ("", ".") or rel == i or rel.startswith(i + "/") for i in includes):
            return None
        return language

    try:
        return walk(top, config.root, engine, scanned_language, started=issues.started, since=since)
    except GitError as exc:
        where = f"--since {since}" if since else str(top)
        raise UsageError(f"{where}: {exc}") from None


def tracker_state(project: Project, since: str | None = None) -> tuple[IssuesFile, TrackerState]:
    issues = load_project_issues(project)
    return issues, build_state(issues, history_of(project, issues, since))
