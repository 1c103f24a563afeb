"""audit.toml and .audit.toml (issue 16, point 13): a config file of auditor's own, whose
top level is the [tool.audit] table, for repositories without a pyproject.toml; found like
pyproject.toml, nearest first, and in one directory before it."""

from __future__ import annotations

from conftest import BARE

SELECT = 'select = ["console-logging"]\n'


def test_audit_toml_configures_a_repository_without_pyproject(project, audit) -> None:
    project({"audit.toml": SELECT, "web/app.py": BARE + "print(1)\n"})
    result = audit("scan", "--fail-on", "none")
    assert [line.split(": ")[1].split(" ")[1] for line in result.out.splitlines()[:1]] == [
        "console-logging"
    ]
    assert "bare-except" not in result.out


def test_in_one_directory_our_own_file_comes_before_pyproject(project, audit) -> None:
    files = {
        "pyproject.toml": '[tool.audit]\nselect = ["bare-except"]\n',
        ".audit.toml": SELECT,
        "app.py": BARE + "print(1)\n",
    }
    project(files)
    assert "bare-except" not in audit("scan", "--fail-on", "none").out


def test_the_nearest_file_wins(project, audit) -> None:
    project(
        {
            "audit.toml": SELECT,
            "sub/pyproject.toml": '[tool.audit]\nselect = ["bare-except"]\n',
            "sub/app.py": BARE + "print(1)\n",
        }
    )
    out = audit("scan", "sub", "--fail-on", "none").out
    assert "bare-except" in out and "console-logging" not in out


def test_errors_in_audit_toml_name_the_key_without_a_prefix(project, audit) -> None:
    project({"audit.toml": 'fail-on = "loud"\n', "app.py": "x = 1\n"})
    result = audit("scan")
    assert result.code == 2
    assert result.err.startswith("audit: error: audit.toml:1:1: 'fail-on' ")
    project({"audit.toml": "fail-on = \n"})
    broken = audit("scan")
    assert broken.code == 2
    assert "audit.toml: invalid TOML: " in broken.err and "line 1, column 11" in broken.err


def test_config_errors_give_the_line_and_column_of_the_key(project, audit) -> None:
    config = (
        "[project]\nname = 'x'\n\n[tool.audit]\ninclude = ['src']\n"
        "\n[tool.audit.rules.console-logging]\n  stdout-level = 3\n"
    )
    project({"pyproject.toml": config, "src/app.py": "print(1)\n"})
    result = audit("scan")
    assert result.code == 2
    assert result.err.startswith(
        "audit: error: pyproject.toml:8:3: 'tool.audit.rules.console-logging.stdout-level' "
    )
