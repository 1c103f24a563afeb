"""`audit scan -`: one document from stdin, scanned as the project would scan the file
--stdin-filename names (its language, config and per-file ignores); with --fix the fixed
text goes to stdout and the report to stderr, as ruff does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODE = "try:\n    run()\nexcept:\n    pass\nprint(1)\n"
ON_DISK = "x = 1\n"  # the file on disk differs from the buffer: the buffer is what counts
BARE = (
    "src/a.py:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
    "SystemExit; name the exceptions"
)


def stdin_audit(root: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "scan", "-", *args],
        cwd=root,
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_buffer_is_scanned_not_the_file(project) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "src/a.py": ON_DISK})
    done = stdin_audit(root, CODE, "--stdin-filename", "src/a.py")
    assert (done.returncode, done.stdout.splitlines()[:3]) == (
        1,
        [
            BARE,
            "src/a.py:5:1: critical console-logging `print` writes to the console; log through "
            "the module's logger instead",
            "Found 2 findings (2 critical) in 1 file; 1 file scanned.",
        ],
    )
    document = json.loads(
        stdin_audit(root, CODE, "--stdin-filename", "src/a.py", "--format", "json").stdout
    )
    assert [(f["rule_id"], f["path"], f["start"]["line"]) for f in document["findings"]] == [
        ("bare-except", "src/a.py", 3),
        ("console-logging", "src/a.py", 5),
    ]
    assert (root / "src/a.py").read_text() == ON_DISK


def test_fix_writes_the_fixed_text_to_stdout_and_the_report_to_stderr(project) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "src/a.py": ON_DISK})
    done = stdin_audit(root, CODE, "--stdin-filename", "src/a.py", "--fix")
    assert done.stdout == CODE.replace("except:", "except Exception:")
    assert done.stderr.splitlines()[:2] == [
        "src/a.py:5:1: critical console-logging `print` writes to the console; log through "
        "the module's logger instead",
        "Fixed 1 finding.",
    ]
    assert done.returncode == 1  # the print is left, and it is critical
    as_json = stdin_audit(root, CODE, "--stdin-filename", "src/a.py", "--fix", "--format", "json")
    assert as_json.stdout == CODE.replace("except:", "except Exception:")
    assert json.loads(as_json.stderr)["summary"]["fixed"] == 1
    assert (root / "src/a.py").read_text() == ON_DISK


def test_the_path_gives_config_and_per_file_ignores(project) -> None:
    config = '[tool.audit.per-file-ignores]\n"scripts/**" = ["console-logging"]\n'
    root = project({"pyproject.toml": config})
    done = stdin_audit(root, "print(1)\n", "--stdin-filename", "scripts/tool.py")
    assert (done.returncode, done.stdout) == (0, "No findings; 1 file scanned.\n")
    ts = stdin_audit(root, "try { f(); } catch {}\n", "--stdin-filename", "web/a.tsx")
    assert ts.stdout.splitlines()[0].startswith("web/a.tsx:1:14: critical bare-except ")


def test_usage_errors(project) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n"})
    missing = stdin_audit(root, CODE)
    assert (missing.returncode, missing.stderr) == (
        2,
        "audit: error: `audit scan -` reads stdin: give its path with --stdin-filename PATH\n",
    )
    unknown = stdin_audit(root, CODE, "--stdin-filename", "notes.txt")
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "audit: error: notes.txt: no enabled rule reads this kind of file\n",
    )
    broken = stdin_audit(root, "def f(:\n    print(1)\n", "--stdin-filename", "a.py")
    assert broken.returncode == 2
    assert broken.stdout.startswith("a.py:1:7: critical parse-error cannot parse: ")
