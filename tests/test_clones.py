"""`audit report` on clones that lack part of the history: a partial clone
(`--filter=blob:none`) whose blobs are fetched from its remote, or cannot be; a shallow
clone (`--depth`); and the commits' line counts kept by sha between runs. Real clones of
a real repository in tmp_path, over file://."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import BARE, commit_all, git, write_tree

ISSUES = (
    "project: x\nstarted: 2025-01-01\nissues:\n  - id: BARE-1\n    title: Bare excepts\n"
    "    severity: high\n    rules: ['bare-except']\n"
)


@pytest.fixture
def origin(tmp_path: Path) -> dict[str, str]:
    """Four commits: a bare except added, another file, the except fixed, a docs change."""
    root = tmp_path / "origin"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "uploadpack.allowFilter", "true")
    git(root, "config", "uploadpack.allowAnySHA1InWant", "true")
    write_tree(root, {"issues.yaml": ISSUES, "app.py": BARE})
    shas = {"c0": commit_all(root, "start", "2025-01-02T10:00:00+00:00")}
    write_tree(root, {"other.py": "x = 1\n"})
    shas["c1"] = commit_all(root, "other", "2025-01-03T10:00:00+00:00")
    write_tree(root, {"app.py": BARE.replace("except:", "except Exception:")})
    shas["c2"] = commit_all(root, "narrow the except (BARE-1)", "2025-01-04T10:00:00+00:00")
    write_tree(root, {"README": "docs\n"})
    shas["c3"] = commit_all(root, "docs", "2025-01-05T10:00:00+00:00")
    return shas


def _clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> Path:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", *options, f"file://{tmp_path / 'origin'}", str(clone))
    monkeypatch.chdir(clone)
    return clone


def _report(audit) -> dict[str, Any]:
    result = audit("report", "--format", "json")
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def _fixed(state: dict[str, Any]) -> list[tuple[str, str]]:
    (issue,) = state["issues"]
    return [(f["path"], f["commit"]) for f in issue["fixed"]]


def test_partial_clone_fetches_what_the_history_needs(tmp_path, monkeypatch, audit, origin):
    clone = _clone(tmp_path, monkeypatch, "--filter=blob:none")
    assert git(clone, "config", "remote.origin.promisor").strip() == "true"
    state = _report(audit)
    assert (_fixed(state), state["history_note"]) == ([("app.py", origin["c2"])], "")


def test_partial_clone_without_its_remote_names_what_is_unknown(
    tmp_path, monkeypatch, audit, origin
):
    clone = _clone(tmp_path, monkeypatch, "--filter=blob:none")
    shutil.rmtree(tmp_path / "origin")  # the remote is gone: nothing more can be fetched
    state = _report(audit)
    # HEAD's blobs came with the checkout; the older versions of app.py are missing, so
    # neither its bare except nor its fix is known: nothing is credited. Of the two
    # commits that changed it, the report shows c2 (its message names BARE-1), whose
    # lines changed are unknown; c0, shown nowhere, is not counted.
    assert _fixed(state) == []
    (issue,) = state["issues"]
    assert [(c["sha"], c["files"], c["insertions"]) for c in issue["commits"]] == [
        (origin["c2"], 0, 0)
    ]
    assert state["history_note"].startswith("partial clone: ")
    assert state["history_note"].endswith(
        "; 1 file version missing from this clone: those files are unknown at the commits "
        "that have them; the lines changed by 1 commit are unknown (file versions missing "
        "from this clone)"
    )
    assert git(clone, "status", "--porcelain") == ""


def test_shallow_clone_tracks_from_its_oldest_commit(tmp_path, monkeypatch, audit, origin):
    _clone(tmp_path, monkeypatch, "--depth", "3")
    state = _report(audit)
    assert _fixed(state) == [("app.py", origin["c2"])]
    assert state["history_note"] == (
        f"shallow clone: the history before {origin['c1'][:7]} (2025-01-03) is unknown, "
        "tracking starts from it (`git fetch --unshallow` fetches the rest)"
    )
    shutil.rmtree(tmp_path / "clone")  # a clone of HEAD alone: a report, nothing tracked
    _clone(tmp_path, monkeypatch, "--depth", "1")
    state = _report(audit)
    assert (_fixed(state), state["history_note"]) == (
        [],
        f"shallow clone: the history before {origin['c3'][:7]} (2025-01-05) is unknown, "
        "tracking starts from it (`git fetch --unshallow` fetches the rest)",
    )


def test_line_counts_are_kept_by_commit_not_by_head(tmp_path, monkeypatch, audit, origin):
    clone = _clone(tmp_path, monkeypatch)
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    (issue,) = _report(audit)["issues"]
    assert [(c["sha"], c["files"], c["insertions"], c["deletions"]) for c in issue["commits"]] == [
        (origin["c2"], 1, 1, 1)
    ]
    assert "--shortstat" in trace.read_text()
    trace.unlink()
    # Warm, on HEAD moved back, on another branch: no commit's stats are computed again.
    _report(audit)
    git(clone, "checkout", "-q", "-b", "older", origin["c2"])
    (issue,) = _report(audit)["issues"]
    assert [(c["sha"], c["insertions"], c["deletions"]) for c in issue["commits"]] == [
        (origin["c2"], 1, 1)
    ]
    assert "--shortstat" not in trace.read_text()


def test_line_counts_around_commits_whose_blobs_are_missing_are_exact(
    tmp_path, monkeypatch, origin
):
    from auditor.track.commit_stats import CommitStats

    clone = _clone(tmp_path, monkeypatch, "--filter=blob:none")
    shutil.rmtree(tmp_path / "origin")
    stats = CommitStats(None)
    order = [origin[c] for c in ("c0", "c1", "c2", "c3")]
    stats.fill(clone, order)
    assert stats.unknown == {origin["c0"], origin["c2"]}  # app.py's first version is missing
    assert (stats.get(origin["c1"]), stats.get(origin["c3"])) == ((1, 1, 0), (1, 1, 0))
