"""The project's paths stay inside the repository unless given on the command line (issue
23, item 4): a path setting that resolves outside the repository's top level (outside
git: the config file's folder) is one line and exit 2, naming the file and the key, and
never printing the content of the file it names; a monorepo's `backend/pyproject.toml`
may still name `../issues.yaml`; `--output` on the command line goes anywhere."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import BARE, commit_all, git, write_tree

ISSUES = "project: Demo\nstarted: 2025-10-11\nissues: []\n"
DATE = "2025-10-12T10:00:00+00:00"


def repository(root: Path, files: dict[str, str | bytes]) -> Path:
    """A real git repository at `root` holding `files`, committed."""
    write_tree(root, files)
    git(root, "init", "-q")
    commit_all(root, "start", DATE)
    return Path(os.path.realpath(root))


def refused(config: str, key: str, target: str, under: Path, line: int = 2) -> str:
    return (
        f"audit: error: {config}:{line}:1: '{key}' resolves outside the repository: "
        f"{target} is not under {under}\n"
    )


def test_an_issues_file_outside_the_repository_is_refused_without_its_content(
    tmp_path: Path, monkeypatch, audit
) -> None:
    top = repository(
        tmp_path,
        {"pyproject.toml": '[tool.audit]\nissues-file = "/etc/passwd"\n', "app.py": BARE},
    )
    monkeypatch.chdir(top)
    secret = Path("/etc/passwd").read_text().splitlines()[0]
    for command in (("issues", "check"), ("issues", "list"), ("report",), ("scan",)):
        result = audit(*command)
        expected = refused("pyproject.toml", "tool.audit.issues-file", "/etc/passwd", top)
        assert (result.code, result.out, result.err) == (2, "", expected), command
        assert secret not in result.err


def test_a_link_inside_the_repository_to_a_file_outside_is_refused(
    tmp_path: Path, monkeypatch, audit
) -> None:
    top = repository(
        tmp_path / "repo", {"pyproject.toml": '[tool.audit]\nissues-file = "t.yaml"\n'}
    )
    (top / "t.yaml").symlink_to("/etc/passwd")
    monkeypatch.chdir(top)
    result = audit("issues", "check")
    expected = refused("pyproject.toml", "tool.audit.issues-file", "/etc/passwd", top)
    assert (result.code, result.err) == (2, expected)


def test_an_issues_file_that_is_no_yaml_mapping_is_not_echoed(project, audit) -> None:
    project({"pyproject.toml": '[tool.audit]\nissues-file = ".env"\n', ".env": "API_KEY=hunter2\n"})
    result = audit("issues", "check")
    assert (result.code, result.err) == (
        2,
        "audit: error: .env:1: (document): must be a mapping with project, started, "
        "issue-pattern, repository-url, issues (got a string)\n",
    )


def test_a_report_output_outside_the_repository_is_refused_and_nothing_written(
    tmp_path: Path, monkeypatch, audit
) -> None:
    config = "[tool.audit]\nreport-output = '../../x.md'\n"
    top = repository(
        tmp_path / "a" / "repo", {"pyproject.toml": config, "issues.yaml": ISSUES, "app.py": BARE}
    )
    monkeypatch.chdir(top)
    result = audit("report")
    target = Path(os.path.realpath(tmp_path)) / "x.md"
    expected = refused("pyproject.toml", "tool.audit.report-output", str(target), top)
    assert (result.code, result.out, result.err) == (2, "", expected)
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_the_command_line_output_is_not_restricted(tmp_path: Path, monkeypatch, audit) -> None:
    files: dict[str, str | bytes] = {"pyproject.toml": "[tool.audit]\n", "issues.yaml": ISSUES}
    top = repository(tmp_path / "repo", {**files, "app.py": BARE})
    monkeypatch.chdir(top)
    result = audit("report", "--output", "../x.md")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert (tmp_path / "x.md").read_text().startswith("# Remediation progress: Demo\n")


def test_a_monorepo_project_may_name_paths_elsewhere_in_its_repository(
    tmp_path: Path, monkeypatch, audit
) -> None:
    config = "[tool.audit]\nissues-file = '../issues.yaml'\nreport-output = '../docs/progress.md'\n"
    top = repository(
        tmp_path / "mono",
        {"issues.yaml": ISSUES, "backend/pyproject.toml": config, "backend/app.py": BARE},
    )
    monkeypatch.chdir(top / "backend")
    checked = audit("issues", "check")
    assert (checked.code, checked.out, checked.err) == (0, "../issues.yaml: 0 issues, valid.\n", "")
    report = audit("report")
    assert (report.code, report.err) == (0, "")
    assert (top / "docs/progress.md").read_text().startswith("# Remediation progress: Demo\n")


def test_outside_git_the_config_folder_is_the_bound(tmp_path: Path, monkeypatch, audit) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above
    config = "[tool.audit]\nissues-file = '../issues.yaml'\n"
    write_tree(tmp_path / "mono", {"issues.yaml": ISSUES, "backend/pyproject.toml": config})
    monkeypatch.chdir(tmp_path / "mono" / "backend")
    result = audit("issues", "check")
    mono = Path(os.path.realpath(tmp_path / "mono"))
    assert (result.code, result.out, result.err) == (
        2,
        "",
        "audit: error: pyproject.toml:2:1: 'tool.audit.issues-file' resolves outside the "
        "config file's folder (not in a git repository): "
        f"{mono / 'issues.yaml'} is not under {mono / 'backend'}\n",
    )
    (tmp_path / "mono/backend/pyproject.toml").write_text("[tool.audit]\nissues-file = 'i.yaml'\n")
    (tmp_path / "mono/backend/i.yaml").write_text(ISSUES)
    assert audit("issues", "check").code == 0


@pytest.mark.parametrize(
    ("setting", "key", "target"),
    [
        ("include = ['src', '../other']", "tool.audit.include", "other"),
        (
            "[tool.audit.sources.s]\nkind = 'sarif'\nfile = '../s.sarif'",
            "tool.audit.sources.s.file",
            "s.sarif",
        ),
        (
            "[tool.audit.sources.s]\nkind = 'sarif'\ncommand = ['../tools/lint.sh']",
            "tool.audit.sources.s.command",
            "tools/lint.sh",
        ),
        (
            "[tool.audit.sources.r]\nkind = 'ruff'\npaths = ['src', '../lib']",
            "tool.audit.sources.r.paths",
            "lib",
        ),
    ],
)
def test_every_path_setting_is_contained(
    tmp_path: Path, monkeypatch, audit, setting: str, key: str, target: str
) -> None:
    top = repository(
        tmp_path / "repo", {"pyproject.toml": f"[tool.audit]\n{setting}\n", "src/a.py": BARE}
    )
    monkeypatch.chdir(top)
    result = audit("scan")
    line = 2 if setting.startswith("include") else 4
    where = Path(os.path.realpath(tmp_path)) / target
    assert (result.code, result.out) == (2, "")
    assert result.err == refused("pyproject.toml", key, str(where), top, line=line)


def test_an_installed_program_named_by_its_absolute_path_is_no_project_path(project, audit) -> None:
    command = json.dumps([sys.executable, "-c", "pass"])
    config = f"[tool.audit]\n[tool.audit.sources.s]\nkind = 'sarif'\ncommand = {command}\n"
    project({"pyproject.toml": config, "app.py": "x = 1\n"})
    result = audit("scan", "--show-settings")
    assert result.code == 0, result.err
