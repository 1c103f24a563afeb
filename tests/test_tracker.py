"""The tracker over a real, scripted git history: which commits fixed which findings of
which issue, renames, a reintroduced finding, a merge, and status and progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BARE, commit_all, git
from scripted import APP, ISSUES

# The scripted history's plugin runs only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


def test_report_json_links_commits_findings_and_status(history, audit) -> None:
    result = audit("report", "--format", "json")
    assert result.code == 0, result.err
    state = json.loads(result.out)
    crit, high = state["issues"]

    assert (crit["id"], crit["status"], crit["percent"]) == ("CRIT-1", "in-progress", 66)
    assert [(f["path"], f["line"], f["column"]) for f in crit["open"]] == [("core/app.py", 18, 5)]
    assert [(f["path"], f["line"], f["commit"]) for f in crit["fixed"]] == [
        ("app.py", 4, history["c1"]),
        ("app.py", 11, history["c1"]),
    ]
    # c3 fixed the sync handler, c4 brought it back: the credit is void, the finding is
    # one finding, reopened by c4, and the commits' credits add up to the fixed count.
    assert [(c["short"], c["reasons"], c["fixed"]) for c in crit["commits"]] == [
        (history["c1"][:7], ["message", "fix"], 2),
        (history["c3"][:7], ["message"], 0),
    ]
    assert [(r["path"], r["line"], r["kind"], r["commit"]) for r in crit["regressions"]] == [
        ("core/app.py", 18, "reopened", history["c4"])
    ]
    c1 = crit["commits"][0]
    assert (c1["subject"], c1["date"], c1["files"], c1["insertions"], c1["deletions"]) == (
        "fix: name exceptions in load and save (CRIT-1)",
        "2025-10-12T10:00:00+00:00",
        1,
        2,
        2,
    )
    assert crit["files_fixed"] == [{"path": "app.py", "count": 2}]
    assert (crit["first_fix"], crit["last_fix"]) == ("2025-10-12T10:00:00+00:00",) * 2

    assert (high["id"], high["status"], high["percent"], high["open"]) == (
        "HIGH-1",
        "complete",
        100,
        [],
    )
    assert [(f["line"], f["commit"]) for f in high["fixed"]] == [
        (2, history["c3"]),
        (3, history["merge"]),
    ]
    # The merge counts on the first-parent line, with its diff against the first parent.
    assert [
        (c["short"], c["reasons"], c["files"], c["insertions"], c["deletions"])
        for c in high["commits"]
    ] == [
        (history["c3"][:7], ["message", "fix"], 2, 2, 2),
        (history["merge"][:7], ["message", "fix"], 1, 1, 1),
    ]

    assert (state["status"], state["open"], state["fixed"], state["percent"]) == (
        "in-progress",
        1,
        4,
        80,
    )
    assert state["totals"] == [
        {"severity": "critical", "issues": 1, "complete": 0, "open": 1, "fixed": 2, "removed": 0},
        {"severity": "high", "issues": 1, "complete": 1, "open": 0, "fixed": 2, "removed": 0},
        {"severity": "medium", "issues": 0, "complete": 0, "open": 0, "fixed": 0, "removed": 0},
        {"severity": "low", "issues": 0, "complete": 0, "open": 0, "fixed": 0, "removed": 0},
    ]
    assert state["range"] == (
        f"from {history['c1'][:7]} (2025-10-12), the first commit on or after 2025-10-11"
    )
    assert [(p["sha"], p["open"]["critical"], p["open"]["high"]) for p in state["timeline"]] == [
        (history["c0"], 3, 2),  # the base: the last commit before `started`
        (history["c1"], 1, 2),
        (history["c2"], 1, 2),
        (history["c3"], 0, 1),
        (history["c4"], 1, 1),
        (history["c5"], 1, 1),
        (history["merge"], 1, 0),
    ]
    assert (state["head"], state["last_updated"], state["history"]) == (
        history["merge"],
        "2025-10-18T10:00:00+00:00",
        True,
    )


def test_issues_list(history, audit) -> None:
    result = audit("issues", "list")
    assert result.out == (
        "id      severity  status       open  fixed  removed  done  title\n"
        "CRIT-1  critical  in-progress  1     2      0        66%   Bare except blocks\n"
        "HIGH-1  high      complete     0     2      0        100%  Placeholders\n"
        "4 findings fixed, 0 removed, 1 open (80% done) over 6 commits.\n"
    )


def test_since_moves_the_start(history, audit) -> None:
    state = json.loads(audit("report", "--format", "json", "--since", history["c3"]).out)
    crit, high = state["issues"]
    assert (len(crit["open"]), len(crit["fixed"]), crit["status"]) == (1, 0, "not-started")
    assert [c["short"] for c in high["commits"]] == [history["merge"][:7]]
    bad = audit("report", "--since", "no-such-ref")
    assert bad.code == 2
    assert bad.err.startswith("audit: error: --since no-such-ref: ")


def test_dirty_work_tree_is_never_touched(history, audit, tmp_path: Path) -> None:
    (tmp_path / "web.py").write_text("todo()\n")
    before = git(tmp_path, "status", "--porcelain")
    state = json.loads(audit("report", "--format", "json").out)
    assert state["issues"][1]["open"] == []  # HEAD's state, not the work tree's
    assert git(tmp_path, "status", "--porcelain") == before
    assert (tmp_path / "web.py").read_text() == "todo()\n"


def test_declared_done_with_open_findings_is_a_contradiction(
    history, audit, tmp_path: Path
) -> None:
    text = (
        (tmp_path / "issues.yaml").read_text().replace("    status: auto\n", "    status: done\n")
    )
    (tmp_path / "issues.yaml").write_text(text)
    commit_all(tmp_path, "mark CRIT-1 done", "2025-10-19T10:00:00+00:00")
    crit = json.loads(audit("report", "--format", "json").out)["issues"][0]
    assert (crit["status"], crit["contradiction"]) == (
        "complete",
        "marked done, but 1 finding(s) are open",
    )
    assert "CRIT-1: marked done, but 1 finding(s) are open" in audit("issues", "list").out


def test_without_git_the_tracker_reports_the_current_state(project, audit) -> None:
    project(
        {"issues.yaml": ISSUES.replace("rules: [no-todo]", "rules: [bare-except]"), "app.py": APP}
    )
    result = audit("issues", "list")
    assert result.out.splitlines()[-2:] == [
        "0 findings fixed, 0 removed, 3 open (0% done).",
        "note: not a git repository: showing the current state only",
    ]


def test_shallow_clone_reports_the_current_state(
    history, audit, tmp_path: Path, monkeypatch
) -> None:
    # tests/test_clones.py has deeper shallow clones; this one holds HEAD alone.
    clone = tmp_path.parent / f"{tmp_path.name}-shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path}", str(clone))
    monkeypatch.chdir(clone)
    head = git(clone, "rev-parse", "HEAD").strip()
    date = git(clone, "log", "-1", "--format=%cs").strip()
    state = json.loads(audit("report", "--format", "json").out)
    assert (state["history"], state["history_note"]) == (
        True,
        f"shallow clone: the history before {head[:7]} ({date}) is unknown, tracking "
        "starts from it (`git fetch --unshallow` fetches the rest)",
    )
    assert [len(i["open"]) for i in state["issues"]] == [1, 0]


def test_sync_appends_issues_and_keeps_the_file(history, audit, tmp_path: Path) -> None:
    (tmp_path / "issues.yaml").write_text(
        ISSUES.replace(
            "  - id: HIGH-1   # placeholders\n    title: Placeholders\n    severity: high\n    rules: [no-todo]\n",
            "",
        )
    )
    commit_all(tmp_path, "drop HIGH-1", "2025-10-19T10:00:00+00:00")
    (tmp_path / "web.py").write_text("todo()\n")
    commit_all(tmp_path, "new placeholder", "2025-10-20T10:00:00+00:00")
    result = audit("issues", "sync")
    assert (result.code, result.out) == (0, "added an issue for no-todo (1 finding)\n")
    assert (tmp_path / "issues.yaml").read_text() == (
        "# the team's tracker\nproject: Demo shop\nstarted: 2025-10-11\nissues:\n"
        "  - id: CRIT-1\n    title: Bare except blocks\n    severity: critical\n"
        "    rules: [bare-except]\n    status: auto\n"
        "  - id: HIGH-1\n    title: 'Todo() placeholder left in the code'\n    severity: high\n"
        "    rules: [no-todo]\n    status: auto\n"
    )
    assert audit("issues", "check").out == "issues.yaml: 2 issues, valid.\n"


def test_sync_starts_the_issues_file_of_a_new_project(project, audit) -> None:
    import datetime

    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE, "web/a.ts": "x;\n"})
    git(root, "init", "-q")
    commit_all(root, "start", "2025-10-12T10:00:00+00:00")
    result = audit("issues", "sync")
    today = datetime.date.today().isoformat()
    assert (result.code, result.out) == (
        0,
        f"issues.yaml: started, tracking from {today}.\n"
        "added an issue for bare-except (1 finding)\n",
    )
    assert (root / "issues.yaml").read_text() == (
        "# The project's remediation tracker: `audit issues list`, `audit report`.\n"
        f"project: '{root.name}'\n"
        f"started: {today}  # commits before this are not counted\n"
        "issues:\n"
        "  - id: CRIT-1\n"
        "    title: 'Bare `except:` also catches KeyboardInterrupt and SystemExit; name the "
        "exceptions'\n"
        "    severity: critical\n    rules: [bare-except]\n    status: auto\n"
    )
    assert audit("issues", "sync").out == (
        "issues.yaml: every finding belongs to an issue; nothing to add.\n"
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "issues:\n  - id: A\n    title: t\n    severity: urgent\n    rules: [bare-except]\n",
            "issues.yaml:4: issues[0].severity: must be one of critical, high, medium, low (got 'urgent')",
        ),
        (
            "issues:\n  - id: A\n    title: t\n    severity: low\n    rules: [bare-excpt]\n",
            "issues.yaml:5: issues[0].rules[0]: unknown rule id 'bare-excpt' (did you mean 'bare-except'?)",
        ),
        (
            "issues:\n  - {id: A, title: t, severity: low, rules: [bare-except]}\n"
            "  - {id: A, title: u, severity: low, rules: [bare-except]}\n",
            "issues.yaml:3: issues[1].id: duplicate id 'A' (first at line 2)",
        ),
        (
            "issues:\n  - id: A\n    title: t\n    severity: low\n    rules: [bare-except]\n    paths: ['../x']\n",
            "issues.yaml:6: issues[0].paths[0]: must be a glob relative to the project root (got '../x')",
        ),
        (
            "issues:\n  - id: A\n    title: t\n    severity: low\n    rules: bare-except\n",
            "issues.yaml:5: issues[0].rules: must be a list of strings (got str 'bare-except')",
        ),
        (
            "issues:\n  - id: A\n    title: t\n    severity: low\n    rules: [bare-except]\n    owner: me\n",
            "issues.yaml:6: issues[0].owner: unknown key",
        ),
        ("project: x\nproject: y\n", "issues.yaml:2: project: duplicate key (first at line 1)"),
        (
            "issues: [\n",
            "issues.yaml:2: invalid YAML: expected the node content, but found '<stream end>'",
        ),
        (
            "project: !!python/object/apply:os.system ['echo pwned']\n",
            "issues.yaml:1: invalid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "a: &a ['x','x']\nb: &b [*a,*a]\nc: [*b,*b]\n",
            "issues.yaml:1: anchors and aliases are not allowed",
        ),
        (
            "started: soon\n",
            "issues.yaml:1: started: must be a date like 2025-10-11 (got str 'soon')",
        ),
        (
            "issue-pattern: 'fixes'\n",
            "issues.yaml:1: issue-pattern: must contain {id}, where the issue id goes",
        ),
    ],
)
def test_malformed_issues_file(project, audit, text: str, error: str) -> None:
    project({"issues.yaml": text})
    for command in (("issues", "check"), ("issues", "list"), ("report",)):
        result = audit(*command)
        assert (result.code, result.out, result.err) == (2, "", f"audit: error: {error}\n")


def test_missing_issues_file(project, audit) -> None:
    project({"app.py": "x = 1\n"})
    result = audit("issues", "check")
    assert (result.code, result.err) == (
        2,
        "audit: error: issues.yaml: no such file (`audit issues sync` starts one; or set "
        "`issues-file` under [tool.audit])\n",
    )


def test_sync_names_the_issue_after_the_language_of_its_findings(project, audit) -> None:
    project({"issues.yaml": "project: x\nissues: []\n", "app.py": APP})
    text = "project: x\nissues:\n  - id: LOW-1\n    title: t\n    severity: low\n    rules: [unvalidated-env]\n"
    project({"issues.yaml": text})
    assert audit("issues", "sync").out == "added an issue for bare-except (3 findings)\n"
    assert (
        "    title: 'Bare `except:` also catches KeyboardInterrupt"
        in (Path.cwd() / "issues.yaml").read_text()
    )


def test_one_walk_writes_several_formats(history, audit, tmp_path: Path) -> None:
    result = audit(
        "report",
        "--format",
        "markdown",
        "--format",
        "json",
        "--output",
        "p.md",
        "--output",
        "p.json",
    )
    assert (result.code, result.out, result.err) == (0, "", "")
    assert (tmp_path / "p.md").read_text().startswith("# Remediation progress: Demo shop\n")
    assert json.loads((tmp_path / "p.json").read_text())["schema"] == "auditor.tracker/2"
    result = audit("report", "--format", "html", "--format", "json", "--output-dir", "out/docs")
    assert result.code == 0
    assert sorted(p.name for p in (tmp_path / "out/docs").iterdir()) == [
        "progress.html",
        "progress.json",
    ]
    bad = audit("report", "--format", "markdown", "--format", "json", "--output", "p.md")
    assert (bad.code, bad.err) == (
        2,
        "audit: error: --output: 1 given for 2 format(s); give one per --format\n",
    )
    bad = audit("report", "--format", "markdown", "--format", "html")
    assert (bad.code, bad.err) == (
        2,
        "audit: error: several --format values need an --output each, or --output-dir\n",
    )


def test_the_range_tracked_is_named(history, audit) -> None:
    state = json.loads(audit("report", "--format", "json", "--since", history["c3"]).out)
    assert state["range"] == f"since {history['c3']} ({history['c4'][:7]}, 2025-10-15, onwards)"
    assert state["range_start"] == history["c4"]


def test_sync_reads_head_only(history, audit, tmp_path: Path, monkeypatch) -> None:
    import auditor.track.history

    walked: list[int] = []
    original = auditor.track.history.walk

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(*args, **kwargs)
        walked.append(len(result.commits))
        return result

    monkeypatch.setattr("auditor.track.use_case.walk", counting)
    result = audit("issues", "sync")
    assert result.code == 0, result.err
    assert walked == [0]
