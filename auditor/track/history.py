"""The findings of every commit on the first-parent line, read from git's blobs (never by
checking out the work tree), and what became of each finding from one commit to the next.

A finding keeps its identity while its code stays what it is (`auditor.track.pairing`: untouched
lines, equal tokens, edits in place, moves between files). Each change is an event: a
disappearance is `fixed`, `removed` (its file left) or `moved`; an appearance is `new`,
`reopened` or `first-seen` (its file became readable). A file that cannot be read at a
commit (a syntax error, undecodable, over the size limit) keeps its last known findings
as unknown: nothing in it is fixed or found until it can be read again, and what is gone
then was fixed somewhere in that span, by no single commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import git

from auditor import workers
from auditor.scan.engine import Engine
from auditor.track.blob_scan import BlobPool
from auditor.track.commit_stats import CommitStats, fetch_missing
from auditor.track.git_objects import (
    CommitMeta,
    first_parent_commits,
    open_repo,
    run_git,
    shallow_grafts,
)
from auditor.track.history_cache import HistoryCache
from auditor.track.records import (
    FIRST_SEEN,
    FIXED,
    NEW,
    CommitRecord,
    DarkSpan,
    Event,
    History,
    Sighting,
    WalkState,
)
from auditor.track.settle import reverted
from auditor.track.walker import Walker


class SourceFindings(Protocol):
    """Other analysers' findings along the walk (`auditor.track.source_history` has them from
    git notes): bound to the walk by `start`, then one `advance` per commit."""

    def start(
        self, repo: git.Repo, walker: Walker, base: str | None, commits: Sequence[str]
    ) -> list[Sighting]: ...

    def advance(self, commit: str) -> tuple[list[Sighting], list[Sighting], list[Sighting]]: ...

    def head(self) -> list[Sighting]: ...

    def note(self, commits: Sequence[str], head: str | None) -> str: ...

    def unsnapshotted(self) -> tuple[str, ...]: ...

    def known_from(self, commits: Sequence[str]) -> str | None: ...


Progress = Callable[[int, int], None]  # commits done, commits in all


def tracked_range(
    repo: git.Repo, since: str | None, started: dt.date | None
) -> tuple[str | None, list[CommitMeta]]:
    """The commit whose state tracking starts from (None: an empty tree) and the tracked
    commits after it, oldest first. `started` compares committer dates: a rebased commit
    lands when it is committed, whatever its author date says. In a shallow clone the
    oldest commit has no parent here, though it had: tracking starts from its state."""
    if since is not None:
        base: str | None = run_git(repo, "rev-parse", "--verify", f"{since}^{{commit}}").strip()
        return base, first_parent_commits(repo, f"{base}..HEAD")
    commits = first_parent_commits(repo, "HEAD")
    base = None
    if started is not None:
        dates = [dt.datetime.fromisoformat(c.date).date() for c in commits]
        first = next((i for i, d in enumerate(dates) if d >= started), len(commits))
        base, commits = (commits[first - 1].sha if first else None), commits[first:]
    if base is None and commits and commits[0].sha in shallow_grafts(repo):
        return commits[0].sha, commits[1:]
    return base, commits


def _clone_notes(
    repo: git.Repo, base: str | None, walker: Walker, stats: CommitStats, fetched: str
) -> list[str]:
    """What this clone leaves unknown: the history before a shallow clone's oldest commit,
    the file versions it lacks (and could not fetch). The commits whose stats it cannot
    tell are for the report to say: it computes the stats of the commits it shows."""
    notes = []
    if base is not None and base in shallow_grafts(repo):
        date = run_git(repo, "log", "-1", "--format=%cs", base).strip()
        notes.append(
            f"shallow clone: the history before {base[:7]} ({date}) is unknown, tracking "
            "starts from it (`git fetch --unshallow` fetches the rest)"
        )
    # A warm walk reads no blob: the blobs found missing before are kept with the stats.
    stats.note_missing(walker.objects.missing)
    if stats.missing_blobs:
        count = len(stats.missing_blobs)
        notes.append(
            f"{count} file version{'' if count == 1 else 's'} missing from this clone: "
            "those files are unknown at the commits that have them"
        )
    return ([fetched] if fetched else []) + notes


def walk(
    top: Path,
    project_root: Path,
    engine: Engine,
    language_of: Callable[[str], str | None],
    *,
    started: dt.date | None = None,
    since: str | None = None,
    sources: SourceFindings | None = None,
    cache: HistoryCache | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
) -> History:
    """History from `since` (a revision), else from the first commit on or after `started`,
    else from the first commit, to HEAD. `cache` keeps each commit's events and the state
    at the last one, so a rerun reads only the commits it has not seen. `sources` adds the
    findings of sources, from snapshots; its note about them becomes the history's
    `reason`."""
    relative = project_root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    repo = open_repo(top)
    # The stats file keeps the blobs found missing: a warm walk, which reads none, names them.
    stats = CommitStats(cache.stats_file if cache is not None else None)
    try:
        fetched, absent = fetch_missing(top, "HEAD")  # a partial clone's blobs, at once
        base, commits = tracked_range(repo, since, started)
        shas = [c.sha for c in commits]
        resumed = cache.load(base, shas) if cache is not None else None
    finally:
        repo.close()
    left = len(commits) - (len(resumed[2]) if resumed is not None else -1)
    # The workers fork before git is opened again: none holds the parent's git pipes.
    pool = BlobPool(engine, jobs if left > 1 else 1)
    # The walk's state (every file's findings, the listings) lives to its end: tuned as a
    # scan's own process is, the collector does not rescan it every 700 allocations.
    thresholds = workers.collect_less()
    repo = open_repo(top)
    walker: Walker | None = None
    try:
        walker = Walker(repo, prefix, engine, language_of)
        walker.objects.absent = absent
        if resumed is not None:
            baseline, baseline_unreadable, records, state, ever = resumed
            walker.ever_unreadable |= ever
            walker.plan(base, shas[len(records) :])
            if records:  # the walk goes on from the last commit the cache has
                walker.told(records[-1].sha, state.blobs)
        else:
            walker.plan(base, shas)
            state = WalkState()
            if base is not None:
                walker.prefetch([base], 0, {}, pool)[0]()
                state, _ = walker.advance(state, base)
            baseline = tuple(state.sightings())
            baseline_unreadable = len(state.unknown)
            walker.ever_unreadable = set(state.unknown)
            records = []
        done = len(records)
        shas = [c.sha for c in commits]
        batch = walker.prefetch(shas, done, state.blobs, pool)
        number = done
        while number < len(commits):
            collect, end = batch
            collect()
            if end < len(commits):  # the next batch scans while this one is walked
                batch = walker.prefetch(shas, end, walker.listing_of(shas[end - 1]), pool)
            for commit in commits[number:end]:
                number += 1
                state, events = walker.advance(state, commit.sha, reverted(commit.message))
                records.append(CommitRecord(commit, tuple(events), len(state.unknown)))
                if progress is not None:
                    progress(number, len(commits))
        if cache is not None and len(records) > done:
            cache.save(base, baseline, baseline_unreadable, records, state, walker.ever_unreadable)
        head = tuple(state.sightings())
        head_sha = commits[-1].sha if commits else base
        reason = ""
        unsnapshotted: tuple[str, ...] = ()
        known_from: str | None = None
        if sources is not None:
            baseline += tuple(sources.start(repo, walker, base, shas))
            merged = []
            for record in records:
                appeared, disappeared, first = sources.advance(record.sha)
                extra = [Event(NEW, s) for s in appeared] + [Event(FIXED, s) for s in disappeared]
                extra += [Event(FIRST_SEEN, s) for s in first]
                merged.append(replace(record, events=record.events + tuple(extra)))
            records = merged
            head += tuple(sources.head())
            reason = sources.note(shas, head_sha)
            unsnapshotted = sources.unsnapshotted()
            known_from = sources.known_from(shas)
        clone = _clone_notes(repo, base, walker, stats, fetched)
        stats.save()
        return History(
            available=True,
            reason=reason,
            baseline=baseline,
            commits=tuple(records),
            head=head,
            head_sha=head_sha,
            head_date=commits[-1].date if commits else None,
            scans=walker.scans,
            base_sha=base,
            base_date=run_git(repo, "log", "-1", "--format=%cI", base).strip() if base else None,
            since=since,
            baseline_unreadable=baseline_unreadable,
            head_unreadable=tuple(sorted(state.unknown)),
            dark_spans=(
                *state.spans,
                *(DarkSpan(p, u.since, None, u.reason) for p, u in sorted(state.unknown.items())),
            ),
            ever_unreadable=len(walker.ever_unreadable),
            cached_commits=done,
            unsnapshotted=unsnapshotted,
            sources_known_from=known_from,
            clone_notes=tuple(clone),
        )
    finally:
        if walker is not None:
            walker.close()
        repo.close()
        pool.close()
        workers.collect_as_before(thresholds)
