"""Sources: findings of real ruff, real mypy and SARIF logs (our own and a hand-checked one)
imported with namespaced rule ids, severities, positions and content fingerprints, in every
output format, through baselines, `audit: ignore` and issues.yaml; and each way a source
can fail, as one error line naming it while the scan goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_ci_outputs import sarif_schema  # noqa: F401  (the fixture)

from auditor.config_sources import SourceSettings
from auditor.model import Severity
from auditor.sources.mypy import MYPY_TEXT_FLAGS, parse_mypy_json, parse_mypy_text
from auditor.sources.report import severity_of
from conftest import commit_all, git

# Plugins and sources run only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


APP = """\
import os
import sys


def total(prices: list[int]) -> int:
    return sum(prices)


def main() -> None:
    total(["1"])
    count: int = "2"
    try:
        print(sys.argv, count)
    except:
        pass
"""

CONFIG = """\
[tool.audit]
select = ["bare-except"]

[tool.audit.sources.ruff]
kind = "ruff"
select = ["E722", "F401"]

[tool.audit.sources.mypy]
kind = "mypy"
"""


def rows(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            f["rule_id"],
            f["severity"],
            f["path"],
            f["start"]["line"],
            f["start"]["column"],
            f["end"]["line"],
            f["end"]["column"],
        )
        for f in findings
    ]


def scan_json(audit, *args: str) -> dict[str, Any]:
    result = audit("scan", "--format", "json", "--fail-on", "none", *args)
    assert result.code == 0, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


# --- real ruff and real mypy -----------------------------------------------------------


def _mypy_json_has_ends() -> bool:
    """mypy 1.20 and later give a result's end in its JSON output too; before, only the
    text output does (the test extra's floor is older: constraints/floors.txt)."""
    from importlib.metadata import version

    return tuple(int(part) for part in version("mypy").split(".")[:2]) >= (1, 20)


def test_ruff_and_mypy_findings_exactly(project, audit) -> None:
    project({"pyproject.toml": CONFIG, "app.py": APP})
    document = scan_json(audit, "--sources")
    # Without mypy's end, a finding runs to the end of its line.
    list_item_end = 15 if _mypy_json_has_ends() else 17
    assert rows(document["findings"]) == [
        ("ruff:F401", "medium", "app.py", 1, 8, 1, 10),
        ("mypy:list-item", "high", "app.py", 10, 12, 10, list_item_end),
        ("mypy:assignment", "high", "app.py", 11, 18, 11, 21),
        ("bare-except", "critical", "app.py", 14, 5, 14, 11),
        ("ruff:E722", "medium", "app.py", 14, 5, 14, 11),
    ]
    messages = {f["rule_id"]: f["message"] for f in document["findings"]}
    assert messages["mypy:list-item"] == 'List item 0 has incompatible type "str"; expected "int"'
    assert messages["ruff:E722"] == "Do not use bare `except`"
    assert all(f["fix"] is None for f in document["findings"] if ":" in f["rule_id"])
    assert document["sources"] == [
        {
            "name": "ruff",
            "kind": "ruff",
            "findings": 2,
            "suppressed": 0,
            "error": None,
            "warnings": [],
        },
        {
            "name": "mypy",
            "kind": "mypy",
            "findings": 2,
            "suppressed": 0,
            "error": None,
            "warnings": [],
        },
    ]
    # Without --sources (run-sources is off) only the rules run.
    assert rows(scan_json(audit)["findings"]) == [
        ("bare-except", "critical", "app.py", 14, 5, 14, 11)
    ]


def test_text_output_and_run_sources_default(project, audit, tmp_path: Path) -> None:
    project(
        {
            "pyproject.toml": CONFIG.replace(
                "[tool.audit]\n", "[tool.audit]\nrun-sources = true\n"
            ),
            "app.py": APP,
        }
    )
    result = audit("scan", "--fail-on", "none")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "app.py:1:8: medium ruff:F401 `os` imported but unused\n"
        'app.py:10:12: high mypy:list-item List item 0 has incompatible type "str"; expected "int"\n'
        'app.py:11:18: high mypy:assignment Incompatible types in assignment (expression has type "str", variable has type "int")\n'
        "app.py:14:5: critical bare-except bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions\n"
        "app.py:14:5: medium ruff:E722 Do not use bare `except`\n"
        "Sources: ruff 2 findings, mypy 2 findings.\n"
        "Found 5 findings (1 critical, 2 high, 2 medium) in 1 file; 1 file scanned.\n"
        "1 fixable with `audit scan --fix`.\n"
    )
    assert "ruff:" not in audit("scan", "--no-sources", "--fail-on", "none").out
    (tmp_path / "pyproject.toml").write_text("[tool.audit]\n")
    result = audit("scan", "--sources")
    assert (result.code, result.err) == (
        2,
        "audit: error: --sources: no source is configured in pyproject.toml (add a "
        "[tool.audit.sources.<name>] table)\n",
    )
    # The gate counts source findings like any other.
    assert audit("scan", "--fail-on", "high").code == 1


def test_with_fix_the_sources_see_the_fixed_files(project, audit, tmp_path: Path) -> None:
    project({"pyproject.toml": CONFIG, "app.py": APP})
    result = audit("scan", "--sources", "--fix", "--format", "json", "--fail-on", "none")
    assert "except Exception:" in (tmp_path / "app.py").read_text()
    assert [f["rule_id"] for f in json.loads(result.out)["findings"]] == [
        "ruff:F401",
        "mypy:list-item",
        "mypy:assignment",
    ]


def test_fingerprints_follow_the_content(project, audit, tmp_path: Path) -> None:
    project({"pyproject.toml": CONFIG, "app.py": APP})
    before = {f["rule_id"]: f["fingerprint"] for f in scan_json(audit, "--sources")["findings"]}
    (tmp_path / "app.py").write_text(
        "# a comment\n\n" + APP.replace("    try:", "    try:  # moved")
    )
    moved = scan_json(audit, "--sources")["findings"]
    assert [f["start"]["line"] for f in moved] == [3, 12, 13, 16, 16]
    assert {f["rule_id"]: f["fingerprint"] for f in moved} == before
    assert len(set(before.values())) == 5


def test_ruff_honours_the_project_ruff_config_and_never_fixes(
    project, audit, tmp_path: Path
) -> None:
    config = (
        "[tool.audit]\nselect = ['bare-except']\n\n[tool.audit.sources.lint]\nkind = 'ruff'\n\n"
        "[tool.ruff]\nfix = true\n\n[tool.ruff.lint]\nselect = ['F401']\n\n"
        "[tool.ruff.lint.per-file-ignores]\n'gen.py' = ['F401']\n"
    )
    project({"pyproject.toml": config, "app.py": APP, "gen.py": "import json\n"})
    findings = scan_json(audit, "--sources")["findings"]
    assert rows(findings)[0] == ("lint:F401", "medium", "app.py", 1, 8, 1, 10)
    assert [f["rule_id"] for f in findings] == ["lint:F401", "bare-except"]
    assert (tmp_path / "app.py").read_text() == APP  # ruff's `fix = true` is overridden
    assert (tmp_path / "gen.py").read_text() == "import json\n"


def test_severity_mapping(project, audit) -> None:
    config = CONFIG.replace(
        'kind = "mypy"\n', 'kind = "mypy"\nseverity = {"list-item" = "critical", "*" = "low"}\n'
    ).replace('select = ["E722", "F401"]\n', 'select = ["E722", "F401"]\nseverity = "low"\n')
    project({"pyproject.toml": config, "app.py": APP})
    assert [(f["rule_id"], f["severity"]) for f in scan_json(audit, "--sources")["findings"]] == [
        ("ruff:F401", "low"),
        ("mypy:list-item", "critical"),
        ("mypy:assignment", "low"),
        ("bare-except", "critical"),
        ("ruff:E722", "low"),
    ]
    settings = SourceSettings(
        "x", "sarif", severities=(("E7*", Severity.HIGH), ("E722", Severity.LOW))
    )
    assert severity_of(settings, "E722", "note") == Severity.LOW  # an exact key wins
    assert severity_of(settings, "E701", "note") == Severity.HIGH
    assert severity_of(settings, "W1", "note") == Severity.LOW  # the SARIF level's default
    assert severity_of(settings, "W1", "error") == Severity.HIGH
    assert severity_of(SourceSettings("x", "sarif"), "W1", "warning") == Severity.MEDIUM


def test_mypy_notes_args_and_paths(project, audit) -> None:
    config = (
        "[tool.audit]\nselect = ['bare-except']\n\n[tool.audit.sources.types]\nkind = 'mypy'\n"
        "args = ['--strict']\npaths = ['pkg']\n"
    )
    project(
        {
            "pyproject.toml": config,
            "pkg/__init__.py": "",
            "pkg/core.py": "def double(x):\n    return x * 2\n\n\nreveal_type(double)\n",
            "other.py": "x: int = 'not checked: not in paths'\n",
        }
    )
    findings = scan_json(audit, "--sources")["findings"]
    assert [
        (f["rule_id"], f["severity"], f["path"], f["start"]["line"], f["message"]) for f in findings
    ] == [
        (
            "types:no-untyped-def",
            "high",
            "pkg/core.py",
            1,
            "Function is missing a type annotation",
        ),
        ("types:misc", "low", "pkg/core.py", 5, 'Revealed type is "def (x: Any) -> Any"'),
    ]


def test_mypy_text_output_parses_as_the_json_does(project, tmp_path: Path) -> None:
    """For a mypy without --output json: the same results from its text output, notes
    attached to an error dropped as the JSON output folds them into `hint`."""
    project(
        {
            "a.py": APP,
            "b.py": "def g(a: list[int]) -> None: ...\n\n\nx: list[bool] = []\ng(x)\n"
            "reveal_type(x)\nimport nosuchmodule\n",
        }
    )
    mypy = str(Path(sys.executable).parent / "mypy")

    def run(*flags: str) -> str:
        # A cache of its own for each: before 1.20, mypy answers `--output json` from a
        # cache that a text run wrote in text.
        cache = f"--cache-dir={tmp_path / ('.cache-' + flags[-1])}"
        done = subprocess.run(
            [mypy, cache, *flags, "a.py", "b.py"], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 1, done.stderr
        return done.stdout

    text = run(*MYPY_TEXT_FLAGS)
    assert "note: Consider using" in text  # a note attached to the arg-type error
    from_text = parse_mypy_text(text).raws
    from_json = parse_mypy_json(run("--output", "json")).raws
    if _mypy_json_has_ends():
        assert from_text == from_json
    else:  # the JSON output has no ends to compare
        assert tuple(replace(r, end_line=None, end_column=None) for r in from_text) == from_json
    assert [(r.path, r.code, r.level, r.line, r.column, r.end_column) for r in from_text] == [
        ("b.py", "arg-type", "error", 5, 3, 4),
        ("b.py", "misc", "note", 6, 13, 14),
        ("b.py", "import-not-found", "error", 7, 1, 2),
        ("a.py", "list-item", "error", 10, 12, 15),
        ("a.py", "assignment", "error", 11, 18, 21),
    ]


OLD_MYPY = """\
import os
import sys

# mypy before 1.11: no --output json (argparse's error, exit 2); else the real mypy.
if "--output" in sys.argv:
    sys.stderr.write("usage: mypy [-h] [-v] [-V] [more options; see below]\\n"
                     "mypy: error: unrecognized arguments: --output json\\n")
    sys.exit(2)
mypy = os.path.join(os.path.dirname(sys.executable), "mypy")
os.execv(mypy, [mypy, *sys.argv[1:]])
"""


def test_a_mypy_without_json_output_is_read_as_text(project, audit) -> None:
    config = CONFIG.replace(
        'kind = "mypy"\n',
        f'kind = "mypy"\ncommand = [{json.dumps(sys.executable)}, "old_mypy.py"]\n',
    )
    project({"pyproject.toml": config, "app.py": APP, "old_mypy.py": OLD_MYPY})
    findings = scan_json(audit, "--sources", "app.py")["findings"]
    assert [r for r in rows(findings) if r[0].startswith("mypy")] == [
        ("mypy:list-item", "high", "app.py", 10, 12, 10, 15),
        ("mypy:assignment", "high", "app.py", 11, 18, 11, 21),
    ]


# --- failures: one line naming the source, the rest goes on -----------------------------


def test_a_missing_tool_a_blocking_mypy_error_and_bad_output(project, audit) -> None:
    config = (
        "[tool.audit]\nselect = ['bare-except']\n\n"
        "[tool.audit.sources.ruff]\nkind = 'ruff'\ncommand = ['no-such-ruff-xyz']\n\n"
        "[tool.audit.sources.mypy]\nkind = 'mypy'\n\n"
        "[tool.audit.sources.junk]\nkind = 'sarif'\n"
        f"command = [{json.dumps(sys.executable)}, '-c', 'print(\"not json\")']\n\n"
        "[tool.audit.sources.lint]\nkind = 'ruff'\nselect = ['E722']\n"
    )
    project({"pyproject.toml": config, "app.py": APP, "broken.py": "def f(:\n    pass\n"})
    result = audit("scan", "--sources", "--fail-on", "none", "app.py")
    assert result.code == 2
    missing, blocked, junk = result.err.splitlines()
    assert missing == (
        "audit: error: source ruff: 'no-such-ruff-xyz' is not installed (not next to this "
        "Python nor on PATH); install it, or set `command`"
    )
    # mypy's own words for the syntax error vary with its version (its parser's, or Python's).
    blocking = "audit: error: source mypy: mypy stopped at a blocking error: broken.py:1: "
    assert blocked.startswith(blocking) and blocked.endswith(" [syntax]"), blocked
    assert junk == (
        "audit: error: source junk: unparsable output: not JSON (Expecting value: line 1 "
        "column 1 (char 0))"
    )
    assert result.out.splitlines()[-3:] == [
        "Sources: ruff failed, mypy failed, junk failed, lint 1 finding.",
        "Found 2 findings (1 critical, 1 medium) in 1 file; 1 file scanned.",
        "1 fixable with `audit scan --fix`.",
    ]
    github = audit("scan", "--sources", "--format", "github", "app.py")
    words = blocked.removeprefix(blocking)  # mypy's, as above
    assert github.out.splitlines()[-3:] == [
        "::error title=source ruff::'no-such-ruff-xyz' is not installed (not next to this Python "
        "nor on PATH); install it, or set `command`",
        f"::error title=source mypy::mypy stopped at a blocking error: broken.py:1: {words}",
        "::error title=source junk::unparsable output: not JSON (Expecting value: line 1 column "
        "1 (char 0))",
    ]


def test_a_source_that_times_out_is_stopped(project, audit) -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    config = (
        "[tool.audit]\nselect = ['bare-except']\n\n[tool.audit.sources.slow]\nkind = 'sarif'\n"
        f"command = {json.dumps(sleeper)}\ntimeout = 0.5\n"
    )
    project({"pyproject.toml": config, "app.py": APP})
    began = time.monotonic()
    result = audit("scan", "--sources", "--fail-on", "none")
    assert time.monotonic() - began < 10
    assert (result.code, result.err) == (2, "audit: error: source slow: timed out after 0.5 s\n")
    assert "bare-except" in result.out


def test_a_command_that_fails_or_writes_nothing(project, audit, tmp_path: Path) -> None:
    failing = [sys.executable, "-c", "import sys; sys.exit('eslint: no config found')"]
    quiet = [sys.executable, "-c", "pass"]
    config = (
        "[tool.audit]\nselect = ['bare-except']\n\n"
        f"[tool.audit.sources.fails]\nkind = 'sarif'\ncommand = {json.dumps(failing)}\n\n"
        f"[tool.audit.sources.stale]\nkind = 'sarif'\ncommand = {json.dumps(quiet)}\n"
        "file = 'old.sarif'\n\n"
        "[tool.audit.sources.gone]\nkind = 'sarif'\nfile = 'missing.sarif'\n"
    )
    project({"pyproject.toml": config, "app.py": "x = 1\n", "old.sarif": '{"runs": []}'})
    result = audit("scan", "--sources")
    python = Path(sys.executable).name
    assert (result.code, result.err) == (
        2,
        f"audit: error: source fails: {python} exited with code 1: eslint: no config found\n"
        "audit: error: source stale: the command did not write old.sarif\n"
        "audit: error: source gone: cannot read missing.sarif: No such file or directory\n",
    )


# --- SARIF ------------------------------------------------------------------------------

MIXED = {
    "shop/pay.py": "def pay():\n    try:\n        charge()\n    except:\n        pass\n",
    "shop/log.py": "def log(x):\n    print(x)\n",
}


def test_import_our_own_sarif(project, audit, tmp_path: Path) -> None:
    project({"pyproject.toml": "[tool.audit]\n", **MIXED})
    made = audit("scan", "--format", "sarif", "--output", "out.sarif", "--fail-on", "none")
    assert made.code == 0
    original = scan_json(audit)["findings"]
    (tmp_path / "pyproject.toml").write_text(
        "[tool.audit]\nselect = ['ignored-kwargs']\n\n"
        "[tool.audit.sources.ours]\nkind = 'sarif'\nfile = 'out.sarif'\n"
    )
    imported = scan_json(audit, "--sources")["findings"]
    # critical is SARIF level error: high
    assert (
        rows(imported)
        == [("ours:" + f["rule_id"], "high", *rows([f])[0][2:]) for f in original]
        == [
            ("ours:console-logging", "high", "shop/log.py", 2, 5, 2, 13),
            ("ours:bare-except", "high", "shop/pay.py", 4, 5, 4, 11),
        ]
    )
    assert [f["message"] for f in imported] == [f["message"] for f in original]


HAND_SARIF = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "eslint",
                    "rules": [
                        {
                            "id": "no-console",
                            "shortDescription": {"text": "Disallow the use of console"},
                            "helpUri": "https://eslint.org/docs/rules/no-console",
                            "defaultConfiguration": {"level": "note"},
                            "messageStrings": {"call": {"text": "Unexpected console.{0}."}},
                        },
                        {"id": "no-eval", "defaultConfiguration": {"level": "error"}},
                    ],
                }
            },
            "originalUriBaseIds": {
                "ROOT": {"uri": "file:///nowhere/"},
                "SRC": {"uri": "src/", "uriBaseId": "PROJECT"},
            },
            "artifacts": [{"location": {"uri": "src/app.js", "uriBaseId": "%SRCROOT%"}}],
            "results": [
                {  # level from the rule's default; message by id with arguments; nested base
                    "ruleIndex": 0,
                    "message": {"id": "call", "arguments": ["log"]},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "app.js", "uriBaseId": "SRC"},
                                "region": {"startLine": 2, "startColumn": 3, "endColumn": 14},
                            }
                        }
                    ],
                    "fixes": [
                        {
                            "artifactChanges": [
                                {
                                    "artifactLocation": {"uri": "src/app.js"},
                                    "replacements": [
                                        {
                                            "deletedRegion": {"startLine": 2},
                                            "insertedContent": {"text": ""},
                                        }
                                    ],
                                }
                            ]
                        }
                    ],
                },
                {  # suppressed (accepted): imported as suppressed
                    "ruleId": "no-console",
                    "level": "warning",
                    "message": {"text": "Unexpected console.warn."},
                    "suppressions": [{"kind": "inSource", "status": "accepted"}],
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"index": 0},
                                "region": {"startLine": 3},
                            }
                        }
                    ],
                },
                {  # a rejected suppression does not suppress; columns count UTF-16 units:
                    # `eval(code)` is units 17-26 (the emoji before it takes two), chars 16-25
                    "rule": {"id": "no-eval", "index": 1},
                    "message": {"text": "eval can be harmful."},
                    "suppressions": [{"kind": "external", "status": "rejected"}],
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "src/caf%C3%A9.js"},
                                "region": {"startLine": 1, "startColumn": 17, "endColumn": 27},
                            }
                        }
                    ],
                },
                {  # an absolute file URI inside the project; whole-line region
                    "ruleId": "no-eval",
                    "level": "note",
                    "message": {"text": "eval again."},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "FILE_URI"},
                                "region": {"startLine": 1},
                            }
                        }
                    ],
                },
                {"ruleId": "no-eval", "kind": "pass", "message": {"text": "fine"}},
                {"ruleId": "no-eval", "baselineState": "absent", "message": {"text": "gone"}},
                {"ruleId": "no-eval", "message": {"text": "no location"}},
                {  # outside the project root
                    "ruleId": "no-eval",
                    "message": {"text": "elsewhere"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "lib.js", "uriBaseId": "ROOT"},
                                "region": {"startLine": 1},
                            }
                        }
                    ],
                },
            ],
        }
    ],
}


def test_import_a_hand_checked_sarif_log(
    project,
    audit,
    tmp_path: Path,
    sarif_schema,  # noqa: F811  (the fixture imported above)
) -> None:
    log = json.loads(
        json.dumps(HAND_SARIF)
        .replace("FILE_URI", (tmp_path / "src" / "util.js").as_uri())
        .replace('"PROJECT"', '"%SRCROOT%"')
    )
    validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    assert [e.message for e in validator.iter_errors(log)] == []
    project(
        {
            "pyproject.toml": "[tool.audit]\nselect = ['bare-except']\n\n"
            "[tool.audit.sources.eslint]\nkind = 'sarif'\nfile = 'eslint.sarif'\n",
            "eslint.sarif": json.dumps(log),
            "src/app.js": "function f() {\n  console.log('hi');\n  console.warn('x');\n}\n",
            "src/café.js": "const s = '😀'; eval(code);\n",
            "src/util.js": "eval(more);\n",
        }
    )
    result = audit("scan", "--sources", "--format", "json", "--fail-on", "none")
    assert result.err == (
        "audit: warning: source eslint: 1 result without a file location left out\n"
        "audit: warning: source eslint: 1 result outside the project root left out\n"
    )
    document = json.loads(result.out)
    assert [
        (*r, f["message"])
        for r, f in zip(rows(document["findings"]), document["findings"], strict=True)
    ] == [
        ("eslint:no-console", "low", "src/app.js", 2, 3, 2, 14, "Unexpected console.log."),
        ("eslint:no-eval", "high", "src/café.js", 1, 16, 1, 26, "eval can be harmful."),
        ("eslint:no-eval", "low", "src/util.js", 1, 1, 1, 12, "eval again."),
    ]
    sarif = json.loads(audit("scan", "--sources", "--format", "sarif", "--include-suppressed").out)
    assert [e.message for e in validator.iter_errors(sarif)] == []
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["eslint:no-console"]["helpUri"] == "https://eslint.org/docs/rules/no-console"
    assert rules["eslint:no-console"]["shortDescription"] == {"text": "Disallow the use of console"}
    assert rules["eslint:no-console"]["name"] == "EslintNoConsole"
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in suppressed
    ] == [("eslint:no-console", 3)]


def test_audit_ignore_comments_and_scope(project, audit) -> None:
    config = CONFIG + "\n[tool.audit.sources.ruff2]\nkind = 'ruff'\nselect = ['F401']\n"
    project(
        {
            "pyproject.toml": config.replace(
                "[tool.audit]\n", "[tool.audit]\nextend-exclude = ['vendor/']\n"
            ),
            "app.py": APP.replace("import os\n", "import os  # audit: ignore[ruff:F401]\n"),
            "vendor/lib.py": "import json\n",
            "pkg/mod.py": "import re\n",
        }
    )
    findings = scan_json(audit, "--sources")["findings"]
    assert [
        (f["rule_id"], f["path"], f["start"]["line"]) for f in findings if "F401" in f["rule_id"]
    ] == [
        ("ruff2:F401", "app.py", 1),
        ("ruff2:F401", "pkg/mod.py", 1),
        ("ruff:F401", "pkg/mod.py", 1),
    ]
    # Paths given on the command line limit what the sources report too.
    only = scan_json(audit, "--sources", "pkg")["findings"]
    assert [(f["rule_id"], f["path"]) for f in only] == [
        ("ruff2:F401", "pkg/mod.py"),
        ("ruff:F401", "pkg/mod.py"),
    ]


# --- baselines and issues.yaml ----------------------------------------------------------


def test_baseline_with_sources(project, audit, tmp_path: Path) -> None:
    project({"pyproject.toml": CONFIG, "app.py": APP})
    made = audit("baseline", "--sources")
    assert made.out == ".audit-baseline.json: 5 findings in the baseline.\n"
    entries = [
        json.loads(line.rstrip(","))
        for line in (tmp_path / ".audit-baseline.json").read_text().splitlines()[1:-1]
    ]
    assert [(e["rule_id"], e["code"]) for e in entries if e["rule_id"].startswith("mypy")] == [
        ("mypy:assignment", 'count: int = "2"'),
        ("mypy:list-item", 'total(["1"])'),
    ]
    assert (
        audit("scan", "--sources", "--baseline", ".audit-baseline.json", "--fail-on", "low").code
        == 0
    )
    (tmp_path / "app.py").write_text("\n\n" + APP + "\n\ndef more() -> int:\n    return 'x'\n")
    result = audit("scan", "--sources", "--baseline", ".audit-baseline.json", "--fail-on", "high")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        'app.py:21:12: high mypy:return-value Incompatible return value type (got "str", '
        'expected "int")'
    )


def test_issues_yaml_accepts_namespaced_ids_of_configured_sources(project, audit) -> None:
    issues = (
        "issues:\n  - id: T-1\n    title: types\n    severity: high\n    rules: ['mypy:*']\n"
        "  - id: L-1\n    title: lint\n    severity: low\n    rules: [ruff:E722, 'ruff:F4*']\n"
    )
    project({"pyproject.toml": CONFIG, "app.py": APP, "issues.yaml": issues})
    assert audit("issues", "check").out == "issues.yaml: 2 issues, valid.\n"
    bad = issues.replace("ruff:E722", "eslint:no-console")
    (Path.cwd() / "issues.yaml").write_text(bad)
    result = audit("issues", "check")
    assert (result.code, result.err) == (
        2,
        "audit: error: issues.yaml:9: issues[1].rules[0]: 'eslint:no-console' names the source "
        "'eslint', which is not configured under [tool.audit.sources] (configured: mypy, ruff)\n",
    )
    (Path.cwd() / "issues.yaml").write_text(issues.replace("'mypy:*'", "'mypy:'"))
    assert audit("issues", "check").err == (
        "audit: error: issues.yaml:5: issues[0].rules[0]: 'mypy:' needs a rule code after "
        "the source name\n"
    )


# --- configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (
            "[tool.audit.sources.lint]\nkind = 'pylint'\n",
            ":3:1: 'tool.audit.sources.lint.kind' must be one of ruff, mypy, sarif, tsc, eslint (got 'pylint')",
        ),
        (
            "[tool.audit.sources.lint]\nselect = ['E']\n",
            ":2:1: 'tool.audit.sources.lint' needs a 'kind': one of ruff, mypy, sarif, tsc, eslint",
        ),
        (
            "[tool.audit.sources.types]\nkind = 'mypy'\nselect = ['E']\n",
            ":4:1: 'tool.audit.sources.types.select' does not apply to a source of kind 'mypy'",
        ),
        (
            "[tool.audit.sources.types]\nkind = 'mypy'\nargz = []\n",
            ":4:1: unknown key 'tool.audit.sources.types.argz' (did you mean 'args'?)",
        ),
        (
            "[tool.audit.sources.eslint]\nkind = 'sarif'\n",
            ":2:1: 'tool.audit.sources.eslint' needs a 'command' that prints SARIF, a 'file' to read, "
            "or both",
        ),
        (
            "[tool.audit.sources.lint]\nkind = 'ruff'\nseverity = {E722 = 'urgent'}\n",
            ":4:1: 'tool.audit.sources.lint.severity.E722' must be one of critical, high, medium, low "
            "(got 'urgent')",
        ),
        (
            "[tool.audit.sources.Lint]\nkind = 'ruff'\n",
            ":2:1: 'tool.audit.sources.Lint' is not a valid source name: lower-case letters, digits, "
            "'-' and '_', starting with a letter (it prefixes rule ids: name:code)",
        ),
        (
            "[tool.audit.sources.lint]\nkind = 'ruff'\ntimeout = 0\n",
            ":4:1: 'tool.audit.sources.lint.timeout' must be a number of seconds (got int 0)",
        ),
        (
            "[tool.audit.sources.lint]\nkind = 'ruff'\ncommand = []\n",
            ":4:1: 'tool.audit.sources.lint.command' must name a program",
        ),
        (
            "[tool.audit]\nrun-sources = 'yes'\n",
            ":2:1: 'tool.audit.run-sources' must be true or false (got str 'yes')",
        ),
        (
            "[tool.audit]\nsources = []\n",
            ":2:1: 'tool.audit.sources' must be a table of source tables (got a list with nothing)",
        ),
    ],
)
def test_source_config_errors(project, audit, table: str, error: str) -> None:
    project({"pyproject.toml": "[tool.audit]\n" + table.replace("[tool.audit]\n", ""), "a.py": ""})
    result = audit("scan", "--sources")
    assert (result.code, result.out, result.err) == (
        2,
        "",
        f"audit: error: pyproject.toml{error}\n",
    )


def test_source_config_values(project) -> None:
    from auditor.config import load_config

    root = project(
        {
            "pyproject.toml": "[tool.audit]\nrun-sources = true\n\n"
            "[tool.audit.sources.eslint]\nkind = 'sarif'\n"
            "command = 'npx eslint -f @microsoft/eslint-formatter-sarif \"src dir\"'\n"
            "timeout = 120\nseverity = {'no-console' = 'high', '*' = 'low'}\n"
        }
    )
    config = load_config(root)
    assert config.run_sources is True
    assert config.sources == (
        SourceSettings(
            name="eslint",
            kind="sarif",
            command=("npx", "eslint", "-f", "@microsoft/eslint-formatter-sarif", "src dir"),
            timeout=120.0,
            severities=(("no-console", Severity.HIGH), ("*", Severity.LOW)),
        ),
    )


@pytest.mark.parametrize("kind", ["ruff", "mypy", "sarif", "tsc", "eslint"])
def test_every_source_kind_works_in_the_tracker_commands(project, audit, kind) -> None:
    # A tsc or eslint source made `audit issues list` and `audit report` crash (KeyError):
    # the codes by which each kind says a file did not parse were known for three kinds.
    extra = "file = 'out.sarif'\n" if kind == "sarif" else ""
    root = project(
        {
            "pyproject.toml": f"[tool.audit]\n[tool.audit.sources.tool]\nkind = '{kind}'\n{extra}",
            "issues.yaml": "project: x\nstarted: 2025-01-01\nissues:\n  - id: T1\n"
            "    title: Tool\n    severity: high\n    rules: ['tool:*']\n",
            "a.py": "x = 1\n",
        }
    )
    git(root, "init", "-q")
    commit_all(root, "start", "2025-01-02T10:00:00+00:00")
    listed = audit("issues", "list")
    assert listed.code == 0, listed.err
    assert listed.out.splitlines()[1].startswith("T1  high")
    report = audit("report", "--format", "json")
    assert report.code == 0, report.err


def test_an_issue_of_a_source_never_snapshotted_is_unknown_not_complete(project, audit) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n[tool.audit.sources.types]\nkind = 'tsc'\n",
            "issues.yaml": "project: x\nstarted: 2025-01-01\nissues:\n  - id: T1\n"
            "    title: Types\n    severity: high\n    rules: ['types:*']\n",
            "a.py": "x = 1\n",
        }
    )
    git(root, "init", "-q")
    commit_all(root, "start", "2025-01-02T10:00:00+00:00")
    assert audit("issues", "list").out.splitlines()[1].split()[:3] == ["T1", "high", "unknown"]
    data = json.loads(audit("report", "--format", "json").out)
    assert data["issues"][0]["status"] == "unknown"
