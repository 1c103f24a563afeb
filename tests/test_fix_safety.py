"""Fixes that never break working code (issue 14): each case an adversarial review found,
end to end through `audit scan --fix`."""

from __future__ import annotations

import json

STAR = """\
from shop.errors import *

try:
    run()
except:
    pass
"""


def test_a_star_import_makes_the_bare_except_fix_unsafe(project, audit) -> None:
    # `from m import *` may bind `Exception`: `except Exception:` could catch the wrong thing.
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": STAR})
    safe = audit("scan", "--fix", "--fail-on", "none")
    assert (root / "app.py").read_text() == STAR
    assert safe.out.splitlines()[0] == (
        "app.py:5:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions"
    )
    unsafe = audit("scan", "--fix", "--unsafe-fixes", "--fail-on", "none")
    assert (root / "app.py").read_text() == STAR.replace("except:", "except Exception:")
    assert unsafe.code == 0


# --- D: lines as tokenize counts them ----------------------------------------------------


def test_a_form_feed_does_not_move_a_suppression(project, audit) -> None:
    # str.splitlines() ends a line at the form feed: the trailing comment on line 5 looked
    # alone on its line (line 4 is blank) and suppressed line 6 too.
    code = (
        "\f\ntry:\n    run()\n\nexcept OSError: pass  # audit: ignore[bare-except]\n"
        "except:\n    pass\n"
    )
    project({"pyproject.toml": "[tool.audit]\n", "app.py": code})
    result = audit("scan", "--fail-on", "none")
    assert result.out.splitlines()[0].startswith("app.py:6:1: critical bare-except ")


def test_a_line_separator_in_a_string_does_not_refuse_the_fix(project, audit) -> None:
    # The fix check placed every statement after the U+2028 one line early: the edited
    # handler on the try's last line looked untouched, and changed.
    code = 's = "a\u2028b"\ntry: run()\nexcept: pass\n'
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": code})
    result = audit("scan", "--fix")
    assert result.code == 0, result.out
    assert (root / "app.py").read_text() == code.replace("except:", "except Exception:")


# --- E: valid Python that LibCST refuses -------------------------------------------------

ANNOTATED = "import os\n(x): int = 1\ntry:\n    pass\nexcept:\n    pass\n"


def test_code_libcst_refuses_is_a_warning_not_a_gate_failure(project, audit) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "a.py": ANNOTATED, "b.py": "print(1)\n"})
    result = audit("scan", "--fail-on", "low", "--select", "bare-except")
    assert (result.code, result.out) == (
        0,
        "a.py:3:5: warning parse-limit LibCST cannot parse this file, which CPython accepts "
        "(Syntax Error @ 3:5.); no rule ran on it\n"
        "No findings; 2 files scanned.\n"
        "1 warning (parse-limit): some code was not checked, through a limit of the parser; "
        "the exit code ignores it.\n",
    )
    document = json.loads(audit("scan", "--format", "json", "--select", "bare-except").out)
    assert document["summary"]["findings"] == 0
    assert (document["summary"]["errors"], document["summary"]["warnings"]) == (0, 1)
    sarif = json.loads(audit("scan", "--format", "sarif", "--select", "bare-except").out)
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["warning"]
    github = audit("scan", "--format", "github", "--select", "bare-except").out
    assert github.startswith("::warning file=a.py,line=3,col=5,")
    baseline = audit("baseline")
    assert (baseline.code, baseline.out) == (
        0,
        ".audit-baseline.json: 1 finding in the baseline.\n",
    )
    assert '"rule_id": "console-logging"' in (root / ".audit-baseline.json").read_text()
