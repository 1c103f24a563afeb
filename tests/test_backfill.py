"""Every source kind through every command that reads sources, and `audit snapshot
--backfill`: real git repositories in tmp_path, fake tools (tests/fake_tools.py) as the
sources' commands, past commits checked out in temporary work trees."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fake_tools import CODES, KINDS, runs, source_toml, write_tool

from conftest import commit_all, git, write_tree

ISSUES = (
    "project: x\nstarted: 2025-01-01\nissues:\n  - id: T1\n    title: Tool\n"
    "    severity: high\n    rules: ['tool:*']\n"
)
COMMANDS = ("scan", "snapshot", "issues", "report", "backfill")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository (the current folder); the fake tools live beside it in bin/,
    and the work trees of a backfill go to tmp/ (TMPDIR), which a test can look into."""
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    return root


def _bin(repo: Path) -> Path:
    return repo.parent / "bin"


def _report(audit) -> dict[str, Any]:
    result = audit("report", "--format", "json")
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def _commits_run(repo: Path) -> list[str]:
    """The commits the fake tools ran at in a backfill (each work tree is named by it)."""
    return [Path(line.split()[0]).name[:7] for line in runs(_bin(repo))]


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_source_kind_works_in_every_command(repo: Path, audit, kind: str, command: str):
    code = f"tool:{CODES[kind]}"
    name = "a.ts" if kind in ("tsc", "eslint") else "a.py"
    config = "[tool.audit]\n" + source_toml(kind, write_tool(_bin(repo), kind))
    write_tree(repo, {"pyproject.toml": config, "issues.yaml": ISSUES, name: "bad(1)\n"})
    c0 = commit_all(repo, "start", "2025-01-02T10:00:00+00:00")
    if command == "scan":
        result = audit("scan", "--sources", "--format", "json")
        assert result.code == 0, result.err
        findings = json.loads(result.out)["findings"]
        found = [(f["rule_id"], f["path"], f["start"]["line"]) for f in findings]
        assert found == [(code, name, 1)]
    elif command == "snapshot":
        result = audit("snapshot")
        assert (result.code, result.out) == (
            0,
            f"Snapshot of {c0[:7]} stored in refs/notes/audit: rules 0 findings, tool 1 "
            "finding.\nShare it with: git push origin refs/notes/audit\n",
        )
    elif command == "issues":
        assert audit("snapshot").code == 0
        listed = audit("issues", "list")
        assert listed.code == 0, listed.err
        assert listed.out.splitlines()[1].split()[:3] == ["T1", "high", "not-started"]
    elif command == "report":
        assert audit("snapshot").code == 0
        (issue,) = _report(audit)["issues"]
        assert (issue["status"], [(f["rule_id"], f["line"]) for f in issue["open"]]) == (
            "not-started",
            [(code, 1)],
        )
    else:
        (repo / name).write_text("good(1)\n")
        c1 = commit_all(repo, "fix it", "2025-01-03T10:00:00+00:00")
        result = audit("snapshot", "--backfill", "--jobs", "1")
        assert result.code == 0, result.out + result.err
        assert _commits_run(repo) == [c0[:7], c1[:7]]
        (issue,) = _report(audit)["issues"]
        assert (issue["status"], [(f["rule_id"], f["commit"]) for f in issue["fixed"]]) == (
            "complete",
            [(code, c1)],
        )


RUFF_IN_SRC = "[tool.audit]\ninclude = ['src']\n"


def _history(repo: Path) -> dict[str, str]:
    """Four commits: src/ does not exist yet; src/a.py with a finding; only the docs
    change; the finding fixed."""
    config = RUFF_IN_SRC + source_toml("ruff", write_tool(_bin(repo), "ruff"))
    write_tree(repo, {"pyproject.toml": config, "issues.yaml": ISSUES, "README": "x\n"})
    shas = {"c0": commit_all(repo, "start", "2025-01-02T10:00:00+00:00")}
    write_tree(repo, {"src/a.py": "ok()\nbad(1)\n"})
    shas["c1"] = commit_all(repo, "add a", "2025-01-03T10:00:00+00:00")
    write_tree(repo, {"README": "more\n"})
    shas["c2"] = commit_all(repo, "docs", "2025-01-04T10:00:00+00:00")
    write_tree(repo, {"src/a.py": "ok()\ngood(1)\n"})
    shas["c3"] = commit_all(repo, "fix bad call", "2025-01-05T10:00:00+00:00")
    return shas


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_backfill_runs_where_the_relevant_tree_changed_and_resumes(repo: Path, audit, jobs):
    shas = _history(repo)
    first = audit("snapshot", "--backfill", "--jobs", jobs)
    assert (first.code, first.out) == (
        0,
        "Backfill of 4 commits to HEAD: 3 source runs at 3 commits, 1 carried forward "
        "(nothing they read changed), 0 already recorded.\n"
        "Each commit ran with HEAD's dependency folders (node_modules, the virtualenv) linked "
        "in: results are as good as HEAD's toolchain; --setup CMD (npm ci) installs each "
        "commit's own.\n"
        "Stored in refs/notes/audit; share it with: git push origin refs/notes/audit\n",
    )
    # c0 had no src/: an empty result, recorded without running the tool; c2 carried.
    assert sorted(_commits_run(repo)) == sorted([shas["c1"][:7], shas["c3"][:7]])
    assert set(git(repo, "notes", "--ref", "audit", "list").split()[1::2]) == {
        shas["c0"],
        shas["c1"],
        shas["c3"],
    }
    assert git(repo, "worktree", "list").count("\n") == 1
    assert list((repo.parent / "tmp").iterdir()) == []

    again = audit("snapshot", "--backfill", "--jobs", jobs)
    assert again.out.splitlines()[0] == (
        "Backfill of 4 commits to HEAD: 0 source runs at 0 commits, 1 carried forward "
        "(nothing they read changed), 3 already recorded."
    )
    assert len(runs(_bin(repo))) == 2

    state = _report(audit)
    (issue,) = state["issues"]
    assert [(f["rule_id"], f["line"], f["commit"]) for f in issue["fixed"]] == [
        ("tool:B1", 2, shas["c3"])
    ]
    assert [(c["sha"], c["fixed"]) for c in issue["commits"]] == [(shas["c3"], 1)]
    assert state["history_note"] == (
        "findings of tool at 3 commits backfilled with HEAD's dependencies linked in: as "
        "good as HEAD's toolchain (`audit snapshot --backfill --setup CMD` for each commit's own)"
    )


@pytest.mark.usefixtures("trusted")
def test_backfill_since_links_dependencies_or_runs_setup(repo: Path, audit) -> None:
    shas = _history(repo)
    (repo / ".gitignore").write_text("node_modules/\n")
    (repo / "node_modules").mkdir()
    (repo / "node_modules" / "marker").write_text("mine\n")
    linked = audit("snapshot", "--backfill", "--since", shas["c2"])
    assert linked.code == 0, linked.err
    # c2, the first of the range, and c3, which changed src/a.py.
    assert [line.split()[1:] for line in runs(_bin(repo))] == [["node_modules"]] * 2
    # The link is removed with the work tree, never what it points to.
    assert (repo / "node_modules" / "marker").read_text() == "mine\n"

    git(repo, "notes", "--ref", "audit", "remove", shas["c3"])
    setup = audit("snapshot", "--backfill", "--since", shas["c3"], "--setup", "touch setup-ran")
    assert setup.code == 0, setup.err
    assert "HEAD's toolchain" not in setup.out
    assert [line.split()[1:] for line in runs(_bin(repo))][2:] == [["setup-ran"]]


@pytest.mark.usefixtures("trusted")
def test_backfill_records_a_failure_and_tries_it_again(repo: Path, audit) -> None:
    shas = _history(repo)
    failing = audit("snapshot", "--backfill", "--setup", "exit 3")
    assert failing.code == 2
    assert failing.out.splitlines()[1:] == [
        f"  tool failed at {shas[c][:7]}: --setup exited with code 3" for c in ("c0", "c1", "c3")
    ] + ["Stored in refs/notes/audit; share it with: git push origin refs/notes/audit"]
    retried = audit("snapshot", "--backfill")
    assert retried.code == 0
    assert retried.out.splitlines()[0] == (
        "Backfill of 4 commits to HEAD: 3 source runs at 3 commits, 1 carried forward "
        "(nothing they read changed), 0 already recorded."
    )


def test_backfill_needs_trust(repo: Path, audit) -> None:
    _history(repo)
    refused = audit("snapshot", "--backfill")
    assert refused.code == 2
    assert "not trusted: `audit snapshot --backfill` runs this project's code" in refused.err
    assert runs(_bin(repo)) == []
    assert audit("snapshot", "--backfill", "--trust").code == 0
    assert audit("snapshot", "--since", "HEAD").code == 2  # --since goes with --backfill


SLOW_TOOL = "import time\ntime.sleep(30)\n"
# Ctrl-C's handler, as in a terminal: a process started in the background of a shell
# (this test's, maybe) begins with SIGINT ignored.
INTERRUPTIBLE = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from auditor.cli import main; main()"
)


def test_backfill_interrupted_leaves_no_work_tree(repo: Path) -> None:
    _history(repo)
    slow = repo.parent / "bin" / "slow.py"
    slow.write_text(SLOW_TOOL)
    config = RUFF_IN_SRC + source_toml("ruff", [sys.executable, str(slow)])
    (repo / "pyproject.toml").write_text(config)
    commit_all(repo, "slow tool", "2025-01-06T10:00:00+00:00")
    (repo / "node_modules").mkdir()
    (repo / "node_modules" / "marker").write_text("mine\n")
    env = {**os.environ, "AUDIT_TRUST": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE, "snapshot", "--backfill"],
        cwd=repo,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    tmp = repo.parent / "tmp"
    deadline = time.monotonic() + 20
    while not any(tmp.glob("audit-backfill-*/*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the tools have started
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: to the foreground group
    process.communicate(timeout=20)
    assert process.returncode != 0
    assert [line.split()[-1] for line in _ps() if "slow.py" in line] == []
    assert git(repo, "worktree", "list").count("\n") == 1
    assert list(tmp.iterdir()) == []
    assert (repo / "node_modules" / "marker").read_text() == "mine\n"


def _ps() -> list[str]:
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
