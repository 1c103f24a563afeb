"""[tool.audit]: what it changes, and the exact error for each way it can be wrong."""

from __future__ import annotations

import pytest

from conftest import BARE


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        (
            "[tool.audit\nselect = []\n",
            "pyproject.toml: invalid TOML: Expected ']' at the end of a table declaration "
            "(at line 1, column 12)",
        ),
        (
            "[tool.audit]\nexclued = []\n",
            "pyproject.toml:2:1: unknown key 'tool.audit.exclued' (did you mean 'exclude'?)",
        ),
        ("[tool.audit]\nbogus = 1\n", "pyproject.toml:2:1: unknown key 'tool.audit.bogus'"),
        (
            "[tool.audit]\nselect = 'bare-except'\n",
            "pyproject.toml:2:1: 'tool.audit.select' must be a list of strings (got str 'bare-except')",
        ),
        (
            "[tool.audit]\nexclude = [1]\n",
            "pyproject.toml:2:1: 'tool.audit.exclude' must be a list of strings (got a list with int)",
        ),
        (
            "[tool.audit]\nfail-on = 'urgent'\n",
            "pyproject.toml:2:1: 'tool.audit.fail-on' must be one of critical, high, medium, low, none (got 'urgent')",
        ),
        (
            "[tool.audit]\nselect = ['nope']\n",
            "pyproject.toml: unknown rule id 'nope' in 'tool.audit.select'",
        ),
        (
            "[tool.audit.per-file-ignores]\n'tests/**' = 'bare-except'\n",
            "pyproject.toml:2:1: 'tool.audit.per-file-ignores.tests/**' must be a list of strings (got str 'bare-except')",
        ),
        (
            "[tool.audit.rules.bare-except]\nseverity = 'huge'\n",
            "pyproject.toml:2:1: 'tool.audit.rules.bare-except.severity' must be one of critical, high, medium, low (got 'huge')",
        ),
        (
            "[tool.audit.rules.bare-except]\nenabled = 'no'\n",
            "pyproject.toml:2:1: 'tool.audit.rules.bare-except.enabled' must be true or false (got str 'no')",
        ),
        (
            "[tool.audit.rules.bare-except]\nstrict = true\n",
            "pyproject.toml:2:1: unknown option 'tool.audit.rules.bare-except.strict' (options of bare-except: logger-import)",
        ),
        (
            "[tool.audit.rules.no-such-rule]\nenabled = false\n",
            "pyproject.toml: unknown rule id 'no-such-rule' in 'tool.audit.rules'",
        ),
        (
            "[tool.audit]\nplugins = ['no_such_module_xyz']\n",
            "plugin no_such_module_xyz: failed to import: ModuleNotFoundError: No module named 'no_such_module_xyz'",
        ),
    ],
)
def test_bad_config_is_one_line_and_exit_2(project, audit, trusted, toml: str, error: str) -> None:
    root = project({"pyproject.toml": toml, "app.py": BARE})
    result = audit("scan")
    assert (result.code, result.out, result.err) == (2, "", f"audit: error: {error}\n")
    assert (root / "app.py").read_text() == BARE


def test_bad_config_never_fixes_anything(project, audit) -> None:
    root = project({"pyproject.toml": "[tool.audit]\nbogus = 1\n", "app.py": BARE})
    assert audit("scan", "--fix").code == 2
    assert (root / "app.py").read_text() == BARE


def test_nearest_pyproject_with_tool_audit_is_the_root(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit]\nfail-on = 'none'\n",
            "sub/pyproject.toml": "[project]\nname = 'x'\n",  # no [tool.audit]: skipped
            "sub/app.py": BARE,
        }
    )
    result = audit("scan", "sub")
    assert result.code == 0
    assert result.out.startswith("sub/app.py:3:1: critical bare-except")


def test_explicit_config_file(project, audit) -> None:
    project({"audit.toml": "fail-on = 'none'\n", "app.py": BARE})
    assert audit("scan", "--config", "audit.toml").code == 0
    missing = audit("scan", "--config", "nope.toml")
    assert (missing.code, missing.err) == (2, "audit: error: nope.toml: config file not found\n")


def test_fail_on_from_config_and_cli_override(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\nfail-on = 'none'\n", "app.py": BARE})
    assert audit("scan").code == 0
    assert audit("scan", "--fail-on", "critical").code == 1


def test_rule_severity_and_enabled(project, audit) -> None:
    project(
        {"pyproject.toml": "[tool.audit.rules.bare-except]\nseverity = 'low'\n", "app.py": BARE}
    )
    result = audit("scan")
    assert result.code == 0  # low is below the default fail-on (critical)
    assert result.out.startswith("app.py:3:1: low bare-except")
    project({"pyproject.toml": "[tool.audit.rules.bare-except]\nenabled = false\n"})
    assert audit("scan").out == "No findings; 1 file scanned.\n"
    # An explicit --select wins over enabled = false.
    assert audit("scan", "--select", "bare-except").code == 1


def test_select_ignore_and_per_file_ignores(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit]\nignore = ['bare-except']\n",
            "app.py": BARE,
        }
    )
    assert audit("scan").out == "No findings; 1 file scanned.\n"
    project(
        {
            "pyproject.toml": "[tool.audit.per-file-ignores]\n'legacy/**' = ['bare-except']\n",
            "legacy/old.py": BARE,
        }
    )
    out = audit("scan").out.splitlines()
    assert out == [
        "app.py:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions",
        "Found 1 finding (1 critical) in 1 file; 2 files scanned.",
        "1 fixable with `audit scan --fix`.",
    ]


def test_include_and_exclude(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit]\ninclude = ['src']\nextend-exclude = ['src/gen/']\n",
            "src/a.py": BARE,
            "src/gen/b.py": BARE,
            "other/c.py": BARE,
            "src/.venv/d.py": BARE,  # default exclude
        }
    )
    out = audit("scan").out.splitlines()
    assert [line.split(":")[0] for line in out[:-2]] == ["src/a.py"]
    # A path named on the command line is scanned even when excluded, as in ruff.
    assert audit("scan", "src/gen").out.startswith("src/gen/b.py:3:1:")


def test_rule_option_types_are_checked_against_defaults() -> None:
    from auditor.errors import ConfigError
    from auditor.model import Severity
    from auditor.plugins import Rule
    from auditor.scan.loading import merge_options

    class Opts(Rule):
        id = "opts"
        severity = Severity.LOW
        message = "m"
        OPTIONS = {"allow": ("cli.py",), "ratio": 0.5, "strict": False}

    merged = merge_options(Opts, {"ratio": 2, "allow": ("a", "b")}, "pyproject.toml")
    assert dict(merged) == {"allow": ("a", "b"), "ratio": 2.0, "strict": False}
    with pytest.raises(ConfigError) as raised:
        merge_options(Opts, {"strict": "yes"}, "pyproject.toml")
    assert raised.value.message == (
        "pyproject.toml: 'tool.audit.rules.opts.strict' must be true or false (got 'yes')"
    )
    with pytest.raises(ConfigError) as raised:
        merge_options(Opts, {"allow": "cli.py"}, "pyproject.toml")
    assert raised.value.message == (
        "pyproject.toml: 'tool.audit.rules.opts.allow' must be a list of strings (got 'cli.py')"
    )
