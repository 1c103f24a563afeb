"""A warm scan (every file answered from the cache, no --fix, output not a terminal) loads
only what it uses: no rule, no parser, no fixer, no git, no pathspec. Imports are most of
what such a run costs, so each of these is a regression of its speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import __version__
from auditor.config_paths import may_be_in_git

PROBE = """
import json, sys
from auditor.cli import main
sys.argv = ["audit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
finally:
    sys.stderr.write(json.dumps(sorted(sys.modules)))
"""

# Modules a warm scan must not import, by the name or the package of the name.
NOT_WANTED = (
    "rules",  # the rules: their metadata comes from the manifest in the cache folder
    "libcst",
    "tree_sitter",
    "rich",
    "pathspec",  # the default excludes are bare names (auditor.globs)
    "subprocess",  # outside git, git is not started
    "difflib",
    "textwrap",  # rule examples are dedented only when they are read
    "importlib.metadata",
    "auditor.scan.python",
    "auditor.scan.suppressions",
    "auditor.scan.fixer",
    "auditor.scan.file_fix",
    "auditor.scan.project_fix",
    "auditor.scan.project_phase",
    "auditor.cli.stdin",  # `audit scan -` only
    "auditor.cli.sources_output",  # only when sources ran
    "auditor.config_positions",  # a config error's position only
    "reports.statistics",  # --statistics only
    "auditor.trust",  # only a project that asks to run its own code (a session is apart)
    "auditor.scan.python_version",  # a note on parse errors only
    "auditor.scan.rule_base",  # rule kinds: the manifest's stand-ins need BaseRule only
    "auditor.scan.rule_examples",  # read by the harness and `audit rules`
    "auditor.scan.rule_context",  # no rule runs
    "tomllib",  # the project has no config file to read
    "auditor.scan.source",  # decoding: a warm scan reads no file
    "auditor.env",  # `audit env` and its reads
    "auditor.scan.gate_filters",  # no baseline, no --new-since
    "auditor.scan.unreadable",  # every folder and file could be read
    "auditor.config_sources",  # no [tool.audit.sources.*] table
)


def _scan(project: Path, env: dict[str, str]) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "scan", ".", "--cache-dir", "cache", "--fail-on", "none"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    modules: list[str] = json.loads(done.stderr)
    return done.stdout, modules


def test_a_warm_scan_imports_no_rule_parser_fixer_or_git(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("try:\n    pass\nexcept:\n    pass\nprint('x')\n")
    (project / "quiet.py").write_text("print('y')  # audit: ignore[console-logging]\n")
    (project / "clean.py").write_text("x = 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_SSL_CAINFO"] = "/nowhere"  # a setting that does not locate a repository
    cold_output, cold_modules = _scan(project, env)
    warm_output, warm_modules = _scan(project, env)
    assert "bare-except" in cold_output and "console-logging" in cold_output
    assert warm_output == cold_output
    assert "rules.python.bare_except" in cold_modules  # the probe sees what a scan imports
    assert [m for m in warm_modules if _unwanted(m)] == []


def _unwanted(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in NOT_WANTED)


def test_git_is_asked_only_where_it_could_find_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(name)
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert not may_be_in_git(inner)
    monkeypatch.setenv("GIT_SSL_CAINFO", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "someone")
    assert not may_be_in_git(inner)
    (tmp_path / "a" / ".git").write_text("gitdir: /elsewhere\n")  # a work tree's .git file
    assert may_be_in_git(inner)
    assert not may_be_in_git(tmp_path)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CONFIG_PARAMETERS"):
        monkeypatch.setenv(name, str(tmp_path))
        assert may_be_in_git(tmp_path), name
        monkeypatch.delenv(name)


GC_PROBE = """
import gc, sys
import auditor.cli
print(gc.get_threshold(), gc.get_freeze_count() > 0)
sys.argv = ["audit", "--version"]
try:
    auditor.cli.main()
except SystemExit:
    pass
print(gc.get_freeze_count() > 0)
"""


def test_the_command_line_collects_less_and_freezes_what_is_left_at_its_end() -> None:
    """The collector's thresholds are set before the command line's imports (most of a
    warm scan's allocations), and `main` freezes what is left, so that the interpreter's
    collections at exit do not walk it."""
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "(100000, 50, 100) False",
        f"audit, version {__version__}",
        "True",
    ]
