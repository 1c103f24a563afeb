"""The findings of every commit on the first-parent line, read from git's blobs (never by
checking out the work tree), and how each finding appeared and disappeared over time.

A finding's identity follows its content: it is keyed by path and a path-free content key
(rule, flagged code, occurrence), and a file renamed in a commit carries its findings'
identities to the new path. A blob already scanned at the same path is never scanned again.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import git

from auditor.engine import Engine, backend, occurrences
from auditor.model import Finding, Location
from auditor.source import DecodeError

if TYPE_CHECKING:
    from auditor.snapshots import SourceHistory


@dataclass(frozen=True, slots=True)
class Sighting:
    """A finding as seen at one commit, with the identity it keeps across commits."""

    identity: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class CommitRecord:
    sha: str
    subject: str
    message: str
    date: str  # author date, ISO 8601
    files: int  # changed files, insertions, deletions against the first parent
    insertions: int
    deletions: int
    appeared: tuple[Sighting, ...] = ()
    disappeared: tuple[Sighting, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class History:
    available: bool
    reason: str  # why there is no history, when there is none; else a note on it, or ""
    baseline: tuple[Sighting, ...]  # what was open when tracking started
    commits: tuple[CommitRecord, ...]  # oldest first, after the baseline
    head: tuple[Sighting, ...]  # what is open at HEAD (or in the work tree, without history)
    head_sha: str | None = None
    head_date: str | None = None
    scans: int = 0  # blobs scanned: each (blob, path) once


def without_history(reason: str, findings: Sequence[Finding]) -> History:
    current = tuple(Sighting(f.fingerprint, f) for f in findings if not f.is_error)
    return History(False, reason, (), (), current)


# --- reading git (GitPython: one persistent `git cat-file` for objects) ----------------


class GitError(Exception):
    pass


def _repo(top: Path) -> git.Repo:
    return git.Repo(top)


def _git(repo: git.Repo, *args: str) -> str:
    try:
        out: str = repo.git.execute(["git", *args])
        return out
    except git.GitCommandError as exc:
        lines = str(exc.stderr or "").strip().strip("'").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} failed") from None


def repository_of(path: Path) -> tuple[Path | None, str]:
    """The work tree's top and why history is unavailable (empty when it is)."""
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None, "not a git repository: showing the current state only"
    if repo.bare or repo.working_tree_dir is None:
        return None, "a bare repository has no work tree: showing the current state only"
    if not repo.head.is_valid():
        return None, "the repository has no commits yet: showing the current state only"
    if os.path.exists(os.path.join(repo.git_dir, "shallow")):
        return None, "shallow clone: history is incomplete, showing the current state only"
    return Path(repo.working_tree_dir), ""


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    date: str
    subject: str
    message: str
    files: int = 0
    insertions: int = 0
    deletions: int = 0


_SHORTSTAT = re.compile(
    r"(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?"
)


def first_parent_commits(repo: git.Repo, revision_range: str) -> list[_Commit]:
    """Oldest first, each with its stats against its first parent, from one `git log`
    (GitPython's Commit.stats would run one process per commit)."""
    out = _git(
        repo,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--shortstat",
        "--format=%x1e%H%x1f%aI%x1f%B%x1f",
        revision_range,
    )
    commits = []
    for chunk in out.split("\x1e")[1:]:
        sha, date, message, stat = chunk.split("\x1f")
        match = _SHORTSTAT.search(stat)
        files, insertions, deletions = (int(g or 0) for g in match.groups()) if match else (0, 0, 0)
        message = message.strip()
        commits.append(
            _Commit(
                sha=sha,
                date=date,
                subject=message.splitlines()[0] if message else "",
                message=message,
                files=files,
                insertions=insertions,
                deletions=deletions,
            )
        )
    commits.reverse()
    return commits


class _Objects:
    """Tree listings and blob contents from git's object database."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.trees: dict[str, dict[str, str]] = {}

    def blob(self, sha: str) -> bytes:
        data: bytes = self.repo.odb.stream(bytes.fromhex(sha)).read()
        return data

    def files(self, tree: git.Tree) -> dict[str, str]:
        """path -> blob sha for every regular file below `tree`; a subtree seen before
        (same sha) is not read again, so unchanged directories cost nothing per commit."""
        cached = self.trees.get(tree.hexsha)
        if cached is not None:
            return cached
        listing: dict[str, str] = {}
        for item in tree:
            if item.type == "tree":
                for sub, blob in self.files(item).items():
                    listing[f"{item.name}/{sub}"] = blob
            elif item.type == "blob" and item.mode in (0o100644, 0o100755):  # not links
                listing[item.name] = item.hexsha
        self.trees[tree.hexsha] = listing
        return listing


# --- walking ---------------------------------------------------------------------------


ContentKey = tuple[str, str, int]  # rule, content key, occurrence: no path, no line


def content_keys(findings: Sequence[Finding], text: str) -> list[ContentKey]:
    return [
        (f.rule_id, key, n)
        for f, (key, n) in zip(findings, occurrences(findings, text), strict=True)
    ]


Entry = tuple[ContentKey, Sighting]


@dataclass
class _State:
    """Open findings by path, and the blob each path holds."""

    files: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    blobs: dict[str, str] = field(default_factory=dict)

    def sightings(self) -> Iterator[Sighting]:
        for path in sorted(self.files):
            for _, sighting in self.files[path]:
                yield sighting


def map_lines(old: str, new: str) -> dict[int, int]:
    """Old line number -> new line number, for the lines a change left alone."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    mapping = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mapping[block.a + offset + 1] = block.b + offset + 1
    return mapping


def pair(
    old: Sequence[tuple[ContentKey, Finding]],
    new: Sequence[tuple[ContentKey, Finding]],
    line_map: dict[int, int],
) -> dict[int, int]:
    """Which new finding is which old one (new index -> old index). Equal code is told
    apart by where it sits: the unchanged lines map old line numbers to new ones, so fixing
    the first of three identical `except:` handlers fixes the first, not the last. What the
    line map cannot place is paired in order."""
    waiting: dict[tuple[str, str], list[int]] = {}
    for index, ((rule, key, _), _finding) in enumerate(old):
        waiting.setdefault((rule, key), []).append(index)
    pairs: dict[int, int] = {}
    for index, ((rule, key, _), finding) in enumerate(new):
        candidates = waiting.get((rule, key), [])
        for candidate in candidates:
            if line_map.get(old[candidate][1].start.line) == finding.start.line:
                pairs[index] = candidate
                candidates.remove(candidate)
                break
    for index, ((rule, key, _), _finding) in enumerate(new):
        candidates = waiting.get((rule, key), [])
        if index not in pairs and candidates:
            pairs[index] = candidates.pop(0)
    return pairs


class Walker:
    def __init__(
        self, repo: git.Repo, prefix: str, engine: Engine, language_of: Callable[[str], str | None]
    ) -> None:
        self.repo = repo
        self.prefix = prefix  # the project root relative to the work tree, "" or "sub/dir/"
        self.engine = engine
        self.language_of = language_of  # None for files the scan would not read
        self.objects = _Objects(repo)
        self.scanned: dict[tuple[str, str], list[tuple[ContentKey, Finding]] | None] = {}
        self.identities: dict[tuple[str, ContentKey], str] = {}

    def listing(self, commit: str) -> dict[str, str]:
        files = self.objects.files(self.repo.commit(commit).tree)
        out = {}
        for path, blob in files.items():
            if not path.startswith(self.prefix):
                continue
            rel = path[len(self.prefix) :]
            if self.language_of(rel) is not None:
                out[rel] = blob
        return out

    def scan(self, rel: str, blob: str) -> list[tuple[ContentKey, Finding]] | None:
        """Findings of one blob at one path; None when it cannot be read or parsed (the
        file's previous findings are then kept: a broken commit fixes nothing)."""
        key = (blob, rel)
        if key in self.scanned:
            return self.scanned[key]
        language = self.language_of(rel)
        assert language is not None
        result: list[tuple[ContentKey, Finding]] | None
        data = self.objects.blob(blob)
        limit = self.engine.max_file_size
        try:
            if limit and len(data) > limit:
                raise DecodeError("over max-file-size", Location(1, 1))  # unknown, as unparsable
            text = backend(language).decode(data).text
        except DecodeError:
            result = None
        else:
            findings = self.engine.scan_text(rel, language, text)
            if any(f.is_error for f in findings):
                result = None
            else:
                result = list(zip(content_keys(findings, text), findings, strict=True))
        self.scanned[key] = result
        return result

    def advance(self, state: _State, commit: str) -> tuple[_State, list[Sighting], list[Sighting]]:
        """The state at `commit` from the state at its parent, scanning changed files only."""
        blobs = self.listing(commit)
        files = dict(state.files)
        appeared: list[Sighting] = []
        disappeared: list[Sighting] = []
        removed = [p for p in state.blobs if p not in blobs]
        added = [p for p in blobs if p not in state.blobs]
        renamed = self._renames(removed, added, state.blobs, blobs, commit)
        for path in removed:
            gone = files.pop(path, ())
            if path not in renamed.values():
                disappeared.extend(s for _, s in gone)
        for path, blob in blobs.items():
            old_path = renamed.get(path, path)
            if state.blobs.get(old_path) == blob and old_path == path:
                continue
            previous = state.files.get(old_path, ())
            scanned = self.scan(path, blob)
            if scanned is None:
                if previous:
                    files[path] = previous
                continue
            old_blob = state.blobs.get(old_path)
            pairs = self._pair(previous, scanned, old_blob, blob, path) if previous else {}
            current: list[Entry] = []
            for index, (content, finding) in enumerate(scanned):
                carried = pairs.get(index)
                if carried is not None:
                    identity = carried.identity
                else:
                    identity = self.identities.get((path, content), finding.fingerprint)
                    appeared.append(Sighting(identity, finding))
                self.identities[(path, content)] = identity
                current.append((content, Sighting(identity, finding)))
            kept = {id(s) for s in pairs.values()}
            disappeared.extend(s for _, s in previous if id(s) not in kept)
            if current:
                files[path] = tuple(current)
            else:
                files.pop(path, None)
        return _State(files, blobs), appeared, disappeared

    def _pair(
        self,
        previous: tuple[Entry, ...],
        scanned: list[tuple[ContentKey, Finding]],
        old_blob: str | None,
        new_blob: str,
        path: str,
    ) -> dict[int, Sighting]:
        line_map: dict[int, int] = {}
        if old_blob:
            language = self.language_of(path)
            assert language is not None
            try:
                old_text = backend(language).decode(self.objects.blob(old_blob)).text
                new_text = backend(language).decode(self.objects.blob(new_blob)).text
            except DecodeError:
                pass
            else:
                line_map = map_lines(old_text, new_text)
        old = [(key, sighting.finding) for key, sighting in previous]
        return {
            new: previous[old_index][1] for new, old_index in pair(old, scanned, line_map).items()
        }

    def _renames(
        self,
        removed: list[str],
        added: list[str],
        before: dict[str, str],
        after: dict[str, str],
        commit: str,
    ) -> dict[str, str]:
        """new path -> old path: identical blobs first, then git's similarity detection."""
        if not removed or not added:
            return {}
        by_blob = {before[p]: p for p in removed}
        renamed = {p: by_blob.pop(after[p]) for p in added if after[p] in by_blob}
        left_removed = set(by_blob.values())
        left_added = [p for p in added if p not in renamed]
        if left_removed and left_added:
            paths = [self.prefix + p for p in sorted({*left_removed, *left_added})]
            out = _git(
                self.repo, "diff", "--name-status", "-M", "-z", f"{commit}^", commit, "--", *paths
            )
            parts = out.split("\0")
            index = 0
            while index < len(parts) - 1:
                status = parts[index]
                if status.startswith("R"):
                    old, new = parts[index + 1], parts[index + 2]
                    index += 3
                    old_rel, new_rel = old[len(self.prefix) :], new[len(self.prefix) :]
                    if old_rel in left_removed and new_rel in left_added:
                        renamed[new_rel] = old_rel
                else:
                    index += 2
        return renamed


def walk(
    top: Path,
    project_root: Path,
    engine: Engine,
    language_of: Callable[[str], str | None],
    *,
    started: dt.date | None = None,
    since: str | None = None,
    sources: SourceHistory | None = None,
) -> History:
    """History from `since` (a revision), else from the first commit on or after `started`,
    else from the first commit, to HEAD. `sources` adds the findings of sources, from
    snapshots; its note about them becomes the history's `reason`."""
    relative = project_root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    repo = _repo(top)
    if since is not None:
        base: str | None = _git(repo, "rev-parse", "--verify", f"{since}^{{commit}}").strip()
        commits = first_parent_commits(repo, f"{base}..HEAD")
    else:
        commits = first_parent_commits(repo, "HEAD")
        base = None
        if started is not None:
            # Everything before the first commit dated on or after `started` is the
            # state the tracker starts counting from.
            dates = [dt.datetime.fromisoformat(c.date).date() for c in commits]
            first = next((i for i, d in enumerate(dates) if d >= started), len(commits))
            base = commits[first - 1].sha if first else None
            commits = commits[first:]
    walker = Walker(repo, prefix, engine, language_of)
    try:
        state = _State()
        if base is not None:
            state, _, _ = walker.advance(state, base)
        baseline = tuple(state.sightings())
        if sources is not None:
            baseline += tuple(sources.start(repo, walker, base, [c.sha for c in commits]))
        records = []
        for commit in commits:
            state, appeared, disappeared = walker.advance(state, commit.sha)
            if sources is not None:
                more_appeared, more_disappeared = sources.advance(commit.sha)
                appeared += more_appeared
                disappeared += more_disappeared
            records.append(
                CommitRecord(
                    sha=commit.sha,
                    subject=commit.subject,
                    message=commit.message,
                    date=commit.date,
                    files=commit.files,
                    insertions=commit.insertions,
                    deletions=commit.deletions,
                    appeared=tuple(appeared),
                    disappeared=tuple(disappeared),
                )
            )
        head_sha = commits[-1].sha if commits else base
        head_date = commits[-1].date if commits else None
        head = tuple(state.sightings())
        reason = ""
        if sources is not None:
            head += tuple(sources.head())
            reason = sources.note([c.sha for c in commits], head_sha)
        return History(
            available=True,
            reason=reason,
            baseline=baseline,
            commits=tuple(records),
            head=head,
            head_sha=head_sha,
            head_date=head_date,
            scans=len(walker.scanned),
        )
    finally:
        repo.close()


def existing_at_merge_base(
    top: Path,
    project_root: Path,
    ref: str,
    engine: Engine,
    language_of: Callable[[str], str | None],
    current: Sequence[tuple[str, str, Sequence[Finding]]],
) -> set[str]:
    """The fingerprints of current findings that already existed at the merge base of
    `ref` and HEAD, read from git's blobs. `current` holds (path, text, findings) for
    each file with findings. Files renamed since the base are followed; equal code is
    paired by position, as in the history."""
    relative = project_root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    repo = _repo(top)
    try:
        base = _git(repo, "merge-base", ref, "HEAD").strip()
        walker = Walker(repo, prefix, engine, language_of)
        listing = walker.listing(base)
        renamed: dict[str, str] = {}
        parts = _git(repo, "diff", "-M", "--name-status", "-z", base, "--", prefix or ".").split(
            "\0"
        )
        index = 0
        while index < len(parts) - 1:
            if parts[index].startswith(("R", "C")):
                old, new = parts[index + 1][len(prefix) :], parts[index + 2][len(prefix) :]
                renamed[new] = old
                index += 3
            else:
                index += 2
        existing: set[str] = set()
        for path, text, findings in current:
            base_path = renamed.get(path, path)
            blob = listing.get(base_path)
            language = language_of(path)
            if blob is None or language is None:
                continue  # a new file: everything in it is new
            scanned = walker.scan(base_path, blob)
            if scanned is None:
                continue
            try:
                base_text = backend(language).decode(walker.objects.blob(blob)).text
            except DecodeError:
                continue
            keyed = list(zip(content_keys(findings, text), findings, strict=True))
            line_map = map_lines(base_text, text)
            existing.update(findings[i].fingerprint for i in pair(scanned, keyed, line_map))
        return existing
    finally:
        repo.close()
