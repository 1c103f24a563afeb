"""Reading git for the history: commits on the first-parent line with their stats, tree
listings and blob contents from the object database (GitPython keeps one `git cat-file`
process for objects), and the errors git gives, as one line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import git


@dataclass(frozen=True, slots=True)
class CommitMeta:
    """A commit as `git log` tells it, with its diff stats against its first parent."""

    sha: str
    date: str  # committer date, ISO 8601: when it landed on this line
    author: str
    subject: str
    message: str
    files: int = 0
    insertions: int = 0
    deletions: int = 0

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
    if os.path.exists(os.path.join(repo.git_dir, "shallow")):
        return None, "shallow clone: history is incomplete, showing the current state only"
    return Path(repo.working_tree_dir), ""


_SHORTSTAT = re.compile(
    r"(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?"
)


def first_parent_commits(repo: git.Repo, revision_range: str) -> list[CommitMeta]:
    """Oldest first, each with its stats against its first parent, from one `git log`
    (GitPython's Commit.stats would run one process per commit)."""
    out = run_git(
        repo,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--shortstat",
        "--format=%x1e%H%x1f%cI%x1f%an%x1f%B%x1f",
        revision_range,
    )
    commits = []
    for chunk in out.split("\x1e")[1:]:
        sha, date, author, message, stat = chunk.split("\x1f")
        match = _SHORTSTAT.search(stat)
        files, insertions, deletions = (int(g or 0) for g in match.groups()) if match else (0, 0, 0)
        message = message.strip()
        commits.append(
            CommitMeta(
                sha=sha,
                date=date,
                author=author,
                subject=message.splitlines()[0] if message else "",
                message=message,
                files=files,
                insertions=insertions,
                deletions=deletions,
            )
        )
    commits.reverse()
    return commits


class GitObjects:
    """Tree listings and blob contents from git's object database."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.trees: dict[str, dict[str, str]] = {}
        self.previous: dict[str, dict[str, str]] = {}

    def blob(self, sha: str) -> bytes:
        data: bytes = self.repo.odb.stream(bytes.fromhex(sha)).read()
        return data

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
