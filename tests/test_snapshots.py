"""`audit snapshot` and the tracker's history of sources: real git repositories in tmp_path,
real mypy and ruff, snapshots in git notes; fixes linked to the commit whose snapshot shows
them, the last known state carried between snapshots, `scan --new-since` against the
snapshot of the merge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import commit_all, git, write_tree

# Plugins and sources run only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


MYPY_CONFIG = """\
[tool.audit]
select = ["bare-except"]

[tool.audit.sources.mypy]
kind = "mypy"
args = ["--strict"]
"""

ISSUES = """\
project: Typed shop
started: 2025-10-05
issues:
  - id: TYPES-1
    title: mypy strict errors
    severity: high
    rules: ["mypy:*"]
"""

SHOP = """\
def price(amount: int) -> int:
    return amount * 2


def checkout() -> str:
    total: int = price("3")
    label: str = price(4)
    return total
"""

FIXED_TWO = SHOP.replace('price("3")', "price(3)").replace(
    "label: str = price(4)", "label = price(4)"
)


def report(audit) -> dict[str, Any]:
    result = audit("report", "--format", "json")
    assert result.code == 0, result.err
    state: dict[str, Any] = json.loads(result.out)
    return state


def snapshot(audit) -> str:
    result = audit("snapshot")
    assert result.code == 0, result.err
    return result.out


@pytest.fixture
def typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A repository whose shop.py has three strict type errors, snapshotted; then a commit
    that fixes two of them, snapshotted."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    write_tree(tmp_path, {"pyproject.toml": MYPY_CONFIG, "issues.yaml": ISSUES, "shop.py": SHOP})
    shas = {"c0": commit_all(tmp_path, "initial import", "2025-10-01T10:00:00+00:00")}
    return shas


def test_mypy_errors_fixed_between_two_snapshots(typed, audit, tmp_path: Path) -> None:
    out = snapshot(audit)
    assert out == (
        f"Snapshot of {typed['c0'][:7]} stored in refs/notes/audit: rules 0 findings, "
        "mypy 3 findings.\nShare it with: git push origin refs/notes/audit\n"
    )
    state = report(audit)
    (issue,) = state["issues"]
    assert (issue["title"], issue["status"], len(issue["open"]), issue["fixed"]) == (
        "mypy strict errors",
        "not-started",
        3,
        [],
    )
    assert [(f["rule_id"], f["severity"], f["line"]) for f in issue["open"]] == [
        ("mypy:arg-type", "high", 6),
        ("mypy:assignment", "high", 7),
        ("mypy:return-value", "high", 8),
    ]
    assert state["history_note"] == ""

    (tmp_path / "shop.py").write_text(FIXED_TWO)
    c1 = commit_all(tmp_path, "fix two type errors (TYPES-1)", "2025-10-06T10:00:00+00:00")
    # Before its snapshot, the commit's effect on mypy's findings is unknown: nothing fixed.
    state = report(audit)
    assert (len(state["issues"][0]["open"]), state["issues"][0]["fixed"]) == (3, [])
    assert state["history_note"] == (
        f"findings of mypy as of the snapshot of {typed['c0'][:7]}, 1 commit before HEAD"
    )
    snapshot(audit)
    state = report(audit)
    (issue,) = state["issues"]
    assert (issue["status"], issue["percent"]) == ("in-progress", 66)
    assert [(f["rule_id"], f["line"]) for f in issue["open"]] == [("mypy:return-value", 8)]
    assert [(f["rule_id"], f["path"], f["line"], f["commit"]) for f in issue["fixed"]] == [
        ("mypy:arg-type", "shop.py", 6, c1),
        ("mypy:assignment", "shop.py", 7, c1),
    ]
    assert [(c["sha"], c["reasons"], c["fixed"]) for c in issue["commits"]] == [
        (c1, ["message", "fix"], 2)
    ]
    assert [(p["sha"], p["open"]["high"]) for p in state["timeline"]] == [(typed["c0"], 3), (c1, 1)]
    assert state["history_note"] == ""
    listing = audit("issues", "list").out
    assert (
        "TYPES-1  high      in-progress  1     2      0        66%   mypy strict errors" in listing
    )
    markdown = audit("report").out
    assert (
        f"| `{c1[:7]}` | fix two type errors (TYPES-1) | Test | 2025-10-06 | 1 | 2 | 2 | 2 | 0 |\n"
        in markdown
    )


def test_state_is_carried_between_snapshots(typed, audit, tmp_path: Path) -> None:
    snapshot(audit)
    (tmp_path / "shop.py").write_text(
        FIXED_TWO.replace("return total", "return str(total + label)")
    )
    c1 = commit_all(tmp_path, "fix all three", "2025-10-06T10:00:00+00:00")
    (tmp_path / "README.md").write_text("# shop\n")
    c2 = commit_all(tmp_path, "docs", "2025-10-07T10:00:00+00:00")
    state = report(audit)
    assert len(state["issues"][0]["open"]) == 3  # no snapshot since c0: still open
    assert state["history_note"].endswith("2 commits before HEAD")
    snapshot(audit)
    (issue,) = report(audit)["issues"]
    # Known fixed at the first snapshot that shows it: c2's (c1 had none).
    assert (issue["status"], [f["commit"] for f in issue["fixed"]]) == ("complete", [c2] * 3)
    assert c1 not in [c["sha"] for c in issue["commits"]]


def test_a_failed_source_at_a_snapshot_fixes_nothing(typed, audit, tmp_path: Path) -> None:
    snapshot(audit)
    (tmp_path / "broken.py").write_text("def f(:\n")
    commit_all(tmp_path, "broken", "2025-10-06T10:00:00+00:00")
    result = audit("snapshot")
    assert result.code == 2
    parse_error, mypy_error = result.err.splitlines()
    assert parse_error == "audit: broken.py:1:7: critical parse-error cannot parse: invalid syntax"
    # mypy's own words for the syntax error vary with its version (its parser's, or Python's).
    blocking = "audit: error: source mypy: mypy stopped at a blocking error: broken.py:1: "
    assert mypy_error.startswith(blocking) and mypy_error.endswith(" [syntax]"), mypy_error
    assert result.out.startswith(f"Snapshot of {git(tmp_path, 'rev-parse', 'HEAD')[:7]} stored")
    note = json.loads(git(tmp_path, "notes", "--ref", "audit", "show", "HEAD"))
    assert note["projects"]["."]["sources"]["mypy"]["findings"] == []
    (issue,) = report(audit)["issues"]
    assert (len(issue["open"]), issue["fixed"]) == (3, [])


def test_no_snapshot_says_so(typed, audit) -> None:
    state = report(audit)
    assert state["issues"][0]["open"] == []
    assert state["history_note"] == (
        "no snapshot of mypy on the tracked history: their findings are not counted "
        "(record them with `audit snapshot`)"
    )


def test_the_note(typed, audit, tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"svc/pyproject.toml": "[tool.audit.sources.lint]\nkind = 'ruff'\nselect = ['F401']\n"},
    )
    (tmp_path / "svc/api.py").write_text("import os\n")
    c1 = commit_all(tmp_path, "a service", "2025-10-06T10:00:00+00:00")
    snapshot(audit)
    result = audit("snapshot", "--config", "svc/pyproject.toml")
    assert result.code == 0, result.err
    note = json.loads(git(tmp_path, "notes", "--ref", "audit", "show", c1))
    assert (note["schema"], note["commit"], sorted(note["projects"])) == (
        "auditor.snapshot/1",
        c1,
        [".", "svc"],
    )
    (lint,) = note["projects"]["svc"]["sources"]["lint"]["findings"]
    assert lint == {
        "rule_id": "lint:F401",
        "severity": "medium",
        "path": "api.py",
        "start": {"line": 1, "column": 8},
        "end": {"line": 1, "column": 10},
        "message": "`os` imported but unused",
        "fingerprint": lint["fingerprint"],
        "key": ":importos",
        "occurrence": 0,
    }
    mypy = note["projects"]["."]["sources"]["mypy"]
    assert (mypy["kind"], mypy["error"], len(mypy["findings"])) == ("mypy", None, 3)
    assert note["projects"]["."]["rules"] == []


def test_snapshot_refuses_a_work_tree_that_is_not_head(typed, audit, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("scratch\n")  # not read by the rules or mypy
    (tmp_path / "shop.py").write_text(FIXED_TWO)
    result = audit("snapshot")
    assert (result.code, result.out, result.err) == (
        2,
        "",
        "audit: error: the work tree differs from HEAD in shop.py: a snapshot must describe a "
        "commit; commit or stash the changes first\n",
    )
    (tmp_path / "shop.py").write_text(SHOP)
    (tmp_path / "new.py").write_text("x = 1\n")
    assert "in new.py:" in audit("snapshot").err
    (tmp_path / "new.py").unlink()
    assert audit("snapshot").code == 0
    assert git(tmp_path, "notes", "--ref", "audit", "list").count("\n") == 1


def test_snapshot_outside_git(project, audit) -> None:
    project({"pyproject.toml": MYPY_CONFIG, "shop.py": SHOP})
    result = audit("snapshot")
    assert (result.code, result.err) == (
        2,
        "audit: error: not a git work tree: a snapshot describes a commit\n",
    )


# --- ruff: renames, broken files, --new-since ----------------------------------------------

RUFF_CONFIG = """\
[tool.audit]
select = ["bare-except"]

[tool.audit.sources.ruff]
kind = "ruff"
select = ["F401", "E722"]
"""

LINT_ISSUES = """\
project: Lint
issues:
  - id: LINT-1
    title: unused imports
    severity: medium
    rules: ["ruff:F401"]
"""


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    write_tree(
        tmp_path,
        {
            "pyproject.toml": RUFF_CONFIG,
            "issues.yaml": LINT_ISSUES,
            "app.py": "import os\nimport sys\n\nVALUE = 1\n",
        },
    )
    commit_all(tmp_path, "initial", "2025-10-01T10:00:00+00:00")
    return tmp_path


def test_a_renamed_file_keeps_its_findings(linted, audit) -> None:
    snapshot(audit)
    git(linted, "mv", "app.py", "main.py")
    (linted / "main.py").write_text("import os\nimport sys\n\nVALUE = 2\n")
    commit_all(linted, "rename", "2025-10-02T10:00:00+00:00")
    snapshot(audit)
    (issue,) = report(audit)["issues"]
    assert issue["fixed"] == []
    assert [(f["path"], f["line"]) for f in issue["open"]] == [("main.py", 1), ("main.py", 2)]
    assert [p["open"]["medium"] for p in report(audit)["timeline"]] == [0, 2, 2]


def test_a_file_that_does_not_parse_keeps_its_findings(linted, audit) -> None:
    snapshot(audit)
    (linted / "app.py").write_text("import os\nimport sys\n\nVALUE = (\n")
    commit_all(linted, "oops", "2025-10-02T10:00:00+00:00")
    taken = audit("snapshot")  # stored, and exit 2: the rules could not read app.py
    assert (taken.code, taken.err) == (
        2,
        "audit: app.py:4:9: critical parse-error cannot parse: '(' was never closed\n",
    )
    assert taken.out.startswith("Snapshot of ")
    state = report(audit)
    assert [len(state["issues"][0]["open"]), state["issues"][0]["fixed"]] == [2, []]
    assert [(g["rule_id"], len(g["findings"])) for g in state["untracked"]] == [
        ("ruff:invalid-syntax", 1)
    ]
    (linted / "app.py").write_text("import os\n\nVALUE = 1\n")
    c2 = commit_all(linted, "repair, and drop sys", "2025-10-03T10:00:00+00:00")
    snapshot(audit)
    (issue,) = report(audit)["issues"]
    assert [(f["line"], f["commit"]) for f in issue["fixed"]] == [(2, c2)]
    assert [f["line"] for f in issue["open"]] == [1]


def test_issues_sync_adds_one_issue_per_source(linted, audit) -> None:
    (linted / "issues.yaml").write_text(LINT_ISSUES.replace('["ruff:F401"]', "[console-logging]"))
    (linted / "app.py").write_text("import os\ntry:\n    pass\nexcept:\n    pass\n")
    commit_all(linted, "more", "2025-10-02T10:00:00+00:00")
    snapshot(audit)
    result = audit("issues", "sync")
    assert result.out == (
        "added an issue for bare-except (1 finding)\nadded an issue for ruff:* (2 findings)\n"
    )
    text = (linted / "issues.yaml").read_text()
    assert text.endswith(
        "  - id: MED-1\n    title: 'Findings of ruff'\n    severity: medium\n"
        "    rules: ['ruff:*']\n    status: auto\n"
    )
    assert audit("issues", "check").out == "issues.yaml: 3 issues, valid.\n"


def test_new_since_compares_with_the_snapshot_of_the_merge_base(linted, audit) -> None:
    git(linted, "checkout", "-q", "-b", "feature")
    (linted / "app.py").write_text("import json\nimport os\nimport sys\n\nVALUE = 1\n")
    commit_all(linted, "another import", "2025-10-02T10:00:00+00:00")
    # No snapshot of main yet: every ruff finding counts as new, and the output says so.
    result = audit("scan", "--sources", "--new-since", "main", "--fail-on", "none")
    assert result.out.splitlines()[:3] == [
        "app.py:1:8: medium ruff:F401 `json` imported but unused",
        "app.py:2:8: medium ruff:F401 `os` imported but unused",
        "app.py:3:8: medium ruff:F401 `sys` imported but unused",
    ]
    assert (
        "no snapshot of ruff at or before the merge base of main: 3 findings of it shown as new."
        in result.out
    )
    git(linted, "checkout", "-q", "main")
    base = git(linted, "rev-parse", "HEAD").strip()
    snapshot(audit)
    git(linted, "checkout", "-q", "feature")
    result = audit("scan", "--sources", "--new-since", "main", "--fail-on", "medium")
    assert result.code == 1
    assert result.out.splitlines()[:4] == [
        "app.py:1:8: medium ruff:F401 `json` imported but unused",
        "Sources: ruff 3 findings.",
        "2 findings already at the merge base of main: not shown.",
        f"findings of ruff compared with the snapshot of {base[:7]} (the merge base).",
    ]
    document = json.loads(audit("scan", "--sources", "--new-since", "main", "--format", "json").out)
    assert document["new_since"] == {"ref": "main", "hidden": 2, "snapshots": {"ruff": base}}


def test_without_git_the_tracker_runs_the_sources(project, audit) -> None:
    project(
        {
            "pyproject.toml": MYPY_CONFIG.replace(
                "[tool.audit]\n", "[tool.audit]\nrun-sources = true\n"
            ),
            "issues.yaml": ISSUES,
            "shop.py": SHOP,
        }
    )
    assert audit("issues", "list").out == (
        "id       severity  status       open  fixed  removed  done  title\n"
        "TYPES-1  high      not-started  3     0      0        0%    mypy strict errors\n"
        "0 findings fixed, 0 removed, 3 open (0% done).\n"
        "note: not a git repository: showing the current state only\n"
    )


def test_before_a_sources_first_snapshot_its_findings_are_unknown_not_borrowed(
    typed, audit, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text("# shop\n")
    c1 = commit_all(tmp_path, "docs", "2025-10-06T10:00:00+00:00")
    (tmp_path / "README.md").write_text("# shop, typed\n")
    c2 = commit_all(tmp_path, "more docs", "2025-10-07T10:00:00+00:00")
    snapshot(audit)  # the first snapshot: at c2, after the tracked start (c0)
    state = report(audit)
    (issue,) = state["issues"]
    assert (len(issue["open"]), issue["regressions"], issue["fixed"]) == (3, [], [])
    # Not open at the start and at c1 (unknown then), first seen at c2: no regression.
    assert [(p["sha"], p["open"]["high"]) for p in state["timeline"]] == [
        (typed["c0"], 0),
        (c1, 0),
        (c2, 3),
    ]
    assert [p["sources_unknown"] for p in state["timeline"]] == [True, True, False]
    assert (
        state["history_note"] == f"findings of mypy unknown before its first snapshot, of {c2[:7]}"
    )
