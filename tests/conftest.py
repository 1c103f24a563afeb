from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli

BARE = "try:\n    run()\nexcept:\n    pass\n"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own config and cache folders (trust records, the cache-signing key), new
    for each test: a test never reads or writes the real ones, nor sees another's."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("AUDIT_TRUST", raising=False)
    monkeypatch.delenv("AUDIT_CACHE_KEY", raising=False)
    return home


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every project trusted (AUDIT_TRUST=1): for tests of plugins and sources themselves;
    tests/test_trust.py tests what an untrusted project may and may not do."""
    monkeypatch.setenv("AUDIT_TRUST", "1")


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, str | bytes]], Path]:
    """A project directory (the current directory) holding `files`."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes]) -> Path:
        write_tree(tmp_path, files)
        return tmp_path

    return make


def _runner() -> CliRunner:
    """A runner that keeps standard error apart: click 8.2's always does, click 8.1's (the
    floor, constraints/floors.txt) mixes it into the output unless told not to."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:  # click 8.2 has no mix_stderr: standard error is always apart
        return CliRunner()


@pytest.fixture
def audit() -> Callable[..., Run]:
    """`audit ARGS...` in this process, as a user would run it."""

    def run(*args: str) -> Run:
        result = _runner().invoke(cli, list(args), prog_name="audit", catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def audit_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """`audit` in a separate process: for what only a fresh interpreter sees (entry points)."""
    done = subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def git(root: Path, *args: str, date: str | None = None) -> str:
    """Real git with a fixed identity (and author/commit date, when given)."""
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def commit_all(root: Path, message: str, date: str) -> str:
    """Stage everything and commit; returns the new commit's sha."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


from scripted import history  # noqa: E402,F401  (the fixture, shared by several modules)
