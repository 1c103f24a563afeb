"""Each commit's diff stats against its first parent (files changed, lines added and
removed), for the commits a report links to an issue (the walk computes none: the stats
read the blobs each commit changed, for every commit of the history, to show a few), kept
by commit sha beside the history cache: a warm report runs no `git log --shortstat`, and
a HEAD moved back or to another branch reuses what is known of the commits it shares.

`--shortstat` reads the blobs a commit changed. A clone can lack some: a partial clone
(`--filter=blob:none`) fetches them from its promisor remote on demand, and
`fetch_missing` asks for all of them at once first; where none can be had (the remote is
gone, a mirror without its large files), those commits' stats are unknown rather than the
report failing: a batch that fails is halved until the commits at fault are found.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from auditor import cache_signing
from auditor.cache_signing import as_dict, as_int, as_list, as_str
from auditor.scan.cache import make_cache_folder
from auditor.scan.fileio import write_atomic

Stat = tuple[int, int, int]  # files, insertions, deletions
FORMAT = 1
_SHORTSTAT = re.compile(
    r"(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?"
)
_ROLE = "history/commit-stats"


def _git(top: Path, *args: str, data: bytes | None = None) -> tuple[int, bytes, str]:
    done = subprocess.run(["git", *args], cwd=top, input=data, capture_output=True, check=False)
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return done.returncode, done.stdout, lines[-1] if lines else ""


def parse_shortstat(text: str) -> Stat:
    match = _SHORTSTAT.search(text)
    if match is None:
        return (0, 0, 0)
    files, insertions, deletions = (int(g or 0) for g in match.groups())
    return files, insertions, deletions


class CommitStats:
    """Stats by commit sha, read from and written to `path` (None: not kept)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, Stat] = {}
        self.unknown: set[str] = set()  # commits whose changed blobs this clone lacks
        self.missing_blobs: set[str] = set()  # blobs the walk found missing, this run or before
        self._dirty = False
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        payload = cache_signing.read(_ROLE, path)
        if payload is None:
            return
        try:
            data = as_dict(json.loads(payload))
            if data.get("format") != FORMAT:
                return
            for sha, stat in as_dict(data["stats"]).items():
                files, insertions, deletions = (as_int(v) for v in as_list(stat, 3))
                self.known[sha] = (files, insertions, deletions)
            self.unknown = {as_str(sha) for sha in as_list(data["unknown"])}
            self.missing_blobs = {as_str(sha) for sha in as_list(data["missing"])}
        except Exception:  # of another shape: computed again
            self.known, self.unknown, self.missing_blobs = {}, set(), set()

    def note_missing(self, blobs: set[str]) -> None:
        if not blobs <= self.missing_blobs:
            self.missing_blobs |= blobs
            self._dirty = True

    def fill(self, top: Path, shas: Sequence[str]) -> None:
        """Compute the stats of the commits not known yet (one `git log` for all of them,
        unless some lack blobs)."""
        wanted = [sha for sha in shas if sha not in self.known and sha not in self.unknown]
        if wanted:
            self._compute(top, wanted)
            self._dirty = True

    def _compute(self, top: Path, shas: list[str]) -> None:
        """One `git log` for the commits; where it stops at a commit whose blobs are
        missing, that commit is tried alone and the log goes on after it. Git writes each
        commit's header before its stats, and what it wrote is kept when it fails: the
        last header written is the commit at fault (one or two processes per such commit,
        where halving the batch re-read the whole history's diffs a dozen times)."""
        pending = shas
        while pending:
            code, out, _ = _git(
                top,
                *("log", "--no-walk=unsorted", "--stdin", "--diff-merges=first-parent"),
                *("--shortstat", "--format=%x1e%H"),
                data="".join(f"{sha}\n" for sha in pending).encode(),
            )
            written = []
            for chunk in out.decode("utf-8", "replace").split("\x1e")[1:]:
                sha, _, stat = chunk.partition("\n")
                written.append((sha.strip(), parse_shortstat(stat)))
            if code == 0:
                self.known.update(written)
                return
            done = written[:-1]
            if [sha for sha, _ in done] != pending[: len(done)]:  # not git's order: unsure
                self._compute_halving(top, pending)
                return
            self.known.update(done)
            at_fault = pending[len(done)]
            if len(pending) == 1 or not self._compute_one(top, at_fault):
                self.unknown.add(at_fault)  # a blob it changed is missing: stats unknown
            pending = pending[len(done) + 1 :]

    def _compute_one(self, top: Path, sha: str) -> bool:
        code, out, _ = _git(
            top, "show", "--diff-merges=first-parent", "--shortstat", "--format=%x1e%H", sha
        )
        if code == 0:
            self.known[sha] = parse_shortstat(out.decode("utf-8", "replace").partition("\n")[2])
        return code == 0

    def _compute_halving(self, top: Path, shas: list[str]) -> None:
        if len(shas) == 1:
            if not self._compute_one(top, shas[0]):
                self.unknown.add(shas[0])
            return
        middle = len(shas) // 2
        self._compute(top, shas[:middle])
        self._compute(top, shas[middle:])

    def get(self, sha: str) -> Stat:
        return self.known.get(sha, (0, 0, 0))

    def unknown_note(self, shas: Sequence[str]) -> str:
        """What the report says of those of `shas` whose stats this clone cannot tell ("":
        none)."""
        count = len(set(shas) & self.unknown)
        if not count:
            return ""
        return (
            f"the lines changed by {count} commit{'' if count == 1 else 's'} are unknown "
            "(file versions missing from this clone)"
        )

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        data = {
            "format": FORMAT,
            "stats": {sha: list(stat) for sha, stat in self.known.items()},
            "unknown": sorted(self.unknown),
            "missing": sorted(self.missing_blobs),
        }
        sealed = cache_signing.seal(_ROLE, json.dumps(data, separators=(",", ":")).encode())
        if sealed is None:
            return
        try:
            make_cache_folder(self.path.parent)
            write_atomic(self.path, sealed)
        except OSError:
            pass  # a cache that cannot be written costs time, never a result


def promisor_remote(top: Path) -> str | None:
    """The remote a partial clone fetches missing objects from, if this is one."""
    code, out, _ = _git(top, "config", "--get-regexp", r"^remote\..*\.promisor$")
    for line in out.decode().splitlines() if code == 0 else []:
        key, _, value = line.partition(" ")
        if value.strip().lower() == "true":
            return key[len("remote.") : -len(".promisor")]
    return None


def fetch_missing(top: Path, revision: str) -> tuple[str, frozenset[str]]:
    """In a partial clone, fetch at once every blob the first-parent history up to
    `revision` lacks (git would fetch them one by one as they are read). Returns what
    could not be had, said in a sentence ("" when nothing is missing), and those blobs:
    asked for again, git's object reader would try to fetch each, and die."""
    remote = promisor_remote(top)
    if remote is None:
        return "", frozenset()
    code, out, error = _git(
        top, "rev-list", "--objects", "--missing=print", "--first-parent", revision
    )
    missing = [line[1:] for line in out.decode().splitlines() if line.startswith("?")]
    if code != 0 or not missing:
        return "", frozenset()
    code, _, error = _git(
        top,
        *("-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags"),
        *("--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"),
        data="".join(f"{oid}\n" for oid in missing).encode(),
    )
    if code != 0:
        note = (
            f"partial clone: {len(missing)} file versions could not be fetched from "
            f"{remote} ({error})"
        )
        return note, frozenset(missing)
    return "", frozenset()
