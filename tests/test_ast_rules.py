"""The Python rule on `ast` (auditor.plugins.AstRule): it detects on CPython's tree, offers
its fix, and LibCST computes the fix only when it is written; a LibCST rule by a third
party keeps working beside it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from auditor.model import Fix
from auditor.testing import check_example, fix_all, run_rule

# Plugins run only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")

# The contract's example rule (docs/writing-rules.md), as a plugin would write it.
AST_RULE = '''
import ast

import libcst as cst

from auditor.plugins import AstRule, Fixed, FixTarget, Invalid, Severity, Valid


class CompareToNone(AstRule):
    """`x == None` asks `x.__eq__`, which may say anything; `is None` asks identity."""

    id = "compare-to-none"
    severity = Severity.LOW
    message = "compare with None by identity: `is None`"
    fix_description = "use `is` / `is not`"
    fix_applicability = "unsafe"  # a class whose __eq__ equals None changes behaviour

    def visit_Compare(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, ast.Eq | ast.NotEq) and _is_none(right):
                self.report(node, fix=len(node.ops) == 1)

    def fix(self, target: FixTarget) -> Fixed | None:
        node = target.node  # the cst.Comparison whose code is the finding's range
        assert isinstance(node, cst.Comparison)
        (right,) = node.comparisons
        new = cst.IsNot() if isinstance(right.operator, cst.NotEqual) else cst.Is()
        changed = right.with_changes(operator=new)
        return Fixed(replacements=((node, node.with_changes(comparisons=[changed])),))

    VALID = [Valid("if x is None:\\n    pass\\n")]
    INVALID = [
        Invalid(
            "def f(x):\\n    return x != None  # why\\n",
            fixed="def f(x):\\n    return x is not None  # why\\n",
            line=2,
            column=12,
        ),
        Invalid("ok = 0 < x == None\\n", line=1, column=6),
    ]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
'''

# A third party's rule on LibCST, the slower path, in the same project.
CST_RULE = """
import libcst as cst

from auditor.plugins import Rule, Severity


class NoTodo(Rule):
    id = "no-todo"
    severity = Severity.HIGH
    message = "todo() placeholder left in the code"
    fix_applicability = "unsafe"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "todo":
            self.report(node, replacement=cst.Name("None"), fix_description="replace with None")
"""

APP = "def f(x):\n    return x == None\n\n\ny = todo()\n"


@pytest.fixture
def plugins(project):
    def make(app: str = APP) -> Path:
        ast_name = f"ast_rules_{uuid.uuid4().hex[:8]}"  # fresh modules: imports are cached
        cst_name = f"cst_rules_{uuid.uuid4().hex[:8]}"
        config = f"[tool.audit]\nplugins = ['{ast_name}', '{cst_name}']\n"
        return project(
            {
                f"{ast_name}.py": AST_RULE,
                f"{cst_name}.py": CST_RULE,
                "pyproject.toml": config,
                "app.py": app,
            }
        )

    return make


def _rule(source: str = AST_RULE) -> type:
    namespace: dict[str, object] = {}
    exec(compile(source, "ast_rule_example", "exec"), namespace)
    rule = namespace["CompareToNone"]
    assert isinstance(rule, type)
    return rule


def test_examples_of_the_contract_rule_pass_the_shared_harness() -> None:
    rule = _rule()
    for example in (*rule.VALID, *rule.INVALID):  # type: ignore[attr-defined]
        check_example(rule, example)


def test_a_scan_offers_the_fix_and_fixing_computes_it() -> None:
    rule = _rule()
    code = "def f(x):\n    return x == None\n"
    (offered,) = run_rule(rule, code, "m.py", fixes=False)
    assert (offered.start.line, offered.start.column, offered.end.column) == (2, 12, 21)
    assert offered.scope == "f"
    assert offered.fix == Fix((), "use `is` / `is not`", "unsafe", pending=True)
    (computed,) = run_rule(rule, code, "m.py")
    assert computed.fix is not None and not computed.fix.pending
    assert [(e.start, e.end, e.text) for e in computed.fix.edits] == [(23, 25, "is")]


def test_columns_count_characters_where_ast_counts_bytes() -> None:
    (found,) = run_rule(_rule(), "s = 'é→'; ok = s == None\n", "m.py", fixes=False)
    assert (found.start.column, found.end.column) == (16, 25)


def test_text_counts_the_offer_json_carries_the_edits_and_fix_writes(plugins, audit) -> None:
    root = plugins()
    text = audit("scan", "--no-cache")
    assert text.out.splitlines()[:2] == [
        "app.py:2:12: low compare-to-none compare with None by identity: `is None`",
        "app.py:5:5: high no-todo todo() placeholder left in the code",
    ]
    assert "2 more fixable with `audit scan --fix --unsafe-fixes`." in text.out
    document = json.loads(audit("scan", "--no-cache", "--format", "json").out)
    fixes = {f["rule_id"]: f["fix"] for f in document["findings"]}
    assert fixes["compare-to-none"]["edits"] == [{"start": 23, "end": 25, "text": "is"}]
    assert audit("scan", "--fix", "--unsafe-fixes").code == 0
    assert (root / "app.py").read_text() == "def f(x):\n    return x is None\n\n\ny = None\n"


def test_a_cached_offer_is_computed_when_a_later_run_fixes(plugins, audit) -> None:
    root = plugins()
    assert audit("scan").code == 0  # the cache now holds the offer, not its edits
    assert audit("scan", "--diff", "--unsafe-fixes").out == (
        "--- a/app.py\n+++ b/app.py\n@@ -1,5 +1,5 @@\n def f(x):\n-    return x == None\n"
        "+    return x is None\n \n \n-y = todo()\n+y = None\n"
    )
    assert audit("scan", "--fix", "--unsafe-fixes").code == 0
    assert (root / "app.py").read_text() == "def f(x):\n    return x is None\n\n\ny = None\n"


def test_a_file_libcst_refuses_is_checked_and_its_fix_says_why_not(plugins, audit) -> None:
    app = "(x): int = 1\nok = x == None\n"
    root = plugins(app)
    scanned = audit("scan", "--no-cache", "--select", "compare-to-none")
    assert scanned.out.splitlines()[0] == (
        "app.py:2:6: low compare-to-none compare with None by identity: `is None`"
    )
    assert "parse-limit" not in scanned.out
    fixed = audit("scan", "--no-cache", "--fix", "--unsafe-fixes", "--select", "compare-to-none")
    assert (root / "app.py").read_text() == app
    warning = next(line for line in fixed.out.splitlines() if "parse-limit" in line)
    assert warning.endswith("; its fixes are not applied")


def test_an_f_string_is_one_literal_on_every_python() -> None:
    """From Python 3.12 the tokenizer splits an f-string into parts (FSTRING_START ...
    FSTRING_END): pii-logging's redaction and bare-except's narrowing read literals by
    token, and found no f-string there (CI may run any Python from 3.11)."""
    from rules.python._ast_print import string_tokens

    assert string_tokens('f"{{x}} {user.name} born {dob}"') == ['f"{{x}} {user.name} born {dob}"']
    assert string_tokens('"a" f"b{c!r:>{w}}" rb"x"') == ['"a"', 'f"b{c!r:>{w}}"', 'rb"x"']
    assert string_tokens("f\"{f'{x}'}\"\n") == ["f\"{f'{x}'}\""]


def test_a_fix_in_a_file_with_a_mapping_pattern_is_written() -> None:
    """LibCST gives some whitespace of a `case {...}` no position: the fix's node index
    skips it (it raised KeyError, and every fix of such a file was refused as if LibCST
    could not parse it)."""
    code = 'ok = x == None\nmatch x:\n    case {"a": 1}:\n        pass\n'
    assert fix_all(_rule(), code, "m.py") == code.replace("x == None", "x is None")
