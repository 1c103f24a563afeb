"""Never a half-written file, hard links included (issue 23, item 3): a hard-linked file
is written like any other, through a temporary file and a rename, and the run says that
its link was split; the temporary files a kill leaves behind are removed by the next run
that writes into their folder, never a live writer's."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.scan import fileio
from conftest import BARE, audit_process, git

FIXED = BARE.replace("except:", "except Exception:")
NOTE = "had {n} hard links; the fixed file is a new one, the other names keep the old content"


def dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def stale_name(name: str, pid: int) -> str:
    return f".{name}.{pid}.abcd1234.audit-tmp"


def age(path: Path, seconds: float = 120) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_hard_linked_file_is_split_and_the_run_says_so(project, audit) -> None:
    root = project({"app.py": BARE})
    os.link(root / "app.py", root / "twin.py")
    os.link(root / "app.py", root / "triplet.py")
    result = audit("scan", "--fix", "app.py")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "app.py: " + NOTE.format(n=3),
        "Fixed 1 finding.",
        "No findings; 1 file scanned.",
    ]
    assert (root / "app.py").read_text() == FIXED
    assert (root / "twin.py").read_text() == BARE  # the other names keep the old content
    assert (root / "triplet.py").read_text() == BARE
    assert (root / "app.py").stat().st_nlink == 1
    assert (root / "twin.py").stat().st_nlink == 2
    assert sorted(p.name for p in root.iterdir() if p.name.endswith(".audit-tmp")) == []


def test_the_note_goes_to_stderr_when_the_report_is_for_machines(project, audit) -> None:
    root = project({"app.py": BARE})
    os.link(root / "app.py", root / "twin.py")
    result = audit("scan", "--fix", "--format", "json", "app.py")
    assert result.code == 0
    assert result.err == "audit: note: app.py: " + NOTE.format(n=2) + "\n"
    assert (root / "twin.py").read_text() == BARE


def test_a_plain_file_gets_no_note(project, audit) -> None:
    project({"app.py": BARE})
    result = audit("scan", "--fix")
    assert result.out == "Fixed 1 finding.\nNo findings; 1 file scanned.\n"


def test_a_full_disk_leaves_every_name_as_it_was(project, audit, monkeypatch) -> None:
    root = project({"app.py": BARE})
    os.link(root / "app.py", root / "twin.py")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio.os, "fsync", full)
    result = audit("scan", "--fix", "app.py")
    assert result.code == 2
    assert (
        "app.py:1:1: critical fix-error fixed file not written: No space left on device"
        in result.out.splitlines()
    )
    assert (root / "app.py").read_text() == (root / "twin.py").read_text() == BARE
    assert (root / "app.py").stat().st_ino == (root / "twin.py").stat().st_ino
    assert [p.name for p in root.iterdir() if p.name.endswith(".audit-tmp")] == []


# `audit` killed (kill -9) when the fixed app.py is written but not yet renamed over it.
KILLED_BEFORE_RENAME = """\
import os, signal
rename = os.replace
def replace(source, target, *args, **kwargs):
    if str(target).endswith("app.py"):
        os.kill(os.getpid(), signal.SIGKILL)
    rename(source, target, *args, **kwargs)
os.replace = replace
from auditor.cli import main
main()
"""


def test_a_kill_before_the_rename_leaves_the_old_file_and_the_next_run_cleans_up(
    project,
) -> None:
    root = project({"app.py": BARE, "pyproject.toml": "[tool.audit]\n"})
    os.link(root / "app.py", root / "twin.py")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_RENAME, "scan", "--fix", "--no-cache", "app.py"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -9
    assert (root / "app.py").read_text() == (root / "twin.py").read_text() == BARE
    (left,) = [p for p in root.iterdir() if p.name.endswith(".audit-tmp")]
    assert left.name.startswith(".app.py.")
    assert left.read_text() == FIXED  # complete, but never renamed
    age(left)
    again = audit_process("scan", "--fix", "--no-cache", "app.py", cwd=root)
    assert again.code == 0, again.err
    assert (root / "app.py").read_text() == FIXED
    assert not left.exists()


def test_only_stale_temporary_files_of_gone_writers_are_removed(project, audit) -> None:
    root = project({"x.py": BARE, "pkg/y.py": "x = 1\n"})
    gone = root / stale_name("x.py", dead_pid())
    live = root / stale_name("x.py", os.getpid())  # a concurrent run, still writing
    young = root / stale_name("y.py", dead_pid())  # within the minute: left for now
    old_format = root / ".x.py.k2j4h5g6.audit-tmp"  # from before the pid was in the name
    elsewhere = root / "pkg" / stale_name("y.py", dead_pid())  # no file written there either
    mine = root / "notes.audit-tmp"  # not a name auditor makes
    for path in (gone, live, young, old_format, elsewhere, mine):
        path.write_text("partial")
    for path in (gone, live, old_format, elsewhere, mine):
        age(path)
    assert audit("scan", "--fix", "--no-cache").code == 0
    assert (root / "x.py").read_text() == FIXED
    assert not gone.exists() and not old_format.exists() and not elsewhere.exists()
    assert live.exists() and young.exists() and mine.exists()


@pytest.mark.parametrize("in_git", [False, True])
def test_any_next_run_removes_what_a_killed_one_left(project, audit, in_git) -> None:
    # Not only a run that writes in that folder: they would linger in `git status`.
    root = project({"x.py": "x = 1\n", "deep/er/y.py": "y = 1\n"})
    if in_git:
        git(root, "init", "-q")
    gone = root / "deep" / "er" / stale_name("y.py", dead_pid())
    gone.write_text("partial")
    age(gone)
    assert audit("scan", "--no-cache").code == 0
    assert not gone.exists()


@pytest.mark.parametrize("name", ["a" * 250, "é" * 120])
def test_a_long_name_still_gets_a_temporary_file(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_text("old\n")
    assert fileio.write_atomic(target, b"new\n") == 0
    assert target.read_text() == "new\n"
