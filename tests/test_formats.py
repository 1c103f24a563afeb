"""More output formats (issue 16, point 12): GitLab Code Quality, JUnit XML, JSON Lines,
`audit rules --format json`, and each built-in rule's documentation URL in SARIF."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import BARE

MESSAGE = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"
RULES_URL = "https://github.com/auditor-dev/auditor/blob/main/docs/rules/bare-except.md"


def test_gitlab_code_quality(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE})
    result = audit("scan", "--format", "gitlab")
    assert result.code == 1
    (issue,) = json.loads(result.out)
    fingerprint = issue.pop("fingerprint")
    assert len(fingerprint) == 20
    assert issue == {
        "description": MESSAGE,
        "check_name": "bare-except",
        "severity": "critical",
        "location": {"path": "app.py", "lines": {"begin": 3, "end": 3}},
    }


def test_junit_xml(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE, "ok.py": "x = 1\n"})
    root = ET.fromstring(audit("scan", "--format", "junit").out)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "1")
    suite, clean = root
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("app.py", "1", "1")
    (case,) = suite
    assert case.get("name") == "bare-except at 3:1"
    (failure,) = case
    assert (failure.get("type"), failure.get("message")) == ("critical", MESSAGE)
    assert failure.text == f"app.py:3:1: bare-except {MESSAGE}"
    # A checked file without findings is a passing test case.
    assert (clean.get("name"), clean.get("tests"), clean.get("failures")) == ("ok.py", "1", "0")
    (passed,) = clean
    assert (passed.get("name"), list(passed)) == ("no findings", [])


def test_junit_of_a_clean_run_counts_every_checked_file(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "a.py": "x = 1\n", "b.py": "y = 2\n"})
    assert audit("scan", "--format", "junit").out == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="audit" tests="2" failures="0">\n'
        '  <testsuite name="a.py" tests="1" failures="0">\n'
        '    <testcase name="no findings" classname="a.py"/>\n'
        "  </testsuite>\n"
        '  <testsuite name="b.py" tests="1" failures="0">\n'
        '    <testcase name="no findings" classname="b.py"/>\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_json_lines(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE + BARE})
    lines = audit("scan", "--format", "jsonl").out.splitlines()
    assert [(d["rule_id"], d["start"]["line"]) for d in map(json.loads, lines)] == [
        ("bare-except", 3),
        ("bare-except", 7),
    ]


def test_rules_as_json_and_their_urls(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE})
    document = json.loads(audit("rules", "--format", "json").out)
    assert document["schema"] == "auditor.rules/1"
    bare = next(r for r in document["rules"] if r["id"] == "bare-except")
    assert (bare["fix"], [i["languages"] for i in bare["implementations"]]) == (
        "safe(python)",
        [["python"], ["javascript", "typescript"]],
    )
    assert {i["url"] for i in bare["implementations"]} == {RULES_URL}
    one = json.loads(audit("rules", "bare-except", "--format", "json").out)
    assert [r["id"] for r in one["rules"]] == ["bare-except"]
    sarif = json.loads(audit("scan", "--format", "sarif").out)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r.get("helpUri") for r in rules}["bare-except"] == RULES_URL
