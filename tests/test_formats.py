"""More output formats (issue 16, point 12): GitLab Code Quality, JUnit XML, JSON Lines,
`audit rules --format json`, and each built-in rule's documentation URL in SARIF."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import BARE

MESSAGE = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"
RULES_URL = "https://github.com/auditor-dev/auditor#rules"


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
    (suite,) = root
    assert (suite.get("name"), suite.get("failures")) == ("app.py", "1")
    (case,) = suite
    assert case.get("name") == "bare-except at 3:1"
    (failure,) = case
    assert (failure.get("type"), failure.get("message")) == ("critical", MESSAGE)
    assert failure.text == f"app.py:3:1: bare-except {MESSAGE}"


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
