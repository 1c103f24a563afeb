"""Reading git for the history: commits on the first-parent line, tree listings and blob
contents from the object database (GitPython keeps one `git cat-file` process for
objects), and the errors git gives, as one line."""

from __future__ import annotations

import os
import subprocess
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import git


@dataclass(frozen=True, slots=True)
class CommitMeta:
    """A commit as `git log` tells it without reading a blob. Its diff stats are not here:
    they read the blobs it changed, and a report shows them only for the commits it links
    to an issue (`auditor.track.commit_stats`)."""

    sha: str
    date: str  # committer date, ISO 8601: when it landed on this line
    author: str
    subject: str
    message: str

    @property
    def short(self) -> str:
        return self.sha[:7]


class GitError(Exception):
    pass


def open_repo(top: Path) -> git.Repo:
    return git.Repo(top)


def run_git(repo: git.Repo, *args: str) -> str:
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
    return Path(repo.working_tree_dir), ""


def shallow_grafts(repo: git.Repo) -> frozenset[str]:
    """The commits a shallow clone has without their parents (none in a full clone)."""
    try:
        with open(os.path.join(repo.git_dir, "shallow"), encoding="ascii") as handle:
            return frozenset(handle.read().split())
    except OSError:
        return frozenset()


def first_parent_commits(repo: git.Repo, revision_range: str) -> list[CommitMeta]:
    """Oldest first: the commits from one `git log`, which reads no blob."""
    out = run_git(
        repo, "log", "--first-parent", "--format=%x1e%H%x1f%cI%x1f%an%x1f%B", revision_range
    )
    commits = []
    for chunk in out.split("\x1e")[1:]:
        sha, date, author, message = chunk.split("\x1f")
        message = message.strip()
        commits.append(
            CommitMeta(
                sha=sha,
                date=date,
                author=author,
                subject=message.splitlines()[0] if message else "",
                message=message,
            )
        )
    commits.reverse()
    return commits


class MissingBlob(GitError):
    """A file version this clone does not have and cannot fetch (a partial clone whose
    remote is gone, a mirror without its large files)."""


class GitObjects:
    """Tree listings and blob contents from git's object database."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.trees: dict[str, dict[str, str]] = {}
        self.previous: dict[str, dict[str, str]] = {}
        self.missing: set[str] = set()  # blobs asked for that this clone lacks
        self.absent: frozenset[str] = frozenset()  # known missing before: never asked for
        self._reader: CatFile | None = None

    def blob(self, sha: str) -> bytes:
        """A blob's content; MissingBlob when the clone lacks it (in a partial clone, git
        fetches it from the promisor remote first, and fails only when it cannot)."""
        data = self.blobs([sha])[sha]
        if data is None:
            raise MissingBlob(f"{sha[:7]} is missing from this clone")
        return data

    def blobs(self, shas: Sequence[str]) -> dict[str, bytes | None]:
        """Several blobs' contents at once, None for those the clone lacks: one request
        to git for all of them, not a round trip each."""
        found: dict[str, bytes | None] = {}
        wanted = []
        for sha in shas:
            if sha in self.missing or sha in self.absent:
                self.missing.add(sha)
                found[sha] = None
            else:
                wanted.append(sha)
        if wanted:
            if self._reader is None:
                self._reader = CatFile(self.repo.working_tree_dir or self.repo.git_dir)
            for sha, data in zip(wanted, self._reader.read(wanted), strict=True):
                if data is None:
                    self.missing.add(sha)
                found[sha] = data
        return found

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def files(self, tree: git.Tree) -> dict[str, str]:
        """path -> blob sha for every regular file below `tree`. A subtree listed for this
        commit or the one before (same sha) is not read again, so unchanged directories
        cost nothing per commit, and memory stays that of two commits however long the
        history."""
        cached = self.trees.get(tree.hexsha)
        if cached is None:
            cached = self.previous.get(tree.hexsha)
            if cached is not None:
                self.trees[tree.hexsha] = cached
                return cached
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

    def next_commit(self) -> None:
        self.previous, self.trees = self.trees, {}


class CatFile:
    """One `git cat-file --batch` process for the walk's blobs, asked for many at a time
    (GitPython's asks and flushes object by object). Requests go in chunks small enough
    for the pipe to git to hold while git answers."""

    CHUNK = 256  # requests of 41 bytes: well under a pipe's 64 KiB

    def __init__(self, cwd: str | os.PathLike[str]) -> None:
        self.process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # Ended with its owner (or at exit) even when nobody calls close().
        self._end = weakref.finalize(self, _end_process, self.process)

    def read(self, shas: Sequence[str]) -> list[bytes | None]:
        out: list[bytes | None] = []
        for at in range(0, len(shas), self.CHUNK):
            out.extend(self._read(shas[at : at + self.CHUNK]))
        return out

    def _read(self, shas: Sequence[str]) -> list[bytes | None]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write("".join(f"{sha}\n" for sha in shas).encode("ascii"))
            stdin.flush()
        except OSError as exc:
            raise GitError(f"git cat-file stopped: {exc}") from None
        out: list[bytes | None] = []
        for _ in shas:
            header = stdout.readline().split()
            if not header:
                raise GitError("git cat-file stopped answering")
            if len(header) != 3:  # "<sha> missing", "<name> ambiguous"
                out.append(None)
                continue
            size = int(header[2])
            data = stdout.read(size)
            stdout.read(1)  # the newline after the content
            out.append(data)
        return out

    def close(self) -> None:
        self._end()


def _end_process(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()  # git ends at the end of its input
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
