"""Every pairing corner case of the tracker, each a little git history made here, with the
outcome `git show` supports asserted exactly (issue: the tracker tells the whole story)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_tracker_truth import counts, handlers, issue, repo, state

from conftest import git

__all__ = ["repo"]  # the fixture, shared with test_tracker_truth


def credits(data: dict[str, Any], issue_id: str) -> list[tuple[str, int, int, int]]:
    return [
        (c["sha"], c["fixed"], c["removed"], c["introduced"])
        for c in issue(data, issue_id)["commits"]
    ]


def test_a_revert_reopens_the_latest_fix_not_the_oldest_identical_one(repo, audit) -> None:
    repo({"app.py": handlers("a")}, "initial")
    first = repo({"app.py": "x = 1\n"}, "fix a long ago")
    repo({"app.py": "x = 1\n\n\n" + handlers("a")}, "add a again")
    second = repo({"app.py": "x = 1\n"}, "fix it again")
    revert = repo({"app.py": "x = 1\n\n\n" + handlers("a")}, 'Revert "fix it again"')
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 1, 0)
    assert [f["commit"] for f in crit["fixed"]] == [first]
    assert [(r["kind"], r["commit"]) for r in crit["regressions"]] == [("reopened", revert)]
    assert second not in [c["sha"] for c in crit["commits"] if c["fixed"]]


def test_a_method_moved_to_another_file_out_of_its_class_is_a_move(repo, audit) -> None:
    method = (
        "class Store:\n    def load(self):\n        try:\n            return read()\n"
        "        except:\n            return None\n"
    )
    function = "def load():\n    try:\n        return read()\n    except:\n        return None\n"
    repo({"store.py": method, "io_util.py": "import sys\n"}, "initial")
    moved = repo(
        {"store.py": "class Store:\n    pass\n", "io_util.py": "import sys\n\n\n" + function},
        "move Store.load to io_util.load",
    )
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 0, 0)
    assert crit["open"][0]["path"] == "io_util.py"
    assert crit["regressions"] == []
    assert moved not in [c["sha"] for c in crit["commits"]]


def test_code_identical_to_a_fix_long_ago_elsewhere_is_new(repo, audit) -> None:
    repo({"app.py": handlers("a") + "x = 1\n"}, "initial")
    fix = repo({"app.py": "x = 1\n"}, "fix a")
    add = repo(
        {"app.py": "x = 1\n\n\n" + "y = 2\n" * 30 + "\n\n" + handlers("a")}, "add a far below"
    )
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 1, 0)
    assert [f["commit"] for f in crit["fixed"]] == [fix]
    assert [(r["kind"], r["commit"]) for r in crit["regressions"]] == [("new", add)]


def test_one_except_pass_removed_and_another_added_is_a_fix_and_a_new(repo, audit) -> None:
    old = "def load():\n    try:\n        read()\n    except:\n        pass\n"
    new = "def send():\n    try:\n        post()\n    except:\n        pass\n"
    repo({"a.py": old, "b.py": "x = 1\n"}, "initial")
    both = repo({"a.py": "def load():\n    read()\n", "b.py": "x = 1\n\n\n" + new}, "both")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 1, 0)
    assert credits(data, "CRIT-1") == [(both, 1, 0, 1)]
    assert [(r["path"], r["kind"]) for r in crit["regressions"]] == [("b.py", "new")]


def test_editing_a_line_inside_a_multi_line_statement_keeps_the_finding(repo, audit) -> None:
    before = 'import os\n\nURL = os.environ.get(\n    "API_URL",\n    "http://a",\n)\n'
    repo({"app.py": before}, "initial")
    repo({"app.py": before.replace("http://a", "https://b")}, "change the default")
    data = state(audit)
    high = issue(data, "HIGH-1")
    assert counts(data, "HIGH-1") == (1, 0, 0)
    assert high["commits"] == [] and high["regressions"] == []


def test_a_suppression_comment_is_suppressed_not_fixed(repo, audit) -> None:
    body = "def load():\n    try:\n        read()\n    except:\n        pass\n"
    repo({"app.py": body}, "initial")
    repo({"app.py": body.replace("except:", "except:  # audit: ignore[bare-except]")}, "ignore")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (0, 0, 0)
    assert crit["commits"] == []
    assert [(s["path"], s["line"]) for s in crit["suppressed"]] == [("app.py", 4)]


def test_an_env_read_moved_into_a_validated_settings_module_is_fixed(repo, audit) -> None:
    repo(
        {
            "app.py": "import os\n\nPORT = int(os.environ['PORT'])\n",
            "settings.py": "x = 1\n",
        },
        "initial",
    )
    fix = repo(
        {
            "app.py": "from settings import settings\n\nPORT = settings.port\n",
            "settings.py": (
                "from pydantic_settings import BaseSettings\n\n\n"
                "class Settings(BaseSettings):\n    port: int\n\n\nsettings = Settings()\n"
            ),
        },
        "validate PORT",
    )
    data = state(audit)
    assert counts(data, "HIGH-1") == (0, 1, 0)
    assert credits(data, "HIGH-1") == [(fix, 1, 0, 0)]


def test_except_base_exception_that_swallows_is_no_fix(repo, audit) -> None:
    body = "def load():\n    try:\n        read()\n    except:\n        pass\n"
    repo({"app.py": body}, "initial")
    repo({"app.py": body.replace("except:", "except BaseException:")}, "spell it out")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (1, 0, 0)
    assert crit["commits"] == [] and crit["regressions"] == []


def test_a_file_renamed_out_of_an_issues_paths_is_moved_out_of_scope(
    repo, audit, tmp_path: Path
) -> None:
    scoped = (
        (tmp_path / "issues.yaml")
        .read_text()
        .replace("    rules: [bare-except]\n", "    rules: [bare-except]\n    paths: [src/**]\n")
    )
    repo({"issues.yaml": scoped, "src/app.py": handlers("a", "b")}, "initial")
    git(tmp_path, "mv", "src/app.py", "legacy_app.py")
    out = repo({}, "move app.py out of src")
    data = state(audit)
    crit = issue(data, "CRIT-1")
    assert counts(data, "CRIT-1") == (0, 0, 2)
    assert credits(data, "CRIT-1") == [(out, 0, 2, 0)]
    assert {r["outcome"] for r in crit["removed"]} == {"moved out of scope"}


def test_the_report_says_what_was_suppressed_and_moved_out_of_scope(
    repo, audit, tmp_path: Path
) -> None:
    scoped = (
        (tmp_path / "issues.yaml")
        .read_text()
        .replace("    rules: [bare-except]\n", "    rules: [bare-except]\n    paths: [src/**]\n")
    )
    body = handlers("a", "b", "c")
    repo({"issues.yaml": scoped, "src/app.py": body, "src/lib.py": handlers("d")}, "initial")
    repo({"src/app.py": body.replace("except:", "except:  # audit: ignore[bare-except]", 1)})
    git(tmp_path, "mv", "src/lib.py", "lib.py")
    repo({}, "move lib.py out of src")
    result = audit("report", "--format", "markdown")
    assert result.code == 0, result.err
    assert (
        "0 %: 0 fixed, 2 open; 1 removed (0 with their files, 1 moved out of scope);"
        " 1 suppressed by `audit: ignore` comments (excluded)"
    ) in result.out
