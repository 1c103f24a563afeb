"""The diff stats of the commits `audit report` links to issues: computed for those commits
alone, after the tally (the history walk computes none), exact, and kept beside the
history cache. A commit whose changed blobs the repository lacks leaves its stats unknown,
and the report says so only when it shows that commit. Real git repositories in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor import cache_signing
from conftest import BARE, commit_all, git, write_tree

ISSUES = (
    "project: x\nissues:\n"
    "  - id: BARE-1\n    title: Bare excepts\n    severity: high\n    rules: ['bare-except']\n"
    "  - id: LIST-1\n    title: Listed commits\n    severity: low\n    commits: [{listed}]\n"
)
UNKNOWN = "the lines changed by 1 commit are unknown (file versions missing from this clone)"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Five commits: c0 starts (a bare except, data.txt), c1 changes data.txt alone, c2
    narrows the except, c3 names BARE-1 in its message, c4 changes README alone."""
    git(tmp_path, "init", "-q", "-b", "main")
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"app.py": BARE, "data.txt": "v1\n", "README": "a\nb\nc\n"})
    shas = {"c0": commit_all(tmp_path, "start", "2025-01-02T10:00:00+00:00")}
    write_tree(tmp_path, {"data.txt": "v2\nmore\n"})
    shas["c1"] = commit_all(tmp_path, "data", "2025-01-03T10:00:00+00:00")
    write_tree(
        tmp_path,
        {"app.py": BARE.replace("except:", "except OSError:"), "README": "a\nB\nc\nd\n"},
    )
    shas["c2"] = commit_all(tmp_path, "narrow the except", "2025-01-04T10:00:00+00:00")
    write_tree(tmp_path, {"README": "a\nB\nc\nd\ne\nf\n"})
    shas["c3"] = commit_all(tmp_path, "document the handlers (BARE-1)", "2025-01-05T10:00:00+00:00")
    write_tree(tmp_path, {"README": "z\n"})
    shas["c4"] = commit_all(tmp_path, "readme", "2025-01-06T10:00:00+00:00")
    return shas


def _issues(listed: str) -> None:
    Path("issues.yaml").write_text(ISSUES.format(listed=listed))


def _report(audit: Any, *args: str) -> dict[str, Any]:
    result = audit("report", "--format", "json", *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def _links(state: dict[str, Any]) -> dict[str, list[tuple[str, list[str], int, int, int]]]:
    return {
        issue["id"]: [
            (c["sha"], c["reasons"], c["files"], c["insertions"], c["deletions"])
            for c in issue["commits"]
        ]
        for issue in state["issues"]
    }


def _stats_file(root: Path) -> dict[str, Any]:
    path = root / ".audit_cache" / "history" / "commit-stats"
    payload = cache_signing.read("history/commit-stats", path)
    assert payload is not None
    data: dict[str, Any] = json.loads(payload)
    return data


def test_the_report_computes_the_stats_of_its_linked_commits_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, audit: Any, repo: dict[str, str]
) -> None:
    _issues(f"{repo['c4'][:9]}, {repo['c1']}")
    trace = tmp_path.parent / f"{tmp_path.name}-trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    state = _report(audit)
    assert _links(state) == {
        "BARE-1": [
            (repo["c2"], ["fix"], 2, 3, 2),
            (repo["c3"], ["message"], 1, 2, 0),
        ],
        "LIST-1": [
            (repo["c1"], ["listed"], 1, 2, 1),
            (repo["c4"], ["listed"], 1, 1, 6),
        ],
    }
    assert state["history_note"] == ""
    # One git log for the four linked commits; c0, linked to nothing, is never asked for.
    logs = [line for line in trace.read_text().splitlines() if "--shortstat" in line]
    assert len(logs) == 1 and "--no-walk=unsorted --stdin" in logs[0]
    kept = _stats_file(tmp_path)
    assert kept["stats"] == {
        repo["c1"]: [1, 2, 1],
        repo["c2"]: [2, 3, 2],
        repo["c3"]: [1, 2, 0],
        repo["c4"]: [1, 1, 6],
    }
    assert kept["unknown"] == []
    # The markdown report sums the same numbers.
    result = audit("report", "--format", "markdown")
    assert result.code == 0, result.err
    assert "- **Commits:** 2, +5 \u22122\n" in result.out
    assert "- **Commits:** 2, +3 \u22127\n" in result.out
    # Warm: the walk comes from the cache and no commit's stats are computed again.
    trace.unlink()
    assert _report(audit) == state
    assert "--shortstat" not in trace.read_text()


def _drop_blob(root: Path, revision: str) -> None:
    """Delete a loose object, as a mirror without some files lacks it."""
    blob = git(root, "rev-parse", revision).strip()
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()


def test_a_commit_whose_blobs_are_missing_is_named_only_when_shown(
    tmp_path: Path, audit: Any, repo: dict[str, str]
) -> None:
    _drop_blob(tmp_path, f"{repo['c0']}:data.txt")  # c0 and c1 changed it: stats unknown
    _issues(repo["c4"])
    for args in [("--no-cache",), ()]:
        state = _report(audit, *args)
        assert _links(state) == {
            "BARE-1": [
                (repo["c2"], ["fix"], 2, 3, 2),
                (repo["c3"], ["message"], 1, 2, 0),
            ],
            "LIST-1": [(repo["c4"], ["listed"], 1, 1, 6)],
        }
        # Neither c0 nor c1 is shown: their stats are not asked for, and not noted.
        assert state["history_note"] == ""
    assert _stats_file(tmp_path)["unknown"] == []

    _issues(repo["c1"])  # now shown: its stats are unknown, and the report says so
    for args in [("--no-cache",), ()]:
        state = _report(audit, *args)
        assert _links(state)["LIST-1"] == [(repo["c1"], ["listed"], 0, 0, 0)]
        assert state["history_note"] == UNKNOWN
    assert _stats_file(tmp_path)["unknown"] == [repo["c1"]]
