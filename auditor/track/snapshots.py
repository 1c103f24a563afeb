"""Snapshots: the findings of every source (and of the rules) at a commit, kept in git notes
under `refs/notes/audit`, so the tracker's history knows source findings at past commits
without running mypy at each of them.

Why git notes rather than files in the tree: a note is keyed by its commit and belongs to
no commit, so recording one makes no commit of its own (no "snapshot" commits on main, no
CI loop, no merge conflicts in a folder of JSON), leaves the work tree clean, and travels
with `git push origin refs/notes/audit` / `git fetch origin refs/notes/audit:refs/notes/audit`.
`git notes --ref audit show HEAD` shows one.

A note is one line of JSON (schema `auditor.snapshot/1`) holding one entry per project
root in the repository (".", or its path from the top), so the projects of a monorepo each
keep their own. Source findings carry their content key and occurrence, so the history
follows them from snapshot to snapshot as it follows the rules' findings from blob to blob.

In the history a snapshot of a source counts where one exists; between snapshots the last
known state is carried forward (a missing snapshot never looks like a fix), and before a
source's first snapshot its findings are taken to be those of that snapshot.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from auditor import __version__
from auditor.config import Config, SourceSettings
from auditor.discovery import language_of
from auditor.errors import UsageError
from auditor.model import Finding, Location, Severity
from auditor.scan import CACHE_DIR, Project, scan
from auditor.sources import BROKEN_FILE_CODES, ContentKey, SourceReport, in_scope
from auditor.track.git_objects import GitError, run_git
from auditor.track.history import Walker
from auditor.track.merge_base import map_lines, pair
from auditor.track.records import Sighting

NOTES_REF = "refs/notes/audit"
SCHEMA = "auditor.snapshot/1"
# Besides source files: where ruff and mypy read their settings. A change to one of them
# changes their findings, so a snapshot refuses a work tree where they differ from HEAD.
CONFIG_FILES = frozenset(
    {"pyproject.toml", "setup.cfg", "mypy.ini", ".mypy.ini", "ruff.toml", ".ruff.toml"}
)

Entry = tuple[ContentKey, Finding]


class SnapshotError(Exception):
    """A note that is not a readable snapshot."""


@dataclass(frozen=True, slots=True)
class SourceSnapshot:
    name: str
    kind: str
    error: str | None  # the source failed at this commit: its findings are unknown
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectSnapshot:
    commit: str
    rules: tuple[Finding, ...]
    sources: Mapping[str, SourceSnapshot] = field(default_factory=dict)


# --- the note's JSON ---------------------------------------------------------------------


def _finding_json(finding: Finding, key: ContentKey | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "path": finding.path,
        "start": {"line": finding.start.line, "column": finding.start.column},
        "end": {"line": finding.end.line, "column": finding.end.column},
        "message": finding.message,
        "fingerprint": finding.fingerprint,
    }
    if key is not None:
        data["key"], data["occurrence"] = key[1], key[2]
    return data


def project_json(rules: Sequence[Finding], reports: Sequence[SourceReport]) -> dict[str, Any]:
    """One project's entry: the rules' findings, and each source's (or its error)."""
    return {
        "tool": {"name": "auditor", "version": __version__},
        "rules": [_finding_json(f) for f in rules if not f.is_error],
        "sources": {
            report.name: {
                "kind": report.kind,
                "error": report.error,
                "findings": [
                    _finding_json(f, k) for f, k in zip(report.findings, report.keys, strict=True)
                ],
            }
            for report in reports
        },
    }


def encode(commit: str, projects: Mapping[str, Any]) -> bytes:
    document = {"schema": SCHEMA, "commit": commit, "projects": dict(sorted(projects.items()))}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text + "\n").encode("utf-8")


def _projects(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise SnapshotError(f"not an auditor snapshot (expected schema {SCHEMA!r})")
    projects = document.get("projects")
    if not isinstance(projects, dict):
        raise SnapshotError("'projects' is not an object")
    return projects


def _location(value: object) -> Location:
    if not isinstance(value, dict):
        raise SnapshotError("a finding has no start or end")
    line, column = value.get("line"), value.get("column")
    if not isinstance(line, int) or not isinstance(column, int):
        raise SnapshotError("a finding's line or column is not a number")
    return Location(line, column)


def _finding(value: object) -> tuple[Finding, ContentKey | None]:
    if not isinstance(value, dict):
        raise SnapshotError("a finding is not an object")
    fields = ("rule_id", "severity", "path", "message", "fingerprint")
    if not all(isinstance(value.get(name), str) for name in fields):
        raise SnapshotError("a finding lacks one of " + ", ".join(fields))
    try:
        severity = Severity.parse(value["severity"])
    except ValueError as exc:
        raise SnapshotError(str(exc)) from None
    finding = Finding(
        rule_id=value["rule_id"],
        severity=severity,
        path=value["path"],
        start=_location(value.get("start")),
        end=_location(value.get("end")),
        message=value["message"],
        fingerprint=value["fingerprint"],
    )
    key, occurrence = value.get("key"), value.get("occurrence")
    if isinstance(key, str) and isinstance(occurrence, int):
        return finding, (finding.rule_id, key, occurrence)
    return finding, None


def parse_project(commit: str, data: bytes, project: str) -> ProjectSnapshot | None:
    """The snapshot of one project in a note; None when the note has no entry for it."""
    entry = _projects(data).get(project)
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise SnapshotError(f"the entry of project {project!r} is not an object")
    rules = tuple(_finding(item)[0] for item in _list(entry.get("rules")))
    sources: dict[str, SourceSnapshot] = {}
    raw_sources = entry.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise SnapshotError("'sources' is not an object")
    for name, body in raw_sources.items():
        if not isinstance(body, dict):
            raise SnapshotError(f"source {name!r} is not an object")
        error = body.get("error")
        entries = []
        for item in _list(body.get("findings")):
            finding, key = _finding(item)
            if key is None:
                raise SnapshotError(f"a finding of source {name!r} has no key and occurrence")
            entries.append((key, finding))
        sources[name] = SourceSnapshot(
            name=name,
            kind=str(body.get("kind") or ""),
            error=str(error) if error is not None else None,
            entries=tuple(entries),
        )
    return ProjectSnapshot(commit, rules, sources)


def _list(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SnapshotError("a list of findings is not a list")
    return value


# --- git ---------------------------------------------------------------------------------


def _run_git(
    top: Path, *args: str, data: bytes | None = None, env: dict[str, str] | None = None
) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=top, input=data, capture_output=True, check=False, env=env
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def project_key(top: Path, root: Path) -> str:
    """The project root relative to the top of the work tree, as notes key projects."""
    return root.resolve().relative_to(top.resolve()).as_posix()


def notes_index(repo: git.Repo) -> dict[str, str]:
    """commit sha -> note blob sha, for every snapshot note (one `git notes list`)."""
    out = run_git(repo, "notes", "--ref", NOTES_REF, "list")
    index = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            index[parts[1]] = parts[0]
    return index


def first_parent_ancestors(repo: git.Repo, commit: str) -> Iterator[str]:
    """`commit` and its first-parent ancestors, newest first."""
    yield from run_git(repo, "rev-list", "--first-parent", commit).split()


class Snapshots:
    """The snapshots of one project, read from git notes on demand."""

    def __init__(self, repo: git.Repo, project: str) -> None:
        self.repo = repo
        self.project = project
        self.index = notes_index(repo)
        self.problems: list[str] = []
        self._parsed: dict[str, ProjectSnapshot | None] = {}

    def at(self, commit: str) -> ProjectSnapshot | None:
        if commit in self._parsed:
            return self._parsed[commit]
        snapshot = None
        blob = self.index.get(commit)
        if blob is not None:
            data: bytes = self.repo.odb.stream(bytes.fromhex(blob)).read()
            try:
                snapshot = parse_project(commit, data, self.project)
            except SnapshotError as exc:
                self.problems.append(f"the snapshot of {commit[:7]} is ignored: {exc}")
        self._parsed[commit] = snapshot
        return snapshot

    def source(self, commit: str, name: str) -> SourceSnapshot | None:
        """The findings of source `name` at `commit`, if recorded there and it ran."""
        snapshot = self.at(commit)
        if snapshot is None:
            return None
        found = snapshot.sources.get(name)
        return found if found is not None and found.error is None else None


def git_env(top: Path) -> dict[str, str]:
    """The environment for a command that commits (`git notes add`): a CI runner often has
    no identity configured; then the notes commit is made as auditor."""
    env = dict(os.environ)
    probe = subprocess.run(
        ["git", "var", "GIT_COMMITTER_IDENT"], cwd=top, capture_output=True, check=False
    )
    if probe.returncode != 0:
        for who in ("AUTHOR", "COMMITTER"):
            env.setdefault(f"GIT_{who}_NAME", "auditor")
            env.setdefault(f"GIT_{who}_EMAIL", "auditor@localhost")
    return env


def read_note(top: Path, commit: str) -> bytes | None:
    try:
        blob = _run_git(top, "notes", "--ref", NOTES_REF, "list", commit).decode().strip()
    except GitError:
        return None  # no note for this commit
    return _run_git(top, "cat-file", "blob", blob)


def write_note(top: Path, commit: str, data: bytes) -> None:
    """Store `data` verbatim as the note of `commit` (replacing any), as a blob reused by
    `git notes add -C`, which copies it unchanged (no whitespace clean-up)."""
    blob = _run_git(top, "hash-object", "-w", "--stdin", data=data).decode().strip()
    _run_git(top, "notes", "--ref", NOTES_REF, "add", "-f", "-C", blob, commit, env=git_env(top))


# --- `audit snapshot` ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taken:
    commit: str
    rules: tuple[Finding, ...]
    sources: tuple[SourceReport, ...]


def _top(root: Path) -> tuple[Path, str]:
    try:
        top = _run_git(root, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        raise UsageError("not a git work tree: a snapshot describes a commit") from None
    try:
        head = _run_git(root, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    except GitError:
        raise UsageError(
            "the repository has no commits yet: a snapshot describes a commit"
        ) from None
    return Path(top), head


def changed_paths(top: Path, root: Path) -> list[str]:
    """Paths under the project root (relative to it) that differ from HEAD: staged,
    unstaged, deleted, or untracked and not ignored."""
    prefix = project_key(top, root)
    out = _run_git(
        top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", prefix
    ).decode("utf-8", "surrogateescape")
    parts = out.split("\0")
    paths = []
    index = 0
    while index < len(parts):
        entry = parts[index]
        index += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            index += 1  # the old path follows
        rel = path if prefix == "." else posixpath.relpath(path, prefix)
        paths.append(rel)
    return paths


def check_clean(config: Config, top: Path) -> None:
    """Refuse a work tree that differs from HEAD in what the rules or a source read:
    source files in the scan's scope, the tools' config files, and, when a SARIF source
    (which may read anything) is configured, every file in scope."""
    covered = in_scope(config, [])
    any_file = any(s.kind == "sarif" for s in config.sources)
    dirty = [
        rel
        for rel in changed_paths(top, config.root)
        if covered(rel)
        and (any_file or language_of(rel) is not None or posixpath.basename(rel) in CONFIG_FILES)
    ]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise UsageError(
            f"the work tree differs from HEAD in {shown}: a snapshot must "
            "describe a commit; commit or stash the changes first"
        )


def take(project: Project) -> Taken:
    """Scan the work tree (clean: it is HEAD) with every source, and store the result as
    HEAD's note."""
    config = project.config
    top, head = _top(config.root)
    check_clean(config, top)
    outcome = scan(project, [], sources=True, cache_dir=config.root / CACHE_DIR)
    rules = tuple(f for f in outcome.findings if ":" not in f.rule_id)
    key = project_key(top, config.root)
    existing = read_note(top, head)
    projects: dict[str, Any] = {}
    if existing is not None:
        try:
            projects = _projects(existing)
        except SnapshotError:
            projects = {}  # an unreadable note is replaced
    projects[key] = project_json(rules, outcome.sources)
    try:
        write_note(top, head, encode(head, projects))
    except GitError as exc:
        raise UsageError(f"cannot write the snapshot note: {exc}") from None
    return Taken(head, rules, outcome.sources)


# --- the history of sources -----------------------------------------------------------------


@dataclass
class SourceTrack:
    """One source's open findings by path, as of the snapshot of `commit`."""

    name: str
    broken: frozenset[str]  # rule ids that say a file could not be analysed
    files: dict[str, tuple[tuple[ContentKey, Sighting], ...]] = field(default_factory=dict)
    commit: str | None = None
    identities: dict[tuple[str, ContentKey], str] = field(default_factory=dict)
    pending: bool = False  # known from a later snapshot: appears at the first commit

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
        without a snapshot at or before `base` takes its first later snapshot's findings
        as its state from the start."""
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
            backfilled = found is None
            if found is None:
                for sha in commits:
                    got = self.snapshots.source(sha, settings.name)
                    if got is not None:
                        found = (sha, got)
                        break
            if found is None:
                continue
            track.load(*found)
            if base is not None:
                baseline += track.sightings()
            else:
                track.pending = backfilled
        return baseline

    def advance(self, commit: str) -> tuple[list[Sighting], list[Sighting]]:
        """What appeared and disappeared at `commit`: a change only where it has a
        snapshot of the source; elsewhere the last known state stands."""
        assert self.snapshots is not None
        appeared: list[Sighting] = []
        disappeared: list[Sighting] = []
        for track in self.tracks:
            if track.pending:
                appeared += track.sightings()
                track.pending = False
            found = self.snapshots.source(commit, track.name)
            if found is None or commit == track.commit:
                continue
            self._transition(track, commit, found, appeared, disappeared)
        return appeared, disappeared

    def head(self) -> list[Sighting]:
        return [s for track in self.tracks for s in track.sightings()]

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
            parts += self.snapshots.problems
        return "; ".join(parts)

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
            cached = self.walker.objects.blob(blob).decode("utf-8", "replace").splitlines()
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[blob] = cached
        return cached

    def _line_map(self, old_blob: str | None, new_blob: str | None) -> dict[int, int]:
        if old_blob is None or new_blob is None:
            return {}
        if old_blob == new_blob:
            return {n: n for n in range(1, len(self._lines(old_blob)) + 1)}
        old, new = self._lines(old_blob), self._lines(new_blob)
        return map_lines("\n".join(old), "\n".join(new))

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
                line_map = self._line_map(old_listing.get(old_path), new_listing.get(path))
                old = [(key, sighting.finding) for key, sighting in previous]
                pairs = pair(old, entries, line_map)
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
        line_map: dict[int, int] = {}
        if text is not None:
            try:
                blob = tree / (prefix + old_path)
            except KeyError:
                blob = None
            if blob is not None and blob.type == "blob":
                old_text = blob.data_stream.read().decode("utf-8", "replace")
                line_map = map_lines(old_text, text)
        existing.update(current[i][1].fingerprint for i in pair(previous, current, line_map))
    return existing
