"""A scripted git history shared by the tracker and report tests: findings of two issues
introduced, fixed across commits, a rename, a reintroduced finding and a merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import commit_all, git, write_tree

TODO_RULE = '''
import libcst as cst
from auditor.model import Severity
from auditor.plugins import Invalid, Rule, Valid


class NoTodo(Rule):
    """Flags calls of todo(): placeholders that must not ship."""

    id = "no-todo"
    severity = Severity.HIGH
    message = "todo() placeholder left in the code"
    triggers = ("todo",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "todo":
            self.report(node)

    VALID = [Valid("done()\\n")]
    INVALID = [Invalid("todo()\\n")]
'''

ISSUES = """\
# the team's tracker
project: Demo shop
started: 2025-10-11
issues:
  - id: CRIT-1
    title: Bare except blocks
    severity: critical
    rules: [bare-except]
    status: auto
  - id: HIGH-1   # placeholders
    title: Placeholders
    severity: high
    rules: [no-todo]
"""

APP = """\
def load():
    try:
        return read()
    except:
        return None


def save():
    try:
        write()
    except:
        pass


def sync():
    try:
        push()
    except:
        pass
"""

WEB = "def view():\n    todo()\n    return todo()\n"


def fix_handler(text: str, line: int) -> str:
    lines = text.splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("except:", "except Exception:")
    return "".join(lines)


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The scripted history; returns the commit shas by name."""
    root = tmp_path
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    write_tree(
        root,
        {
            "pyproject.toml": "[tool.audit]\nplugins = ['tracker_todo_rule']\n",
            "tracker_todo_rule.py": TODO_RULE,
            "issues.yaml": ISSUES,
            "app.py": APP,
            "web.py": WEB,
        },
    )
    shas = {"c0": commit_all(root, "initial import", "2025-10-01T10:00:00+00:00")}
    (root / "app.py").write_text(fix_handler(fix_handler(APP, 4), 11))
    shas["c1"] = commit_all(
        root, "fix: name exceptions in load and save (CRIT-1)", "2025-10-12T10:00:00+00:00"
    )
    (root / "core").mkdir()
    git(root, "mv", "app.py", "core/app.py")
    shas["c2"] = commit_all(root, "refactor: move app.py into core/", "2025-10-13T10:00:00+00:00")
    (root / "core/app.py").write_text(fix_handler(fix_handler(fix_handler(APP, 4), 11), 18))
    (root / "web.py").write_text("def view():\n    done()\n    return todo()\n")
    shas["c3"] = commit_all(
        root,
        "fix: sync handler and first placeholder (CRIT-1, HIGH-1)",
        "2025-10-14T10:00:00+00:00",
    )
    (root / "core/app.py").write_text(fix_handler(fix_handler(APP, 4), 11))
    shas["c4"] = commit_all(root, "feat: retry in sync", "2025-10-15T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "web.py").write_text("def view():\n    done()\n    return done()\n")
    shas["f1"] = commit_all(root, "replace the last placeholder", "2025-10-16T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    (root / "README.md").write_text("# demo\n")
    shas["c5"] = commit_all(root, "docs: readme", "2025-10-17T10:00:00+00:00")
    git(
        root,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch 'feature' (HIGH-1)",
        date="2025-10-18T10:00:00+00:00",
    )
    shas["merge"] = git(root, "rev-parse", "HEAD").strip()
    return shas
