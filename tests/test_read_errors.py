"""What a scan cannot read is a read-error, never a silent skip (issue 23, item 5): a
directory that cannot be listed, a file in a directory that can be listed but not entered.
A gate must not pass on files it never saw, so the run exits 2.

Permissions are real (chmod on real folders). Root reads everything through its
capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: as root, the scan runs in a child
process from whose bounding set those two are dropped, so it meets the permissions as any
user does."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import BARE, Run, git, write_tree

_PR_CAPBSET_DROP = 24  # linux/prctl.h
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2  # linux/capability.h


def _drop_root_powers() -> None:
    """In the child, before exec: root without the capabilities that bypass permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_root_can_drop() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "pass"], preexec_fn=_drop_root_powers, check=False
    )
    return probe.returncode == 0


@pytest.fixture
def audit_unprivileged() -> Callable[..., Run]:
    """`audit ARGS...` in a child process that permissions apply to, even as root."""
    preexec = None
    if os.geteuid() == 0:
        if not sys.platform.startswith("linux") or not _as_root_can_drop():
            pytest.skip(
                "running as root, which reads every folder whatever its permissions, and "
                "its capabilities cannot be dropped here (no CAP_SETPCAP, or not Linux)"
            )
        preexec = _drop_root_powers

    def run(*args: str, cwd: Path) -> Run:
        done = subprocess.run(
            [sys.executable, "-c", "from auditor.cli import main; main()", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=preexec,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Callable[[Path, int], None]]:
    """chmod, undone at the end so that pytest can remove the folders."""
    changed: list[tuple[Path, int]] = []

    def lock(path: Path, mode: int) -> None:
        changed.append((path, path.stat().st_mode & 0o777))
        path.chmod(mode)

    yield lock
    for path, mode in reversed(changed):
        path.chmod(mode)


TREE: dict[str, str | bytes] = {
    "pyproject.toml": "[tool.audit]\n",
    "ok/app.py": "x = 1\n",
    "secret/hidden.py": BARE,  # in a folder that cannot be listed
    "shut/inside.py": BARE,  # in a folder that can be listed but not entered
    "node_modules/dep/index.js": "console.log(1);\n",  # excluded: never looked at
}
DIRECTORY = (
    "secret:1:1: critical read-error cannot list this directory: Permission denied; "
    "no file in it was scanned"
)
FILE = "shut/inside.py:1:1: critical read-error cannot read: Permission denied"


def _lock_tree(root: Path, lock: Callable[[Path, int], None]) -> None:
    lock(root / "secret", 0o000)
    lock(root / "shut", 0o644)  # r, no x: its names can be read, its files not reached
    lock(root / "node_modules" / "dep", 0o000)


def test_an_unreadable_folder_or_file_fails_the_gate_outside_git(
    tmp_path: Path, audit_unprivileged, locked
) -> None:
    write_tree(tmp_path, TREE)
    _lock_tree(tmp_path, locked)
    result = audit_unprivileged("scan", "--no-cache", cwd=tmp_path)
    assert result.out.splitlines()[:2] == [DIRECTORY, FILE], result.out + result.err
    assert "No findings; 1 file scanned." in result.out
    assert result.code == 2


def test_an_unreadable_folder_or_file_fails_the_gate_in_git(
    tmp_path: Path, audit_unprivileged, locked
) -> None:
    write_tree(tmp_path, TREE)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "ok", "shut", "pyproject.toml")  # secret/ stays untracked
    git(tmp_path, "commit", "-qm", "init")
    _lock_tree(tmp_path, locked)
    result = audit_unprivileged("scan", "--no-cache", "--format", "json", cwd=tmp_path)
    assert result.code == 2, result.out + result.err
    errors = [(f["path"], f["rule_id"], f["message"]) for f in json.loads(result.out)["findings"]]
    assert errors == [
        (
            "secret",
            "read-error",
            "cannot list this directory: Permission denied; no file in it was scanned",
        ),
        ("shut/inside.py", "read-error", "cannot read: Permission denied"),
    ]


def test_a_readable_tree_has_no_read_error(tmp_path: Path, audit_unprivileged) -> None:
    write_tree(tmp_path, TREE)
    result = audit_unprivileged("scan", "--no-cache", cwd=tmp_path)
    assert "read-error" not in result.out
    assert result.code == 1  # the bare excepts, now that they can be read


def test_audit_env_and_a_named_path_say_what_they_cannot_read(
    tmp_path: Path, audit_unprivileged, locked
) -> None:
    write_tree(tmp_path, {**TREE, "ok/app.py": "import os\nos.environ['A']\n"})
    _lock_tree(tmp_path, locked)
    env = audit_unprivileged("env", cwd=tmp_path)
    assert env.code == 2, env.out + env.err
    assert "secret:1:1: critical read-error cannot list this directory" in env.err + env.out
    named = audit_unprivileged("scan", "shut/inside.py", cwd=tmp_path)
    assert (named.code, named.out, named.err) == (
        2,
        "",
        "audit: error: shut/inside.py: cannot read: Permission denied\n",
    )
