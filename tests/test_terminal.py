"""What a person at a terminal gets (issue 16, point 11, in part): colour on a terminal
only (NO_COLOR off, FORCE_COLOR on), --statistics, --show-files and --show-settings."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import BARE

LINE = (
    "app.py:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
    "SystemExit; name the exceptions"
)


def run(root, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**environment, **env},
    )


def test_colour_only_when_asked_or_on_a_terminal(project) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE})
    piped = run(root, "scan")
    assert piped.stdout.splitlines()[0] == LINE  # a pipe: no styles
    forced = run(root, "scan", FORCE_COLOR="1")
    assert forced.stdout.splitlines()[0] == (
        "\x1b[1mapp.py\x1b[0m\x1b[2m:3:1:\x1b[0m \x1b[1;31mcritical\x1b[0m "
        "\x1b[36mbare-except\x1b[0m bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions"
    )
    assert run(root, "scan", "--output", "r.txt", FORCE_COLOR="1").returncode == 1
    assert (root / "r.txt").read_text().splitlines()[0] == LINE  # a file: never styled


def test_statistics(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "a.py": BARE + BARE + "print(1)\n"})
    assert audit("scan", "--statistics").out.splitlines() == [
        "2  bare-except      (2 fixable)",
        "1  console-logging  (1 fixable with --unsafe-fixes)",  # issue 27 item 5
        "Found 3 findings (3 critical) in 1 file; 1 file scanned.",
        "2 fixable with `audit scan --fix`.",
        "1 more fixable with `audit scan --fix --unsafe-fixes`.",
    ]


def test_show_files_and_settings(project, audit) -> None:
    config = '[tool.audit]\nextend-exclude = ["build/"]\nfail-on = "high"\n'
    project({"pyproject.toml": config, "a.py": BARE, "web/b.ts": "x;\n", "build/c.py": BARE})
    shown = audit("scan", "--show-files")
    assert (shown.code, shown.out) == (0, "a.py\nweb/b.ts\n")
    settings = audit("scan", "--show-settings").out.splitlines()
    assert settings[0] == "# config file: pyproject.toml"
    assert 'fail-on = "high"' in settings
    assert 'extend-exclude = ["build/"]' in settings
    assert "# select: not set" in settings
    assert "skip-generated = true" in settings
    assert "per-file-ignores = {}" in settings
    rules = settings.index("[rules.bare-except]  # python")
    assert settings[rules + 1] == 'severity = "critical"'
    console = settings.index("[rules.console-logging]  # python")
    assert settings[console + 1 : console + 3] == ['severity = "critical"', "allow = []"]


def test_progress_counts_bytes_not_files(project) -> None:
    # The largest files go first: a count of files sat near 0 % for half a scan.
    from pathlib import Path

    from auditor.scan.run import open_project, scan

    root = project({"pyproject.toml": "[tool.audit]\n", "big.py": BARE * 50, "small.py": BARE})
    seen: list[int] = []

    def start(total: int):
        seen.append(total)
        return seen.append

    scan(open_project(Path(root)), [], progress=start, jobs=1)
    total, *done = seen
    sizes = [len((root / name).read_bytes()) for name in ("big.py", "small.py")]
    assert total == sum(sizes)
    assert sorted(done) == sorted(sizes)


CRASHING = """\
import libcst as cst

from auditor.plugins import Rule, Severity


class Crashes(Rule):
    id = "crashes"
    severity = Severity.LOW
    message = "never reported"

    def visit_Call(self, node: cst.Call) -> None:
        raise KeyError("oops")
"""


def test_quiet_and_verbose(project, audit, trusted) -> None:
    config = "[tool.audit]\nplugins = ['crashing_rule']\n"
    project({"pyproject.toml": config, "crashing_rule.py": CRASHING, "app.py": BARE + "f()\n"})
    quiet = audit("scan", "-q", "--select", "bare-except")
    assert (quiet.code, quiet.out) == (1, LINE + "\n")
    verbose = audit("scan", "-v").out.splitlines()
    crash = verbose.index(
        "app.py:1:1: critical internal-error rule crashes failed on this file (KeyError: "
        "'oops'); its findings here are missing"
    )
    assert verbose[crash + 1] == "    Traceback (most recent call last):"
    assert "    KeyError: 'oops'" in verbose[crash + 2 :]
    page = "https://github.com/auditor-dev/auditor/blob/main/docs/rules/bare-except.md"
    assert f"bare-except: {page}" in verbose
    plain = audit("scan").out
    assert "Traceback" not in plain and "https://" not in plain
