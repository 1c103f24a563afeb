"""The tracker's use case: issues.yaml, the findings at every commit, the state that follows.
Used by `audit issues` and `audit report`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path

from auditor import workers
from auditor.config import display_path
from auditor.errors import UsageError
from auditor.globs import globs
from auditor.model import Finding
from auditor.scan.cache import findings_key
from auditor.scan.discovery import language_of
from auditor.scan.loading import plugins_refused
from auditor.scan.run import Project, ScanOutcome, language_filter, scan
from auditor.track.commit_stats import CommitStats
from auditor.track.declared import declared_since
from auditor.track.git_objects import GitError, open_repo, repository_of
from auditor.track.history import walk
from auditor.track.history_cache import HistoryCache
from auditor.track.issues_file import Issue, IssuesError, IssuesFile, load_issues
from auditor.track.links import commit_links, web_url
from auditor.track.merge_base import existing_at_merge_base
from auditor.track.records import History, without_history
from auditor.track.skipped import skipped_at_head
from auditor.track.source_history import SourceHistory, existing_in_snapshots
from auditor.track.state import CommitLink, TrackerState
from auditor.track.tally import Options, build_state
from auditor.track.time_zone import history_in_zone, in_zone


def issues_path(project: Project) -> Path:
    return project.config.root / project.config.issues_file


def load_project_issues(project: Project) -> IssuesFile:
    path = issues_path(project)
    label = display_path(path)
    if not path.is_file():
        raise IssuesError(
            f"{label}: no such file (`audit issues sync` starts one; or set `issues-file` "
            "under [tool.audit])"
        )
    known: set[str] | None = {rule.id for rule in project.rules} | set(project.registry)
    if plugins_refused(project.config, project.registry):
        known = None  # an id may be a refused plugin's (auditor.trust)
    sources = [source.name for source in project.config.sources]
    return load_issues(path, label, known, sources)


def _history_cache(project: Project, top: Path) -> HistoryCache | None:
    """Where the walk is kept: keyed by everything that decides a commit's findings (the
    rules, their options and code, the per-file ignores, what is scanned) and the root."""
    if project.cache_dir is None:
        return None
    config = project.config
    described = [
        findings_key(project.engine()),
        sorted(config.include),
        sorted(config.exclude),
        sorted(config.extend_exclude),
        config.root.resolve().relative_to(top.resolve()).as_posix(),
    ]
    key = hashlib.sha256(json.dumps(described).encode()).hexdigest()[:16]
    return HistoryCache(project.cache_dir / "history", key)


def history_of(
    project: Project,
    issues: IssuesFile,
    since: str | None = None,
    *,
    head_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """The findings over the git history, or the work tree's findings alone when there is
    no usable history (outside git, shallow clone, no commits). `head_only`: the state at
    HEAD, no history (what `audit issues sync` needs)."""
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
            since="HEAD" if head_only else since,
            sources=sources,
            cache=None if head_only else _history_cache(project, top),
            progress=progress,
            jobs=workers.default_jobs(),
        )
    except GitError as exc:
        where = f"--since {since}" if since else str(top)
        raise UsageError(f"{where}: {exc}") from None


def tracker_options(
    project: Project, issues: IssuesFile, area_depth: int = 1, trend: str = "auto"
) -> Options:
    """How the state links commits and which files each issue covers."""
    base = issues.repository_url or None
    if base is None:
        top, _ = repository_of(project.config.root)
        if top is not None:
            repo = open_repo(top)
            try:
                base = web_url(repo.remotes.origin.url) if "origin" in repo.remotes else None
            except (ValueError, AttributeError):
                base = None
            finally:
                repo.close()
    languages: dict[str, frozenset[str]] = {}
    for rule in project.rules:
        languages[rule.id] = languages.get(rule.id, frozenset()) | frozenset(rule.cls.languages)

    def covers(issue: Issue, path: str) -> bool:
        if issue.paths and not globs(issue.paths).match(path):
            return False
        language = language_of(path)
        for pattern in issue.rules:
            if ":" in pattern:
                return True  # a source's findings: any file it reads
            for rule_id, langs in languages.items():
                if fnmatchcase(rule_id, pattern) and language in langs:
                    return True
        return False

    return Options(
        covers=covers,
        commit_url=commit_links(base),
        repository_url=base,
        area_depth=area_depth,
        trend=trend,
    )


def tracker_state(
    project: Project,
    since: str | None = None,
    *,
    head_only: bool = False,
    area_depth: int = 1,
    trend: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[IssuesFile, TrackerState]:
    issues = load_project_issues(project)
    history = history_of(project, issues, since, head_only=head_only, progress=progress)
    zone = project.config.report_timezone
    history = history_in_zone(history, zone)
    options = tracker_options(project, issues, area_depth, trend)
    state = build_state(issues, history, options)
    top, _ = repository_of(project.config.root)
    if top is None:
        return issues, state
    cache = None if head_only else _history_cache(project, top)
    state = with_commit_stats(state, history, top, cache.stats_file if cache else None)
    engine = project.engine()
    skipped = skipped_at_head(
        top, project.config.root, engine, language_filter(project.config, engine)
    )
    decided = declared_since(top, issues_path(project), issues) if history.available else {}
    if zone is not None:
        decided = {issue_id: in_zone(date, zone) for issue_id, date in decided.items()}
    dated = tuple(replace(i, declared_since=decided.get(i.id)) for i in state.issues)
    return issues, replace(state, skipped=skipped, issues=dated)


def with_commit_stats(
    state: TrackerState, history: History, top: Path, stats_file: Path | None
) -> TrackerState:
    """`state` with the diff stats of the commits it links to issues, computed for those
    alone (the stats of every commit cost mealie's walk a fifth of its CPU, to show a few
    dozen), and the note on those whose stats this clone cannot tell. `stats_file`: where
    they are kept between runs (None: not kept)."""
    linked = {link.sha for issue in state.issues for link in issue.commits}
    if not linked:
        return state
    shas = [commit.sha for commit in history.commits if commit.sha in linked]
    stats = CommitStats(stats_file)
    stats.fill(top, shas)
    stats.save()

    def filled(link: CommitLink) -> CommitLink:
        files, insertions, deletions = stats.get(link.sha)
        return replace(link, files=files, insertions=insertions, deletions=deletions)

    issues = tuple(
        replace(issue, commits=tuple(map(filled, issue.commits))) for issue in state.issues
    )
    return replace(state, issues=issues, history_note=history.note(stats.unknown_note(shas)))


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
        if finding.is_finding and ":" not in finding.rule_id:  # sources: below
            by_path.setdefault(finding.path, []).append(finding)
    current = [(path, outcome.texts[path], found) for path, found in by_path.items()]
    try:
        existing = existing_at_merge_base(
            top, config.root, ref, engine, language_filter(config, engine), current
        )
        if not outcome.sources:
            return Existing(existing, [], {})
        relative = config.root.resolve().relative_to(top.resolve()).as_posix()
        repo = open_repo(top)
        try:
            found = existing_in_snapshots(
                repo, "" if relative == "." else relative + "/", ref, outcome.sources
            )
        finally:
            repo.close()
    except GitError as exc:
        raise UsageError(f"--new-since {ref}: {exc}") from None
    return Existing(existing | found.existing, found.notes, found.snapshots)
