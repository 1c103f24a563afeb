"""Source findings along the history, from snapshots (what the walk adds to the rules'
findings), and against the merge base for `audit scan --new-since`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import git

from auditor.config_sources import SourceSettings
from auditor.sources.report import BROKEN_FILE_CODES, ContentKey, SourceReport
from auditor.track.git_objects import MissingBlob, run_git
from auditor.track.merge_base import pair
from auditor.track.pairing import LineDiff
from auditor.track.records import Sighting
from auditor.track.snapshot_notes import (
    Entry,
    Snapshots,
    SourceSnapshot,
    first_parent_ancestors,
)
from auditor.track.walker import Walker


@dataclass
class SourceTrack:
    """One source's open findings by path, as of the snapshot of `commit`."""

    name: str
    broken: frozenset[str]  # rule ids that say a file could not be analysed
    files: dict[str, tuple[tuple[ContentKey, Sighting], ...]] = field(default_factory=dict)
    commit: str | None = None
    identities: dict[tuple[str, ContentKey], str] = field(default_factory=dict)
    first: str | None = None  # its first snapshot, when that is after the tracked start

    def sightings(self) -> list[Sighting]:
        return [s for path in sorted(self.files) for _, s in self.files[path]]

    def load(self, commit: str, found: SourceSnapshot) -> None:
        files: dict[str, list[tuple[ContentKey, Sighting]]] = {}
        for key, finding in found.entries:
            identity = finding.fingerprint
            self.identities[(finding.path, key)] = identity
            files.setdefault(finding.path, []).append((key, Sighting(identity, finding)))
        self.files = {path: tuple(entries) for path, entries in files.items()}
        self.commit = commit


class SourceHistory:
    """Source findings along the first-parent history, from snapshots: what `walk` adds
    to the rules' findings. Bound to a walk by `start`; then `advance` once per commit."""

    def __init__(self, sources: Sequence[SourceSettings]) -> None:
        self.settings = tuple(sources)
        self.tracks: list[SourceTrack] = []
        self.snapshots: Snapshots | None = None
        self.walker: Walker | None = None
        self._listings: dict[str, dict[str, str]] = {}
        self._texts: dict[str, list[str]] = {}

    def start(
        self, repo: git.Repo, walker: Walker, base: str | None, commits: Sequence[str]
    ) -> list[Sighting]:
        """Bind to the walk and return what is open at `base` (the baseline). A source
        without a snapshot at or before `base` has unknown findings until its first
        snapshot: they are first seen there, never borrowed back to the start."""
        self.walker = walker
        self.snapshots = Snapshots(repo, walker.prefix.rstrip("/") or ".")
        baseline: list[Sighting] = []
        for settings in self.settings:
            track = SourceTrack(
                settings.name,
                frozenset(f"{settings.name}:{c}" for c in BROKEN_FILE_CODES[settings.kind]),
            )
            self.tracks.append(track)
            found = None
            if base is not None and self.snapshots.index:
                for sha in first_parent_ancestors(repo, base):
                    got = self.snapshots.source(sha, settings.name)
                    if got is not None:
                        found = (sha, got)
                        break
            if found is None:
                first = next(
                    (sha for sha in commits if self.snapshots.source(sha, settings.name)), None
                )
                # From the first tracked commit on, nothing before it is tracked anyway.
                track.first = None if commits and first == commits[0] else first
                continue
            track.load(*found)
            baseline += track.sightings()
        return baseline

    def advance(self, commit: str) -> tuple[list[Sighting], list[Sighting], list[Sighting]]:
        """What appeared, disappeared, and was first seen (a source's first snapshot) at
        `commit`: a change only where it has a snapshot of the source; elsewhere the last
        known state stands."""
        assert self.snapshots is not None
        appeared: list[Sighting] = []
        disappeared: list[Sighting] = []
        first_seen: list[Sighting] = []
        for track in self.tracks:
            found = self.snapshots.source(commit, track.name)
            if found is None or commit == track.commit:
                continue
            if track.commit is None:
                track.load(commit, found)
                first_seen += track.sightings()
                continue
            self._transition(track, commit, found, appeared, disappeared)
        return appeared, disappeared, first_seen

    def head(self) -> list[Sighting]:
        return [s for track in self.tracks for s in track.sightings()]

    def known_from(self, commits: Sequence[str]) -> str | None:
        """The first of `commits` at which every snapshotted source is known: the latest
        first snapshot after the tracked start; None when all are known from the start."""
        firsts = {t.first for t in self.tracks if t.first is not None}
        return next((sha for sha in reversed(commits) if sha in firsts), None)

    def unsnapshotted(self) -> tuple[str, ...]:
        """The sources no tracked commit has a snapshot of."""
        return tuple(t.name for t in self.tracks if t.commit is None)

    def note(self, commits: Sequence[str], head: str | None) -> str:
        """What a reader of the report should know about the sources' findings."""
        parts = []
        never = [t.name for t in self.tracks if t.commit is None]
        if never:
            parts.append(
                f"no snapshot of {', '.join(never)} on the tracked history: their findings "
                "are not counted (record them with `audit snapshot`)"
            )
        for track in self.tracks:
            if track.first is not None and track.commit is not None:
                parts.append(
                    f"findings of {track.name} unknown before its first snapshot, of "
                    f"{track.first[:7]}"
                )
            if track.commit is None or track.commit == head or head is None:
                continue
            assert self.snapshots is not None
            behind = int(
                run_git(
                    self.snapshots.repo,
                    "rev-list",
                    "--count",
                    "--first-parent",
                    f"{track.commit}..{head}",
                )
            )
            when = f", {behind} commit{'' if behind == 1 else 's'} before HEAD"
            parts.append(f"findings of {track.name} as of the snapshot of {track.commit[:7]}{when}")
        if self.snapshots is not None:
            parts += self._toolchains(commits)
            parts += self.snapshots.problems
        return "; ".join(parts)

    def _toolchains(self, commits: Sequence[str]) -> list[str]:
        """Sources backfilled with HEAD's dependencies: not what ran at those commits."""
        assert self.snapshots is not None
        linked: dict[str, int] = {}
        for sha in commits:
            for track in self.tracks:
                found = self.snapshots.source(sha, track.name)
                if found is not None and found.toolchain == "head":
                    linked[track.name] = linked.get(track.name, 0) + 1
        return [
            f"findings of {name} at {count} commit{'' if count == 1 else 's'} backfilled "
            "with HEAD's dependencies linked in: as good as HEAD's toolchain "
            "(`audit snapshot --backfill --setup CMD` for each commit's own)"
            for name, count in linked.items()
        ]

    # --- following findings from one snapshot to the next ---

    def _listing(self, commit: str) -> dict[str, str]:
        """Every file of the project at `commit` (path relative to the root -> blob)."""
        cached = self._listings.get(commit)
        if cached is None:
            assert self.walker is not None
            prefix = self.walker.prefix
            files = self.walker.objects.files(self.walker.repo.commit(commit).tree)
            cached = {p[len(prefix) :]: b for p, b in files.items() if p.startswith(prefix)}
            if len(self._listings) > 8:
                self._listings.clear()
            self._listings[commit] = cached
        return cached

    def _lines(self, blob: str) -> list[str]:
        cached = self._texts.get(blob)
        if cached is None:
            assert self.walker is not None
            try:
                cached = self.walker.objects.blob(blob).decode("utf-8", "replace").splitlines()
            except MissingBlob:
                cached = []  # not in this clone: its findings pair by content alone
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[blob] = cached
        return cached

    def _diff(self, old_blob: str | None, new_blob: str | None) -> LineDiff | None:
        if old_blob is None or new_blob is None:
            return None
        if old_blob == new_blob:
            return LineDiff({n: n for n in range(1, len(self._lines(old_blob)) + 1)}, ())
        old, new = self._lines(old_blob), self._lines(new_blob)
        return LineDiff.between("\n".join(old), "\n".join(new))

    def _renames(self, old: str, new: str) -> dict[str, str]:
        """new path -> old path between two commits, by git's rename detection."""
        assert self.walker is not None
        prefix = self.walker.prefix
        out = run_git(
            self.walker.repo, "diff", "--name-status", "-M", "-z", old, new, "--", prefix or "."
        )
        return _parse_renames(out, prefix)

    def _transition(
        self,
        track: SourceTrack,
        commit: str,
        found: SourceSnapshot,
        appeared: list[Sighting],
        disappeared: list[Sighting],
    ) -> None:
        assert track.commit is not None
        old_listing, new_listing = self._listing(track.commit), self._listing(commit)
        new_by_path: dict[str, list[Entry]] = {}
        for key, finding in found.entries:
            new_by_path.setdefault(finding.path, []).append((key, finding))
        renamed: dict[str, str] = {}
        if any(path not in new_listing for path in track.files):
            renamed = self._renames(track.commit, commit)
        consumed: set[str] = set()
        files: dict[str, tuple[tuple[ContentKey, Sighting], ...]] = {}
        for path, entries in new_by_path.items():
            old_path = renamed.get(path, path)
            previous = track.files.get(old_path, ())
            consumed.add(old_path)
            pairs: dict[int, int] = {}
            if previous:
                diff = self._diff(old_listing.get(old_path), new_listing.get(path))
                old = [(key, sighting.finding) for key, sighting in previous]
                pairs = pair(old, entries, diff)
            current: list[tuple[ContentKey, Sighting]] = []
            for index, (key, finding) in enumerate(entries):
                carried = pairs.get(index)
                if carried is not None:
                    identity = previous[carried][1].identity
                else:
                    identity = track.identities.get((path, key), finding.fingerprint)
                    appeared.append(Sighting(identity, finding))
                track.identities[(path, key)] = identity
                current.append((key, Sighting(identity, finding)))
            kept = set(pairs.values())
            broken = any(finding.rule_id in track.broken for _, finding in entries)
            for index, entry in enumerate(previous):
                if index in kept:
                    continue
                if broken and entry[1].finding.rule_id not in track.broken:
                    current.append(entry)  # the file did not parse: nothing in it is fixed
                else:
                    disappeared.append(entry[1])
            files[path] = tuple(current)
        for old_path, previous in track.files.items():
            if old_path not in consumed:
                disappeared.extend(sighting for _, sighting in previous)
        track.files = files
        track.commit = commit


def _parse_renames(out: str, prefix: str) -> dict[str, str]:
    """new -> old from `git diff --name-status -M -z`, paths relative to the project."""
    parts = out.split("\0")
    renamed = {}
    index = 0
    while index < len(parts) - 1:
        status = parts[index]
        if status.startswith(("R", "C")):
            old, new = parts[index + 1], parts[index + 2]
            renamed[new[len(prefix) :]] = old[len(prefix) :]
            index += 3
        else:
            index += 2
    return renamed


# --- `audit scan --new-since` ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SinceSources:
    existing: set[str]  # fingerprints of current source findings present at the base
    notes: list[str]
    snapshots: dict[str, str | None]  # source -> the snapshot commit compared with


def existing_in_snapshots(
    repo: git.Repo, prefix: str, ref: str, reports: Sequence[SourceReport]
) -> SinceSources:
    """Which current source findings were already there at the merge base of `ref` and
    HEAD, by the snapshot of the merge base or, failing that, of its nearest first-parent
    ancestor that has one. A source with no such snapshot has all its findings new."""
    base = run_git(repo, "merge-base", ref, "HEAD").strip()
    snapshots = Snapshots(repo, prefix.rstrip("/") or ".")
    existing: set[str] = set()
    notes: list[str] = []
    used: dict[str, str | None] = {}
    missing: list[SourceReport] = []
    ancestors: list[str] | None = None
    for report in reports:
        if not report.ok or not report.findings:
            continue
        if ancestors is None:
            ancestors = list(first_parent_ancestors(repo, base)) if snapshots.index else []
        found = next(
            ((sha, got) for sha in ancestors if (got := snapshots.source(sha, report.name))),
            None,
        )
        if found is None:
            used[report.name] = None
            missing.append(report)
            continue
        sha, snapshot = found
        used[report.name] = sha
        existing |= _paired(repo, prefix, sha, snapshot, report)
        behind = ancestors.index(sha)
        where = (
            "the merge base"
            if behind == 0
            else f"{behind} commit{'' if behind == 1 else 's'} before the merge base"
        )
        notes.append(
            f"findings of {report.name} compared with the snapshot of {sha[:7]} ({where})."
        )
    if missing:
        names = ", ".join(r.name for r in missing)
        count = sum(len(r.findings) for r in missing)
        notes.append(
            f"no snapshot of {names} at or before the merge base of {ref}: "
            f"{count} finding{'' if count == 1 else 's'} of {'it' if len(missing) == 1 else 'them'} shown as new."
        )
    notes += snapshots.problems
    return SinceSources(existing, notes, used)


def _paired(
    repo: git.Repo, prefix: str, commit: str, snapshot: SourceSnapshot, report: SourceReport
) -> set[str]:
    old_by_path: dict[str, list[Entry]] = {}
    for key, finding in snapshot.entries:
        old_by_path.setdefault(finding.path, []).append((key, finding))
    renamed = _parse_renames(
        run_git(repo, "diff", "--name-status", "-M", "-z", commit, "--", prefix or "."), prefix
    )
    current_by_path: dict[str, list[Entry]] = {}
    for finding, key in zip(report.findings, report.keys, strict=True):
        current_by_path.setdefault(finding.path, []).append((key, finding))
    tree = repo.commit(commit).tree
    existing: set[str] = set()
    for path, current in current_by_path.items():
        old_path = renamed.get(path, path)
        previous = old_by_path.get(old_path)
        if not previous:
            continue
        text = report.texts.get(path)
        diff: LineDiff | None = None
        if text is not None:
            try:
                blob = tree / (prefix + old_path)
            except KeyError:
                blob = None
            if blob is not None and blob.type == "blob":
                old_text = blob.data_stream.read().decode("utf-8", "replace")
                diff = LineDiff.between(old_text, text)
        existing.update(current[i][1].fingerprint for i in pair(previous, current, diff))
    return existing
