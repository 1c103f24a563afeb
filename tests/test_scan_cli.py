"""`audit scan` end to end: findings, exit codes, --fix, --diff, output formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import BARE

MESSAGE = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"


def test_reports_bare_except_with_position_and_exits_1(project, audit) -> None:
    project({"pkg/app.py": "import os\n\n" + BARE, "pkg/ok.py": "x = 1\n"})
    result = audit("scan")
    assert result.code == 1
    assert result.out == (
        f"pkg/app.py:5:1: critical bare-except {MESSAGE}\n"
        "Found 1 finding (1 critical) in 1 file; 2 files scanned.\n"
        "1 fixable with `audit scan --fix`.\n"
    )


def test_fail_on_none_exits_0_and_lower_threshold_counts(project, audit) -> None:
    project({"app.py": BARE})
    assert audit("scan", "--fail-on", "none").code == 0
    assert audit("scan", "--fail-on", "low").code == 1


def test_findings_are_sorted_by_path_line_column(project, audit) -> None:
    nested = "try:\n    try:\n        a()\n    except: pass\nexcept:\n    pass\n"
    project({"b.py": BARE, "a.py": nested})
    lines = audit("scan").out.splitlines()
    assert [line.split(": ")[0] for line in lines[:3]] == ["a.py:4:5", "a.py:5:1", "b.py:3:1"]
    assert lines[3] == "Found 3 findings (3 critical) in 2 files; 2 files scanned."


def test_fix_rewrites_and_second_scan_is_clean(project, audit) -> None:
    root = project({"app.py": "import x\n" + BARE})
    result = audit("scan", "--fix")
    assert result.code == 0
    assert result.out == "Fixed 1 finding.\nNo findings; 1 file scanned.\n"
    assert (
        root / "app.py"
    ).read_text() == "import x\ntry:\n    run()\nexcept Exception:\n    pass\n"
    compile((root / "app.py").read_text(), "app.py", "exec")
    again = audit("scan")
    assert (again.code, again.out) == (0, "No findings; 1 file scanned.\n")


def test_diff_prints_patch_and_writes_nothing(project, audit) -> None:
    root = project({"app.py": BARE})
    before = (root / "app.py").read_bytes()
    result = audit("scan", "--diff")
    assert result.out == (
        "--- a/app.py\n+++ b/app.py\n@@ -1,4 +1,4 @@\n try:\n     run()\n"
        "-except:\n+except Exception:\n     pass\n"
    )
    assert result.err == "Would fix 1 finding in 1 file.\n"
    assert result.code == 1  # the code on disk still has the finding
    assert (root / "app.py").read_bytes() == before


def test_json_output_schema(project, audit) -> None:
    project({"app.py": BARE})
    document = json.loads(audit("scan", "--format", "json").out)
    assert document["schema"] == "auditor.scan/1"
    (finding,) = document["findings"]
    fingerprint = finding.pop("fingerprint")
    assert len(fingerprint) == 20
    assert finding == {
        "rule_id": "bare-except",
        "severity": "critical",
        "path": "app.py",
        "start": {"line": 3, "column": 1},
        "end": {"line": 3, "column": 7},
        "message": MESSAGE,
        "fix": {
            "description": "replace `except:` with `except Exception:`",
            "applicability": "safe",
            "edits": [{"start": 21, "end": 21, "text": " Exception"}],
        },
        "alternatives": [],  # `run()` is the project's own code: no narrowing
    }
    assert document["summary"] == {
        "files": 1,
        "findings": 1,
        "by_severity": {"critical": 1, "high": 0, "medium": 0, "low": 0},
        "errors": 0,
        "warnings": 0,
        "fixed": 0,
        "fixable": {"safe": 1, "unsafe": 0},
    }


def test_output_file_holds_the_report(project, audit) -> None:
    root = project({"app.py": BARE})
    result = audit("scan", "--output", "report.txt")
    assert result.out == ""
    assert (root / "report.txt").read_text().startswith("app.py:3:1: critical bare-except")


def test_paths_are_shown_relative_to_the_current_directory(project, audit, monkeypatch) -> None:
    root = project({"pkg/sub/app.py": BARE, "pyproject.toml": "[tool.audit]\n"})
    monkeypatch.chdir(root / "pkg")
    out = audit("scan", "sub").out
    assert out.startswith("sub/app.py:3:1: critical bare-except")


def test_select_and_ignore(project, audit) -> None:
    project({"app.py": BARE})
    assert audit("scan", "--ignore", "bare-except").out == "No findings; 1 file scanned.\n"
    assert audit("scan", "--select", "bare-except").code == 1
    unknown = audit("scan", "--select", "nope")
    assert (unknown.code, unknown.err) == (
        2,
        "audit: error: --select: unknown rule id 'nope' (see `audit rules`)\n",
    )


def test_missing_path_is_a_usage_error(project, audit) -> None:
    project({"app.py": BARE})
    result = audit("scan", "missing.py")
    assert (result.code, result.err) == (2, "audit: error: missing.py: no such file or directory\n")


def test_suppression_comments(project, audit) -> None:
    code = (
        "try:\n    a()\nexcept:  # audit: ignore[bare-except]\n    pass\n"
        "try:\n    a()\n# audit: ignore\nexcept:\n    pass\n"
        "try:\n    a()\nexcept:  # audit: ignore[other-rule]\n    pass\n"
        "try:\n    a()\nexcept:\n    pass  # audit: ignore\n"
    )
    project({"app.py": code})
    lines = audit("scan").out.splitlines()
    assert [line.split(" ")[:3] for line in lines if line.startswith("app.py")] == [
        ["app.py:12:1:", "critical", "bare-except"],
        ["app.py:12:10:", "medium", "invalid-ignore"],  # other-rule: no such rule
        ["app.py:16:1:", "critical", "bare-except"],
    ]


def test_rules_lists_and_explains(project, audit) -> None:
    project({})
    table = audit("rules").out.splitlines()
    assert table[0].split() == ["id", "severity", "languages", "fix", "from"]
    # bare-except has a Python implementation (with a fix) and a JS/TS one (without).
    assert table[1].split() == [
        "bare-except",
        "critical",
        "javascript,python,typescript",
        "safe(python)",
        "auditor[bare-except],auditor[bare-except-js]",
    ]
    explained = audit("rules", "bare-except").out
    assert explained.startswith("bare-except (critical; python; safe fix)\n\nFinds `except:`")
    assert "Fixed:\n    try:\n        run()\n    except Exception:\n" in explained
    assert audit("rules", "nope").code == 2


def test_console_script_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "audit"
    assert exe.exists(), "the `audit` console script is installed with the package"
    (tmp_path / "app.py").write_text(BARE)
    done = subprocess.run([exe, "scan", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "app.py:3:1: critical bare-except" in done.stdout


def test_ruffs_output_format_and_exit_zero(project, audit) -> None:
    project({"a.py": BARE, "b.py": "def f(:\n"})
    assert audit("scan", "--output-format", "json").out == audit("scan", "--format", "json").out
    project({"b.py": "x = 1\n"})
    zero = audit("scan", "--exit-zero")
    assert (zero.code, zero.out.splitlines()[-2]) == (
        0,
        "Found 1 finding (1 critical) in 1 file; 2 files scanned.",
    )
    project({"b.py": "def f(:\n"})
    assert audit("scan", "--exit-zero").code == 2  # a file not checked is still an error
    both = audit("scan", "--exit-zero", "--fail-on", "high")
    assert (both.code, both.err) == (
        2,
        "audit: error: --exit-zero and --fail-on high contradict each other\n",
    )


def test_a_misspelt_rule_id_is_answered_with_the_closest(project, audit) -> None:
    project({"a.py": BARE})
    result = audit("scan", "--select", "bare-excpet")
    assert (result.code, result.err) == (
        2,
        "audit: error: --select: unknown rule id 'bare-excpet' (did you mean 'bare-except'? "
        "see `audit rules`)\n",
    )


def test_a_parse_error_in_a_project_for_a_newer_python_says_so(project, audit) -> None:
    config = '[project]\nname = "x"\nrequires-python = ">=3.99"\n\n[tool.audit]\n'
    project({"pyproject.toml": config, "app.py": "def f(:\n    pass\n"})
    result = audit("scan")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "audit: warning: app.py: the project requires Python 3.99 and auditor runs on "
        f"{sys.version_info[0]}.{sys.version_info[1]}: a parse-error may be syntax newer than "
        f"{sys.version_info[0]}.{sys.version_info[1]}'s parser knows (run auditor on Python 3.99)"
    )
    project({"pyproject.toml": config.replace("3.99", "3.8")})
    assert "requires Python" not in audit("scan").err
