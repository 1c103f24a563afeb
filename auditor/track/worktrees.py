"""Temporary work trees of past commits, for `audit snapshot --backfill`: checked out with
`git worktree add --detach` under one temporary folder, given the dependency folders of
the current work tree (symbolic links) or a setup command of the user's, and removed
after, whatever ends the run (Ctrl-C included: `cleanup` removes the whole folder and
prunes git's record of the work trees)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from auditor.track.git_objects import GitError
from auditor.track.snapshot_notes import git_output

# Folders a package manager fills, not the project's authors: what a past commit's tools
# need to run (node_modules/.bin/tsc, the plugins eslint.config.js imports, mypy's stubs).
DEPENDENCY_FOLDERS = frozenset({"node_modules", ".venv", "venv"})
_NOT_WALKED = frozenset({".git", "__pycache__", ".audit_cache", ".mypy_cache", ".ruff_cache"})
SETUP_TIMEOUT = 1800.0  # seconds: `npm ci` on a large project takes minutes


class SetupFailed(Exception):
    """A work tree could not be made ready: the checkout or the setup command failed."""


def dependency_folders(top: Path) -> tuple[str, ...]:
    """The dependency folders of the work tree at `top`, as paths relative to it: each
    found at any depth, not looked into (a node_modules holds others of its own)."""
    found: list[str] = []
    for directory, subdirs, _ in os.walk(top):
        keep = []
        for name in sorted(subdirs):
            path = Path(directory, name)
            if name in DEPENDENCY_FOLDERS and not path.is_symlink():
                found.append(path.relative_to(top).as_posix())
            elif name not in _NOT_WALKED and not name.startswith(".audit-backfill"):
                keep.append(name)
        subdirs[:] = keep
    return tuple(found)


def link_dependencies(top: Path, tree: Path, folders: tuple[str, ...]) -> list[Path]:
    """Link each dependency folder of the current work tree into `tree` where its parent
    folder exists there and nothing is in its place; the links made."""
    made = []
    for rel in folders:
        link = tree / rel
        if not link.parent.is_dir() or os.path.lexists(link):
            continue
        os.symlink(top / rel, link, target_is_directory=True)
        made.append(link)
    return made


def run_setup(tree: Path, command: str) -> None:
    """The user's `--setup` command, in the work tree, through the shell as `git rebase
    --exec` runs its command (`npm ci && pip install -e .` is one)."""
    try:
        done = subprocess.run(
            ["sh", "-c", command],
            cwd=tree,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=SETUP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SetupFailed(f"--setup timed out after {SETUP_TIMEOUT:g} s") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        tail = f": {lines[-1][:300]}" if lines else ""
        raise SetupFailed(f"--setup exited with code {done.returncode}{tail}")


@contextmanager
def checked_out(
    top: Path, folder: Path, commit: str, cone: tuple[str, ...] | None = None
) -> Iterator[Path]:
    """A work tree of `commit` in `folder` (which must not exist), removed on the way out;
    any links made in it are removed first, so that no removal can follow one. `cone`:
    only these folders (from the top) and the files beside their parents are checked out
    (git's sparse checkout, cone mode): faster, and a file the clone lacks elsewhere (a
    partial clone, a mirror without its large files) is never needed."""
    # No hook runs: a post-checkout hook (husky's) is not what the user asked to run.
    quiet = ("-c", "core.hooksPath=/dev/null")
    try:
        if cone is None:
            git_output(top, *quiet, "worktree", "add", "--detach", "--quiet", str(folder), commit)
        else:
            git_output(
                top, *quiet, "worktree", "add", "--detach", "--no-checkout", str(folder), commit
            )
            _sparse(folder, cone)
            git_output(folder, *quiet, "reset", "--hard", "--quiet", commit)
    except GitError as exc:
        remove(top, folder)
        raise SetupFailed(f"cannot check out {commit[:7]}: {exc}") from None
    try:
        yield folder
    finally:
        remove(top, folder)


def _sparse(folder: Path, cone: tuple[str, ...]) -> None:
    """`git sparse-checkout set --cone`. The first one in a repository turns on its
    per-worktree config, writing the shared `.git/config` under git's lock: two workers
    doing it at once, one fails ("failed to initialize worktree config"). The lock is
    held for milliseconds, so a few tries, further apart each time, get past it."""
    for attempt in range(6):
        try:
            git_output(folder, "sparse-checkout", "set", "--cone", *cone)
            return
        except GitError:
            if attempt == 5:
                raise
            time.sleep(0.05 * 2**attempt)


def remove(top: Path, folder: Path) -> None:
    """Remove a work tree made by `checked_out`: its links, then its files, then git's
    record of it."""
    unlink_links(folder)
    shutil.rmtree(folder, ignore_errors=True)
    with suppress(GitError):  # a record left is pruned by the next run, or by git gc
        git_output(top, "worktree", "prune")


def unlink_links(folder: Path) -> None:
    """Remove the dependency links below `folder` (never what they point to)."""
    for directory, subdirs, _ in os.walk(folder):
        for name in list(subdirs):
            path = Path(directory, name)
            if path.is_symlink():
                path.unlink()
                subdirs.remove(name)
            elif name == ".git":
                subdirs.remove(name)


def cleanup(top: Path, parent: Path) -> None:
    """Remove every work tree left below `parent` (an interrupted run) and `parent`."""
    if parent.is_dir():
        for child in parent.iterdir():
            unlink_links(child)
        shutil.rmtree(parent, ignore_errors=True)
    with suppress(GitError):
        git_output(top, "worktree", "prune")
