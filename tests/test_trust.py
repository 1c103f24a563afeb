"""A scanned repository runs none of its own code until the user trusts it (auditor.trust):
each way in leaves a marker file when it runs, and no command makes one untrusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BARE, audit_process, commit_all, git

PLUGIN = '''
from pathlib import Path

import libcst as cst
from auditor.plugins import Invalid, Rule, Severity, Valid

(Path(__file__).resolve().parent.parent / "MARKER_PLUGIN").write_text("imported")


class NoTodo(Rule):
    """Flags calls of todo()."""

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

PLUGIN_CONFIG = """\
[tool.audit]
plugins = ["tools.audit_rules"]

[tool.audit.rules.no-todo]
severity = "low"
"""

ISSUES = """\
project: Shop
started: 2025-10-11
issues:
  - id: CRIT-1
    title: Bare except blocks
    severity: critical
    rules: [bare-except]
  - id: LOW-1
    title: Placeholders
    severity: low
    rules: [no-todo]
"""

REFUSED_PLUGIN = (
    "audit: error: pyproject.toml: not trusted: 'tool.audit.plugins' imports the plugin "
    "module(s) tools.audit_rules; review it, then run `audit trust` (or pass --trust for one run)"
)
SCRIPT = "#!/bin/sh\ntouch MARKER_{name}\n{output}\n"
EMPTY_SARIF = '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}'


@pytest.fixture
def plugin_project(project):
    # Each test's plugin is imported anew, as in a fresh process.
    for name in ("tools", "tools.audit_rules"):
        sys.modules.pop(name, None)
    root = project(
        {
            "pyproject.toml": PLUGIN_CONFIG,
            "tools/__init__.py": "",
            "tools/audit_rules.py": PLUGIN,
            "issues.yaml": ISSUES,
            "app.py": BARE + "todo()\n",
        }
    )
    git(root, "init", "-q")
    commit_all(root, "start", "2025-10-12T10:00:00")
    return root


def refusals(err: str) -> list[str]:
    return [line for line in err.splitlines() if "not trusted" in line]


@pytest.mark.parametrize(
    "command",
    [
        ["scan"],
        ["scan", "--fix"],
        ["baseline"],
        ["report", "--format", "json"],
        ["issues", "check"],
        ["issues", "list"],
        ["issues", "sync"],
        ["env"],
        ["rules"],
        ["test"],
    ],
)
def test_an_untrusted_projects_plugin_is_never_imported(plugin_project, audit, command) -> None:
    result = audit(*command)
    assert not (plugin_project / "MARKER_PLUGIN").exists()
    assert result.code == 2
    assert refusals(result.err) == [REFUSED_PLUGIN]


def test_untrusted_the_built_in_rules_still_run(plugin_project, audit) -> None:
    result = audit("scan", "--select", "bare-except,no-todo")
    assert result.out.splitlines()[0] == (
        "app.py:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions"
    )
    assert "no-todo" not in result.out
    assert result.code == 2


def test_trusted_the_plugin_runs_until_its_file_changes(plugin_project, audit) -> None:
    trusted = audit("trust")
    assert trusted.code == 0
    assert trusted.out.splitlines()[:2] == [
        "Trusted . (pyproject.toml):",
        "  tool.audit.plugins imports the plugin module(s) tools.audit_rules",
    ]
    result = audit("scan", "--select", "no-todo")
    assert (result.code, result.out.splitlines()[0]) == (
        0,
        "app.py:5:1: low no-todo todo() placeholder left in the code",
    )
    assert (plugin_project / "MARKER_PLUGIN").read_text() == "imported"
    (plugin_project / "MARKER_PLUGIN").unlink()
    # Edited after it was trusted: not imported until trusted again (a fresh process,
    # since this one has the module imported already).
    with (plugin_project / "tools" / "audit_rules.py").open("a") as handle:
        handle.write("# one more line\n")
    again = audit_process("scan", "--select", "bare-except", cwd=plugin_project)
    assert (again.code, refusals(again.err)) == (2, [REFUSED_PLUGIN])
    assert not (plugin_project / "MARKER_PLUGIN").exists()


def test_a_helper_module_beside_the_plugin_is_covered(plugin_project, audit) -> None:
    assert audit("trust").code == 0
    (plugin_project / "helpers.py").write_text("import os\n")  # at the root: importable
    result = audit_process("scan", "--select", "bare-except", cwd=plugin_project)
    assert (result.code, refusals(result.err)) == (2, [REFUSED_PLUGIN])


def test_trust_for_one_run_and_revoke(plugin_project, audit, monkeypatch) -> None:
    result = audit("scan", "--trust", "--select", "no-todo")
    assert (result.code, result.err) == (0, "")
    assert (plugin_project / "MARKER_PLUGIN").exists()
    (plugin_project / "MARKER_PLUGIN").unlink()
    monkeypatch.setenv("AUDIT_TRUST", "1")
    env_run = audit_process("scan", "--select", "no-todo", cwd=plugin_project)
    assert (env_run.code, env_run.err) == (0, "")
    assert (plugin_project / "MARKER_PLUGIN").exists()
    monkeypatch.delenv("AUDIT_TRUST")
    assert audit("trust").code == 0
    assert audit("trust", "--revoke").out == "No longer trusted: . (pyproject.toml).\n"
    assert audit("trust", "--revoke").out == "Was not trusted: . (pyproject.toml).\n"
    assert audit("scan", "--select", "bare-except").code == 2


def test_the_record_lives_in_the_users_config_folder(plugin_project, audit, user_dirs) -> None:
    assert audit("trust").code == 0
    records = list((user_dirs / "config" / "auditor" / "trusted").iterdir())
    assert len(records) == 1
    record = json.loads(records[0].read_text())
    assert record["root"] == str(plugin_project.resolve())
    assert sorted(p.name for p in plugin_project.iterdir()) == [
        ".git",
        "app.py",
        "issues.yaml",
        "pyproject.toml",
        "tools",
    ]


def test_a_project_asking_nothing_needs_no_trust(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE})
    assert audit("trust").out == (
        "Nothing to trust: . (pyproject.toml) names no plugins or sources; no code of it runs.\n"
    )
    assert audit("scan").code == 1


def _source_project(project, source: str) -> Path:
    root = project(
        {
            "pyproject.toml": f"[tool.audit]\nrun-sources = true\n\n{source}",
            "app.py": BARE,
            "evil.sh": SCRIPT.format(name="SARIF", output=f"echo '{EMPTY_SARIF}'"),
            "node_modules/.bin/tsc": SCRIPT.format(name="TSC", output=""),
        }
    )
    os.chmod(root / "evil.sh", 0o755)
    os.chmod(root / "node_modules/.bin/tsc", 0o755)
    return root


SOURCES = {
    "sarif": ('[tool.audit.sources.evil]\nkind = "sarif"\ncommand = ["./evil.sh"]\n', "SARIF"),
    "tsc": ('[tool.audit.sources.types]\nkind = "tsc"\n', "TSC"),
    "ruff": (
        '[tool.audit.sources.lint]\nkind = "ruff"\ncommand = "sh -c \'touch MARKER_RUFF; echo []\'"\n',
        "RUFF",
    ),
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_an_untrusted_projects_sources_never_run(project, audit, kind) -> None:
    source, marker = SOURCES[kind]
    root = _source_project(project, source)
    name = source.split("]")[0].rsplit(".", 1)[1]
    for args in (["scan"], ["scan", "--sources"], ["baseline"]):
        result = audit(*args)
        assert not (root / f"MARKER_{marker}").exists(), args
        assert result.code == 2
        [refusal] = refusals(result.err)
        assert refusal.startswith(
            f"audit: error: pyproject.toml: not trusted: 'tool.audit.sources.{name}' runs "
        )
    assert audit("trust").code == 0
    audit("scan")
    assert (root / f"MARKER_{marker}").exists()


def test_snapshot_is_refused_untrusted(project, audit) -> None:
    root = _source_project(project, SOURCES["sarif"][0])
    git(root, "init", "-q")
    commit_all(root, "start", "2025-10-12T10:00:00")
    result = audit("snapshot")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "audit: error: pyproject.toml: not trusted: `audit snapshot` runs this project's code "
        "('tool.audit.sources.evil'); review it, then run `audit trust` (or pass --trust for "
        "one run)\n"
    )
    assert not (root / "MARKER_SARIF").exists()
    assert git(root, "notes", "--ref", "refs/notes/audit", "list") == ""


def test_an_uncaught_error_is_one_line_and_exit_2(project, audit, monkeypatch) -> None:
    project({"app.py": BARE})
    import auditor.scan.run

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(auditor.scan.run, "scan", crash)
    result = audit("scan")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "audit: error: internal error: RuntimeError: disk on fire (a bug in auditor; -v or "
        "AUDIT_DEBUG=1 shows the traceback)\n"
    )
    verbose = audit("scan", "-v")
    assert verbose.code == 2
    assert "Traceback (most recent call last)" in verbose.err
    assert verbose.err.endswith(
        "audit: error: internal error: RuntimeError: disk on fire (a bug in auditor)\n"
    )


def test_python_m_auditor_never_imports_the_scanned_folders_modules(project) -> None:
    # `python -m` puts the current folder first on the import path: a repository's
    # `yaml.py` would stand in for PyYAML when the issues file is read.
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "issues.yaml": "project: x\nstarted: 2025-01-01\nissues: []\n",
            "yaml.py": "open('MARKER_SHADOW', 'w').write('imported')\n",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "issues", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "issues.yaml: 0 issues, valid.\n")
    assert not (root / "MARKER_SHADOW").exists()
