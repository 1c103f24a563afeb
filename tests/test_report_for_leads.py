"""The report a lead reads in a minute: issues counted by status and severity in the
header (the parts add up), untouched issues in one table, long file lists folded,
declared statuses with the date issues.yaml took them, and a first `issues: []` that
`issues sync` fills and the report does not call complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import commit_all, git, write_tree

DAY = "2025-10-{:02d}T10:00:00+00:00"


def handlers(*names: str) -> str:
    return "".join(
        f"def {name}():\n    try:\n        run()\n    except:\n        pass\n\n\n" for name in names
    )


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    write_tree(tmp_path, {"pyproject.toml": "[tool.audit]\n"})
    return tmp_path


def test_sync_fills_an_empty_issues_list_and_the_report_says_there_are_none(
    root: Path, audit: Any
) -> None:
    write_tree(
        root,
        {"issues.yaml": "project: Shop\nissues: []  # filled by sync\n", "app.py": handlers("a")},
    )
    commit_all(root, "initial", DAY.format(1))
    report = audit("report")
    assert report.code == 0, report.err
    assert (
        "- **Status:** no issues yet: `issues.yaml` lists none; `audit issues sync` adds one "
        "for each rule with open findings\n"
        "- **Issues:** 0: 0 complete, 0 in progress, 0 not started\n"
    ) in report.out
    assert "Complete," not in report.out
    assert json.loads(audit("report", "--format", "json").out)["status"] == "not-started"
    synced = audit("issues", "sync")
    assert (synced.code, synced.err) == (0, "")
    assert (root / "issues.yaml").read_text() == (
        "project: Shop\n"
        "issues:  # filled by sync\n"
        "  - id: CRIT-1\n"
        "    title: 'Bare `except:` also catches KeyboardInterrupt and SystemExit; name the"
        " exceptions'\n"
        "    severity: critical\n"
        "    rules: [bare-except]\n"
        "    status: auto\n"
    )


ISSUES = """\
project: Shop
issues:
  - id: LOW-1
    title: Legacy handlers
    severity: low
    rules: [bare-except]
    paths: [legacy/**]
  - id: CRIT-1
    title: Bare except blocks
    severity: critical
    rules: [bare-except]
  - id: HIGH-1
    title: Console output
    severity: high
    rules: [console-logging]
  - id: HIGH-2
    title: Environment reads
    severity: high
    rules: [unvalidated-env]
"""


def test_the_header_counts_issues_by_status_and_severity(root: Path, audit: Any) -> None:
    names = [f"h{n}" for n in range(7)]
    files = {f"pkg/m{n}.py": handlers(name) for n, name in enumerate(names)}
    write_tree(
        root,
        {
            "issues.yaml": ISSUES,
            **files,
            "legacy/old.py": handlers("old", "older"),
            "web/a.ts": "console.log('a')\n",
            "app.py": "import os\n\nHOST = os.environ['HOST']\n",
        },
    )
    commit_all(root, "initial", DAY.format(1))
    write_tree(root, {path: "x = 1\n" for path in files})
    commit_all(root, "fix seven handlers (CRIT-1)", DAY.format(2))
    write_tree(root, {"web/a.ts": "console.log('a')\nconsole.log('b')\n"})
    commit_all(root, "more logging", DAY.format(3))
    text = (root / "issues.yaml").read_text()
    wont = text.replace(
        "    rules: [console-logging]\n  - id: HIGH-2",
        "    rules: [console-logging]\n    status: wont-fix\n  - id: HIGH-2",
    )
    write_tree(root, {"issues.yaml": wont})
    commit_all(root, "HIGH-1 is won't fix", DAY.format(4))
    report = audit("report")
    assert report.code == 0, report.err
    out = report.out
    assert (
        "- **Issues:** 4: 1 complete, 0 in progress, 2 not started, 1 won't fix (left out of "
        "progress)\n- **By severity:** Critical 1/1 complete, High 0/1 complete, Low 0/1 "
        "complete\n"
    ) in out
    assert (
        "- **Files fixed:** `pkg/m0.py` (1 fix), `pkg/m1.py` (1 fix), `pkg/m2.py` (1 fix), " in out
    )
    assert "`pkg/m4.py` (1 fix) and 2 more files\n" in out
    assert (
        "### Not started\n\n| Issue | Title | Severity | Open | Fixable |\n|---|---|---|--:|---|\n"
        "| LOW-1 | Legacy handlers | Low | 2 | 2 fixable with `audit scan --fix` |\n"
        "| HIGH-2 | Environment reads | High | 1 | \u2013 |\n"
    ) in out
    html = audit("report", "--format", "html").out
    assert "<details><summary>Files fixed: 7</summary>" in html


def test_a_declared_status_says_when_issues_yaml_took_it(root: Path, audit: Any) -> None:
    write_tree(root, {"issues.yaml": ISSUES, "web/a.ts": "console.log('a')\n"})
    commit_all(root, "initial", DAY.format(1))
    declared = ISSUES.replace(
        "    rules: [console-logging]\n", "    rules: [console-logging]\n    status: wont-fix\n"
    )
    write_tree(root, {"issues.yaml": declared})
    commit_all(root, "HIGH-1 is won't fix", DAY.format(5))
    write_tree(root, {"issues.yaml": declared + "# a comment\n"})
    commit_all(root, "touch issues.yaml", DAY.format(9))
    data = json.loads(audit("report", "--format", "json").out)
    high = next(i for i in data["issues"] if i["id"] == "HIGH-1")
    assert high["declared_since"] == "2025-10-05T10:00:00+00:00"
    crit = next(i for i in data["issues"] if i["id"] == "CRIT-1")
    assert crit["declared_since"] is None


def test_an_unknown_period_names_its_file_and_reason(root: Path, audit: Any) -> None:
    write_tree(root, {"issues.yaml": ISSUES, "app.py": handlers("a")})
    commit_all(root, "initial", DAY.format(1))
    write_tree(root, {"app.py": handlers("a") + "print 'py2'\n"})
    commit_all(root, "break it", DAY.format(2))
    write_tree(root, {"app.py": handlers("a") + "print('py3')\n"})
    commit_all(root, "mend it", DAY.format(4))
    report = audit("report")
    assert report.code == 0, report.err
    assert (
        "- **Unknown:** findings unknown in 1 file over 1 commit, on 2025-10-02; every file is "
        "readable at HEAD. `app.py` (cannot parse: Missing parentheses in call to 'print'. Did "
        "you mean print(...)? at 8:1), from 2025-10-02 to 2025-10-04\n"
    ) in report.out


def test_dates_are_each_commits_own_unless_a_report_timezone_says_otherwise(
    root: Path, audit: Any
) -> None:
    write_tree(root, {"issues.yaml": ISSUES, "app.py": handlers("a")})
    commit_all(root, "initial", "2025-10-01T09:00:00-05:00")
    write_tree(root, {"app.py": "x = 1\n"})
    fix = commit_all(root, "fix a (CRIT-1)", "2025-10-01T23:30:00-05:00")
    row = "| `{}` | fix a (CRIT-1) | Test | {} | 1 | 1 | 7 | 1 | 0 |\n"
    assert row.format(fix[:7], "2025-10-01") in audit("report").out
    write_tree(root, {"pyproject.toml": '[tool.audit]\nreport-timezone = "UTC"\n'})
    out = audit("report").out
    assert row.format(fix[:7], "2025-10-02") in out
    assert "| 2025-10-02 | 1 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 0 |\n" in out  # the trend's day too
    write_tree(root, {"pyproject.toml": '[tool.audit]\nreport-timezone = "Mars/Olympus"\n'})
    bad = audit("report")
    assert (bad.code, bad.out) == (2, "")
    assert bad.err == (
        "audit: error: pyproject.toml:2:1: 'tool.audit.report-timezone' is not a time zone "
        "name such as 'UTC' or 'Europe/Paris' (got 'Mars/Olympus')\n"
    )
