"""Input built to break a tool: deep nesting, NUL bytes, binary data, huge files, escape
sequences, two fixers at once. Each gives one clear line and the scan goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import BARE

FINDING = "critical bare-except bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"


def test_deep_nesting_is_analysed_or_refused_cleanly(project, audit) -> None:
    calls = "try:\n    x = " + "f(" * 190 + "1" + ")" * 190 + "\nexcept:\n    pass\n"
    parens = "try:\n    x = " + "(" * 3000 + "1" + ")" * 3000 + "\nexcept:\n    pass\n"
    project({"calls.py": calls, "parens.py": parens, "plain.py": BARE})
    result = audit("scan", "--jobs", "1", "--no-cache")
    assert result.code == 2
    assert result.out.splitlines()[:3] == [
        f"calls.py:3:1: {FINDING}",
        "parens.py:2:209: critical parse-error cannot parse: too many nested parentheses",
        f"plain.py:3:1: {FINDING}",
    ]


def test_nul_bytes_binary_and_empty_files(project, audit) -> None:
    project(
        {
            "nul.py": b"try:\n    a()\nexcept:\n    pass\n\x00\n",
            "binary.py": bytes(range(256)) * 4,
            "empty.py": b"",
            "plain.py": BARE,
        }
    )
    result = audit("scan", "--no-cache")
    assert result.code == 2
    assert result.out.splitlines()[:3] == [
        "binary.py:2:118: critical parse-error cannot decode: not valid utf-8: byte 0x80 cannot be decoded",
        "nul.py:1:1: critical parse-error cannot parse: source code string cannot contain null bytes",
        f"plain.py:3:1: {FINDING}",
    ]


def test_files_over_the_size_limit_are_reported_not_parsed(project, audit) -> None:
    big = 'x = "' + "a" * 1_200_000 + '"\n' + BARE  # generated data, 1.2 MB
    project({"generated.py": big, "plain.py": BARE})
    result = audit("scan", "--no-cache")
    assert result.code == 2
    assert result.out.splitlines()[:2] == [
        "generated.py:1:1: critical read-error not scanned: 1,200,039 bytes is over the "
        "max-file-size limit of 1,000,000 (exclude the file, or raise the limit)",
        f"plain.py:3:1: {FINDING}",
    ]
    project({"pyproject.toml": "[tool.audit]\nmax-file-size = 0\n"})
    assert audit("scan", "--no-cache").out.startswith(f"generated.py:4:1: {FINDING}")
    project({"pyproject.toml": "[tool.audit]\nmax-file-size = '2MB'\n"})
    assert audit("scan").err == (
        "audit: error: pyproject.toml:2:1: 'tool.audit.max-file-size' must be a number of bytes, "
        "0 for no limit (got str '2MB')\n"
    )


def test_escape_sequences_and_workflow_commands_from_code_stay_inert(project, audit) -> None:
    name = "\\x1b[2J\\x1b[31mRED\\n::error::pwned"
    project({"app.py": f"import os\nx = os.environ['{name}']\n"})
    text = audit("scan", "--no-cache").out
    assert "\x1b" not in text and "\n::error" not in text
    assert "'\\x1b[2J\\x1b[31mRED\\n::error::pwned'" in text
    github = audit("scan", "--no-cache", "--format", "github").out
    assert github.count("\n") == 1 and "\x1b" not in github
    assert github.startswith("::error file=app.py,line=2,col=5,")
    assert "RED\\n::error::pwned" in github  # the message shows the name escaped


def test_two_fixers_at_once_never_lose_a_fix(tmp_path: Path) -> None:
    """One process fixes bare excepts while another fixes prints, on the same files at the
    same time. A fixer that reports a file as fixed must find its fix in it at the end:
    the other never overwrites it with a version made from the old text."""
    names = [f"mod_{i}.py" for i in range(150)]
    for name in names:
        (tmp_path / name).write_text(
            "import logging\n\nlogger = logging.getLogger(__name__)\n" + BARE + "print(1)\n"
        )
    base = [
        sys.executable,
        "-m",
        "auditor",
        "scan",
        "--fix",
        "--fail-on",
        "none",
        "--no-cache",
        "--jobs",
        "1",
    ]
    commands = [
        [*base, "--select", "bare-except", "."],
        [*base, "--unsafe-fixes", "--select", "console-logging", "."],
    ]
    runs = [
        subprocess.Popen(c, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    (excepts, _), (prints, _) = (run.communicate(timeout=300) for run in runs)
    for name in names:
        text = (tmp_path / name).read_text()
        compile(text, name, "exec")
        refused_except = f"{name}:1:1: critical fix-error fixed file not written" in excepts
        refused_print = f"{name}:1:1: critical fix-error fixed file not written" in prints
        assert ("except Exception:" in text) == (not refused_except), name
        assert ('logger.info("%s", 1)' in text) == (not refused_print), name
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".audit-tmp")]


def test_errors_are_also_told_on_stderr_for_machine_formats(project, audit) -> None:
    project({"broken.py": "print(\n", "plain.py": BARE})
    result = audit("scan", "--format", "json", "--no-cache")
    assert result.code == 2
    assert (
        result.err
        == "audit: broken.py:1:6: critical parse-error cannot parse: '(' was never closed\n"
    )
    assert audit("scan", "--no-cache").err == ""  # the text report already shows it


def test_mixed_newlines_are_kept_line_by_line(project, audit, tmp_path: Path) -> None:
    source = b"import os\r\nx = 1\ntry:\r\n    a()\nexcept:\r\n    pass\n"
    project({"mixed.py": source})
    assert audit("scan", "--fix", "--no-cache").code == 0
    assert (tmp_path / "mixed.py").read_bytes() == source.replace(b"except:", b"except Exception:")


def test_a_huge_pyproject_is_refused(project, audit, tmp_path: Path) -> None:
    project({"app.py": BARE})
    with (tmp_path / "pyproject.toml").open("w") as handle:
        handle.write("[tool.audit]\n" + "# padding\n" * 1_100_000)
    result = audit("scan")
    assert (result.code, result.err) == (
        2,
        "audit: error: pyproject.toml: too large to be a config file\n",
    )
