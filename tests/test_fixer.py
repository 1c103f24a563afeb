"""The fix loop and file writing, with small rules whose fixes misbehave on purpose."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from auditor.model import Edit, Severity
from auditor.plugins import Rule
from auditor.scan.engine import Engine
from auditor.scan.fileio import ChangedOnDisk, write_atomic
from auditor.scan.fixer import MAX_ROUNDS, apply_edits, fix_text
from auditor.scan.loading import ActiveRule
from auditor.scan.python_check import check_fix
from rules.python.bare_except import BareExcept


class AddCall(Rule):
    """`a + b` becomes `add(a, b)`: nested sums give overlapping edits."""

    id = "add-call"
    severity = Severity.LOW
    message = "use add()"

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Add):
            call = cst.Call(cst.Name("add"), [cst.Arg(node.left), cst.Arg(node.right)])
            self.report(node, replacement=call)


class Breaks(Rule):
    """Replaces `boom` with code that does not parse."""

    id = "breaks"
    severity = Severity.LOW
    message = "boom"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "boom":
            broken = cst.Name("ok")
            object.__setattr__(broken, "value", "1 +")  # past LibCST's own validation
            self.report(node, replacement=broken)


class Swallows(Rule):
    """Replaces `boom` with text ending in a backslash: the next line joins the expression.
    The result parses, but a statement the fix never touched is gone."""

    id = "swallows"
    severity = Severity.LOW
    message = "boom"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "boom":
            broken = cst.Name("ok")
            object.__setattr__(broken, "value", "boom + \\")  # past LibCST's own validation
            self.report(node, replacement=broken)


class Churns(Rule):
    """Wraps `x` in parentheses forever."""

    id = "churns"
    severity = Severity.LOW
    message = "x"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "x":
            self.report(
                node, replacement=node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            )


def fix(code: str, *rules: type[Rule]):
    engine = Engine([ActiveRule(r, r.severity, {}, False) for r in rules])
    # As `audit scan --fix`: the fixes the ast rules offer are computed (`fixes=True`).
    findings = engine.scan_text("m.py", "python", code, fixes=True)
    return fix_text(
        code, findings, lambda t: engine.scan_text("m.py", "python", t, fixes=True), check_fix
    )


def test_overlapping_fixes_are_applied_over_rounds() -> None:
    outcome = fix("total = 1 + 2 + 3\n", AddCall)
    assert outcome.text == "total = add(add(1, 2), 3)\n"
    assert len(outcome.applied) == 2
    assert outcome.findings == ()


def test_fix_that_breaks_the_file_is_refused_and_others_still_apply() -> None:
    code = "boom\ntry:\n    a()\nexcept:\n    pass\n"
    outcome = fix(code, Breaks, BareExcept)
    assert outcome.text == "boom\ntry:\n    a()\nexcept Exception:\n    pass\n"
    errors = [(f.rule_id, f.start.line, f.message) for f in outcome.findings if f.is_error]
    assert errors == [
        ("fix-error", 1, "fix of breaks refused: the result does not parse (invalid syntax at 1:4)")
    ]
    assert [f.rule_id for f in outcome.findings if not f.is_error] == ["breaks"]


def test_fix_that_never_settles_is_refused_and_its_churn_undone() -> None:
    code = "x = 1\ntry:\n    a()\nexcept:\n    pass\n"
    outcome = fix(code, Churns, BareExcept)
    assert outcome.text == "x = 1\ntry:\n    a()\nexcept Exception:\n    pass\n"
    errors = [f.message for f in outcome.findings if f.is_error]
    assert errors == [f"fix of churns refused: it still changed the file after {MAX_ROUNDS} rounds"]


def test_write_atomic_refuses_when_the_file_changed_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"edited by someone else\n")
    with pytest.raises(ChangedOnDisk):
        write_atomic(target, b"fixed\n", expected=b"what we read\n")
    assert target.read_bytes() == b"edited by someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_fingerprints_survive_unrelated_lines_and_tell_twins_apart() -> None:
    engine = Engine([ActiveRule(BareExcept, BareExcept.severity, {}, False)])
    code = "try:\n    a()\nexcept:\n    pass\ntry:\n    b()\nexcept:\n    pass\n"
    before = [f.fingerprint for f in engine.scan_text("m.py", "python", code)]
    after = [f.fingerprint for f in engine.scan_text("m.py", "python", "import os\n\n\n" + code)]
    assert before == after
    assert len(set(before)) == 2
    elsewhere = [f.fingerprint for f in engine.scan_text("n.py", "python", code)]
    assert set(elsewhere).isdisjoint(before)


def test_fingerprints_tell_equal_code_apart_by_scope() -> None:
    engine = Engine([ActiveRule(BareExcept, BareExcept.severity, {}, False)])
    body = "    try:\n        a()\n    except:\n        pass\n"
    code = f"def load():\n{body}\n\ndef save():\n{body}"
    before = {f.scope: f.fingerprint for f in engine.scan_text("m.py", "python", code)}
    # A new identical handler above them, in a new function: the old ones keep theirs.
    after = engine.scan_text("m.py", "python", f"def first():\n{body}\n\n{code}")
    assert [f.scope for f in after] == ["first", "load", "save"]
    assert {f.scope: f.fingerprint for f in after if f.scope != "first"} == before


def test_positions_and_fixes_survive_libcst_reprinting_a_file_differently() -> None:
    # LibCST 1.9 reprints `except (A, B) :` without the space: every offset after it
    # would be one off. Positions and edits are mapped back onto the real text.
    code = "try:\n    a()\nexcept (A, B) :\n    pass\ntry:\n    b()\nexcept:\n    pass\n"
    engine = Engine([ActiveRule(BareExcept, BareExcept.severity, {}, False)])
    (finding,) = engine.scan_text("m.py", "python", code)
    assert (finding.start.line, finding.start.column, finding.end.column) == (7, 1, 7)
    outcome = fix(code, BareExcept)
    assert outcome.text == code.replace("except:", "except Exception:")


def test_fix_that_changes_code_outside_its_edits_is_refused() -> None:
    code = "boom\nz\ntry:\n    a()\nexcept:\n    pass\n"
    outcome = fix(code, Swallows, BareExcept)
    assert outcome.text == code.replace("except:", "except Exception:")
    errors = [(f.start.line, f.message) for f in outcome.findings if f.is_error]
    assert errors == [
        (1, "fix of swallows refused: it changes code outside its edits (the statement at line 2)")
    ]


def test_check_fix_allows_what_fixes_do() -> None:
    before = "import os\n\n\ndef f():\n    print(x)\n    return 1\n"
    after = "import os\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f():\n    logger.info('%s', x)\n    return 1\n"
    edits = [
        Edit(10, 10, "import logging\n\nlogger = logging.getLogger(__name__)\n"),
        Edit(25, 31, "logger.info('%s', "),
    ]
    assert apply_edits(before, edits) == after
    assert check_fix(before, after, edits) is None
    # The same text, claimed to come from an edit of the import only: `f` changed unseen.
    assert check_fix(before, after, edits[:1]) == (
        "it changes code outside its edits (the statement at line 4)"
    )
